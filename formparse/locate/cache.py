"""The placement cache: a file drawn from the same template as one placed before has the same label cells, and
their placement is a function of what the assignment reads of them, so it is taken over.

What the assignment reads (:mod:`.scoring`, :mod:`.assign`): which cells are candidates of which slots, their
columns, whether a value follows the label in its cell (never the value's text: keyed by it, no two units'
files — “填报单位（盖章）：<the unit>” — could share a placement), their signs; the order of any two of them
in rows and columns (reading order, in line, above or below, spanning); and the distances between them
(:attr:`.scoring.Cost.nearest`, ``from_heading``, ``beside``).

So a placement has two keys. The **order** key holds all of it but the distances: each candidate's rows by
their rank among all candidates' rows, which keeps every comparison. Files of one template whose tables
hold more or fewer rows — the labels below drawn lower, a heading merged down a table longer — have the
same order key. A placement is remembered under it only when no choice was left to a distance: every
assignment was decided by the fields of :class:`.scoring.Cost` before the distances (:func:`.assign.place`
knows). Otherwise it is remembered under the **absolute** key, the order key with every candidate's rows,
which holds every position (as this cache was keyed before it had an order key).
"""

from __future__ import annotations

from ..grid import Cell
from ..schema import Schema
from .signs import Signs
from .slots import Slot

# Placements remembered per process (a batch reads many files of few templates); oldest dropped first.
PLACEMENT_CACHE = 256
# key → (the schema, slot id → the index of its cell among the slot's candidates)
PLACEMENTS: dict[tuple[object, ...], tuple[Schema, dict[str, int]]] = {}

Keys = tuple[tuple[object, ...], tuple[object, ...]]


def placement_keys(schema: Schema, slots: list[Slot], cands: dict[str, list[tuple[Cell, str]]],
                   signs: dict[int, Signs]) -> Keys:
    """The order key and the absolute key of a placement (see the module docstring)."""
    number: dict[int, int] = {}  # candidate cell → its number, in slot order (which cells slots share)
    cells: list[Cell] = []
    for s in slots:
        for c, _ in cands[s.id]:
            if id(c) not in number:
                number[id(c)] = len(cells)
                cells.append(c)
    rank = {r: k for k, r in enumerate(sorted({r for c in cells for r in (c.row, c.last_row)}))}
    # (tuples of lists, not of generators: the same tuples, made faster)
    read = tuple([(rank[c.row], rank[c.last_row], c.col, c.end_col, signs[id(c)].key(number)) for c in cells])
    order = (id(schema), read, tuple([tuple([(number[id(c)], inline != "") for c, inline in cands[s.id]])
                                      for s in slots]))
    return order, (order, tuple([(c.row, c.last_row) for c in cells]))


def recall(keys: Keys, schema: Schema) -> dict[str, int] | None:
    """The placement remembered under either key: slot id → the index of its cell among its candidates."""
    for key in keys:
        hit = PLACEMENTS.get(key)
        if hit is not None and hit[0] is schema:
            return hit[1]
    return None


def remember(keys: Keys, schema: Schema, chosen: dict[str, int], *, by_distance: bool) -> None:
    """Remember a placement: under the order key, or under the absolute one when a distance (``by_distance``)
    decided some choice."""
    if len(PLACEMENTS) >= PLACEMENT_CACHE:
        PLACEMENTS.pop(next(iter(PLACEMENTS)))
    PLACEMENTS[keys[1] if by_distance else keys[0]] = (schema, chosen)


def clear_placements() -> None:
    """Forget the placements remembered for files seen before (they are reused only when exactly valid)."""
    PLACEMENTS.clear()
