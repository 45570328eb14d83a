"""The whole: place the labels, take each block's values, account for every cell."""

from __future__ import annotations

from ..errors import AmbiguousLayout, NotThisForm
from ..grid import Cell, Grid
from ..schema import Schema
from ..text import norm, unnumbered
from .assign import place
from .coverage import unread
from .index import label_match
from .kinds import known_labels, take_values
from .layout import Layout
from .placement import Placement
from .slots import Slot
from .standins import find_headless, place_stand_ins


def locate(grid: Grid, schema: Schema) -> Layout:
    """Where every field of ``schema`` is on ``grid``.

    Raises NotThisForm naming the identifying labels that are missing, AmbiguousLayout when labels could
    belong to several slots equally well. Missing required labels and labels without a value cell are
    listed in ``layout.problems`` (the reader raises them), left-out optional parts in ``layout.absent``,
    and cells nothing accounts for in ``layout.unread``.
    """
    layout, p = _locate(grid, schema, frozenset())
    # A label over its value in one cell (“编制人数↵23”) may as well be a value typed so: an item “合计↵…”
    # in a table (read twice, or cutting the table short), a 目标 intro “填报人↵一” in a copy without the
    # 填报人 line. The layout without those cells is taken unless it accounts for less of the form (more
    # problems, or as many and more unread cells): the reading of a cell as a label and its value at once
    # is the exception, which only the form's coverage can make the rule.
    by_id = {s.id: s for s in p.slots}
    suspects = frozenset(id(c) for sid, c in p.cell.items() if _below_only(c, by_id[sid]))
    if suspects:
        try:
            other, _ = _locate(grid, schema, suspects)
        except (NotThisForm, AmbiguousLayout):
            return layout
        if (len(other.problems), len(other.unread)) <= (len(layout.problems), len(layout.unread)):
            return other
    return layout


def _below_only(cell: Cell, slot: Slot) -> bool:
    """Whether ``cell`` is ``slot``'s label only as a label over its value in one cell."""
    return slot.id.startswith("field:") and "\n" in cell.text and all(
        label_match(cell.text, label) is None for label in slot.labels)


def _locate(grid: Grid, schema: Schema, banned: frozenset[int]) -> tuple[Layout, Placement]:
    p = place(grid, schema, banned)
    identify = {norm(x) for x in schema.identifying_labels()}
    missing = [s for s in p.slots if s.required and s.id not in p.cell and norm(s.name) in identify]
    headless = find_headless(p)
    if any(s.id not in headless for s in missing):
        raise NotThisForm(_dedupe([s.name for s in missing]), form=schema.name, path=grid.source)
    stand_ins = place_stand_ins(grid, schema, p, headless) if headless else []
    missing = [s for s in missing if s.id not in p.cell]
    if missing:
        raise NotThisForm(_dedupe([s.name for s in missing]), form=schema.name, path=grid.source)
    ctx = take_values(grid, schema, p)
    layout = ctx.layout
    layout.stand_ins = stand_ins
    for i, block in enumerate(schema.blocks):
        mine = [s for s in p.slots if s.block == i]
        if not mine:
            continue
        if getattr(block, "optional", False) and not any(s.id in p.cell for s in mine):
            layout.absent.append(mine[0].name)
            continue
        for s in mine:
            if s.required and s.id not in p.cell:
                layout.problems.append(f"找不到标签“{s.name}”")
    layout.unread = unread(ctx)
    return layout, p


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def score(grid: Grid, schema: Schema) -> int:
    """How many of the schema's labels a grid holds (to choose the sheet that carries the form)."""
    wanted = known_labels(schema)
    return sum(1 for cell in grid.reading_order()
               if unnumbered(norm(cell.text)).rstrip(":") in wanted and grid.visible(cell))
