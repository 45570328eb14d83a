"""Pure functions of a grid's geometry: neighbours, distances, spacer rows and columns, section extents.

Nothing here knows a form or a schema: labels come in as a predicate. Everything the locator
concludes from where cells are drawn is computed here, so each rule can be read (and tested) alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .grid import Cell, Grid

IsLabel = Callable[[Cell], bool]


def cell_at(grid: Grid, r: int, c: int) -> Cell | None:
    """The cell covering (r, c); an empty sheet position becomes a blank cell where the format has them."""
    if not (0 <= r < len(grid.rows)):
        return None
    line = grid.rows[r]
    if not (0 <= c < len(line)):
        return None
    cell = line[c]
    if cell is None and grid.blank is not None:
        cell = line[c] = grid.blank(r, c)
        grid._anchors.pop(r, None)  # noqa: SLF001 - the grid's own caches of row r
        grid._paragraph_rows.pop(r, None)  # noqa: SLF001
    return cell


def distance(a: Cell, b: Cell) -> int:
    """Rows plus columns from one cell's rectangle to the other's: 0 when they overlap, 1 side by side."""
    # Between the half-open row ranges and the column ranges: 0 when they overlap, else one more than the
    # lines between them. (Written out: the locator asks this hundreds of times a form, and the calls to a
    # helper, max, min and the span properties were three quarters of its cost.)
    a0, b0 = a.row, b.row
    a1, b1 = a0 + a.rowspan, b0 + b.rowspan
    rows = 0 if a0 < b1 and b0 < a1 else (a0 if a0 > b0 else b0) - (a1 if a1 < b1 else b1) + 1
    a0, b0 = a.col, b.col
    a1, b1 = a0 + a.colspan, b0 + b.colspan
    return rows + (0 if a0 < b1 and b0 < a1 else (a0 if a0 > b0 else b0) - (a1 if a1 < b1 else b1) + 1)


def in_line(a: Cell, b: Cell) -> bool:
    """Whether two cells share a row or a column (their rectangles overlap across or down)."""
    return (a.row <= b.last_row and b.row <= a.last_row) or (a.col < b.end_col and b.col < a.end_col)


def after(a: Cell, b: Cell) -> bool:
    """Whether ``a`` comes after ``b`` in reading order (row by row, left to right)."""
    return (a.row, a.col) > (b.row, b.col)


def in_span(grid: Grid, r: int, c0: int, c1: int) -> Cell | None:
    """The cell of row ``r`` under a header covering columns [c0, c1): the one with content when exactly one
    starting in the row has it (a value typed in the second half of a widened header), else the cell at c0."""
    if c1 == c0 + 1:
        return cell_at(grid, r, c0)  # one column: the rule below gives the cell there, whatever it holds
    cells = [c for c in _cells_in_span(grid, r, c0, c1) if grid.visible(c)]
    filled = [c for c in cells if not c.blank and c.row == r]
    if len(filled) == 1:
        return filled[0]
    return cell_at(grid, r, c0)


def first_filled(grid: Grid, cell: Cell, dr: int, dc: int) -> Cell | None:
    """The first visible cell with content from ``cell`` in one direction (``dr``/``dc`` -1 or 0: up or
    left), blank cells passed over; None at the grid's edge or at a paragraph (outside the table)."""
    r, c = (cell.row - 1, cell.col) if dr else (cell.row, cell.col - 1)
    while r >= 0 and c >= 0:
        if grid.is_paragraph_row(r):
            return None
        other = cell_at(grid, r, c)
        if other is not None and other is not cell and grid.visible(other) and not other.blank:
            return other
        if dr:
            r = (other.row if other is not None else r) - 1
        else:
            c = (other.col if other is not None else c) - 1
    return None


def is_spacer_row(grid: Grid, r: int) -> bool:
    """A row with nothing typed in it (a blank spacer row), or one the sheet hides."""
    return r in grid.hidden_rows or not grid.has_content(r)


def cell_under(grid: Grid, cell: Cell) -> Cell | None:
    """The cell under ``cell`` where its value would be: past spacer rows (a blank row inserted under a
    label row is not where the label's value is typed)."""
    r = cell.last_row + 1
    while r < len(grid) and is_spacer_row(grid, r):
        r += 1
    return cell_at(grid, r, cell.col) if r < len(grid) else None


def right_value(grid: Grid, label: Cell, is_label: IsLabel) -> Cell | None:
    """The value cell right of ``label`` in its first row: the first cell with content before the next
    label (blank cells between — spacer columns, the empty half of a widened cell — are passed over), or,
    when there is none, the first blank cell there."""
    if label.paragraph:
        return None
    first: Cell | None = None
    c = label.end_col
    width = len(grid.rows[label.row])
    while c < width:
        cell = cell_at(grid, label.row, c)
        if cell is None or cell is label:
            c += 1
            continue
        if not grid.visible(cell):
            c = cell.end_col
            continue
        if is_label(cell):
            break
        if not cell.blank:
            return cell
        if first is None:
            first = cell
        c = cell.end_col
    return first


