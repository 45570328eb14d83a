"""Coverage: every visible non-empty cell is a label, a value read or a printed note — or it is reported."""

from __future__ import annotations

from .. import geometry as geo
from ..grid import Cell, Grid
from ..text import norm
from .context import Context
from .index import repeats_above
from .layout import Unread


def unread(ctx: Context) -> list[Unread]:
    """Every visible non-empty cell that is not a label, a value read or a printed note."""
    grid, schema = ctx.grid, ctx.schema
    stand_ins = {norm(s.cell.text) for s in ctx.layout.stand_ins}  # headings worded otherwise count as labels
    seen = ctx.read | ctx.p.label_ids | ctx.extra_labels
    for loc in ctx.layout.fields.values():
        seen.add(id(loc.label))
    out = []
    for cell in grid.reading_order():
        if id(cell) in seen or cell.blank or not grid.visible(cell):
            continue
        folded = norm(cell.text)
        if any(n.search(folded) for n in schema.notes):
            continue
        # a label typed again in its section (the nearest filled cell above or left says the same); any other
        # copy of a label that no slot took is reported: it may be the form's own label, read past
        if (folded.rstrip(":") in ctx.p.known or folded in stand_ins) and (
                repeats_above(grid, cell) or _repeats_left(grid, cell)):
            continue
        out.append(Unread(cell.address, cell.text))
    return out


def _repeats_left(grid: Grid, cell: Cell) -> bool:
    """Whether the cell just left of ``cell`` in its row holds the same text."""
    left = geo.cell_at(grid, cell.row, cell.col - 1) if cell.col > 0 else None
    return left is not None and left is not cell and not left.blank and norm(left.text) == norm(cell.text)
