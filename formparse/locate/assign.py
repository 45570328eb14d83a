"""Steps 2-4: each slot's label cell — a label found once taken directly, the contested ones assigned
together by :mod:`.scoring`, then each contested group again once every other is placed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from .. import geometry as geo
from ..errors import AmbiguousLayout
from ..grid import Cell, Grid
from ..schema import Fields, Schema
from .cache import placement_keys, recall, remember
from .index import build_index, candidates, echoes_above, echoes_left, header_rows
from .inline import split_inline
from .kinds import known_labels, schema_slots
from .placement import Placement
from .scoring import ORDER_FIELDS, UNPLACED, Cost, Evidence, cost_of, violations
from .signs import Signs, signs_of
from .slots import Slot

# Beyond this many combinations a contested group of labels is assigned greedily, best pair first.
MAX_COMBINATIONS = 20_000


# Step 4's passes over the contested groups: one settles every case seen; a second confirms nothing moves.
REFINE_PASSES = 2


def place(grid: Grid, schema: Schema, banned: frozenset[int] = frozenset()) -> Placement:
    """The label cell of every slot (``banned``: cells never taken for a label)."""
    slots = schema_slots(schema)
    p = Placement(grid, schema, slots, known_labels(schema))
    index = build_index(grid)
    cands: dict[str, list[tuple[Cell, str]]] = {
        s.id: [ci for ci in candidates(grid, index, s) if id(ci[0]) not in banned] for s in slots}
    labels = {id(c) for found in cands.values() for c, _ in found}
    for sid, found in cands.items():
        mine = {id(c) for c, _ in found}
        field = sid.startswith(("field:", "pair:"))
        cands[sid] = [ci for ci in found if not echoes_left(grid, ci[0], mine, labels)
                      and not (field and echoes_above(grid, ci[0], mine, labels))]
    header_rows(schema, slots, cands)
    wanted: dict[int, set[str]] = {}
    for s in slots:
        for cell, _ in cands[s.id]:
            wanted.setdefault(id(cell), set()).add(s.id)
    by_id = {s.id: s for s in slots}

    def put(slot: Slot, cell: Cell, inline: str) -> None:
        p.cell[slot.id] = cell
        p.label_ids.add(id(cell))
        if inline:
            p.inline[slot.id] = inline

    contested_cells = {id(c) for s in slots for c, _ in cands[s.id]
                       if len(cands[s.id]) > 1 or len(wanted[id(c)]) > 1}
    signs = signs_of(grid, cands, wanted, contested_cells)
    # A file drawn from the same template as one placed before: its placement is taken over (see .cache)
    keys = placement_keys(schema, slots, cands, signs)
    remembered = recall(keys, schema)
    if remembered is not None:
        for s in slots:
            k = remembered.get(s.id)
            if k is not None:
                put(s, *cands[s.id][k])
        _inline_wins(p, schema)
        return p
    # Step 2: a label found once, in a cell no other slot wants.
    contested: list[Slot] = []
    for s in slots:
        found = cands[s.id]
        if len(found) == 1 and wanted[id(found[0][0])] == {s.id}:
            put(s, *found[0])
        elif found:
            contested.append(s)
    # Step 3: the rest, one connected group of slots and cells at a time.
    groups = _components(contested, cands)
    by_distance = False  # whether a distance decided a choice (see .cache)
    for group in groups:
        placed = [(by_id[k], c) for k, c in p.cell.items()]
        try:
            choice, near = _assign(group, cands, placed, p.label_ids, signs, wanted)
        except AmbiguousLayout as exc:
            raise AmbiguousLayout(exc.message, cells=exc.cells, path=grid.source) from None
        by_distance = by_distance or near
        for s in group:
            hit = choice.get(s.id)
            if hit is not None:
                put(s, *hit)
    # Step 4: each group again, now that every other group is placed: a group placed early saw only the
    # labels placed before it (单位职能概述 typed as the value of 联系电话 looked like a label in line with
    # 编制人数 while 联系电话 itself was still open). Repeated until nothing moves, at most REFINE_PASSES times.
    for _ in range(REFINE_PASSES if len(groups) > 1 else 0):
        moved = False
        for group in groups:
            in_group = {s.id for s in group}
            own = {id(c) for k, c in p.cell.items() if k in in_group}
            placed = [(by_id[k], c) for k, c in p.cell.items() if k not in in_group]
            try:
                choice, near = _assign(group, cands, placed, p.label_ids - own, signs, wanted)
            except AmbiguousLayout:
                # placed once without doubt; more evidence that ties two cells changes nothing (a tie on every
                # field, the distances included: in a file whose labels lie farther apart, they may break it)
                by_distance = True
                continue
            by_distance = by_distance or near
            if all(choice.get(s.id, (None,))[0] is p.cell.get(s.id) for s in group):
                continue
            moved = True
            for s in group:
                p.drop(s.id)
            for s in group:
                hit = choice.get(s.id)
                if hit is not None:
                    put(s, *hit)
        if not moved:
            break
    remember(keys, schema, {s.id: next(k for k, (c, _) in enumerate(cands[s.id]) if c is took)
                            for s in slots if (took := p.cell.get(s.id)) is not None}, by_distance=by_distance)
    _inline_wins(p, schema)
    return p


def _inline_wins(p: Placement, schema: Schema) -> None:
    """A field typed inline after an earlier field of its block (“填报人：…  联系电话：…” in one cell) has its
    label there: a cell placed for it elsewhere (a value typed “联系电话↵一”) is no label. (After the
    cache, which never looks at inline text.)"""
    for block in schema.blocks:
        if not isinstance(block, Fields):
            continue
        for k, f in enumerate(block.fields):
            head = p.cell.get(f"field:{f.key}")
            inline = p.inline.get(f"field:{f.key}")
            if head is None or not inline:
                continue
            found = split_inline(inline, block.fields[k + 1:])
            for later in block.fields[k + 1:]:
                sid = f"field:{later.key}"
                cell = p.cell.get(sid)
                if later.key in found and cell is not None and cell is not head:
                    p.drop(sid)


def _components(slots: list[Slot], cands: dict[str, list[tuple[Cell, str]]]) -> list[list[Slot]]:
    """Slots that compete for cells, grouped so that no two groups share a cell."""
    groups: list[tuple[set[int], list[Slot]]] = []
    for s in slots:
        cells = {id(c) for c, _ in cands[s.id]}
        joined = [g for g in groups if g[0] & cells]
        merged_cells, merged_slots = set(cells), [s]
        for g in joined:
            merged_cells |= g[0]
            merged_slots = g[1] + merged_slots
            groups.remove(g)
        groups.append((merged_cells, merged_slots))
    return [sorted(g[1], key=lambda s: (s.block, s.order)) for g in groups]


def _assign(group: list[Slot], cands: dict[str, list[tuple[Cell, str]]], placed: list[tuple[Slot, Cell]],
            taken: set[int], signs: dict[int, Signs], wanted: dict[int, set[str]]
            ) -> tuple[dict[str, tuple[Cell, str]], bool]:
    """The best injective assignment of the group's slots to their candidate cells (or to none), and whether
    a distance (see :data:`.scoring.ORDER_FIELDS`) set it apart from another one (or a greedy choice made it).

    A slot's cost counts the labels placed before (fixed) and the group's other slots as this combination
    places them; the fixed part is computed once per slot and cell."""
    options: list[list[tuple[Cell, str] | None]] = []
    for s in group:
        options.append([*(ci for ci in cands[s.id] if id(ci[0]) not in taken), None])
    total = 1
    for o in options:
        total *= len(o)
    ev = Evidence(placed, signs, wanted)
    if total > MAX_COMBINATIONS:
        return _assign_greedy(group, options, ev), True
    fixed = {(k, id(ci[0])): cost_of(s, ci[0], ev) for k, s in enumerate(group) for ci in options[k]
             if ci is not None}
    # what two slots of the group placed at once add to the first one's cost: (family_order, block_order,
    # out_of_line, the distance between them when they are siblings — a candidate for Cost.nearest —, or None)
    pairs: dict[tuple[int, int, int, int], tuple[int, int, int, int | None]] = {}

    def pair(ka: int, ca: Cell, kb: int, cb: Cell) -> tuple[int, int, int, int | None]:
        key = (ka, id(ca), kb, id(cb))
        hit = pairs.get(key)
        if hit is None:
            a, b = group[ka], group[kb]
            if a.family == b.family:
                v = violations(a, ca, [(b, cb)], lambda x: x.order)
                hit = (v, 0, 0 if geo.in_line(ca, cb) else 1, geo.distance(ca, cb))
            elif a.block != b.block:
                hit = (0, violations(a, ca, [(b, cb)], lambda x: x.block), 0, None)
            else:
                hit = (0, 0, 0, None)
            pairs[key] = hit
        return hit

    # Leaving a slot without its label costs more than any placement, so when every slot can have a cell
    # only such combinations compete.
    full = [c for c in itertools.product(*(o[:-1] for o in options)) if len({id(ci[0]) for ci in c}) == len(c)]  # type: ignore[index]
    combos: Iterable[tuple[tuple[Cell, str] | None, ...]] = full or itertools.product(*options)
    scored: list[tuple[Cost, tuple[tuple[Cell, str] | None, ...]]] = []
    for combo in combos:
        ids = [id(ci[0]) for ci in combo if ci is not None]
        if len(ids) != len(set(ids)):
            continue
        # the combination's cost, Cost's fields summed over its slots (kept as plain numbers in this loop)
        foreign = family_order = block_order = unlike = out_of_line = nearest = from_heading = beside = 0
        for ka, ca in enumerate(combo):
            own = UNPLACED if ca is None else fixed[(ka, id(ca[0]))]
            fo, fam, blk, un, line, near, head, bes = own
            if ca is not None:
                for kb, cb in enumerate(combo):
                    if kb == ka or cb is None:
                        continue
                    pv, pg, pm, pd = pair(ka, ca[0], kb, cb[0])
                    fam, blk, line = fam + pv, blk + pg, line + pm
                    if pd is not None and pd < near:
                        near = pd
            foreign, family_order, block_order = foreign + fo, family_order + fam, block_order + blk
            unlike, out_of_line, nearest = unlike + un, out_of_line + line, nearest + near
            from_heading, beside = from_heading + head, beside + bes
        scored.append((Cost(foreign, family_order, block_order, unlike, out_of_line, nearest, from_heading, beside),
                       combo))
    scored.sort(key=lambda x: x[0])
    best_cost, best = scored[0]
    # the fields read by order alone equal: the choice (or the tie) rests on a distance
    tie = len(scored) > 1 and scored[1][0][:ORDER_FIELDS] == best_cost[:ORDER_FIELDS]
    for cost, combo in scored[1:]:
        if cost != best_cost:
            break
        differ = [(s, a, b) for s, a, b in zip(group, best, combo, strict=True) if a is not b
                  and (a is None or b is None or a[0] is not b[0])]
        if differ:
            cells = sorted({ci[0].address for _, a, b in differ for ci in (a, b) if ci is not None})
            labels = "、".join(dict.fromkeys(f"“{s.name}”" for s, _, _ in differ))
            raise AmbiguousLayout(f"标签 {labels} 出现在 {'、'.join(cells)}，无法确定各属于哪一栏", cells=cells)
    return {s.id: ci for s, ci in zip(group, best, strict=True) if ci is not None}, tie


def _assign_greedy(group: list[Slot], options: list[list[tuple[Cell, str] | None]],
                   ev: Evidence) -> dict[str, tuple[Cell, str]]:
    pairs = sorted(((cost_of(s, ci[0], ev), k, ci) for k, (s, opts) in enumerate(zip(group, options, strict=True))
                    for ci in opts if ci is not None), key=lambda x: (x[0], x[1]))
    out: dict[str, tuple[Cell, str]] = {}
    used: set[int] = set()
    for _, k, ci in pairs:
        s = group[k]
        if s.id not in out and id(ci[0]) not in used:
            out[s.id] = ci
            used.add(id(ci[0]))
    return out