def cells_right(grid: Grid, cell: Cell, is_label: IsLabel) -> Iterator[Cell]:
    """The visible cells after ``cell`` in its first row, blank ones included, up to the next label (or a
    cell merged down from a row above: another part of the form)."""
    c = cell.end_col
    width = len(grid.rows[cell.row])
    while c < width:
        other = cell_at(grid, cell.row, c)
        if other is None or other is cell:
            c += 1
            continue
        if not grid.visible(other):
            c = other.end_col
            continue
        if is_label(other) or other.row < cell.row:
            return
        yield other
        c = other.end_col


def below_value(grid: Grid, label: Cell, is_label: IsLabel, own: frozenset[int] = frozenset(), *,
                copies: IsLabel = lambda c: False, headers: IsLabel | None = None,
                copied: IsLabel = lambda c: False) -> tuple[Cell | None, list[Cell]]:
    """The value cell under ``label`` within its own columns: in the first row below that is not a
    spacer (a blank cell in a spacer row is kept as the fallback), stopping at labels (and ``copies`` of
    labels: one typed again in each row it heads), at a row where
    another label (not one of ``own``, the label's group) begins left of it — another part of the form —
    and at text outside the table (a table split right under its headers goes on in the next one).
    ``headers``: the label is a column header, whose value may lie past rows right under it that hold other
    headers (``headers``) and ``copied`` labels only, none in its columns (:func:`is_header_row_of_others`).

    Returns (the cell, other non-blank cells competing for it in the same row: an ambiguity)."""
    if label.paragraph:
        return None, []
    first: Cell | None = None
    passing = True  # no row met yet: other headers' rows right under the label may be passed
    for r in range(label.last_row + 1, len(grid.rows)):
        if r in grid.hidden_rows:
            continue
        if grid.is_paragraph_row(r):
            if any(not c.blank for c in grid.own_anchors(r)):
                break  # text between two tables: the values do not run on past it
            continue  # a table split between its headers and their values, blank paragraphs between
        if passing and headers is not None and is_header_row_of_others(grid, r, label, headers, copied):
            continue
        passing = False
        start = cell_at(grid, r, label.col)
        if start is None:
            break
        if start.col < label.col or start.row < r and start.col != label.col:
            break  # a cell from further left reaches under the label: another part of the form
        if any(c.col < label.col and id(c) not in own and not c.blank and is_label(c) for c in grid.own_anchors(r)):
            break
        inside = [c for c in _cells_in_span(grid, r, label.col, label.end_col) if grid.visible(c)]
        if not inside or any(is_label(c) or copies(c) for c in inside):
            break
        if any(c.row < r for c in inside):
            break  # merged down from above: not a value of its own
        if any(c.end_col > label.end_col and _under_others(grid, label, c) for c in inside):
            break  # a cell reaching under the label's neighbours too belongs to the row, not to this label
        filled = [c for c in inside if not c.blank]
        if filled:
            return filled[0], filled[1:]
        if any(is_label(c) for c in grid.own_anchors(r)):
            break  # a row of labels (the band's second header row): its blank cells are no values
        if not is_spacer_row(grid, r):
            return inside[0], []
        if first is None:
            first = inside[0]
    return first, []


def is_header_row_of_others(grid: Grid, r: int, label: Cell, is_header: IsLabel,
                            is_copy: IsLabel = lambda c: False) -> bool:
    """Whether row ``r`` holds other headers only, none under ``label``: a header typed over two rows without a
    merge (年度支出预算's headers in one row, 三公经费's in the next, every amount in the row after) has its
    value past such a row. The row holds a header (``is_header``), every other filled cell is one too or a
    copy of a label (``is_copy``: a section label typed in each of its rows), and ``label``'s columns are
    blank there."""
    headers = False
    for c in grid.own_anchors(r):
        if c.blank or not grid.visible(c):
            continue
        if c.col < label.end_col and label.col < c.end_col:
            return False
        if is_header(c):
            headers = True
        elif not is_copy(c):
            return False
    return headers and all(c.blank for c in _cells_in_span(grid, r, label.col, label.end_col))


def labels_passed(grid: Grid, label: Cell, value: Cell, is_label: IsLabel) -> list[Cell]:
    """The labels of the rows between ``label`` and its value under it whose columns the value reaches too: a
    value found past another header row that lies under one of those headers as well belongs to either."""
    out: list[Cell] = []
    for r in range(label.last_row + 1, value.row):
        for c in grid.own_anchors(r):
            if is_label(c) and c.col < value.end_col and value.col < c.end_col and grid.visible(c):
                out.append(c)
    return out


