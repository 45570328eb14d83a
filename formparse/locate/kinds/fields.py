"""The fields kind: labelled scalar values, right of or below their labels (or inline after them); a pairs
field's amounts typed in one cell or each in its own.
"""

from __future__ import annotations

from collections.abc import Iterator

from ... import fieldtypes
from ... import geometry as geo
from ...grid import Cell
from ...schema import Field, Fields
from ...text import norm
from ..context import Context
from ..index import label_match
from ..inline import split_inline
from ..layout import FieldLoc
from ..slots import Slot

# A field's order in its block, spaced so that the amounts of a pairs field have their own orders after it.
PAIR_STEP = 1000


def slots(i: int, block: Fields) -> Iterator[Slot]:
    family = f"b{i}"
    if block.section:
        yield Slot(f"{family}.section", (block.section, *block.section_aliases), i, family, -1, not block.optional)
    for k, f in enumerate(block.fields):
        yield Slot(f"field:{f.key}", f.labels, i, family, k * PAIR_STEP, not (f.optional or block.optional))
        # the amounts of a pairs field, when a copy gives each its own cell: after its label, in their order
        for j, p in enumerate(f.pairs, start=1):
            yield Slot(f"pair:{f.key}.{p.key}", p.labels, i, family, k * PAIR_STEP + j, False, tables_only=True)


def values(ctx: Context, i: int, block: Fields) -> None:
    shared: dict[str, FieldLoc] = {}  # later fields met inline in an earlier field's cell
    for k, f in enumerate(block.fields):
        if f.key in shared:
            ctx.layout.fields[f.key] = shared[f.key]
            continue
        sid = f"field:{f.key}"
        label = ctx.p.of(sid)
        if label is None:
            continue
        inline = ctx.p.inline.get(sid)
        loc = FieldLoc(f.key, f, label, None, inline)
        if inline:
            # “填报人：张三    联系电话：0739…” — one cell holding several labelled values
            values = split_inline(inline, block.fields[k + 1:])
            loc.inline_text = values.pop("__head__")
            for later in block.fields[k + 1:]:
                if later.key in values:
                    shared[later.key] = FieldLoc(later.key, later, label, None, values[later.key])
        elif f.pairs and _pairs_in_cells(ctx, f):
            # each amount in a cell of its own, its label beside it: read like money fields
            for p in f.pairs:
                pair_label = ctx.p.of(f"pair:{f.key}.{p.key}")
                if pair_label is None:
                    continue
                key = f"{f.key}.{p.key}"
                money = Field(key=p.key, label=p.label, type="money", aliases=p.aliases, optional=True)
                inline_pair = label_match(pair_label.text, p.label) or None
                cell = None if inline_pair else ctx.value_cell(pair_label, "right", p.label, f"pair:{key}")
                ctx.layout.fields[key] = FieldLoc(key, money, pair_label, cell, inline_pair)
            ctx.read.add(id(label))
            continue
        else:
            for p in f.pairs:  # all the amounts typed in one cell: that cell is the field's value
                placed = ctx.p.cell.pop(f"pair:{f.key}.{p.key}", None)
                if placed is not None:
                    ctx.p.label_ids.discard(id(placed))
            loc.cell = ctx.value_cell(label, block.value, f.label, sid)
            if f.type == "choice" and loc.cell is not None:
                loc.more = _choice_cells(ctx, loc.cell, f)
            if loc.cell is None and label.paragraph and f.type == "text":
                # a heading line of its own: its text is the paragraphs after it
                lines = geo.paragraphs_below(ctx.grid, label, ctx.is_known_label, ctx.is_note)
                lines = [c for c in lines if id(c) not in ctx.claims]
                if lines:
                    loc.cell, loc.more = lines[0], lines[1:]
                    for c in lines:
                        ctx.claims[id(c)] = f.label
                        ctx.read.add(id(c))
            # “填报单位（盖章）：” with nothing beside it: the value is written after the colon
            if loc.cell is None and not norm(label.text).endswith(":") and not (f.optional or block.optional):
                ctx.layout.problems.append(f"{f.label} ({label.address})：找不到填写它的单元格")
        ctx.layout.fields[f.key] = loc


def _choice_cells(ctx: Context, first: Cell, f: Field) -> list[Cell]:
    """The cells after a choice's value cell that hold its other options (“A□” | “B☑”): each
    names only options not named before it; the first cell of anything else ends them."""
    named = set(fieldtypes.options_in(first.text, f.options))
    if not named:
        return []
    more: list[Cell] = []
    for cell in geo.cells_right(ctx.grid, first, ctx.p.looks_like_label):
        if cell.blank:
            continue
        opts = set(fieldtypes.options_in(cell.text, f.options))
        if not opts or opts & named or id(cell) in ctx.claims:
            break
        named |= opts
        more.append(cell)
        ctx.claims[id(cell)] = f.label
        ctx.read.add(id(cell))
    return more


def _pairs_in_cells(ctx: Context, f: Field) -> bool:
    """Whether a pairs field's amounts are laid out one per cell, each after its own label cell (rather
    than all typed into one cell): at least one pair label stands alone in its cell."""
    for p in f.pairs:
        cell = ctx.p.of(f"pair:{f.key}.{p.key}")
        if cell is not None and f"pair:{f.key}.{p.key}" not in ctx.p.inline:
            return True
    return False
