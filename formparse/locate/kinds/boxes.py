"""The boxes kind: review boxes, one per office, each the rows from its office label to the next."""

from __future__ import annotations

from collections.abc import Iterator

from ... import geometry as geo
from ...schema import Boxes
from ..context import Context, placed_section
from ..layout import BoxesLoc, BoxLoc
from ..slots import Slot


def slots(i: int, block: Boxes) -> Iterator[Slot]:
    family = f"b{i}"
    yield Slot(f"section:{block.key}", (block.label, *block.aliases), i, family, -1, not block.optional)
    for k, office in enumerate(block.offices):
        yield Slot(f"office:{block.key}.{office}", (office + block.office_suffix, office, office + "意见"), i, family,
                   k, False,
                   tables_only=True)


def values(ctx: Context, i: int, block: Boxes) -> None:
    found = placed_section(ctx, i, block.key)
    if found is None:
        return
    label, _heading, rows = found
    inside = set(rows)
    offices = [(office, c) for office in block.offices
               if (c := ctx.p.of(f"office:{block.key}.{office}")) is not None and c.row in inside]
    offices.sort(key=lambda oc: (oc[1].row, oc[1].col))
    boxes: list[BoxLoc] = []
    office_ids = {id(c) for _, c in offices}
    for k, (office, cell) in enumerate(offices):
        stop = offices[k + 1][1].row if k + 1 < len(offices) else None
        box_rows = []
        for r in rows:
            if r < cell.row or (stop is not None and r >= stop):
                continue
            # a box runs on past a table break (its office cell then reads blank), but not into a row that
            # begins another labelled part of the form to the left of the box
            if r > cell.last_row and any(c.col < cell.end_col and id(c) not in office_ids and not c.blank
                                         and ctx.p.looks_like_label(c) for c in ctx.grid.own_anchors(r)):
                break
            box_rows.append(r)
        # blank rows after the office's own rows at the end of the box are the form's spacing (the blank row
        # before 填报人), not lines of the box: a review written into it would land outside the box
        while box_rows and box_rows[-1] > cell.last_row and not ctx.grid.has_content(box_rows[-1]):
            box_rows.pop()
        cells = [c for c in geo.own_cells(ctx.grid, box_rows, cell.end_col)]
        ctx.read.update(id(c) for c in cells)
        boxes.append(BoxLoc(office, cell, cells))
    ctx.layout.boxes.append(BoxesLoc(block, label, boxes))
