"""Step 1: the label index, and each slot's candidate cells.

Every visible cell is indexed once by its folded text up to any colon; a slot's candidates are the cells
that hold one of its labels (bare, with a colon, or with the value inline after it), less the cells that
only echo a label (a value typed like the label beside or above it), and a table's column labels kept to
its own header row.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Set as AbstractSet

from .. import geometry as geo
from ..grid import Cell, Grid
from ..schema import Schema, Table
from ..text import drop_ordinal, line_heads, match_label, norm, unnumbered
from .slots import Slot

# A unit typed after a label (“一般公共预算（万元）”, “编制人数(人)”) does not change the label.
_UNIT = re.compile(r"\((?:单位:)?(?:万元|元|人|个|%|万元\.人)\)$")


def build_index(grid: Grid) -> dict[str, list[Cell]]:
    """Folded text up to any colon (and without a unit in brackets) → the visible cells that begin with
    it, in reading order."""
    index: dict[str, list[Cell]] = {}
    hidden = grid.hidden_rows
    some_hidden = bool(grid.hidden_rows or grid.hidden_cols)  # (else every cell is visible: not asked per cell)
    for r in range(len(grid.rows)):
        if r in hidden:
            continue
        for cell in grid.own_anchors(r):
            keys = _keys(cell.text)
            if keys and (not some_hidden or grid.visible(cell)):
                for key in keys:
                    found = index.get(key)
                    if found is None:
                        index[key] = [cell]
                    else:
                        found.append(cell)
    return index


@functools.lru_cache(maxsize=8192)
def _keys(text: str) -> tuple[str, ...]:
    """The index keys of a cell's text, its folded head first (none for a blank text): a pure function of
    the text, kept per text as the labels of one template recur in every file drawn from it."""
    folded = norm(text)
    if not folded:
        return ()
    head = folded.partition(":")[0]
    keys = {head, _UNIT.sub("", head), unnumbered(head)}
    keys.add(_UNIT.sub("", unnumbered(head)))
    if "\n" in text:  # “编制人数↵23”: a label over its value in one cell
        keys.update(line_heads(text))
    return (head, *sorted(keys - {head, ""}))


@functools.lru_cache(maxsize=8192)
def label_match(text: str, label: str, *, below: bool = False) -> str | None:
    """``match_label``, also for a label written with its unit in brackets or after a section ordinal
    (“一、部门基本信息”); ``below``: a field's label over its value in one cell. (A pure function of its
    arguments, kept: every slot asks it of every cell indexed under its label's head, in every file.)"""
    inline = _match_typed(text, label, below)
    if inline is None:
        rest = drop_ordinal(text)
        if rest is not text:
            inline = _match_typed(rest, label, below)
    return inline


def _match_typed(text: str, label: str, below: bool) -> str | None:
    inline = match_label(text, label, below=below)
    if inline is None:
        folded = norm(text)
        head, colon, _ = folded.partition(":")
        bare = _UNIT.sub("", head)
        if bare != head and bare == norm(label):
            return re.split("[:：]", text, maxsplit=1)[1].strip() if colon else ""
    return inline


@functools.lru_cache(maxsize=1024)
def _head(label: str) -> str:
    """A label as the index keys it: folded, up to any colon."""
    return norm(label).partition(":")[0]


def candidates(grid: Grid, index: dict[str, list[Cell]], slot: Slot) -> list[tuple[Cell, str]]:
    """The cells that hold one of the slot's labels, each with its inline value ("" when bare)."""
    out: list[tuple[Cell, str]] = []
    seen: set[int] = set()
    for label in slot.labels:
        for cell in index.get(_head(label), ()):
            if id(cell) in seen or (slot.tables_only and cell.paragraph):
                continue
            inline = label_match(cell.text, label, below=slot.id.startswith("field:"))
            if inline is not None:
                seen.add(id(cell))
                out.append((cell, inline))
    out.sort(key=lambda ci: (ci[0].row, ci[0].col))
    if slot.order == -1:  # a section or group label typed again in every row of its section is one label
        # (the walk up the column only where the index holds a copy above: on a grid hiding nothing, every
        # filled cell is in the index)
        walk = bool(grid.hidden_rows or grid.hidden_cols)
        out = [ci for ci in out if not ((walk or _copy_above(index, ci[0])) and repeats_above(grid, ci[0]))]
    return out


def _copy_above(index: dict[str, list[Cell]], cell: Cell) -> bool:
    """Whether the index holds a cell reading like ``cell`` higher up in its column."""
    folded = norm(cell.text)
    return any(c is not cell and c.col == cell.col and c.row < cell.row and norm(c.text) == folded
               for c in index.get(folded.partition(":")[0], ()))


