"""Which cell each slot took (the outcome of steps 1-4), and the questions the value rules ask of it."""

from __future__ import annotations

from .. import geometry as geo
from ..grid import Cell, Grid
from ..schema import Schema
from ..text import norm
from .slots import Slot


class Placement:
    """Which cell each slot took (the outcome of steps 1–4), and which cells are labels."""

    def __init__(self, grid: Grid, schema: Schema, slots: list[Slot], known: frozenset[str]) -> None:
        self.grid = grid
        self.schema = schema
        self.slots = slots
        self.cell: dict[str, Cell] = {}  # slot id → its label cell
        self.inline: dict[str, str] = {}  # slot id → the value written after its label, when there is one
        self.label_ids: set[int] = set()  # every cell placed as a label
        self.known = known  # every label of the schema, folded
        # the placed labels' texts and header cells, asked once the labels are placed (for reading values)
        self._placed_texts: frozenset[str] | None = None
        self._headers: frozenset[int] | None = None

    def of(self, slot_id: str) -> Cell | None:
        return self.cell.get(slot_id)

    def drop(self, slot_id: str) -> None:
        """Take a slot's label back (its cell stays a label while another slot holds it)."""
        cell = self.cell.pop(slot_id, None)
        self.inline.pop(slot_id, None)
        if cell is not None and not any(c is cell for c in self.cell.values()):
            self.label_ids.discard(id(cell))

    def looks_like_label(self, cell: Cell) -> bool:
        """A placed label. (A cell that merely reads like one may be a value: “合计” typed as an indicator.)"""
        return id(cell) in self.label_ids

    def is_header(self, cell: Cell) -> bool:
        """A cell placed as a header: a band's or table's column label, an office, an amount's label."""
        if self._headers is None:
            self._headers = frozenset(id(c) for s in self.slots if s.tables_only and (c := self.cell.get(s.id)))
        return id(cell) in self._headers

    def reads_as_placed(self, cell: Cell) -> bool:
        """A placed label, or a cell reading exactly like one (a section label typed again in each of its rows)."""
        if id(cell) in self.label_ids:
            return True
        if self._placed_texts is None:
            self._placed_texts = frozenset(norm(c.text).rstrip(":") for c in self.cell.values())
        return norm(cell.text).rstrip(":") in self._placed_texts

    def repeats_label(self, cell: Cell, other_than: Cell | None = None) -> bool:
        """A placed label typed again in the rows next to it, in its column (a row heading typed in every row
        of its rows instead of merged over them): a copy of the label, never a value of another one. (Not
        of ``other_than``: under the label whose value is sought, its own text is that value.)"""
        if cell.blank or id(cell) in self.label_ids:
            return False
        folded = norm(cell.text).rstrip(":")
        for label in self.cell.values():
            if label is other_than:
                continue
            if label.col != cell.col or label.paragraph or norm(label.text).rstrip(":") != folded:
                continue
            lo, hi = sorted((label.row, cell.row))
            between = (geo.cell_at(self.grid, r, cell.col) for r in range(lo + 1, hi))
            if all(c is not None and norm(c.text).rstrip(":") == folded for c in between):
                return True
        return False
