"""What every block kind's value step needs (:class:`Context`: the grid, the placement, the layout being
built, the cells read), and the rules several kinds share: a label's value cell, a section's rows.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import geometry as geo
from ..errors import AmbiguousLayout
from ..grid import Cell, Grid
from ..schema import Schema
from ..text import norm, unnumbered
from .layout import Layout
from .placement import Placement


class Context:
    """What every block's value step needs: the grid, the placement, the layout being built."""

    def __init__(self, grid: Grid, schema: Schema, placement: Placement) -> None:
        self.grid = grid
        self.schema = schema
        self.p = placement
        self.layout = Layout(grid)
        self.read: set[int] = set()  # cells read as values
        self.extra_labels: set[int] = set()  # label cells met again (a repeated header or section label)
        self.claims: dict[int, str] = {}  # value cell → the label that took it
        self._families: dict[str, frozenset[int]] = {}
        self._family_of = {s.id: s.family for s in placement.slots}  # slot id → its family
        self._neighbours: dict[int, tuple[Cell | None, Cell | None, list[Cell]]] = {}

    def is_known_label(self, cell: Cell) -> bool:
        """A placed label, or a cell reading as one of the schema's labels (bare or with a section ordinal)."""
        return self.p.looks_like_label(cell) or unnumbered(norm(cell.text)).rstrip(":") in self.p.known

    def is_note(self, cell: Cell) -> bool:
        """Printed text that carries no value (the schema's ``notes``)."""
        folded = norm(cell.text)
        return any(n.search(folded) for n in self.schema.notes)

    def own_stops(self, block: int) -> Callable[[int], bool]:
        """Whether a row holds a placed label of another block (where a section of ``block`` ends)."""
        mine = {s.id for s in self.p.slots if s.block == block}
        others = {id(c) for k, c in self.p.cell.items() if k not in mine}

        def stops(r: int) -> bool:
            return any(id(c) in others for c in self.grid.own_anchors(r))

        return stops

    def family_heads(self, slot_id: str) -> frozenset[int]:
        """The placed heading of a slot's family (its group or section label), if any: the one label that may
        begin left of the slot's value in a lower row (typed once in the left column, or centred in it).
        A sibling field's label there starts a row of its own: the cell beside it is that field's value."""
        family = self._family_of[slot_id]
        hit = self._families.get(family)
        if hit is None:
            hit = self._families[family] = frozenset(
                id(c) for s in self.p.slots
                if s.family == family and s.order < 0 and (c := self.p.of(s.id)) is not None)
        return hit

    def neighbours(self, label: Cell, slot_id: str, *, header: bool = False
                   ) -> tuple[Cell | None, Cell | None, list[Cell]]:
        """(the value candidate right of ``label``, the one below it, rivals of that one), computed once.
        ``header``: a band's column header, whose value may lie past another group's header row."""
        hit = self._neighbours.get(id(label))
        if hit is None:
            grid, is_label = self.grid, self.p.looks_like_label
            below, rivals = geo.below_value(grid, label, is_label, self.family_heads(slot_id),
                                            copies=lambda c: self.p.repeats_label(c, other_than=label),
                                            headers=self.p.is_header if header else None,
                                            copied=self.p.reads_as_placed)
            if header and below is not None and below.row > label.last_row + 1:
                _passed_headers_agree(grid, label, below, is_label)
            hit = self._neighbours[id(label)] = (geo.right_value(grid, label, is_label), below, rivals)
        return hit

    def value_cell(self, label: Cell, prefer: str, name: str, slot_id: str, *, only: bool = False,
                   header: bool = False) -> Cell | None:
        """The value cell of a label: right of it or below it, ``prefer`` deciding when both could be
        (``only``: in that direction alone; ``header``: see :meth:`neighbours`)."""
        right, below, rivals = self.neighbours(label, slot_id, header=header)
        first, second = (right, below) if prefer == "right" else (below, right)
        if only:
            second = None
        chosen: Cell | None
        if first is not None and not first.blank:
            chosen = first
        elif second is not None and not second.blank:
            chosen = second
        else:
            chosen = first if first is not None else second
        if chosen is below and chosen is not None and rivals:
            where = "、".join(c.address for c in [below, *rivals] if c is not None)
            self.layout.problems.append(f"{name} ({label.address})：下方有多个值（{where}），无法确定哪个是它的值")
            return None
        if chosen is not None:
            holder = self.claims.get(id(chosen))
            if holder is not None:
                if not chosen.blank:
                    self.layout.problems.append(
                        f"{name} ({label.address})：值单元格 {chosen.address} 也是“{holder}”的值，无法确定归属")
                return None
            self.claims[id(chosen)] = name
            self.read.add(id(chosen))
        return chosen


def _passed_headers_agree(grid: Grid, label: Cell, value: Cell, is_label: Callable[[Cell], bool]) -> None:
    """A value found under a header past another header row must not lie under a header of that row too
    (an amount merged across both): which one it belongs to is not for the locator to guess."""
    others = geo.labels_passed(grid, label, value, is_label)
    if others:
        cells = [label.address, *(c.address for c in others)]
        names = "、".join(f"“{' '.join(c.text.split())}”" for c in (label, *others))
        where = "、".join(cells)
        raise AmbiguousLayout(f"{names} ({where}) 下方是同一个值单元格 {value.address}，无法确定它属于哪一栏",
                              cells=cells, path=grid.source)


def section(ctx: Context, i: int, label: Cell, continues: Callable[[int], bool] | None = None
             ) -> tuple[bool, list[int]]:
    """Whether a section label is a heading, and its rows (see geometry.section_rows)."""
    folded = norm(label.text).rstrip(":")

    def same(cell: Cell) -> bool:
        return norm(cell.text).rstrip(":") == folded

    mine = {s.id for s in ctx.p.slots if s.block == i}
    others = {id(c) for k, c in ctx.p.cell.items() if k not in mine}
    heading = geo.is_heading(ctx.grid, label, same, lambda c: id(c) in others)
    rows = geo.section_rows(ctx.grid, label, heading=heading, stops=ctx.own_stops(i), same=same,
                            continues=continues)
    for r in rows:  # the label typed again in every row of its section
        cell = geo.cell_at(ctx.grid, r, label.col)
        if cell is not None and cell is not label and same(cell):
            ctx.extra_labels.add(id(cell))
    return heading, rows


def placed_section(ctx: Context, i: int, key: str) -> tuple[Cell, bool, list[int]] | None:
    """Block ``i``'s placed section label (slot ``section:key``), whether it is a heading, and its rows; None
    when the label is not placed."""
    label = ctx.p.of(f"section:{key}")
    if label is None:
        return None
    heading, rows = section(ctx, i, label)
    return label, heading, rows
