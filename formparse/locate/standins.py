"""Blocks placed by their members: a block whose heading is worded otherwise than the schema knows is placed
by its member labels found together, the heading taken at the cell standing where it goes.
"""

from __future__ import annotations

from .. import geometry as geo
from ..grid import Cell, Grid
from ..schema import Schema, derived
from ..text import norm, unnumbered
from .kinds import schema_slots, take_values
from .layout import StandIn
from .placement import Placement
from .slots import Slot

# A block whose heading is worded otherwise than the schema knows (a county's “项目资金申请” for 资金总额及构成)
# is placed by its member labels when enough of them are found together: at least this many, and at least
# half of them (every required one among them).
MIN_MEMBERS = 2


def _headed(schema: Schema) -> dict[str, tuple[Slot, tuple[Slot, ...]]]:
    """Heading slot id → (the slot, its members): a group or section label and the labels of its family; a
    pairs field's label and its amounts' labels."""
    def make(sch: Schema) -> dict[str, tuple[Slot, tuple[Slot, ...]]]:
        slots = schema_slots(sch)
        out: dict[str, tuple[Slot, tuple[Slot, ...]]] = {}
        for s in slots:
            if s.order == -1:
                members = tuple(m for m in slots if m.family == s.family and m is not s
                                and not m.id.startswith("pair:"))
            elif s.id.startswith("field:"):
                members = tuple(m for m in slots if m.id.startswith(f"pair:{s.id[len('field:'):]}."))
            else:
                continue
            if members:
                out[s.id] = (s, members)
        return out
    return derived(schema, "headed", make)


def find_headless(p: Placement) -> dict[str, list[Cell]]:
    """The headings not placed whose members are found together: heading slot id → the members' cells.
    Together: every required member placed, at least MIN_MEMBERS and half of them, each in line with another."""
    out: dict[str, list[Cell]] = {}
    for sid, (_slot, members) in _headed(p.schema).items():
        if sid in p.cell:
            continue
        cells = [c for m in members if (c := p.cell.get(m.id)) is not None]
        if len(cells) < max(MIN_MEMBERS, (len(members) + 1) // 2):
            continue
        if any(m.required and m.id not in p.cell for m in members):
            continue
        if all(any(d is not c and geo.in_line(c, d) for d in cells) for c in cells):
            out[sid] = cells
    return out


def place_stand_ins(grid: Grid, schema: Schema, p: Placement, headless: dict[str, list[Cell]]) -> list[StandIn]:
    """Each heading of ``headless`` placed at the cell standing where it goes: left of its first member (in
    that member's row) or above it (in its column), with text, that no block reads — located once without
    these headings to know — and that is none of the schema's labels: the heading worded otherwise. A cell
    spanning the members (the heading merged over them) is taken first, then the nearer, then the one on
    the left."""
    first = take_values(grid, schema, p)
    taken = first.read | p.label_ids | first.extra_labels | {id(loc.label) for loc in first.layout.fields.values()}
    out: list[StandIn] = []
    for sid, cells in headless.items():
        slot = _headed(schema)[sid][0]
        lead = min(cells, key=lambda c: (c.row, c.col))
        options: list[tuple[tuple[int, int, int], Cell]] = []
        for side, cell in enumerate(_heading_places(grid, lead)):
            if cell is None or id(cell) in taken or not grid.visible(cell) or cell.paragraph:
                continue
            folded = unnumbered(norm(cell.text)).rstrip(":")
            if folded in p.known or any(n.search(folded) for n in schema.notes):
                continue
            if side == 0 and not all(cell.end_col <= c.col for c in cells):
                continue  # left of the heading's first member, but not of all of them
            if side >= 1 and not all(cell.last_row < c.row for c in cells):
                continue
            spans = (cell.rowspan > 1 and all(cell.row <= c.row and c.last_row <= cell.last_row for c in cells)) or (
                cell.colspan > 1 and all(cell.col <= c.col and c.end_col <= cell.end_col for c in cells))
            options.append(((0 if spans else 1, geo.distance(cell, lead), side), cell))
        if not options:
            continue
        cell = min(options, key=lambda o: o[0])[1]
        while (above := geo.first_filled(grid, cell, -1, 0)) is not None and above.col == cell.col and norm(
                above.text) == norm(cell.text) and id(above) not in taken:
            cell = above  # a heading typed in every row of its part: its first copy
        taken.add(id(cell))
        p.cell[sid] = cell
        p.label_ids.add(id(cell))
        p._placed_texts = p._headers = None  # noqa: SLF001 - read again with the heading placed
        out.append(StandIn(slot.name, cell))
    return out


def _heading_places(grid: Grid, lead: Cell) -> tuple[Cell | None, Cell | None, Cell | None]:
    """Where a heading goes, seen from its family's first label: the first filled cell left of it in its row,
    the first filled cell above it in its column, and a line of its own just above its row starting left of
    it (a table's title typed above it in the section column: “年度绩效指标” over a header row that begins
    one column right). (A heading left blank is not guessed: a blank cell there may as well be a table's
    continuation, whose header row would then be taken for another table's.)"""
    return geo.first_filled(grid, lead, 0, -1), geo.first_filled(grid, lead, -1, 0), _line_above(grid, lead)


def _line_above(grid: Grid, lead: Cell) -> Cell | None:
    """The one filled cell of the nearest row above ``lead`` holding anything (blank spacer rows passed over),
    when that row holds nothing else and the cell begins left of ``lead``; else None."""
    r = lead.row - 1
    while r >= 0 and not grid.is_paragraph_row(r) and geo.is_spacer_row(grid, r):
        r -= 1
    if r < 0 or grid.is_paragraph_row(r):
        return None
    filled = [c for c in grid.anchors(r) if not c.blank and grid.visible(c)]
    if len(filled) != 1 or filled[0].col >= lead.col or filled[0].last_row != r:
        return None
    return filled[0]
