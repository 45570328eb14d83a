"""The block kinds behind one registry: each kind (a module of this package) says which slots it needs and
how it takes its values once they are placed; nothing else branches on a block's kind. A new kind is one
module and one line of :data:`KINDS`."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import attrs

from ...grid import Grid
from ...schema import Band, Boxes, Fields, ListBlock, Matrix, Schema, Table, Title, derived
from ...text import norm
from ..context import Context
from ..placement import Placement
from ..slots import Slot
from . import band, boxes, fields, lists, matrix, table, title


@attrs.frozen
class Kind:
    """A block kind: the slots it needs, and how it takes its values once they are placed."""

    slots: Callable[[int, object], Iterator[Slot]]
    values: Callable[[Context, int, object], None]


KINDS: dict[type, Kind] = {
    Title: Kind(title.slots, title.values),  # type: ignore[arg-type]
    Fields: Kind(fields.slots, fields.values),  # type: ignore[arg-type]
    Band: Kind(band.slots, band.values),  # type: ignore[arg-type]
    ListBlock: Kind(lists.slots, lists.values),  # type: ignore[arg-type]
    Table: Kind(table.slots, table.values),  # type: ignore[arg-type]
    Boxes: Kind(boxes.slots, boxes.values),  # type: ignore[arg-type]
    Matrix: Kind(matrix.slots, matrix.values),  # type: ignore[arg-type]
}


def schema_slots(schema: Schema) -> list[Slot]:
    return derived(schema, "slots", lambda s: [slot for i, b in enumerate(s.blocks)
                                               for slot in KINDS[type(b)].slots(i, b)])


def all_labels(schema: Schema) -> Iterator[str]:
    for slot in schema_slots(schema):
        yield from slot.labels


def known_labels(schema: Schema) -> frozenset[str]:
    """Every label of the schema, folded."""
    return derived(schema, "known_labels", lambda s: frozenset(norm(label) for label in all_labels(s)))


def take_values(grid: Grid, schema: Schema, p: Placement) -> Context:
    """Step 4: every block kind takes its values from the placed labels."""
    ctx = Context(grid, schema, p)
    ctx.layout.schema = schema
    for i, block in enumerate(schema.blocks):
        KINDS[type(block)].values(ctx, i, block)
    return ctx
