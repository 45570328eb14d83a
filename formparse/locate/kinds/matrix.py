"""The matrix kind: printed row labels × printed column labels, one value at each crossing.

Its slots are the section label (when the schema gives one), each printed row label (a family: their order
down the form is evidence) and each printed column label (another family, across). Once placed, the value of
row r and column c is the cell in r's label row under c's label — the nearest header row above the row label
holding c, so a matrix whose rows are split by a repeated header (a page break), or whose columns are split
into halves each with the row labels again, reads too. Rows and columns may come in any order and by any
alias; every value becomes a field ``key.row.column`` (a FieldLoc), so the reader's value rules and the
writer's fill take it as they take any field.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from ... import geometry as geo
from ...grid import Cell
from ...schema import Matrix
from ...text import norm
from ..context import Context
from ..layout import FieldLoc
from ..slots import Slot


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


def _matrix_copies(ctx: Context, placed: Cell, rows: range) -> list[Cell]:
    """A placed label and its copies in the same column within ``rows`` (a header printed again after a page
    break, the row labels printed again under a second half of the columns; the label may have been placed
    on any), top to bottom."""
    folded = norm(placed.text)
    out = []
    for r in rows:
        cell = geo.cell_at(ctx.grid, r, placed.col)
        if cell is not None and cell.row == r and (cell is placed or (
                norm(cell.text) == folded and not ctx.p.looks_like_label(cell))):
            out.append(cell)
    return out or [placed]


def _matrix_extent(ctx: Context, i: int, placed: list[Cell]) -> range:
    """The rows of the matrix: around its placed labels, up to the rows of other blocks' labels."""
    top = min(c.row for c in placed)
    stops = ctx.own_stops(i)
    while top > 0 and not stops(top - 1):
        top -= 1
    bottom = max(c.last_row for c in placed)
    r = bottom + 1
    while r < len(ctx.grid.rows) and not stops(r):
        r += 1
    return range(top, r)


def values(ctx: Context, i: int, block: Matrix) -> None:
    """Each row label (or copy of it) takes the columns of the nearest header row above it: a matrix split
    by a repeated header reads row by row, one split into halves of columns (the row labels printed again
    under the second half) column by column."""
    grid = ctx.grid
    placed_rows = [(r, cell) for r in block.rows if (cell := ctx.p.of(f"mrow:{block.key}.{r.key}")) is not None]
    placed_cols = [(c, cell) for c in block.columns if (cell := ctx.p.of(f"mcol:{block.key}.{c.key}")) is not None]
    if not placed_rows or not placed_cols:
        return
    extent = _matrix_extent(ctx, i, [cell for _x, cell in (*placed_rows, *placed_cols)])
    rows = [(r, _matrix_copies(ctx, cell, extent)) for r, cell in placed_rows]
    cols = [(c, _matrix_copies(ctx, cell, extent)) for c, cell in placed_cols]
    for _item, copies in (*rows, *cols):
        ctx.extra_labels.update(id(x) for x in copies)
    header_rows = sorted({h.row for _c, copies in cols for h in copies})
    for r, row_copies in rows:
        for c, col_copies in cols:
            key = f"{block.key}.{r.key}.{c.key}"
            name = f"{r.label} {c.label}"
            found = None
            for row_label in row_copies:
                above = [h for h in header_rows if h < row_label.row]
                header = next((h for h in col_copies if above and h.row == above[-1]), None)
                if header is not None:
                    found = (row_label, header)
                    break
            if found is None:
                where = row_copies[0].address
                ctx.layout.problems.append(f"{name} ({where})：行标签上方没有列标签“{c.label}”，找不到它的值")
                continue
            row_label, header = found
            cell = geo.in_span(grid, row_label.row, header.col, header.end_col)
            if cell is None or cell is row_label or ctx.p.looks_like_label(cell) or id(cell) in ctx.extra_labels:
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
            field = attrs.evolve(c, key=key, label=name)
            ctx.layout.fields[key] = FieldLoc(key, field, row_label, cell)
