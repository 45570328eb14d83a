"""The placement cache: a file drawn from the same template as one placed before has the same label cells
(positions, spans, signs, whether a value follows the label in its cell), and their placement is a function
of exactly these, so it is taken over."""

from __future__ import annotations

from ..grid import Cell
from ..schema import Schema
from .signs import Signs
from .slots import Slot

# Placements remembered per process (a batch reads many files of few templates); oldest dropped first.
PLACEMENT_CACHE = 256
# key → (the schema, slot id → the index of its cell among the slot's candidates)
PLACEMENTS: dict[tuple[object, ...], tuple[Schema, dict[str, int]]] = {}


def placement_key(schema: Schema, slots: list[Slot], cands: dict[str, list[tuple[Cell, str]]],
                  signs: dict[int, Signs]) -> tuple[object, ...]:
    """What a placement is a function of. (The inline value's text is never looked at by the assignment;
    keyed by it, no two units' files — “填报单位（盖章）：<the unit>” — could share a placement.)"""
    return (id(schema), tuple(tuple((c.row, c.col, c.rowspan, c.colspan, inline != "", signs[id(c)].key())
                                    for c, inline in cands[s.id]) for s in slots))


def recall(key: tuple[object, ...], schema: Schema) -> dict[str, int] | None:
    """The placement remembered under ``key``: slot id → the index of its cell among its candidates."""
    hit = PLACEMENTS.get(key)
    return hit[1] if hit is not None and hit[0] is schema else None


def remember(key: tuple[object, ...], schema: Schema, chosen: dict[str, int]) -> None:
    if len(PLACEMENTS) >= PLACEMENT_CACHE:
        PLACEMENTS.pop(next(iter(PLACEMENTS)))
    PLACEMENTS[key] = (schema, chosen)


def clear_placements() -> None:
    """Forget the placements remembered for files seen before (they are reused only when exactly valid)."""
    PLACEMENTS.clear()
