"""Step 3's measure: how badly a candidate cell agrees with the labels already placed (:class:`Cost`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from .. import geometry as geo
from ..grid import Cell
from .signs import Signs
from .slots import Slot


class Cost(NamedTuple):
    """How badly a cell agrees with the labels already placed, for one slot or summed over an assignment.

    Compared field by field in the order written here, as a tuple is (the first field that differs decides;
    the later ones only break ties): where the cell lies before how it reads, how it reads before how near it
    is. Blocks are drawn in schema order; a family's labels in field order, side by side or one under the
    other."""

    # the cell lies in another family's part of the form (1 each: :func:`_foreign`); a slot left without a
    # cell counts UNPLACED here, more than any placement, so every label that can be placed is placed
    foreign: int
    # placed labels of the slot's own family (its block, or its group) on the wrong side of it in reading
    # order for their field order
    family_order: int
    # other blocks, each represented by its first placed label, on the wrong side of it for schema order
    block_order: int
    # how little the cell looks like a label rather than a value that reads like one (:func:`_unlike`)
    unlike: int
    # the family's placed labels sharing neither a row nor a column with it
    out_of_line: int
    # distance to the nearest placed sibling (NO_EVIDENCE when there is none)
    nearest: int
    # distance to the family's own group or section label (0 when none is placed)
    from_heading: int
    # for a label with no sibling: distance to the labels of the blocks written just before and after it
    beside: int


# Cost's first fields, which read positions by order alone (which comes first, which share a row or column,
# which spans which); the rest are distances.
ORDER_FIELDS = 5
# A slot with no placed sibling has no evidence for any cell: any cell near a sibling is preferred.
NO_EVIDENCE = 10**6
# The cost of a slot left without a cell.
UNPLACED = Cost(10**3, 0, 0, 0, 0, 0, 0, 0)


class Evidence:
    """The labels placed so far, arranged for scoring: by family, and each block's first label."""

    def __init__(self, placed: list[tuple[Slot, Cell]], signs: dict[int, Signs] | None = None,
                 wanted: dict[int, set[str]] | None = None) -> None:
        self.signs = signs or {}
        self.wanted = wanted or {}  # candidate cell → the slots that want it
        self.slot_of = {id(c): s for s, c in placed}
        self.family: dict[str, list[tuple[Slot, Cell]]] = {}
        self.firsts: dict[int, tuple[Slot, Cell]] = {}
        self.by_block: dict[int, list[Cell]] = {}
        for s, c in placed:
            self.family.setdefault(s.family, []).append((s, c))
            self.by_block.setdefault(s.block, []).append(c)
            if s.block not in self.firsts or geo.after(self.firsts[s.block][1], c):
                self.firsts[s.block] = (s, c)
        self._around: dict[str, tuple[list[tuple[Slot, Cell]], list[tuple[Slot, Cell]], Cell | None, list[Cell]]] = {}

    def around(self, slot: Slot) -> tuple[list[tuple[Slot, Cell]], list[tuple[Slot, Cell]], Cell | None, list[Cell]]:
        """What a slot's cost is measured against, the same for each of its candidates (asked once): its family's
        other placed labels, the other blocks' first labels, its family's placed heading, and the placed labels
        of the blocks written just before and after its own."""
        hit = self._around.get(slot.id)
        if hit is None:
            family = [(s, c) for s, c in self.family.get(slot.family, ()) if s.id != slot.id]
            hit = self._around[slot.id] = (
                family, [sc for b, sc in self.firsts.items() if b != slot.block],
                next((c for s, c in family if s.order == -1), None),
                [c for b in (slot.block - 1, slot.block + 1) for c in self.by_block.get(b, ())])
        return hit


def cost_of(slot: Slot, cell: Cell, ev: Evidence) -> Cost:
    """How badly ``cell`` agrees with the labels already placed, for ``slot`` (see :class:`Cost`)."""
    family, others, head, adjacent = ev.around(slot)
    return Cost(
        foreign=_foreign(slot, cell, ev),
        family_order=violations(slot, cell, family, lambda s: s.order),
        block_order=violations(slot, cell, others, lambda s: s.block),
        unlike=_unlike(slot, cell, family, ev),
        out_of_line=sum(1 for _, c in family if not geo.in_line(cell, c)),
        nearest=min((geo.distance(cell, c) for _, c in family), default=NO_EVIDENCE),
        from_heading=geo.distance(cell, head) if head is not None else 0,
        beside=min((geo.distance(cell, c) for c in adjacent), default=NO_EVIDENCE))


