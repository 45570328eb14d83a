"""The table kind: a section label over a header of column labels and the item rows under it, across page
breaks (the header repeated, or a continuation whose columns line up with it).
"""

from __future__ import annotations

from collections.abc import Iterator

from ... import geometry as geo
from ...grid import Cell, Grid
from ...schema import Table
from ...text import match_label, norm
from ..context import Context, section
from ..layout import TableLoc, TablePart
from ..slots import Slot


def slots(i: int, block: Table) -> Iterator[Slot]:
    family = f"b{i}"
    yield Slot(f"section:{block.key}", (block.label, *block.aliases), i, family, -1, not block.optional)
    for k, c in enumerate(block.columns):
        yield Slot(f"column:{block.key}.{c.key}", c.labels, i, family, k, not (c.optional or block.optional),
                   tables_only=True)


def values(ctx: Context, i: int, block: Table) -> None:
    label = ctx.p.of(f"section:{block.key}")
    headers = {c.key: ctx.p.of(f"column:{block.key}.{c.key}") for c in block.columns}
    columns: dict[str, Cell] = {k: v for k, v in headers.items() if v is not None}
    if label is None or not columns:
        return
    grid = ctx.grid
    first_header = min(columns.values(), key=lambda c: (c.row, c.col))
    header_row = max(c.last_row for c in columns.values())
    required = [c for c in block.columns if not c.optional and c.key in columns]

    # (match_label is "" only for a text whose fold begins with the label's: the rest are passed over cheaply,
    # as most rows of a long table hold no label at all — a cell beginning with none of them at once)
    folded_labels = [(col, [(lab, norm(lab)) for lab in col.labels]) for col in block.columns]
    any_label = tuple(want for _col, labels in folded_labels for _lab, want in labels)
    seen: dict[int, dict[str, Cell] | None] = {}  # row → header_in(row): asked for the section and for the items

    def header_in(r: int) -> dict[str, Cell] | None:
        """Row ``r`` as the header again (a table broken across pages): its column label cells."""
        if r in seen:
            return seen[r]
        found: dict[str, Cell] = {}
        for cell in grid.own_anchors(r):
            folded = norm(cell.text)
            if not folded.startswith(any_label):
                continue
            for col, labels in folded_labels:
                if col.key not in found and any(folded.startswith(want) and match_label(cell.text, lab) == ""
                                                for lab, want in labels):
                    found[col.key] = cell
                    break
        out = seen[r] = found if all(c.key in found for c in required) and len(found) >= 2 else None
        return out

    def continues(r: int) -> bool:
        return header_in(r) is not None

    heading, rows = section(ctx, i, label, continues)
    mapping = {k: c.col for k, c in columns.items()}
    ends = {k: c.end_col for k, c in columns.items()}
    parts: list[TablePart] = [TablePart(dict(mapping), [], dict(ends))]
    block_of = grid.row_blocks[header_row]
    left = min(c.col for c in columns.values())
    for r in rows:
        if r <= header_row and grid.row_blocks[r] == grid.row_blocks[first_header.row]:
            continue
        if r < first_header.row:
            continue  # the section label's own rows above the header (a heading line, a table of its own)
        again = header_in(r)
        if again is not None or grid.row_blocks[r] != block_of:
            _drop_gap(grid, parts[-1])
        if again is not None:
            ctx.extra_labels.update(id(c) for c in again.values())
            mapping = {k: c.col for k, c in again.items()}
            ends = {k: c.end_col for k, c in again.items()}
            parts.append(TablePart(dict(mapping), [], dict(ends)))
            block_of = grid.row_blocks[r]
            continue
        if grid.row_blocks[r] != block_of:
            # a new table without the header repeated: its columns must line up with the header's
            block_of = grid.row_blocks[r]
            starts = {c.col for c in grid.own_anchors(r) if c.col >= left}
            if not set(mapping.values()) <= starts:
                ordered = sorted((c for c in grid.own_anchors(r) if c.col >= left), key=lambda c: c.col)
                if len(ordered) != len(mapping):
                    ctx.layout.problems.append(
                        f"{block.label}：续表（{_first_address(grid, r)} 起）的列与表头对不上，无法读取")
                    break
                keys = sorted(mapping, key=mapping.__getitem__)
                mapping = {k: c.col for k, c in zip(keys, ordered, strict=True)}
                ends = {k: c.end_col for k, c in zip(keys, ordered, strict=True)}
            parts.append(TablePart(dict(mapping), [], dict(ends)))
        if _spans_columns(grid, r, mapping, block):
            break  # one cell across several columns: a note under the table, not an item
        parts[-1].rows.append(r)
    parts = [p for p in parts if p.rows or p is parts[0]]
    all_rows = [r for p in parts for r in p.rows]
    read = ctx.read
    for part in parts:
        for r in part.rows:
            line = grid.rows[r]
            for key, c in part.columns.items():
                for k in range(c, part.ends.get(key, c + 1)):
                    # (the position read directly; cell_at only where it is empty, to make the blank cell there)
                    cell = line[k] if 0 <= k < len(line) else None
                    if cell is None:
                        cell = geo.cell_at(grid, r, k)
                    if cell is not None:
                        read.add(id(cell))
    ctx.layout.tables.append(TableLoc(block, label, header_row, columns, all_rows, parts))


def _spans_columns(grid: Grid, r: int, mapping: dict[str, int], block: Table) -> bool:
    """Whether a non-blank cell starting in row ``r`` covers two of the table's value columns."""
    merged = {c.key for c in block.columns if c.carry is not None}
    value_cols = sorted(col for key, col in mapping.items() if key not in merged)
    for cell in grid.own_anchors(r):
        if cell.blank:
            continue
        covered = [c for c in value_cols if cell.col <= c < cell.end_col]
        if len(covered) >= 2:
            return True
    return False


def _drop_gap(grid: Grid, part: TablePart) -> None:
    """Blank rows ending a part just before the table breaks, drawn otherwise than the items (the gap
    left at a page break), are no item slots."""
    while part.rows and not grid.has_content(part.rows[-1]) and not _lines_up(
            grid, part.rows[-1], part.columns, part.ends):
        part.rows.pop()


def _lines_up(grid: Grid, r: int, mapping: dict[str, int], ends: dict[str, int]) -> bool:
    """Whether row ``r`` has a cell under each header, as wide as the header."""
    for key, c in mapping.items():
        cell = geo.cell_at(grid, r, c)
        if cell is None or cell.col != c or cell.end_col != ends.get(key, c + 1):
            return False
    return True


def _first_address(grid: Grid, r: int) -> str:
    anchors = grid.own_anchors(r)
    return anchors[0].address if anchors else f"第{r + 1}行"