def paragraphs_below(grid: Grid, label: Cell, is_label: IsLabel, is_note: IsLabel = lambda c: False, *,
                     blanks: bool = False) -> list[Cell]:
    """The text under a label printed as a line of its own outside any table (a Word copy that types
    “二、单位职能概述” as a heading and its text as the paragraphs after it): the paragraphs below it, from
    the first filled one up to the next label, printed note or table. Blank paragraphs are passed over,
    or with ``blanks`` kept after the first filled one (a list's empty item lines)."""
    if not label.paragraph:
        return []
    out: list[Cell] = []
    for r in range(label.last_row + 1, len(grid.rows)):
        if r in grid.hidden_rows:
            continue
        if not grid.is_paragraph_row(r):
            if grid.has_content(r):
                break
            continue
        cells = grid.own_anchors(r)
        filled = [c for c in cells if not c.blank]
        if any(is_label(c) or is_note(c) for c in filled):
            break
        if filled:
            out.extend(filled)
        elif blanks and out:
            out.extend(cells[:1])
    return out


def _under_others(grid: Grid, label: Cell, cell: Cell) -> bool:
    """Whether ``cell`` reaches under something typed in the label's row right of the label."""
    for c in range(label.end_col, cell.end_col):
        other = grid.at(label.row, c)
        if other is not None and other is not label and not other.blank:
            return True
    return False


def _cells_in_span(grid: Grid, r: int, c0: int, c1: int) -> list[Cell]:
    out: list[Cell] = []
    line = grid.rows[r] if 0 <= r < len(grid.rows) else ()
    for c in range(c0, c1):
        # (the position read directly; cell_at only where it is empty, to make the blank cell there)
        cell = line[c] if 0 <= c < len(line) else None
        if cell is None:
            cell = cell_at(grid, r, c)
        if cell is not None and (not out or out[-1] is not cell):
            out.append(cell)
    return out


def right_is_empty(grid: Grid, label: Cell) -> bool:
    """Nothing is typed right of ``label`` in any of its rows."""
    for r in range(label.row, label.last_row + 1):
        for cell in grid.anchors(r):
            if cell.col >= label.end_col and not cell.blank and grid.visible(cell):
                return False
    return True


def is_heading(grid: Grid, label: Cell, same: Callable[[Cell], bool],
               is_label: Callable[[Cell], bool] = lambda c: False) -> bool:
    """A section label printed as a heading (a paragraph, or alone in its row with the section's content
    starting under it in its own column), not as a row heading in the left column."""
    if label.paragraph:
        return True
    if label.rowspan > 1 or not right_is_empty(grid, label):
        return False  # a label merged down over rows is their row heading, whatever they hold
    if any(c.col >= label.end_col and c.colspan > 1 for c in grid.own_anchors(label.row)):
        return False  # a merged cell drawn beside it (empty for now) is its content's place
    for r in range(label.last_row + 1, len(grid.rows)):
        if grid.is_paragraph_row(r) or is_spacer_row(grid, r):
            continue
        under = cell_at(grid, r, label.col)
        # another part's label under it: this section is empty, its label a row heading all the same
        return under is not None and under is not label and not under.blank and not same(under) and not is_label(
            under)
    return True


def section_rows(grid: Grid, label: Cell, *, heading: bool, stops: Callable[[int], bool],
                 same: Callable[[Cell], bool], continues: Callable[[int], bool] | None = None) -> list[int]:
    """The rows of a section, its label's row first — the one rule lists, tables and boxes share.

    A row heading (the label in the left column) holds the rows its rectangle covers, then those below
    whose cell in that column is blank or the same label typed again; a heading holds the rows below it.
    Either ends at a row that ``stops`` (one holding another part's label). Past a table break the
    section goes on only where ``continues`` says the new table continues it (its header repeated), or
    where the label column still allows it; a continued part is no longer bounded by the label column.
    """
    rows = [label.row]
    bounded = not heading
    block = grid.row_blocks[label.row]
    start = label.last_row + 1 if heading else label.row + 1
    for r in range(start, len(grid.rows)):
        if grid.is_paragraph_row(r):
            continue
        if r <= label.last_row:
            rows.append(r)
            continue
        if stops(r):
            break
        if grid.row_blocks[r] != block:
            block = grid.row_blocks[r]
            if continues is not None and continues(r):
                bounded = False
                rows.append(r)
                continue
        if bounded:
            left = cell_at(grid, r, label.col)
            if not (left is None or left is label or left.blank or same(left)):
                if continues is not None and continues(r):
                    bounded = False  # the header again, drawn without the label's column
                else:
                    break
        rows.append(r)
    return rows


def own_cells(grid: Grid, rows: list[int], from_col: int) -> Iterator[Cell]:
    """The visible table cells that start in ``rows`` at or right of column ``from_col``."""
    for r in rows:
        for cell in grid.own_anchors(r):
            if cell.col >= from_col and not cell.paragraph and grid.visible(cell):
                yield cell