def echoes_left(grid: Grid, cell: Cell, mine: set[int], labels: set[int]) -> bool:
    """Whether ``cell`` is a value reading like the label just left of it — the same text, or another
    candidate of the same slot (“部门整体支出绩效目标 | 部门整体支出绩效目标”, a label followed by its alias).
    Not when only ``cell`` ends its label with a colon (“填报人： | 电话 | 联系电话：”), nor when that left cell
    stands where another label's value goes (“A | B | B”, A and B labels: the middle one is the value of A,
    the last the label)."""
    left = geo.cell_at(grid, cell.row, cell.col - 1) if cell.col > 0 else None
    if left is None or left is cell or left.blank:
        return False
    if id(left) not in mine and norm(left.text) != norm(cell.text):
        return False
    if ":" in norm(cell.text) and ":" not in norm(left.text):
        return False
    before = geo.cell_at(grid, left.row, left.col - 1) if left.col > 0 else None
    return not (before is not None and before is not left and id(before) in labels
                and norm(before.text) != norm(left.text))


def echoes_above(grid: Grid, cell: Cell, mine: set[int], labels: set[int]) -> bool:
    """Whether a field's candidate is the value under its own label, reading like it (长期目标 | below it
    “长期目标”): the cell just above is the same text or another candidate of the same slot, and that cell
    is not itself under another label."""
    above = geo.cell_at(grid, cell.row - 1, cell.col) if cell.row > 0 else None
    if above is None or above is cell or above.blank or above.col != cell.col:
        return False
    if id(above) not in mine and norm(above.text) != norm(cell.text):
        return False
    if ":" in norm(cell.text) and ":" not in norm(above.text):
        return False
    top = geo.cell_at(grid, above.row - 1, above.col) if above.row > 0 else None
    return not (top is not None and top is not above and id(top) in labels and norm(top.text) != norm(above.text))


def repeats_above(grid: Grid, cell: Cell) -> bool:
    """Whether the nearest filled cell above ``cell`` in its column (past paragraphs, blank rows and blank
    cells of the section) holds the same text."""
    for r in range(cell.row - 1, -1, -1):
        if grid.is_paragraph_row(r) or geo.is_spacer_row(grid, r):
            continue
        above = geo.cell_at(grid, r, cell.col)
        if above is None or above is cell or above.blank:
            continue
        return above.col == cell.col and norm(above.text) == norm(cell.text)
    return False


def header_rows(schema: Schema, slots: list[Slot], cands: dict[str, list[tuple[Cell, str]]]) -> None:
    """Each table's column labels kept in its own header row only (:func:`_first_header_only`): first the
    tables whose section label is found, then those without one (a section label worded otherwise), which
    take the first header row no other table has."""
    tables = [(i, b) for i, b in enumerate(schema.blocks) if isinstance(b, Table)]
    found = {i: any(cands[s.id] for s in slots if s.block == i and s.order == -1) for i, _ in tables}
    claimed: set[int] = set()
    for i, block in tables:
        if found[i]:
            row = _first_header_only(i, block, slots, cands)
            if row is not None:
                claimed.add(row)
    for i, block in tables:
        if not found[i]:
            _first_header_only(i, block, slots, cands, claimed)


def _first_header_only(i: int, block: Table, slots: list[Slot], cands: dict[str, list[tuple[Cell, str]]],
                       claimed: AbstractSet[int] = frozenset()) -> int | None:
    """A table's header row typed again further down (the table broken across pages), or another table's
    header with the same column labels, is not this table's header: its column labels are candidates
    only in the first row holding the whole header at or after the table's section label (without one, the
    first not ``claimed`` by another table). Returns that row."""
    mine = [s for s in slots if s.block == i and s.id.startswith("column:")]
    section = next((s for s in slots if s.block == i and s.order == -1), None)
    starts = sorted({c.row for c, _ in cands[section.id]}) if section is not None else []
    need = max(2, sum(1 for c in block.columns if not c.optional))
    per_row: dict[int, set[str]] = {}
    for s in mine:
        for cell, _ in cands[s.id]:
            per_row.setdefault(cell.row, set()).add(s.id)
    headers = sorted(r for r, ids in per_row.items() if len(ids) >= need)
    # the header row nearest below (or level with) a copy of the section label — a copy typed as a value
    # further up (a field above written like the section label) does not pull the header up to another table's
    free = [r for r in headers if r not in claimed] or headers
    after = [(r - c, r) for r in free for c in (starts or [0]) if r >= c]
    own = min(after)[1] if after else None
    if own is not None and len(headers) > 1:
        for s in mine:
            cands[s.id] = [ci for ci in cands[s.id] if ci[0].row not in headers or ci[0].row == own]
    return own
