"""Find a schema's labels on a grid, tolerant of drift, and say where every value lives.

The same layout serves the reader (take values out) and the writer (put values in), so a file
is written exactly where it would be read. Blocks are found in schema order; each search starts
after the previous block, and cells already used as labels or values are never taken twice, so a
value that happens to look like a label is not mistaken for one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

import attrs

from .errors import NotThisForm
from .grid import Cell, Grid
from .schema import Band, Boxes, Field, Fields, ListBlock, Schema, Table, Title, derived
from .text import match_label, norm

Pos = tuple[int, int]
_HEADER_REACH = 3  # rows with content below a label in which its header (or values) may sit; blank rows are free


@attrs.define
class FieldLoc:
    """One scalar field: its label cell, and its value cell (None: the value sits inline after the label)."""

    key: str
    field: Field
    label: Cell
    cell: Cell | None
    inline_text: str | None = None  # the inline value as read

    @property
    def target(self) -> Cell:
        return self.cell if self.cell is not None else self.label


@attrs.define
class TitleLoc:
    block: Title
    cell: Cell
    year: int | None


@attrs.define
class ListLoc:
    block: ListBlock
    label: Cell
    intro: Cell | None
    slots: list[Cell]  # one cell per item row, in order


@attrs.define
class TableLoc:
    block: Table
    label: Cell
    header_row: int
    columns: dict[str, Cell]
    rows: list[int]  # grid rows that hold items (or empty slots)


@attrs.define
class BoxLoc:
    office: str
    label: Cell
    cells: list[Cell]


@attrs.define
class BoxesLoc:
    block: Boxes
    label: Cell
    boxes: list[BoxLoc]


@attrs.define
class Layout:
    grid: Grid
    title: TitleLoc | None = None
    fields: dict[str, FieldLoc] = attrs.Factory(dict)
    lists: list[ListLoc] = attrs.Factory(list)
    tables: list[TableLoc] = attrs.Factory(list)
    boxes: list[BoxesLoc] = attrs.Factory(list)


class _Locator:
    def __init__(self, grid: Grid, schema: Schema) -> None:
        self.grid = grid
        self.schema = schema
        self.used: set[int] = set()
        self.cursor: Pos = (0, -1)
        self.missing: list[str] = []
        self.layout = Layout(grid)
        self.known = known_labels(schema)
        # folded label text → the cells that hold it (bare, with a colon, or with an inline value),
        # in reading order: finding a label is a lookup, not a scan of the whole grid.
        self.index: dict[str, list[Cell]] = {}
        index = self.index
        for r in range(len(grid.rows)):
            for cell in grid.own_anchors(r):
                folded = norm(cell.text)
                if folded:
                    head = folded.partition(":")[0]
                    found = index.get(head)
                    if found is None:
                        index[head] = [cell]
                    else:
                        found.append(cell)

    # -- primitives -------------------------------------------------------------------------
    def use(self, *cells: Cell | None) -> None:
        for c in cells:
            if c is not None:
                self.used.add(id(c))
                row, col = self.cursor
                if c.row > row or (c.row == row and c.col > col):
                    self.cursor = (c.row, c.col)

    def find(self, labels: Iterable[str], *, after: Pos | None = None, cols: tuple[int, int] | None = None,
             rows: tuple[int, int] | None = None, tables_only: bool = False) -> tuple[Cell, str] | None:
        """The first unused cell after ``after`` that is one of ``labels``; with its inline value."""
        after_row, after_col = self.cursor if after is None else after
        labels = tuple(labels)
        index = self.index
        if len(labels) == 1:
            candidates: list[Cell] = index.get(_head(labels[0]), [])
        else:
            candidates = [c for label in labels for c in index.get(_head(label), ())]
            candidates.sort(key=lambda c: (c.row, c.col))
        used = self.used
        for cell in candidates:
            if cell.row < after_row or (cell.row == after_row and cell.col <= after_col) or id(cell) in used:
                continue
            if rows and not (rows[0] <= cell.row < rows[1]):
                continue
            if cols and not (cols[0] <= cell.col < cols[1]):
                continue
            if tables_only and cell.paragraph:
                continue
            for label in labels:
                inline = match_label(cell.text, label)
                if inline is not None:
                    return cell, inline
        return None

    def reach(self, start: int, rows: int = _HEADER_REACH) -> int:
        """One past the row where ``rows`` rows with content, counted from ``start``, end (blank spacer
        rows and paragraphs in between do not count)."""
        r, seen = start, 0
        grid = self.grid
        while r < len(grid) and seen < rows:
            if grid.has_content(r):
                seen += 1
            r += 1
        return r

    def is_known_label(self, cell: Cell) -> bool:
        folded = norm(cell.text).rstrip(":")
        return folded in self.known

    def starts_with_label(self, cell: Cell) -> bool:
        """A label, or a label with its value after a colon (“填报人：张三”)."""
        folded = norm(cell.text)
        head = folded.split(":", 1)[0]
        return head in self.known

    def is_heading(self, label: Cell) -> bool:
        """A section label printed as a heading across the table, its content in the rows below."""
        return label.paragraph or self.grid.right_of(label) is None

    def region(self, label: Cell, own: Iterable[str] = ()) -> list[int]:
        """The rows of a section, its label's row first.

        With the label in the left column, the section runs down while that column is the label's
        own merged cell or blank. With the label as a heading row, it runs down to the next row
        holding another of the form's labels (``own`` are the section's own, e.g. its header).
        """
        rows = [label.row]
        heading = self.is_heading(label)
        own_folded = {norm(x) for x in own}
        for r in range(label.last_row + 1 if heading else label.row + 1, len(self.grid)):
            if self.grid.is_paragraph_row(r):
                continue
            if heading:
                if any(id(c) not in self.used and self.starts_with_label(c)
                       and norm(c.text).split(":", 1)[0] not in own_folded for c in self.grid.own_anchors(r)):
                    break
                rows.append(r)
                continue
            left = self.grid.at(r, label.col)
            if left is label or left is None or left.blank or left.col != label.col:
                rows.append(r)
                continue
            break
        return rows

    # -- blocks -----------------------------------------------------------------------------
    def title(self, block: Title) -> None:
        for cell in self.grid.reading_order():
            m = block.pattern.match(norm(cell.text))
            if m:
                year = m.group(block.key)
                self.layout.title = TitleLoc(block, cell, int(year) if year else None)
                self.use(cell)
                return

    def fields(self, block: Fields) -> None:
        if block.section:
            found = self.find([block.section])
            if found is None:
                self.missing.append(block.section)
            else:
                self.use(found[0])
        shared: dict[str, FieldLoc] = {}  # later fields met inline in an earlier field's cell
        for i, f in enumerate(block.fields):
            if f.key in shared:
                self.layout.fields[f.key] = shared[f.key]
                continue
            found = self.find(f.labels)
            if found is None:
                if not f.optional:
                    self.missing.append(f.label)
                continue
            label, inline = found
            nxt = block.fields[i + 1] if i + 1 < len(block.fields) else None
            loc = FieldLoc(f.key, f, label, None, inline or None)
            if inline:
                # “填报人：张三    联系电话：0739…” — one cell holding several labelled values
                values = _split_inline(inline, block.fields[i + 1 :])
                loc.inline_text = values.pop("__head__")
                for later in block.fields[i + 1 :]:
                    if later.key in values:
                        shared[later.key] = FieldLoc(later.key, later, label, None, values[later.key])
            else:
                right = self.grid.right_of(label)
                if right is not None and not right.paragraph and id(right) not in self.used and not (
                    nxt is not None and _labelled(right.text, nxt.labels)
                ):
                    loc.cell = right
            self.layout.fields[f.key] = loc
            self.use(label, loc.cell)

    def band(self, block: Band) -> None:
        first = block.groups[0]
        found = self.find(first.labels)
        if found is None:
            self.missing.extend(g.label for g in block.groups)
            return
        heads = [found[0]]
        row = found[0].row
        for g in block.groups[1:]:
            other = self.find(g.labels, after=(row, heads[-1].col), rows=(row, row + 1))
            if other is None:
                other = self.find(g.labels, after=(heads[-1].row, heads[-1].col))
            if other is None:
                self.missing.append(g.label)
                heads.append(heads[-1])
                continue
            heads.append(other[0])
        self.use(*heads)
        last = self.cursor
        for k, (g, head) in enumerate(zip(block.groups, heads, strict=True)):
            later = [h.col for h in heads[k + 1 :] if h.row == head.row and h.col > head.col]
            cols = (head.col, min(later) if later else 10**6)
            reach = (head.last_row + 1, self.reach(head.last_row + 1))
            header_cells: list[tuple[Field, Cell]] = []
            pos: Pos = (head.last_row, -1)
            for f in g.fields:
                hit = self.find(f.labels, after=pos, cols=cols, rows=reach, tables_only=True)
                if hit is None:
                    if not f.optional:
                        self.missing.append(f"{g.label} {f.label}")
                    continue
                header_cells.append((f, hit[0]))
                pos = (hit[0].row, hit[0].col)
                self.use(hit[0])
            if not header_cells:
                continue
            value_row = self._value_row(max(c.last_row for _, c in header_cells), [c for _, c in header_cells],
                                        heads[0].col)
            for f, hc in header_cells:
                cell = self.grid.at(value_row, hc.col) if value_row is not None else None
                if cell is hc or (cell is not None and id(cell) in self.used):
                    cell = None
                key = f"{g.key}.{f.key}"
                self.layout.fields[key] = FieldLoc(key, f, hc, cell)
                self.use(cell)
            last = max(last, self.cursor)
        self.cursor = last

    def _value_row(self, header_last: int, headers: list[Cell], left: int) -> int | None:
        """The row under a header row holding its values; blank spacer rows in between are skipped.

        ``left`` is the band's first column: a filled cell left of it starts another section.
        """
        first = None
        for r in range(header_last + 1, self.reach(header_last + 1)):
            if self.grid.is_paragraph_row(r):
                continue
            cells = [self.grid.at(r, h.col) for h in headers]
            present = [c for c in cells if c is not None]
            own = self.grid.own_anchors(r)
            if (any(c.row == r and self.is_known_label(c) for c in present)
                    or len({id(c) for c in present}) < len(present)  # one cell across several headers
                    or any(c.col < left and not c.blank for c in own)):  # a new section begins
                break
            if first is None:
                first = r
            if any(c.row == r and not c.blank for c in present):
                return r
            if any(not c.blank for c in own):
                break
        return first

    def list_block(self, block: ListBlock) -> None:
        found = self.find([block.label], tables_only=True) or self.find([block.label])
        if found is None:
            self.missing.append(block.label)
            return
        label = found[0]
        self.use(label)
        heading = self.is_heading(label)
        intro = None if heading else self.grid.right_of(label)
        if intro is not None and (intro.row != label.row or intro.paragraph):
            intro = None
        first_col = label.col if heading else label.end_col
        slots: list[Cell] = []
        for r in self.region(label)[1:]:
            slots.extend(c for c in self.grid.own_anchors(r) if c.col >= first_col and not c.paragraph)
        if heading and slots:
            # the sentence before the goals: unnumbered, and followed by numbered ones or ending in a colon
            marker = block.marker_re
            head = slots[0]
            if not marker.match(head.text) and (
                norm(head.text).endswith(":") or any(marker.match(c.text) for c in slots[1:])
            ):
                intro, slots = head, slots[1:]
        self.use(intro, *slots)
        self.layout.lists.append(ListLoc(block, label, intro, slots))

    def table(self, block: Table) -> None:
        found = self.find([block.label], tables_only=True) or self.find([block.label])
        if found is None:
            self.missing.append(block.label)
            return
        label = found[0]
        self.use(label)
        columns: dict[str, Cell] = {}
        pos: Pos = (label.row, label.col)
        reach = (label.row, self.reach(label.last_row + 1))
        first_col = label.col if self.is_heading(label) else label.end_col
        for col in block.columns:
            hit = self.find(col.labels, after=pos, cols=(first_col, 10**6), rows=reach, tables_only=True)
            if hit is None:
                if not col.optional:
                    self.missing.append(col.label)
                continue
            columns[col.key] = hit[0]
            pos = (hit[0].row, hit[0].col)
            self.use(hit[0])
        if not columns:
            return
        header_row = max(c.last_row for c in columns.values())
        rows = []
        for r in self.region(label, own=[lab for c in block.columns for lab in c.labels]):
            if r <= header_row:
                continue
            if self._repeats_header(r, block, columns):
                continue  # the header row repeated where the table breaks across pages
            rows.append(r)
        for r in rows:
            self.use(*(self.grid.at(r, c.col) for c in columns.values()))
        self.layout.tables.append(TableLoc(block, label, header_row, columns, rows))

    def _repeats_header(self, r: int, block: Table, columns: dict[str, Cell]) -> bool:
        """Whether row ``r`` is the header row again: every column's cell holds that column's label."""
        for col in block.columns:
            header = columns.get(col.key)
            if header is None:
                continue
            cell = self.grid.at(r, header.col)
            if cell is None or cell.row != r or not any(match_label(cell.text, lab) == "" for lab in col.labels):
                return False
        return True

    def boxes(self, block: Boxes) -> None:
        found = self.find([block.label], tables_only=True) or self.find([block.label])
        if found is None:
            self.missing.append(block.label)
            return
        label = found[0]
        self.use(label)
        region = self.region(label)
        if self.is_heading(label):
            region = region[1:]
            firsts = [c for r in region for c in self.grid.own_anchors(r) if not c.blank and not c.paragraph]
            if not firsts:
                self.layout.boxes.append(BoxesLoc(block, label, []))
                return
            office_col = firsts[0].col
        else:
            first = self.grid.right_of(label)
            if first is None:
                self.layout.boxes.append(BoxesLoc(block, label, []))
                return
            office_col = first.col
        starts: list[Cell] = []
        for r in region:
            cell = self.grid.at(r, office_col)
            if cell is not None and cell.row == r and not cell.blank and cell.col == office_col:
                starts.append(cell)
        boxes: list[BoxLoc] = []
        suffix = norm(block.office_suffix)
        for k, office in enumerate(starts):
            stop = starts[k + 1].row if k + 1 < len(starts) else region[-1] + 1
            rows = []
            for r in region:
                if not office.row <= r < stop:
                    continue
                # a box runs on past a table break (its office cell then reads blank), but not into a
                # row that begins another labelled part of the form, such as 填报人
                if r > office.last_row and any(c.col < office.end_col and self.starts_with_label(c)
                                               for c in self.grid.own_anchors(r)):
                    break
                rows.append(r)
            cells = [c for r in rows for c in self.grid.own_anchors(r) if c.col >= office.end_col and not c.paragraph]
            name = norm(office.text)
            name = name[: -len(suffix)] if name.endswith(suffix) and len(name) > len(suffix) else name
            boxes.append(BoxLoc(name, office, cells))
            self.use(office, *cells)
        self.layout.boxes.append(BoxesLoc(block, label, boxes))

    def run(self) -> Layout:
        for block in self.schema.blocks:
            if isinstance(block, Title):
                self.title(block)
            elif isinstance(block, Fields):
                self.fields(block)
            elif isinstance(block, Band):
                self.band(block)
            elif isinstance(block, ListBlock):
                self.list_block(block)
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Boxes):
                self.boxes(block)
        if self.missing:
            raise NotThisForm(_dedupe(self.missing), form=self.schema.name, path=self.grid.source)
        return self.layout


@functools.lru_cache(maxsize=1024)
def _head(label: str) -> str:
    """A label as the index keys it: folded, up to any colon."""
    return norm(label).partition(":")[0]


def _labelled(text: str, labels: tuple[str, ...]) -> bool:
    """Whether ``text`` is a label written with its colon (so it is not a value)."""
    return norm(text).startswith(_with_colons(labels))


@functools.lru_cache(maxsize=256)
def _with_colons(labels: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(norm(label) + ":" for label in labels)


def _label_re(label: str) -> re.Pattern[str]:
    """A label in running text: any white space between its characters, then a colon."""
    chars = [re.escape(ch) for ch in norm(label)]
    return re.compile(r"\s*".join(chars) + r"\s*[:：]")


def _split_inline(text: str, later: Iterable[Field]) -> dict[str, str | None]:
    """Cut an inline value where a later field's “label：” begins; {key: value} for those found."""
    cuts: list[tuple[int, int, str]] = []
    for f in later:
        for label in f.labels:
            m = _label_re(label).search(text)
            if m:
                cuts.append((m.start(), m.end(), f.key))
                break
    cuts.sort()
    out: dict[str, str | None] = {}
    first = cuts[0][0] if cuts else len(text)
    out["__head__"] = text[:first].strip() or None
    for k, (_start, end, key) in enumerate(cuts):
        stop = cuts[k + 1][0] if k + 1 < len(cuts) else len(text)
        out[key] = text[end:stop].strip() or None
    return out


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def all_labels(schema: Schema) -> Iterator[str]:
    for block in schema.blocks:
        if isinstance(block, Fields):
            if block.section:
                yield block.section
            for f in block.fields:
                yield from f.labels
        elif isinstance(block, Band):
            for g in block.groups:
                yield from g.labels
                for f in g.fields:
                    yield from f.labels
        elif isinstance(block, ListBlock | Boxes):
            yield block.label
        elif isinstance(block, Table):
            yield block.label
            for c in block.columns:
                yield from c.labels


def known_labels(schema: Schema) -> frozenset[str]:
    """Every label of the schema, folded."""
    return derived(schema, "known_labels", lambda s: frozenset(norm(label) for label in all_labels(s)))


def locate(grid: Grid, schema: Schema) -> Layout:
    """Where every field of ``schema`` is on ``grid``. Raises NotThisForm listing missing labels."""
    return _Locator(grid, schema).run()


def score(grid: Grid, schema: Schema) -> int:
    """How many of the schema's labels a grid holds (to choose the sheet that carries the form)."""
    wanted = known_labels(schema)
    return sum(1 for cell in grid.reading_order() if norm(cell.text).rstrip(":") in wanted)


def split_items(text: str, marker: re.Pattern[str]) -> tuple[str, list[str]]:
    """Split a cell's text at lines that start with an item number: (text before, [items])."""
    head: list[str] = []
    items: list[list[str]] = []
    for line in text.split("\n"):
        m = marker.match(line)
        if m:
            items.append([line[m.end() :]])
        elif items:
            items[-1].append(line)
        else:
            head.append(line)
    return "\n".join(head), ["\n".join(lines) for lines in items]
