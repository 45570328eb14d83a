"""A slot: one place in a schema that a label cell fills (each block kind says which slots it needs)."""

from __future__ import annotations

import attrs


@attrs.frozen
class Slot:
    """A place in the schema that a label cell fills."""

    id: str  # unique within the schema
    labels: tuple[str, ...]
    block: int  # index of its block in the schema
    family: str  # slots whose placed cells are evidence for each other
    order: int  # position within the family, as the schema writes it (-1: the family's own heading)
    required: bool
    tables_only: bool = False  # a header or column label: never a paragraph

    @property
    def name(self) -> str:
        return self.labels[0]
