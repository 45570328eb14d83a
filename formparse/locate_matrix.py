"""The ``matrix`` block kind: printed row labels × printed column labels, one value at each crossing.

Its slots are the section label (when the schema gives one), each printed row label (a family: their order
down the form is evidence) and each printed column label (another family, across). Once placed, the value
of row *r* and column *c* is the cell in *r*'s label row under *c*'s label — under the nearest copy of the
column labels above the row, so a matrix whose rows are split by a repeated header (a page break) reads too.
Rows and columns may come in any order and by any alias; every value becomes a field ``key.row.column``
(a :class:`~formparse.locate.FieldLoc`), so the reader's value rules and the writer's fill take it as they
take any field. Registered in :data:`formparse.locate.KINDS`.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from . import geometry as geo
from .grid import Cell
from .locate import Context, FieldLoc, Kind, Slot
from .schema import Matrix
from .text import norm


def slots(i: int, block: Matrix) -> Iterator[Slot]:
    family = f"b{i}"
    required = not block.optional
    if block.label:
        yield Slot(f"section:{block.key}", (block.label, *block.aliases), i, family, -1, required)
    for k, r in enumerate(block.rows):
        yield Slot(f"mrow:{block.key}.{r.key}", r.labels, i, family, k, required and not r.optional,
                   tables_only=True)
    for k, c in enumerate(block.columns):
        yield Slot(f"mcol:{block.key}.{c.key}", c.labels, i, f"b{i}.columns", k, required and not c.optional,
                   tables_only=True)


def _header_copies(ctx: Context, placed: Cell) -> list[Cell]:
    """The column label cell and its copies in the same column (a header printed again after a page break;
    the label may have been placed on either), top to bottom."""
    folded = norm(placed.text)
    out = []
    for r in range(len(ctx.grid.rows)):
        cell = geo.cell_at(ctx.grid, r, placed.col)
        if cell is not None and cell.row == r and (cell is placed or (
                norm(cell.text) == folded and not ctx.p.looks_like_label(cell))):
            out.append(cell)
    return out


def values(ctx: Context, i: int, block: Matrix) -> None:
    grid = ctx.grid
    rows = [(r, cell) for r in block.rows if (cell := ctx.p.of(f"mrow:{block.key}.{r.key}")) is not None]
    cols = [(c, _header_copies(ctx, cell)) for c in block.columns
            if (cell := ctx.p.of(f"mcol:{block.key}.{c.key}")) is not None]
    for _c, copies in cols:
        ctx.extra_labels.update(id(x) for x in copies)
    for r, row_label in rows:
        for c, copies in cols:
            above = [h for h in copies if h.last_row < row_label.row]
            key = f"{block.key}.{r.key}.{c.key}"
            name = f"{r.label} {c.label}"
            field = attrs.evolve(c, key=key, label=name)
            if not above:
                ctx.layout.problems.append(f"{name} ({row_label.address})：行标签在列标签“{c.label}”之上，找不到它的值")
                continue
            header = above[-1]
            cell = geo.in_span(grid, row_label.row, header.col, header.end_col)
            if cell is None or cell is row_label or ctx.p.looks_like_label(cell):
                if not (block.optional or r.optional or c.optional):
                    ctx.layout.problems.append(f"{name} ({row_label.address})：找不到填写它的单元格")
                continue
            holder = ctx.claims.get(id(cell))
            if holder is not None:
                if not cell.blank:
                    ctx.layout.problems.append(
                        f"{name} ({row_label.address})：值单元格 {cell.address} 也是“{holder}”的值，无法确定归属")
                continue
            ctx.claims[id(cell)] = name
            ctx.read.add(id(cell))
            ctx.layout.fields[key] = FieldLoc(key, field, row_label, cell)


KIND = Kind(slots, values)  # type: ignore[arg-type]
