"""The list kind: a section label and its item rows (an intro sentence, then numbered items)."""

from __future__ import annotations

from collections.abc import Iterator

from ... import geometry as geo
from ...schema import ListBlock
from ...text import norm
from ..context import Context, placed_section
from ..layout import ListLoc
from ..slots import Slot


def slots(i: int, block: ListBlock) -> Iterator[Slot]:
    yield Slot(f"section:{block.key}", (block.label, *block.aliases), i, f"b{i}", -1, not block.optional)


def values(ctx: Context, i: int, block: ListBlock) -> None:
    found = placed_section(ctx, i, block.key)
    if found is None:
        return
    label, heading, rows = found
    grid = ctx.grid
    intro = None
    if not heading:
        intro = geo.right_value(grid, label, ctx.p.looks_like_label)
        if intro is not None and (intro.row != label.row or intro.paragraph):
            intro = None
    first_col = label.col if heading else label.end_col
    body = [r for r in rows if r > (label.last_row if heading else label.row)]
    slots = [c for c in geo.own_cells(grid, body, first_col) if id(c) not in ctx.extra_labels]
    if label.paragraph and not slots:
        # a heading line with its intro and items as the paragraphs after it (no table)
        slots = [c for c in geo.paragraphs_below(grid, label, ctx.is_known_label, ctx.is_note, blanks=True)
                 if id(c) not in ctx.claims]
    if heading and slots:
        # the sentence before the items: unnumbered, and followed by numbered ones or ending in a colon
        marker = block.marker_re
        head = slots[0]
        if not marker.match(head.text) and (
            norm(head.text).endswith(":") or any(marker.match(c.text) for c in slots[1:])
        ):
            intro, slots = head, slots[1:]
    for c in ([intro] if intro is not None else []) + slots:
        ctx.read.add(id(c))
    ctx.layout.lists.append(ListLoc(block, label, intro, slots))
