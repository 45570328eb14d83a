"""The title kind: the form's title (with its year), and the year's own line under it."""

from __future__ import annotations

from collections.abc import Iterator

from ...schema import Title
from ...text import norm
from ..context import Context
from ..layout import TitleLoc
from ..slots import Slot


def slots(i: int, block: Title) -> Iterator[Slot]:
    return iter(())


def values(ctx: Context, i: int, block: Title) -> None:
    for cell in ctx.grid.reading_order():
        if not ctx.grid.visible(cell):
            continue
        m = block.pattern.match(norm(cell.text))
        if m:
            year = m.group(block.key)
            loc = ctx.layout.title = TitleLoc(block, cell, int(year) if year else None)
            ctx.read.add(id(cell))
            if block.year_pattern is not None:
                _year_line(ctx, loc)
            return


# How far past the title (cells in reading order) its year line may be printed.
YEAR_LINE_REACH = 3


def _year_line(ctx: Context, loc: TitleLoc) -> None:
    """The cell under the title that holds the year (“（2020年度）”), among the next few in reading order."""
    pattern = loc.block.year_pattern
    assert pattern is not None
    seen = 0
    after = False
    for cell in ctx.grid.reading_order(loc.cell.row):
        if cell is loc.cell:
            after = True
            continue
        if not after or cell.blank or not ctx.grid.visible(cell):
            continue
        if id(cell) in ctx.p.label_ids or seen >= YEAR_LINE_REACH:
            return
        seen += 1
        m = pattern.match(norm(cell.text))
        if m:
            loc.year_cell = cell
            ctx.read.add(id(cell))
            if loc.year is None and m.group(loc.block.key):
                loc.year = int(m.group(loc.block.key))
            return