def _foreign(slot: Slot, cell: Cell, ev: Evidence) -> int:
    """Whether the cell lies in another family's part of the form: the first filled cell left of it, or
    above it, is that family's placed group or section label (a 合计 under “三公经费预算支出” is not
    年度收入预算's, wherever the reading order would put it)."""
    sign = ev.signs.get(id(cell))
    if sign is None or slot.order == -1:
        return 0
    # a heading owns the cells on the side its own family's labels lie: right of it in its rows (a row
    # heading), or under it (a heading above its part, merged across it or typed once at its start)
    sides = ((sign.first_left, lambda h, c: h.row <= c.row <= h.last_row and c.col >= h.end_col),
             (sign.first_up, lambda h, c: c.row > h.last_row and c.col >= h.col))
    heads = [(near, owns, ev.slot_of.get(id(near)) if near is not None else None) for near, owns in sides]
    # the slot's own heading next to it wins: a section heading down the left of several groups
    # (部门基本信息 merged beside 年度收入预算 and its band) holds them, it does not take their labels
    if any(owner is not None and owner.order == -1 and owner.family == slot.family for _, _, owner in heads):
        return 0
    for near, owns, owner in heads:
        if owner is None or owner.order != -1:
            continue
        theirs = [c for s, c in ev.family.get(owner.family, ()) if s.order != -1]
        # a heading owns cells only as far down as its family's labels go (and, beside a row heading, no
        # higher): 年度绩效指标 above its table does not own 其他说明的问题 after the table, nor does 部门基本信息,
        # merged down the left of the whole top, own the band labels below its own row (经营服务收入 on the
        # second row of a split band)
        if not theirs or cell.row > max(c.last_row for c in theirs) or (
                near is sign.first_left and cell.last_row < min(c.row for c in theirs)):
            continue
        if any(owns(near, c) for c in theirs):
            return 1
    return 0


def _unlike(slot: Slot, cell: Cell, family: list[tuple[Slot, Cell]], ev: Evidence) -> int:
    """How little a cell looks like a label rather than a value that reads like one. Signs of a label: its
    colon (“联系电话：”); for a group or section label, a merge spanning its family's rows or columns (the
    heading the form's author drew), or else a row of its own when it stands above them (a cell in a row
    of values — an indicator typed “财政部门审核意见” — is a value). Signs of a value: being the only place
    a placed field label has for its value (right of it, with a label under it), or lying in another
    table's column under its header (an indicator typed like the label of the block after the table)."""
    sign = ev.signs.get(id(cell))
    if sign is None:
        return 1
    score = 0 if sign.colon else 1
    for neighbour, other, own in ((sign.left, sign.left_below, lambda n, o: o.col == n.col),
                                  (sign.above, sign.above_right, lambda n, o: o.row == n.row)):
        owner = ev.slot_of.get(id(neighbour)) if neighbour is not None else None
        if owner is None or not owner.id.startswith(("field:", "pair:")):
            continue
        if neighbour is None or neighbour is sign.above and neighbour.col != cell.col:
            continue  # not the cell under it: under a wide label, only the cell at its start is its value's
        # the neighbour's other place is none of its own (a label there — unless only this slot wants that
        # cell, which then is a value, this cell being the slot's label —, or a cell begun further back)
        if other is None or ev.wanted.get(id(other), {slot.id}) - {slot.id} or not own(neighbour, other):
            score += 1
    # the nearest label placed above it in its column (candidates left unplaced there are values)
    up = next((s for c in sign.ups if (s := ev.slot_of.get(id(c))) is not None), None)
    if up is not None and up.id.startswith("column:") and up.family != slot.family:
        score += 1
    if slot.order != -1 or not family:
        return score
    cells = [c for _, c in family]
    # merged down over its family's rows (a row heading left of them), or across their columns when they
    # stand side by side under it (a wide cell above labels stacked in one column is a value's place)
    need = min(2, len(cells))
    if (cell.rowspan > 1 and all(cell.row <= c.row and c.last_row <= cell.last_row for c in cells)) or (
            cell.colspan > 1 and all(cell.col <= c.col and c.end_col <= cell.end_col for c in cells)
            and len({c.col for c in cells}) >= need):
        return score
    beside = any(cell.row <= c.last_row and c.row <= cell.last_row for c in cells)
    return score + (2 if sign.in_values and not beside else 1)


def violations(slot: Slot, cell: Cell, placed: list[tuple[Slot, Cell]], rank: Callable[[Slot], int]) -> int:
    """How many placed labels ranked before ``slot`` come after ``cell`` in reading order, or after it before."""
    mine = rank(slot)
    count = 0
    for s, c in placed:
        if rank(s) < mine and not geo.after(cell, c):
            count += 1
        elif rank(s) > mine and not geo.after(c, cell):
            count += 1
    return count
