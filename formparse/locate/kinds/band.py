"""The band kind: groups of column headers, each group's values under its headers (or right of them, when
the band is drawn turned).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...schema import Band
from ..context import Context
from ..layout import FieldLoc
from ..slots import Slot


def slots(i: int, block: Band) -> Iterator[Slot]:
    for g in block.groups:
        family = f"b{i}.{g.key}"
        yield Slot(f"group:{g.key}", g.labels, i, family, -1, not block.optional)
        for k, f in enumerate(g.fields):
            yield Slot(f"field:{g.key}.{f.key}", f.labels, i, family, k, not (f.optional or block.optional),
                       tables_only=True)


def values(ctx: Context, i: int, block: Band) -> None:
    """A group's values lie under its headers, or — a band drawn turned — right of them: the way most of
    the group's filled values lie decides for all its headers, blank ones included."""
    for g in block.groups:
        placed = [(f, f"{g.key}.{f.key}", c) for f in g.fields if (c := ctx.p.of(f"field:{g.key}.{f.key}")) is not None]
        below = right = 0
        for _f, key, label in placed:
            r, b, _ = ctx.neighbours(label, f"field:{key}", header=True)
            below += b is not None and not b.blank
            right += r is not None and not r.blank
        turned = right > below
        for f, key, label in placed:
            name = f"{g.label} {f.label}"
            cell = ctx.value_cell(label, "right" if turned else "below", name, f"field:{key}", only=True, header=True)
            if cell is None and not (f.optional or block.optional):
                ctx.layout.problems.append(f"{name} ({label.address})：找不到填写它的单元格")
            ctx.layout.fields[key] = FieldLoc(key, f, label, cell)
