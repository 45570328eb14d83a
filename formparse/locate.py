"""Find a schema's labels on a grid, whatever arrangement the submitter drew, and say where every value is.

Labels are the anchors; geometry is evidence, never an assumption. Locating is an assignment:

1. **Index.** Every visible cell whose folded text is one of the schema's labels — bare, with a colon, or
   with its value inline after the colon — is indexed once.
2. **Slots.** Each block kind (the registry at the end) says which labels it needs: a field, a group or
   section label, a column of a table, an office of a box. A slot whose label is found once, in a cell
   no other slot wants, is placed directly.
3. **Assignment by score.** Labels found several times (合计 ×3, 联系电话 ×2, a label also typed as a
   value) are assigned to their slots together, choosing the assignment that best agrees with the
   labels already placed in each slot's family (its block, or its group): a slot's cell should come
   after its earlier siblings and before its later ones in reading order, and lie near them. Where a
   value reads exactly like a label, the cells' own signs decide first (:class:`Signs`): a label's colon,
   a heading merged over its family; a cell that is a placed field's only value place, or that lies in
   another table's column under its header, is a value. Two assignments that score the same are an
   ambiguity, reported with both cells — never guessed.
4. **Values.** Each block kind takes its values from its placed labels (``formparse.geometry`` holds
   the rules: the value right of or below a label, a section's rows, a table's continuation).

Afterwards every non-empty cell is accounted for: a label, a value that was read, a printed note — or
a coverage warning naming its address. The reader and the writer share the resulting :class:`Layout`.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet

import attrs

from . import fieldtypes
from . import geometry as geo
from .errors import AmbiguousLayout, NotThisForm
from .grid import Cell, Grid
from .schema import Band, Boxes, Field, Fields, ListBlock, Matrix, Schema, Table, Title, derived
from .text import drop_ordinal, line_heads, match_label, norm, unnumbered

# Scores of an assignment, compared as (order violations, distance). A slot with no placed sibling has
# no evidence for any cell: any cell near a sibling is preferred. A slot left without a cell costs
# more than any placement, so every label that can be placed is placed.
NO_EVIDENCE = 10**6
UNPLACED = (10**3, 0, 0, 0, 0, 0, 0, 0)
# Beyond this many combinations a contested group of labels is assigned greedily, best pair first.
MAX_COMBINATIONS = 20_000
# Step 4's passes over the contested groups: one settles every case seen; a second confirms nothing moves.
REFINE_PASSES = 2
# Placements remembered per process (a batch reads many files of few templates); oldest dropped first.
PLACEMENT_CACHE = 256
_PLACEMENTS: dict[tuple[object, ...], tuple[Schema, dict[str, int]]] = {}
# How much of a cell's text a coverage warning quotes.
QUOTE_CHARS = 30


@attrs.define
class FieldLoc:
    """One scalar field: its label cell, and its value cell (None: the value sits inline after the label)."""

    key: str
    field: Field
    label: Cell
    cell: Cell | None
    inline_text: str | None = None  # the inline value as read
    # further cells holding the rest of the value: a choice's options each typed in a cell of its own
    more: list[Cell] = attrs.Factory(list)

    @property
    def target(self) -> Cell:
        return self.cell if self.cell is not None else self.label


@attrs.define
class TitleLoc:
    block: Title
    cell: Cell
    year: int | None
    year_cell: Cell | None = None  # the year's own line under the title (“（2020年度）”), when printed so


@attrs.define
class ListLoc:
    block: ListBlock
    label: Cell
    intro: Cell | None
    slots: list[Cell]  # one cell per item row, in order


@attrs.define
class TablePart:
    """One stretch of a table drawn with one header (a table broken across pages has several)."""

    columns: dict[str, int]  # column key → grid column
    rows: list[int]
    ends: dict[str, int] = attrs.Factory(dict)  # column key → one past the header's last grid column


@attrs.define
class TableLoc:
    block: Table
    label: Cell
    header_row: int
    columns: dict[str, Cell]  # the header cells of the first part
    rows: list[int]  # grid rows that hold items (or empty slots), every part
    parts: list[TablePart] = attrs.Factory(list)  # complete when the TableLoc is made
    # row → the first part holding it, made when first asked (a scan of every part's rows for each cell
    # made reading a table quadratic in its length: 5,000 rows, 25,000 cells)
    _part_at: dict[int, TablePart] | None = attrs.field(default=None, init=False, repr=False, eq=False)

    def part_of(self, r: int) -> TablePart | None:
        """The part of the table row ``r`` belongs to (the first, should two parts hold it)."""
        if self._part_at is None:
            self._part_at = {}
            for part in self.parts:
                for row in part.rows:
                    self._part_at.setdefault(row, part)
        return self._part_at.get(r)

    def col(self, r: int, key: str) -> int | None:
        """The grid column of column ``key`` in row ``r``."""
        part = self.part_of(r)
        if part is not None:
            return part.columns.get(key)
        header = self.columns.get(key)
        return header.col if header is not None else None

    def cell(self, grid: Grid, r: int, key: str) -> Cell | None:
        """The cell of column ``key`` in row ``r``: under its header, the one holding content when the header
        covers several columns and the value was typed in another than the first."""
        part = self.part_of(r)
        if part is not None:
            c = part.columns.get(key)
            if c is None:
                return None
            return geo.in_span(grid, r, c, part.ends.get(key, c + 1))
        c = self.col(r, key)
        return geo.cell_at(grid, r, c) if c is not None else None


@attrs.define
class BoxLoc:
    office: str
    label: Cell
    cells: list[Cell]


@attrs.define
class BoxesLoc:
    block: Boxes
    label: Cell
    boxes: list[BoxLoc]


@attrs.frozen
class Unread:
    """A non-empty cell that is neither a label, a value read, nor a printed note."""

    address: str
    text: str

    def __str__(self) -> str:
        text = " ".join(self.text.split())
        quoted = text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "…"
        return f"未读取的内容 ({self.address})：“{quoted}”"


@attrs.define
class Layout:
    grid: Grid
    schema: Schema | None = None  # the form located
    title: TitleLoc | None = None
    fields: dict[str, FieldLoc] = attrs.Factory(dict)
    lists: list[ListLoc] = attrs.Factory(list)
    tables: list[TableLoc] = attrs.Factory(list)
    boxes: list[BoxesLoc] = attrs.Factory(list)
    # what is wrong with the layout itself: a required label missing, a label without a value cell
    problems: list[str] = attrs.Factory(list)
    # optional parts of the form that this copy leaves out (their printed labels)
    absent: list[str] = attrs.Factory(list)
    unread: list[Unread] = attrs.Factory(list)
    # headings placed by their members: the cell where a heading worded otherwise stands
    stand_ins: list[StandIn] = attrs.Factory(list)


@attrs.frozen
class StandIn:
    """A block's heading not found as the schema words it, its block placed by its member labels: the cell
    standing where the heading goes, worded otherwise."""

    label: str  # the heading as the schema prints it
    cell: Cell


# -- slots ------------------------------------------------------------------------------------------

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


# A field's order in its block, spaced so that the amounts of a pairs field have their own orders after it.
PAIR_STEP = 1000


def _slots_fields(i: int, block: Fields) -> Iterator[Slot]:
    family = f"b{i}"
    if block.section:
        yield Slot(f"{family}.section", (block.section, *block.section_aliases), i, family, -1, not block.optional)
    for k, f in enumerate(block.fields):
        yield Slot(f"field:{f.key}", f.labels, i, family, k * PAIR_STEP, not (f.optional or block.optional))
        # the amounts of a pairs field, when a copy gives each its own cell: after its label, in their order
        for j, p in enumerate(f.pairs, start=1):
            yield Slot(f"pair:{f.key}.{p.key}", p.labels, i, family, k * PAIR_STEP + j, False, tables_only=True)


def _slots_band(i: int, block: Band) -> Iterator[Slot]:
    for g in block.groups:
        family = f"b{i}.{g.key}"
        yield Slot(f"group:{g.key}", g.labels, i, family, -1, not block.optional)
        for k, f in enumerate(g.fields):
            yield Slot(f"field:{g.key}.{f.key}", f.labels, i, family, k, not (f.optional or block.optional),
                       tables_only=True)


def _slots_list(i: int, block: ListBlock) -> Iterator[Slot]:
    yield Slot(f"section:{block.key}", (block.label, *block.aliases), i, f"b{i}", -1, not block.optional)


def _slots_table(i: int, block: Table) -> Iterator[Slot]:
    family = f"b{i}"
    yield Slot(f"section:{block.key}", (block.label, *block.aliases), i, family, -1, not block.optional)
    for k, c in enumerate(block.columns):
        yield Slot(f"column:{block.key}.{c.key}", c.labels, i, family, k, not (c.optional or block.optional),
                   tables_only=True)


def _slots_boxes(i: int, block: Boxes) -> Iterator[Slot]:
    family = f"b{i}"
    yield Slot(f"section:{block.key}", (block.label, *block.aliases), i, family, -1, not block.optional)
    for k, office in enumerate(block.offices):
        yield Slot(f"office:{block.key}.{office}", (office + block.office_suffix, office, office + "意见"), i, family,
                   k, False,
                   tables_only=True)


def _slots_title(i: int, block: Title) -> Iterator[Slot]:
    return iter(())


# -- the label index and the assignment -------------------------------------------------------------

class Placement:
    """Which cell each slot took (the outcome of steps 1–4), and which cells are labels."""

    def __init__(self, grid: Grid, schema: Schema, slots: list[Slot]) -> None:
        self.grid = grid
        self.schema = schema
        self.slots = slots
        self.cell: dict[str, Cell] = {}  # slot id → its label cell
        self.inline: dict[str, str] = {}  # slot id → the value written after its label, when there is one
        self.label_ids: set[int] = set()  # every cell placed as a label
        self.known = known_labels(schema)
        # the placed labels' texts and header cells, asked once the labels are placed (for reading values)
        self._placed_texts: frozenset[str] | None = None
        self._headers: frozenset[int] | None = None

    def of(self, slot_id: str) -> Cell | None:
        return self.cell.get(slot_id)

    def drop(self, slot_id: str) -> None:
        """Take a slot's label back (its cell stays a label while another slot holds it)."""
        cell = self.cell.pop(slot_id, None)
        self.inline.pop(slot_id, None)
        if cell is not None and not any(c is cell for c in self.cell.values()):
            self.label_ids.discard(id(cell))

    def looks_like_label(self, cell: Cell) -> bool:
        """A placed label. (A cell that merely reads like one may be a value: “合计” typed as an indicator.)"""
        return id(cell) in self.label_ids

    def is_header(self, cell: Cell) -> bool:
        """A cell placed as a header: a band's or table's column label, an office, an amount's label."""
        if self._headers is None:
            self._headers = frozenset(id(c) for s in self.slots if s.tables_only and (c := self.cell.get(s.id)))
        return id(cell) in self._headers

    def reads_as_placed(self, cell: Cell) -> bool:
        """A placed label, or a cell reading exactly like one (a section label typed again in each of its rows)."""
        if id(cell) in self.label_ids:
            return True
        if self._placed_texts is None:
            self._placed_texts = frozenset(norm(c.text).rstrip(":") for c in self.cell.values())
        return norm(cell.text).rstrip(":") in self._placed_texts

    def repeats_label(self, cell: Cell, other_than: Cell | None = None) -> bool:
        """A placed label typed again in the rows next to it, in its column (a row heading typed in every row
        of its rows instead of merged over them): a copy of the label, never a value of another one. (Not
        of ``other_than``: under the label whose value is sought, its own text is that value.)"""
        if cell.blank or id(cell) in self.label_ids:
            return False
        folded = norm(cell.text).rstrip(":")
        for label in self.cell.values():
            if label is other_than:
                continue
            if label.col != cell.col or label.paragraph or norm(label.text).rstrip(":") != folded:
                continue
            lo, hi = sorted((label.row, cell.row))
            between = (geo.cell_at(self.grid, r, cell.col) for r in range(lo + 1, hi))
            if all(c is not None and norm(c.text).rstrip(":") == folded for c in between):
                return True
        return False


# A unit typed after a label (“一般公共预算（万元）”, “编制人数(人)”) does not change the label.
_UNIT = re.compile(r"\((?:单位:)?(?:万元|元|人|个|%|万元\.人)\)$")


def _index(grid: Grid) -> dict[str, list[Cell]]:
    """Folded text up to any colon (and without a unit in brackets) → the visible cells that begin with
    it, in reading order."""
    index: dict[str, list[Cell]] = {}
    for r in range(len(grid.rows)):
        if r in grid.hidden_rows:
            continue
        for cell in grid.own_anchors(r):
            folded = norm(cell.text)
            if folded and grid.visible(cell):
                head = folded.partition(":")[0]
                index.setdefault(head, []).append(cell)
                keys = {head, _UNIT.sub("", head), unnumbered(head)}
                keys.add(_UNIT.sub("", unnumbered(head)))
                if "\n" in cell.text:  # “编制人数↵23”: a label over its value in one cell
                    keys.update(line_heads(cell.text))
                for key in keys - {head, ""}:
                    index.setdefault(key, []).append(cell)
    return index


def _match(text: str, label: str, *, below: bool = False) -> str | None:
    """``match_label``, also for a label written with its unit in brackets or after a section ordinal
    (“一、部门基本信息”); ``below``: a field's label over its value in one cell."""
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


def _candidates(grid: Grid, index: dict[str, list[Cell]], slot: Slot) -> list[tuple[Cell, str]]:
    """The cells that hold one of the slot's labels, each with its inline value ("" when bare)."""
    out: list[tuple[Cell, str]] = []
    seen: set[int] = set()
    for label in slot.labels:
        for cell in index.get(_head(label), ()):
            if id(cell) in seen or (slot.tables_only and cell.paragraph):
                continue
            inline = _match(cell.text, label, below=slot.id.startswith("field:"))
            if inline is not None:
                seen.add(id(cell))
                out.append((cell, inline))
    out.sort(key=lambda ci: (ci[0].row, ci[0].col))
    if slot.order == -1:  # a section or group label typed again in every row of its section is one label
        out = [ci for ci in out if not _repeats_above(grid, ci[0])]
    return out


def _echoes_left(grid: Grid, cell: Cell, mine: set[int], labels: set[int]) -> bool:
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


def _echoes_above(grid: Grid, cell: Cell, mine: set[int], labels: set[int]) -> bool:
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


def _repeats_left(grid: Grid, cell: Cell) -> bool:
    """Whether the cell just left of ``cell`` in its row holds the same text."""
    left = geo.cell_at(grid, cell.row, cell.col - 1) if cell.col > 0 else None
    return left is not None and left is not cell and not left.blank and norm(left.text) == norm(cell.text)


def _repeats_above(grid: Grid, cell: Cell) -> bool:
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


class Evidence:
    """The labels placed so far, arranged for scoring: by family, and each block's first label."""

    def __init__(self, placed: list[tuple[Slot, Cell]], signs: dict[int, Signs] | None = None,
                 wanted: dict[int, set[str]] | None = None) -> None:
        self.signs = signs or {}
        self.wanted = wanted or {}  # candidate cell → the slots that want it
        self.slot_of = {id(c): s for s, c in placed}
        self.family: dict[str, list[tuple[Slot, Cell]]] = {}
        self.firsts: dict[int, tuple[Slot, Cell]] = {}
        self.by_block: dict[int, list[Cell]] = {}
        for s, c in placed:
            self.family.setdefault(s.family, []).append((s, c))
            self.by_block.setdefault(s.block, []).append(c)
            if s.block not in self.firsts or geo.after(self.firsts[s.block][1], c):
                self.firsts[s.block] = (s, c)


def _cost(slot: Slot, cell: Cell, ev: Evidence) -> tuple[int, int, int, int, int, int, int, int]:
    """How badly ``cell`` agrees with the labels already placed (see the module docstring):
    (order violations within the slot's family, order violations against the other blocks — each block
    represented by its first placed label —, how little it looks like a label (:func:`_unlike`), the
    family's labels out of line with it (sharing neither a row nor a column), the distance to the nearest
    placed sibling, and last the distance to the family's own group or section label). Blocks are drawn in
    schema order; a family's labels in field order, side by side or one under the other."""
    family = [(s, c) for s, c in ev.family.get(slot.family, ()) if s.id != slot.id]
    others = [sc for b, sc in ev.firsts.items() if b != slot.block]
    near = min((geo.distance(cell, c) for _, c in family), default=NO_EVIDENCE)
    head = next((c for s, c in family if s.order == -1), None)
    # last, for a label with no sibling: nearness to the labels of the blocks written just before and after it
    beside = min((geo.distance(cell, c) for b in (slot.block - 1, slot.block + 1) for c in ev.by_block.get(b, ())),
                 default=NO_EVIDENCE)
    return (_foreign(slot, cell, ev),
            _violations(slot, cell, family, lambda s: s.order), _violations(slot, cell, others, lambda s: s.block),
            _unlike(slot, cell, family, ev), sum(1 for _, c in family if not geo.in_line(cell, c)),
            near, geo.distance(cell, head) if head is not None else 0, beside)


def _foreign(slot: Slot, cell: Cell, ev: Evidence) -> int:
    """Whether the cell lies in another family's part of the form: the first filled cell left of it, or
    above it, is that family's placed group or section label (a 合计 under “三公经费预算支出” is not
    年度收入预算's, wherever the reading order would put it)."""
    sign = ev.signs.get(id(cell))
    if sign is None or slot.order == -1:
        return 0
    # a heading owns the cells on the side its own family's labels lie: right of it in its rows (a row
    # heading), or under it (a heading above its part, merged across it or typed once at its start)
    sides = ((sign.first_left, lambda h, c: h.row <= c.row <= h.last_row and c.col >= h.end_col),
             (sign.first_up, lambda h, c: c.row > h.last_row and c.col >= h.col))
    heads = [(near, owns, ev.slot_of.get(id(near)) if near is not None else None) for near, owns in sides]
    # the slot's own heading next to it wins: a section heading down the left of several groups
    # (部门基本信息 merged beside 年度收入预算 and its band) holds them, it does not take their labels
    if any(owner is not None and owner.order == -1 and owner.family == slot.family for _, _, owner in heads):
        return 0
    for near, owns, owner in heads:
        if owner is None or owner.order != -1:
            continue
        theirs = [c for s, c in ev.family.get(owner.family, ()) if s.order != -1]
        # a heading owns cells only as far down as its family's labels go (and, beside a row heading, no
        # higher): 年度绩效指标 above its table does not own 其他说明的问题 after the table, nor does 部门基本信息,
        # merged down the left of the whole top, own the band labels below its own row (经营服务收入 on the
        # second row of a split band)
        if not theirs or cell.row > max(c.last_row for c in theirs) or (
                near is sign.first_left and cell.last_row < min(c.row for c in theirs)):
            continue
        if any(owns(near, c) for c in theirs):
            return 1
    return 0


def _unlike(slot: Slot, cell: Cell, family: list[tuple[Slot, Cell]], ev: Evidence) -> int:
    """How little a cell looks like a label rather than a value that reads like one. Signs of a label: its
    colon (“联系电话：”); for a group or section label, a merge spanning its family's rows or columns (the
    heading the form's author drew), or else a row of its own when it stands above them (a cell in a row
    of values — an indicator typed “财政部门审核意见” — is a value). Signs of a value: being the only place
    a placed field label has for its value (right of it, with a label under it), or lying in another
    table's column under its header (an indicator typed like the label of the block after the table)."""
    sign = ev.signs.get(id(cell))
    if sign is None:
        return 1
    score = 0 if sign.colon else 1
    for neighbour, other, own in ((sign.left, sign.left_below, lambda n, o: o.col == n.col),
                                  (sign.above, sign.above_right, lambda n, o: o.row == n.row)):
        owner = ev.slot_of.get(id(neighbour)) if neighbour is not None else None
        if owner is None or not owner.id.startswith(("field:", "pair:")):
            continue
        if neighbour is sign.above and neighbour.col != cell.col:
            continue  # not the cell under it: under a wide label, only the cell at its start is its value's
        # the neighbour's other place is none of its own (a label there — unless only this slot wants that
        # cell, which then is a value, this cell being the slot's label —, or a cell begun further back)
        if other is None or ev.wanted.get(id(other), {slot.id}) - {slot.id} or not own(neighbour, other):
            score += 1
    # the nearest label placed above it in its column (candidates left unplaced there are values)
    up = next((s for c in sign.ups if (s := ev.slot_of.get(id(c))) is not None), None)
    if up is not None and up.id.startswith("column:") and up.family != slot.family:
        score += 1
    if slot.order != -1 or not family:
        return score
    cells = [c for _, c in family]
    # merged down over its family's rows (a row heading left of them), or across their columns when they
    # stand side by side under it (a wide cell above labels stacked in one column is a value's place)
    need = min(2, len(cells))
    if (cell.rowspan > 1 and all(cell.row <= c.row and c.last_row <= cell.last_row for c in cells)) or (
            cell.colspan > 1 and all(cell.col <= c.col and c.end_col <= cell.end_col for c in cells)
            and len({c.col for c in cells}) >= need):
        return score
    beside = any(cell.row <= c.last_row and c.row <= cell.last_row for c in cells)
    return score + (2 if sign.in_values and not beside else 1)


def _violations(slot: Slot, cell: Cell, placed: list[tuple[Slot, Cell]], rank: Callable[[Slot], int]) -> int:
    """How many placed labels ranked before ``slot`` come after ``cell`` in reading order, or after it before."""
    mine = rank(slot)
    count = 0
    for s, c in placed:
        if rank(s) < mine and not geo.after(cell, c):
            count += 1
        elif rank(s) > mine and not geo.after(c, cell):
            count += 1
    return count


def place(grid: Grid, schema: Schema, banned: frozenset[int] = frozenset()) -> Placement:
    """The label cell of every slot (``banned``: cells never taken for a label)."""
    slots = schema_slots(schema)
    p = Placement(grid, schema, slots)
    index = _index(grid)
    cands: dict[str, list[tuple[Cell, str]]] = {
        s.id: [ci for ci in _candidates(grid, index, s) if id(ci[0]) not in banned] for s in slots}
    labels = {id(c) for found in cands.values() for c, _ in found}
    for sid, found in cands.items():
        mine = {id(c) for c, _ in found}
        field = sid.startswith(("field:", "pair:"))
        cands[sid] = [ci for ci in found if not _echoes_left(grid, ci[0], mine, labels)
                      and not (field and _echoes_above(grid, ci[0], mine, labels))]
    _header_rows(schema, slots, cands)
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
    signs = _signs(grid, cands, wanted, contested_cells)
    # A file drawn from the same template as one placed before has the same label cells (positions,
    # spans, signs, whether a value follows the label in its cell): their placement is a function of
    # exactly these, so it is taken over. (The inline value's text is never looked at by the assignment;
    # keyed by it, no two units' files — “填报单位（盖章）：<the unit>” — could share a placement.)
    key = (id(schema), tuple(tuple((c.row, c.col, c.rowspan, c.colspan, inline != "", signs[id(c)].key())
                                   for c, inline in cands[s.id]) for s in slots))
    hit = _PLACEMENTS.get(key)
    if hit is not None and hit[0] is schema:
        for s in slots:
            k = hit[1].get(s.id)
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
    for group in groups:
        placed = [(by_id[k], c) for k, c in p.cell.items()]
        try:
            choice = _assign(group, cands, placed, p.label_ids, signs, wanted)
        except AmbiguousLayout as exc:
            raise AmbiguousLayout(exc.message, cells=exc.cells, path=grid.source) from None
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
            mine = {s.id for s in group}
            own = {id(c) for k, c in p.cell.items() if k in mine}
            placed = [(by_id[k], c) for k, c in p.cell.items() if k not in mine]
            try:
                choice = _assign(group, cands, placed, p.label_ids - own, signs, wanted)
            except AmbiguousLayout:
                continue  # placed once without doubt; more evidence that ties two cells changes nothing
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
    if len(_PLACEMENTS) >= PLACEMENT_CACHE:
        _PLACEMENTS.pop(next(iter(_PLACEMENTS)))
    _PLACEMENTS[key] = (schema, {s.id: next(k for k, (c, _) in enumerate(cands[s.id]) if c is cell)
                                 for s in slots if (cell := p.cell.get(s.id)) is not None})
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
            found = _split_inline(inline, block.fields[k + 1:])
            for later in block.fields[k + 1:]:
                sid = f"field:{later.key}"
                cell = p.cell.get(sid)
                if later.key in found and cell is not None and cell is not head:
                    p.drop(sid)


# How many label-like cells above a contested cell its signs look through for the label it stands under.
MAX_UPS = 16


@attrs.frozen
class Signs:
    """What a candidate cell's surroundings say about it, computed from the grid before any placement."""

    colon: bool  # its text has a colon after the label
    in_values: bool  # its rows hold a visible non-empty cell that no slot wants (a value)
    left: Cell | None = None  # the candidate just left of it, in its row
    left_below: Cell | None = None  # … and the cell under that one (where its value could be instead)
    above: Cell | None = None  # the candidate just above it, in its column
    above_right: Cell | None = None  # … and the cell right of that one
    ups: tuple[Cell, ...] = ()  # the candidates above it in its column, nearest first (past values, blanks)
    # the first filled cell left of it in its row and above it in its column (blank cells passed over), when
    # a slot wants it: a heading there says whose part of the form the cell lies in
    first_left: Cell | None = None
    first_up: Cell | None = None

    def key(self) -> tuple[object, ...]:
        def at(c: Cell | None) -> tuple[int, int] | None:
            return None if c is None else (c.row, c.col)
        return (self.colon, self.in_values, at(self.left), at(self.left_below), at(self.above),
                at(self.above_right), tuple(at(c) for c in self.ups), at(self.first_left), at(self.first_up))


def _signs(grid: Grid, cands: dict[str, list[tuple[Cell, str]]], wanted: dict[int, set[str]],
           contested: set[int]) -> dict[int, Signs]:
    """For each candidate cell, its :class:`Signs` (the neighbours only for cells that slots contest)."""
    out: dict[int, Signs] = {}
    rows: dict[int, list[Cell]] = {}

    def candidate(c: Cell | None, me: Cell) -> Cell | None:
        return c if c is not None and c is not me and id(c) in wanted else None

    for found in cands.values():
        for cell, _ in found:
            if id(cell) in out:
                continue
            values = False
            for r in range(cell.row, cell.last_row + 1):
                mine = rows.get(r)
                if mine is None:
                    mine = rows[r] = [c for c in grid.own_anchors(r)
                                      if not c.blank and id(c) not in wanted and grid.visible(c)]
                if mine:
                    values = True
                    break
            colon = ":" in norm(cell.text)
            if id(cell) not in contested:
                out[id(cell)] = Signs(colon, values)
                continue
            left = candidate(geo.cell_at(grid, cell.row, cell.col - 1), cell) if cell.col > 0 else None
            above = candidate(geo.cell_at(grid, cell.row - 1, cell.col), cell) if cell.row > 0 else None
            ups: list[Cell] = []
            r = cell.row - 1
            while r >= 0 and len(ups) < MAX_UPS:
                c = geo.cell_at(grid, r, cell.col)
                if c is not None and c is not cell and id(c) in wanted:
                    ups.append(c)
                r = (c.row if c is not None else r) - 1
            out[id(cell)] = Signs(
                colon, values, left, geo.cell_under(grid, left) if left is not None else None,
                above, geo.cell_at(grid, above.row, above.end_col) if above is not None else None, tuple(ups),
                candidate(geo.first_filled(grid, cell, 0, -1), cell),
                candidate(geo.first_filled(grid, cell, -1, 0), cell))
    return out


def _header_rows(schema: Schema, slots: list[Slot], cands: dict[str, list[tuple[Cell, str]]]) -> None:
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
            taken: set[int], signs: dict[int, Signs], wanted: dict[int, set[str]]) -> dict[str, tuple[Cell, str]]:
    """The best injective assignment of the group's slots to their candidate cells (or to none).

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
        return _assign_greedy(group, options, ev)
    fixed = {(k, id(ci[0])): _cost(s, ci[0], ev) for k, s in enumerate(group) for ci in options[k]
             if ci is not None}
    pairs: dict[tuple[int, int, int, int], tuple[int, int, int, int | None]] = {}

    def pair(ka: int, ca: Cell, kb: int, cb: Cell) -> tuple[int, int, int, int | None]:
        key = (ka, id(ca), kb, id(cb))
        hit = pairs.get(key)
        if hit is None:
            a, b = group[ka], group[kb]
            if a.family == b.family:
                v = _violations(a, ca, [(b, cb)], lambda x: x.order)
                hit = (v, 0, 0 if geo.in_line(ca, cb) else 1, geo.distance(ca, cb))
            elif a.block != b.block:
                hit = (0, _violations(a, ca, [(b, cb)], lambda x: x.block), 0, None)
            else:
                hit = (0, 0, 0, None)
            pairs[key] = hit
        return hit

    # Leaving a slot without its label costs more than any placement, so when every slot can have a cell
    # only such combinations compete.
    full = [c for c in itertools.product(*(o[:-1] for o in options)) if len({id(ci[0]) for ci in c}) == len(c)]
    combos: Iterable[tuple[tuple[Cell, str] | None, ...]] = full or itertools.product(*options)
    scored: list[tuple[tuple[int, ...], tuple[tuple[Cell, str] | None, ...]]] = []
    for combo in combos:
        ids = [id(ci[0]) for ci in combo if ci is not None]
        if len(ids) != len(set(ids)):
            continue
        f = v = g = m = u = d = h = a = 0
        for ka, ca in enumerate(combo):
            if ca is None:
                f, v, g, u, m, d, h, a = (x + y for x, y in zip((f, v, g, u, m, d, h, a), UNPLACED,
                                                                 strict=True))
                continue
            ff, fv, fg, fu, fm, fd, fh, fa = fixed[(ka, id(ca[0]))]
            for kb, cb in enumerate(combo):
                if kb == ka or cb is None:
                    continue
                pv, pg, pm, pd = pair(ka, ca[0], kb, cb[0])
                fv, fg, fm = fv + pv, fg + pg, fm + pm
                if pd is not None and pd < fd:
                    fd = pd
            f, v, g, m, u, d, h, a = f + ff, v + fv, g + fg, m + fm, u + fu, d + fd, h + fh, a + fa
        scored.append(((f, v, g, u, m, d, h, a), combo))
    scored.sort(key=lambda x: x[0])
    best_cost, best = scored[0]
    for cost, combo in scored[1:]:
        if cost != best_cost:
            break
        differ = [(s, a, b) for s, a, b in zip(group, best, combo, strict=True) if a is not b
                  and (a is None or b is None or a[0] is not b[0])]
        if differ:
            cells = sorted({ci[0].address for _, a, b in differ for ci in (a, b) if ci is not None})
            labels = "、".join(dict.fromkeys(f"“{s.name}”" for s, _, _ in differ))
            raise AmbiguousLayout(f"标签 {labels} 出现在 {'、'.join(cells)}，无法确定各属于哪一栏", cells=cells)
    return {s.id: ci for s, ci in zip(group, best, strict=True) if ci is not None}


def _assign_greedy(group: list[Slot], options: list[list[tuple[Cell, str] | None]],
                   ev: Evidence) -> dict[str, tuple[Cell, str]]:
    pairs = sorted(((_cost(s, ci[0], ev), k, ci) for k, (s, opts) in enumerate(zip(group, options, strict=True))
                    for ci in opts if ci is not None), key=lambda x: (x[0], x[1]))
    out: dict[str, tuple[Cell, str]] = {}
    used: set[int] = set()
    for _, k, ci in pairs:
        s = group[k]
        if s.id not in out and id(ci[0]) not in used:
            out[s.id] = ci
            used.add(id(ci[0]))
    return out


# -- values of each block kind ------------------------------------------------------------------------

class Context:
    """What every block's value step needs: the grid, the placement, the layout being built."""

    def __init__(self, grid: Grid, schema: Schema, placement: Placement) -> None:
        self.grid = grid
        self.schema = schema
        self.p = placement
        self.layout = Layout(grid)
        self.read: set[int] = set()  # cells read as values
        self.extra_labels: set[int] = set()  # label cells met again (a repeated header or section label)
        self.claims: dict[int, str] = {}  # value cell → the label that took it
        self._families: dict[str, frozenset[int]] = {}
        self._neighbours: dict[int, tuple[Cell | None, Cell | None, list[Cell]]] = {}

    def is_known_label(self, cell: Cell) -> bool:
        """A placed label, or a cell reading as one of the schema's labels (bare or with a section ordinal)."""
        return self.p.looks_like_label(cell) or unnumbered(norm(cell.text)).rstrip(":") in self.p.known

    def is_note(self, cell: Cell) -> bool:
        """Printed text that carries no value (the schema's ``notes``)."""
        folded = norm(cell.text)
        return any(n.search(folded) for n in self.schema.notes)

    def own_stops(self, block: int) -> Callable[[int], bool]:
        """Whether a row holds a placed label of another block (where a section of ``block`` ends)."""
        mine = {s.id for s in self.p.slots if s.block == block}
        others = {id(c) for k, c in self.p.cell.items() if k not in mine}

        def stops(r: int) -> bool:
            return any(id(c) in others for c in self.grid.own_anchors(r))

        return stops

    def family_heads(self, slot_id: str) -> frozenset[int]:
        """The placed heading of a slot's family (its group or section label), if any: the one label that may
        begin left of the slot's value in a lower row (typed once in the left column, or centred in it).
        A sibling field's label there starts a row of its own: the cell beside it is that field's value."""
        family = next(s.family for s in self.p.slots if s.id == slot_id)
        hit = self._families.get(family)
        if hit is None:
            hit = self._families[family] = frozenset(
                id(c) for s in self.p.slots
                if s.family == family and s.order < 0 and (c := self.p.of(s.id)) is not None)
        return hit

    def neighbours(self, label: Cell, slot_id: str, *, header: bool = False
                   ) -> tuple[Cell | None, Cell | None, list[Cell]]:
        """(the value candidate right of ``label``, the one below it, rivals of that one), computed once.
        ``header``: a band's column header, whose value may lie past another group's header row."""
        hit = self._neighbours.get(id(label))
        if hit is None:
            grid, is_label = self.grid, self.p.looks_like_label
            below, rivals = geo.below_value(grid, label, is_label, self.family_heads(slot_id),
                                            copies=lambda c: self.p.repeats_label(c, other_than=label),
                                            headers=self.p.is_header if header else None,
                                            copied=self.p.reads_as_placed)
            if header and below is not None and below.row > label.last_row + 1:
                _passed_headers_agree(grid, label, below, is_label)
            hit = self._neighbours[id(label)] = (geo.right_value(grid, label, is_label), below, rivals)
        return hit

    def value_cell(self, label: Cell, prefer: str, name: str, slot_id: str, *, only: bool = False,
                   header: bool = False) -> Cell | None:
        """The value cell of a label: right of it or below it, ``prefer`` deciding when both could be
        (``only``: in that direction alone; ``header``: see :meth:`neighbours`)."""
        right, below, rivals = self.neighbours(label, slot_id, header=header)
        first, second = (right, below) if prefer == "right" else (below, right)
        if only:
            second = None
        if first is not None and not first.blank:
            chosen = first
        elif second is not None and not second.blank:
            chosen = second
        else:
            chosen = first if first is not None else second
        if chosen is below and chosen is not None and rivals:
            where = "、".join(c.address for c in [below, *rivals] if c is not None)
            self.layout.problems.append(f"{name} ({label.address})：下方有多个值（{where}），无法确定哪个是它的值")
            return None
        if chosen is not None:
            holder = self.claims.get(id(chosen))
            if holder is not None:
                if not chosen.blank:
                    self.layout.problems.append(
                        f"{name} ({label.address})：值单元格 {chosen.address} 也是“{holder}”的值，无法确定归属")
                return None
            self.claims[id(chosen)] = name
            self.read.add(id(chosen))
        return chosen


def _passed_headers_agree(grid: Grid, label: Cell, value: Cell, is_label: Callable[[Cell], bool]) -> None:
    """A value found under a header past another header row must not lie under a header of that row too
    (an amount merged across both): which one it belongs to is not for the locator to guess."""
    others = geo.labels_passed(grid, label, value, is_label)
    if others:
        cells = [label.address, *(c.address for c in others)]
        names = "、".join(f"“{' '.join(c.text.split())}”" for c in (label, *others))
        where = "、".join(cells)
        raise AmbiguousLayout(f"{names} ({where}) 下方是同一个值单元格 {value.address}，无法确定它属于哪一栏",
                              cells=cells, path=grid.source)


def _values_fields(ctx: Context, i: int, block: Fields) -> None:
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
            values = _split_inline(inline, block.fields[k + 1:])
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
                inline_pair = _match(pair_label.text, p.label) or None
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


def _values_band(ctx: Context, i: int, block: Band) -> None:
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


def _section(ctx: Context, i: int, label: Cell, continues: Callable[[int], bool] | None = None
             ) -> tuple[bool, list[int]]:
    """Whether a section label is a heading, and its rows (see geometry.section_rows)."""
    folded = norm(label.text).rstrip(":")

    def same(cell: Cell) -> bool:
        return norm(cell.text).rstrip(":") == folded

    mine = {s.id for s in ctx.p.slots if s.block == i}
    others = {id(c) for k, c in ctx.p.cell.items() if k not in mine}
    heading = geo.is_heading(ctx.grid, label, same, lambda c: id(c) in others)
    rows = geo.section_rows(ctx.grid, label, heading=heading, stops=ctx.own_stops(i), same=same,
                            continues=continues)
    for r in rows:  # the label typed again in every row of its section
        cell = geo.cell_at(ctx.grid, r, label.col)
        if cell is not None and cell is not label and same(cell):
            ctx.extra_labels.add(id(cell))
    return heading, rows


def _values_list(ctx: Context, i: int, block: ListBlock) -> None:
    label = ctx.p.of(f"section:{block.key}")
    if label is None:
        return
    grid = ctx.grid
    heading, rows = _section(ctx, i, label)
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


def _values_table(ctx: Context, i: int, block: Table) -> None:
    label = ctx.p.of(f"section:{block.key}")
    headers = {c.key: ctx.p.of(f"column:{block.key}.{c.key}") for c in block.columns}
    columns: dict[str, Cell] = {k: v for k, v in headers.items() if v is not None}
    if label is None or not columns:
        return
    grid = ctx.grid
    first_header = min(columns.values(), key=lambda c: (c.row, c.col))
    header_row = max(c.last_row for c in columns.values())
    required = [c for c in block.columns if not c.optional and c.key in columns]

    # (match_label is "" only for a text whose fold begins with the label's: the rest are passed over cheaply,
    # as most rows of a long table hold no label at all)
    folded_labels = [(col, [(lab, norm(lab)) for lab in col.labels]) for col in block.columns]

    def header_in(r: int) -> dict[str, Cell] | None:
        """Row ``r`` as the header again (a table broken across pages): its column label cells."""
        found: dict[str, Cell] = {}
        for cell in grid.own_anchors(r):
            folded = norm(cell.text)
            for col, labels in folded_labels:
                if col.key not in found and any(folded.startswith(want) and match_label(cell.text, lab) == ""
                                                for lab, want in labels):
                    found[col.key] = cell
                    break
        return found if all(c.key in found for c in required) and len(found) >= 2 else None

    def continues(r: int) -> bool:
        return header_in(r) is not None

    heading, rows = _section(ctx, i, label, continues)
    mapping = {k: c.col for k, c in columns.items()}
    ends = {k: c.end_col for k, c in columns.items()}
    parts: list[TablePart] = [TablePart(dict(mapping), [], dict(ends))]
    block_of = grid.row_blocks[header_row]
    left = min(c.col for c in columns.values())
    for r in rows:
        if r <= header_row and grid.row_blocks[r] == grid.row_blocks[first_header.row]:
            continue
        if r < first_header.row:
            continue  # the section label's own rows above the header (a heading line, a table of its own)
        again = header_in(r)
        if again is not None or grid.row_blocks[r] != block_of:
            _drop_gap(grid, parts[-1])
        if again is not None:
            ctx.extra_labels.update(id(c) for c in again.values())
            mapping = {k: c.col for k, c in again.items()}
            ends = {k: c.end_col for k, c in again.items()}
            parts.append(TablePart(dict(mapping), [], dict(ends)))
            block_of = grid.row_blocks[r]
            continue
        if grid.row_blocks[r] != block_of:
            # a new table without the header repeated: its columns must line up with the header's
            block_of = grid.row_blocks[r]
            starts = {c.col for c in grid.own_anchors(r) if c.col >= left}
            if not set(mapping.values()) <= starts:
                ordered = sorted((c for c in grid.own_anchors(r) if c.col >= left), key=lambda c: c.col)
                if len(ordered) != len(mapping):
                    ctx.layout.problems.append(
                        f"{block.label}：续表（{_first_address(grid, r)} 起）的列与表头对不上，无法读取")
                    break
                keys = sorted(mapping, key=mapping.__getitem__)
                mapping = {k: c.col for k, c in zip(keys, ordered, strict=True)}
                ends = {k: c.end_col for k, c in zip(keys, ordered, strict=True)}
            parts.append(TablePart(dict(mapping), [], dict(ends)))
        if _spans_columns(grid, r, mapping, block):
            break  # one cell across several columns: a note under the table, not an item
        parts[-1].rows.append(r)
    parts = [p for p in parts if p.rows or p is parts[0]]
    all_rows = [r for p in parts for r in p.rows]
    for part in parts:
        for r in part.rows:
            for key, c in part.columns.items():
                for k in range(c, part.ends.get(key, c + 1)):
                    cell = geo.cell_at(grid, r, k)
                    if cell is not None:
                        ctx.read.add(id(cell))
    ctx.layout.tables.append(TableLoc(block, label, header_row, columns, all_rows, parts))


def _spans_columns(grid: Grid, r: int, mapping: dict[str, int], block: Table) -> bool:
    """Whether a non-blank cell starting in row ``r`` covers two of the table's value columns."""
    merged = {c.key for c in block.columns if c.carry is not None}
    value_cols = sorted(col for key, col in mapping.items() if key not in merged)
    for cell in grid.own_anchors(r):
        if cell.blank:
            continue
        covered = [c for c in value_cols if cell.col <= c < cell.end_col]
        if len(covered) >= 2:
            return True
    return False


def _drop_gap(grid: Grid, part: TablePart) -> None:
    """Blank rows ending a part just before the table breaks, drawn otherwise than the items (the gap
    left at a page break), are no item slots."""
    while part.rows and not grid.has_content(part.rows[-1]) and not _lines_up(
            grid, part.rows[-1], part.columns, part.ends):
        part.rows.pop()


def _lines_up(grid: Grid, r: int, mapping: dict[str, int], ends: dict[str, int]) -> bool:
    """Whether row ``r`` has a cell under each header, as wide as the header."""
    for key, c in mapping.items():
        cell = geo.cell_at(grid, r, c)
        if cell is None or cell.col != c or cell.end_col != ends.get(key, c + 1):
            return False
    return True


def _first_address(grid: Grid, r: int) -> str:
    anchors = grid.own_anchors(r)
    return anchors[0].address if anchors else f"第{r + 1}行"


def _values_boxes(ctx: Context, i: int, block: Boxes) -> None:
    label = ctx.p.of(f"section:{block.key}")
    if label is None:
        return
    grid = ctx.grid
    _heading, rows = _section(ctx, i, label)
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
                                         and ctx.p.looks_like_label(c) for c in grid.own_anchors(r)):
                break
            box_rows.append(r)
        # blank rows after the office's own rows at the end of the box are the form's spacing (the blank row
        # before 填报人), not lines of the box: a review written into it would land outside the box
        while box_rows and box_rows[-1] > cell.last_row and not grid.has_content(box_rows[-1]):
            box_rows.pop()
        cells = [c for c in geo.own_cells(grid, box_rows, cell.end_col)]
        ctx.read.update(id(c) for c in cells)
        boxes.append(BoxLoc(office, cell, cells))
    ctx.layout.boxes.append(BoxesLoc(block, label, boxes))


def _values_title(ctx: Context, i: int, block: Title) -> None:
    for cell in ctx.grid.reading_order():
        if not ctx.grid.visible(cell):
            continue
        m = block.pattern.match(norm(cell.text))
        if m:
            year = m.group(block.key)
            loc = ctx.layout.title = TitleLoc(block, cell, int(year) if year else None)
            ctx.read.add(id(cell))
            if block.year_pattern is not None:
                _year_line(ctx, loc)
            return


# How far past the title (cells in reading order) its year line may be printed.
YEAR_LINE_REACH = 3


def _year_line(ctx: Context, loc: TitleLoc) -> None:
    """The cell under the title that holds the year (“（2020年度）”), among the next few in reading order."""
    pattern = loc.block.year_pattern
    assert pattern is not None
    seen = 0
    after = False
    for cell in ctx.grid.reading_order(loc.cell.row):
        if cell is loc.cell:
            after = True
            continue
        if not after or cell.blank or not ctx.grid.visible(cell):
            continue
        if id(cell) in ctx.p.label_ids or seen >= YEAR_LINE_REACH:
            return
        seen += 1
        m = pattern.match(norm(cell.text))
        if m:
            loc.year_cell = cell
            ctx.read.add(id(cell))
            if loc.year is None and m.group(loc.block.key):
                loc.year = int(m.group(loc.block.key))
            return


# --- The matrix block kind: printed row labels × printed column labels, one value at each crossing. Its slots
# are the section label (when the schema gives one), each printed row label (a family: their order down the
# form is evidence) and each printed column label (another family, across). Once placed, the value of row r
# and column c is the cell in r's label row under c's label — the nearest header row above the row label
# holding c, so a matrix whose rows are split by a repeated header (a page break), or whose columns are split
# into halves each with the row labels again, reads too. Rows and columns may come in any order and by any
# alias; every value becomes a field ``key.row.column`` (a FieldLoc), so the reader's value rules and the
# writer's fill take it as they take any field. (Kept in this module until locate becomes a package: a module
# of its own would import this one's Context, Slot and Kind, and this one registers it.)


def _slots_matrix(i: int, block: Matrix) -> Iterator[Slot]:
    family = f"b{i}"
    required = not block.optional
    if block.label:
        yield Slot(f"section:{block.key}", (block.label, *block.aliases), i, family, -1, required)
    for k, r in enumerate(block.rows):
        yield Slot(f"mrow:{block.key}.{r.key}", r.labels, i, family, k, required and not r.optional,
                   tables_only=True)
    for k, c in enumerate(block.columns):
        yield Slot(f"mcol:{block.key}.{c.key}", c.labels, i, f"b{i}.columns", k, required and not c.optional,
                   tables_only=True)


def _matrix_copies(ctx: Context, placed: Cell, rows: range) -> list[Cell]:
    """A placed label and its copies in the same column within ``rows`` (a header printed again after a page
    break, the row labels printed again under a second half of the columns; the label may have been placed
    on any), top to bottom."""
    folded = norm(placed.text)
    out = []
    for r in rows:
        cell = geo.cell_at(ctx.grid, r, placed.col)
        if cell is not None and cell.row == r and (cell is placed or (
                norm(cell.text) == folded and not ctx.p.looks_like_label(cell))):
            out.append(cell)
    return out or [placed]


def _matrix_extent(ctx: Context, i: int, placed: list[Cell]) -> range:
    """The rows of the matrix: around its placed labels, up to the rows of other blocks' labels."""
    top = min(c.row for c in placed)
    stops = ctx.own_stops(i)
    while top > 0 and not stops(top - 1):
        top -= 1
    bottom = max(c.last_row for c in placed)
    r = bottom + 1
    while r < len(ctx.grid.rows) and not stops(r):
        r += 1
    return range(top, r)


def _values_matrix(ctx: Context, i: int, block: Matrix) -> None:
    """Each row label (or copy of it) takes the columns of the nearest header row above it: a matrix split
    by a repeated header reads row by row, one split into halves of columns (the row labels printed again
    under the second half) column by column."""
    grid = ctx.grid
    placed_rows = [(r, cell) for r in block.rows if (cell := ctx.p.of(f"mrow:{block.key}.{r.key}")) is not None]
    placed_cols = [(c, cell) for c in block.columns if (cell := ctx.p.of(f"mcol:{block.key}.{c.key}")) is not None]
    if not placed_rows or not placed_cols:
        return
    extent = _matrix_extent(ctx, i, [cell for _x, cell in (*placed_rows, *placed_cols)])
    rows = [(r, _matrix_copies(ctx, cell, extent)) for r, cell in placed_rows]
    cols = [(c, _matrix_copies(ctx, cell, extent)) for c, cell in placed_cols]
    for _item, copies in (*rows, *cols):
        ctx.extra_labels.update(id(x) for x in copies)
    header_rows = sorted({h.row for _c, copies in cols for h in copies})
    for r, row_copies in rows:
        for c, col_copies in cols:
            key = f"{block.key}.{r.key}.{c.key}"
            name = f"{r.label} {c.label}"
            found = None
            for row_label in row_copies:
                above = [h for h in header_rows if h < row_label.row]
                header = next((h for h in col_copies if above and h.row == above[-1]), None)
                if header is not None:
                    found = (row_label, header)
                    break
            if found is None:
                where = row_copies[0].address
                ctx.layout.problems.append(f"{name} ({where})：行标签上方没有列标签“{c.label}”，找不到它的值")
                continue
            row_label, header = found
            cell = geo.in_span(grid, row_label.row, header.col, header.end_col)
            if cell is None or cell is row_label or ctx.p.looks_like_label(cell) or id(cell) in ctx.extra_labels:
                if not (block.optional or r.optional or c.optional):
                    ctx.layout.problems.append(f"{name} ({row_label.address})：找不到填写它的单元格")
                continue
            holder = ctx.claims.get(id(cell))
            if holder is not None:
                if not cell.blank:
                    ctx.layout.problems.append(
                        f"{name} ({row_label.address})：值单元格 {cell.address} 也是“{holder}”的值，无法确定归属")
                continue
            ctx.claims[id(cell)] = name
            ctx.read.add(id(cell))
            field = attrs.evolve(c, key=key, label=name)
            ctx.layout.fields[key] = FieldLoc(key, field, row_label, cell)


@attrs.frozen
class Kind:
    """A block kind: the slots it needs, and how it takes its values once they are placed."""

    slots: Callable[[int, object], Iterator[Slot]]
    values: Callable[[Context, int, object], None]


KINDS: dict[type, Kind] = {
    Title: Kind(_slots_title, _values_title),  # type: ignore[arg-type]
    Fields: Kind(_slots_fields, _values_fields),  # type: ignore[arg-type]
    Band: Kind(_slots_band, _values_band),  # type: ignore[arg-type]
    ListBlock: Kind(_slots_list, _values_list),  # type: ignore[arg-type]
    Table: Kind(_slots_table, _values_table),  # type: ignore[arg-type]
    Boxes: Kind(_slots_boxes, _values_boxes),  # type: ignore[arg-type]
    Matrix: Kind(_slots_matrix, _values_matrix),  # type: ignore[arg-type]
}


def schema_slots(schema: Schema) -> list[Slot]:
    return derived(schema, "slots", lambda s: [slot for i, b in enumerate(s.blocks)
                                               for slot in KINDS[type(b)].slots(i, b)])


# -- the whole --------------------------------------------------------------------------------------

def locate(grid: Grid, schema: Schema) -> Layout:
    """Where every field of ``schema`` is on ``grid``.

    Raises NotThisForm naming the identifying labels that are missing, AmbiguousLayout when labels could
    belong to several slots equally well. Missing required labels and labels without a value cell are
    listed in ``layout.problems`` (the reader raises them), left-out optional parts in ``layout.absent``,
    and cells nothing accounts for in ``layout.unread``.
    """
    layout, p = _locate(grid, schema, frozenset())
    # A label over its value in one cell (“编制人数↵23”) may as well be a value typed so: an item “合计↵…”
    # in a table (read twice, or cutting the table short), a 目标 intro “填报人↵一” in a copy without the
    # 填报人 line. The layout without those cells is taken unless it accounts for less of the form (more
    # problems, or as many and more unread cells): the reading of a cell as a label and its value at once
    # is the exception, which only the form's coverage can make the rule.
    by_id = {s.id: s for s in p.slots}
    suspects = frozenset(id(c) for sid, c in p.cell.items() if _below_only(c, by_id[sid]))
    if suspects:
        try:
            other, _ = _locate(grid, schema, suspects)
        except (NotThisForm, AmbiguousLayout):
            return layout
        if (len(other.problems), len(other.unread)) <= (len(layout.problems), len(layout.unread)):
            return other
    return layout


def _below_only(cell: Cell, slot: Slot) -> bool:
    """Whether ``cell`` is ``slot``'s label only as a label over its value in one cell."""
    return slot.id.startswith("field:") and "\n" in cell.text and all(
        _match(cell.text, label) is None for label in slot.labels)


def _locate(grid: Grid, schema: Schema, banned: frozenset[int]) -> tuple[Layout, Placement]:
    p = place(grid, schema, banned)
    identify = {norm(x) for x in schema.identifying_labels()}
    missing = [s for s in p.slots if s.required and s.id not in p.cell and norm(s.name) in identify]
    headless = _headless(p)
    if any(s.id not in headless for s in missing):
        raise NotThisForm(_dedupe([s.name for s in missing]), form=schema.name, path=grid.source)
    stand_ins = _place_stand_ins(grid, schema, p, headless) if headless else []
    missing = [s for s in missing if s.id not in p.cell]
    if missing:
        raise NotThisForm(_dedupe([s.name for s in missing]), form=schema.name, path=grid.source)
    ctx = _values(grid, schema, p)
    layout = ctx.layout
    layout.stand_ins = stand_ins
    for i, block in enumerate(schema.blocks):
        mine = [s for s in p.slots if s.block == i]
        if not mine:
            continue
        if getattr(block, "optional", False) and not any(s.id in p.cell for s in mine):
            layout.absent.append(mine[0].name)
            continue
        for s in mine:
            if s.required and s.id not in p.cell:
                layout.problems.append(f"找不到标签“{s.name}”")
    layout.unread = _unread(ctx)
    return layout, p


def _values(grid: Grid, schema: Schema, p: Placement) -> Context:
    """Step 4: every block kind takes its values from the placed labels."""
    ctx = Context(grid, schema, p)
    ctx.layout.schema = schema
    for i, block in enumerate(schema.blocks):
        KINDS[type(block)].values(ctx, i, block)
    return ctx


# -- blocks placed by their members ---------------------------------------------------------------------
# A block whose heading is worded otherwise than the schema knows (a county's “项目资金申请” for 资金总额及构成)
# is placed by its member labels when enough of them are found together: at least this many, and at least
# half of them (every required one among them).
MIN_MEMBERS = 2


def _headed(schema: Schema) -> dict[str, tuple[Slot, tuple[Slot, ...]]]:
    """Heading slot id → (the slot, its members): a group or section label and the labels of its family; a
    pairs field's label and its amounts' labels."""
    def make(sch: Schema) -> dict[str, tuple[Slot, tuple[Slot, ...]]]:
        slots = schema_slots(sch)
        out: dict[str, tuple[Slot, tuple[Slot, ...]]] = {}
        for s in slots:
            if s.order == -1:
                members = tuple(m for m in slots if m.family == s.family and m is not s
                                and not m.id.startswith("pair:"))
            elif s.id.startswith("field:"):
                members = tuple(m for m in slots if m.id.startswith(f"pair:{s.id[len('field:'):]}."))
            else:
                continue
            if members:
                out[s.id] = (s, members)
        return out
    return derived(schema, "headed", make)


def _headless(p: Placement) -> dict[str, list[Cell]]:
    """The headings not placed whose members are found together: heading slot id → the members' cells.
    Together: every required member placed, at least MIN_MEMBERS and half of them, each in line with another."""
    out: dict[str, list[Cell]] = {}
    for sid, (_slot, members) in _headed(p.schema).items():
        if sid in p.cell:
            continue
        cells = [c for m in members if (c := p.cell.get(m.id)) is not None]
        if len(cells) < max(MIN_MEMBERS, (len(members) + 1) // 2):
            continue
        if any(m.required and m.id not in p.cell for m in members):
            continue
        if all(any(d is not c and geo.in_line(c, d) for d in cells) for c in cells):
            out[sid] = cells
    return out


def _place_stand_ins(grid: Grid, schema: Schema, p: Placement, headless: dict[str, list[Cell]]) -> list[StandIn]:
    """Each heading of ``headless`` placed at the cell standing where it goes: left of its first member (in
    that member's row) or above it (in its column), with text, that no block reads — located once without
    these headings to know — and that is none of the schema's labels: the heading worded otherwise. A cell
    spanning the members (the heading merged over them) is taken first, then the nearer, then the one on
    the left."""
    first = _values(grid, schema, p)
    taken = first.read | p.label_ids | first.extra_labels | {id(loc.label) for loc in first.layout.fields.values()}
    out: list[StandIn] = []
    for sid, cells in headless.items():
        slot = _headed(schema)[sid][0]
        lead = min(cells, key=lambda c: (c.row, c.col))
        options: list[tuple[tuple[int, int, int], Cell]] = []
        for side, cell in enumerate(_heading_places(grid, lead)):
            if cell is None or id(cell) in taken or not grid.visible(cell) or cell.paragraph:
                continue
            folded = unnumbered(norm(cell.text)).rstrip(":")
            if folded in p.known or any(n.search(folded) for n in schema.notes):
                continue
            if side == 0 and not all(cell.end_col <= c.col for c in cells):
                continue  # left of the heading's first member, but not of all of them
            if side == 1 and not all(cell.last_row < c.row for c in cells):
                continue
            spans = (cell.rowspan > 1 and all(cell.row <= c.row and c.last_row <= cell.last_row for c in cells)) or (
                cell.colspan > 1 and all(cell.col <= c.col and c.end_col <= cell.end_col for c in cells))
            options.append(((0 if spans else 1, geo.distance(cell, lead), side), cell))
        if not options:
            continue
        cell = min(options, key=lambda o: o[0])[1]
        while (above := geo.first_filled(grid, cell, -1, 0)) is not None and above.col == cell.col and norm(
                above.text) == norm(cell.text) and id(above) not in taken:
            cell = above  # a heading typed in every row of its part: its first copy
        taken.add(id(cell))
        p.cell[sid] = cell
        p.label_ids.add(id(cell))
        p._placed_texts = p._headers = None  # noqa: SLF001 - read again with the heading placed
        out.append(StandIn(slot.name, cell))
    return out


def _heading_places(grid: Grid, lead: Cell) -> tuple[Cell | None, Cell | None]:
    """Where a heading goes, seen from its family's first label: the first filled cell left of it in its row,
    and the first filled cell above it in its column. (A heading left blank is not guessed: a blank cell
    there may as well be a table's continuation, whose header row would then be taken for another table's.)"""
    return geo.first_filled(grid, lead, 0, -1), geo.first_filled(grid, lead, -1, 0)


def _unread(ctx: Context) -> list[Unread]:
    """Every visible non-empty cell that is not a label, a value read or a printed note."""
    grid, schema = ctx.grid, ctx.schema
    stand_ins = {norm(s.cell.text) for s in ctx.layout.stand_ins}  # headings worded otherwise count as labels
    seen = ctx.read | ctx.p.label_ids | ctx.extra_labels
    for loc in ctx.layout.fields.values():
        seen.add(id(loc.label))
    out = []
    for cell in grid.reading_order():
        if id(cell) in seen or cell.blank or not grid.visible(cell):
            continue
        folded = norm(cell.text)
        if any(n.search(folded) for n in schema.notes):
            continue
        # a label typed again in its section (the nearest filled cell above or left says the same); any other
        # copy of a label that no slot took is reported: it may be the form's own label, read past
        if (folded.rstrip(":") in ctx.p.known or folded in stand_ins) and (
                _repeats_above(grid, cell) or _repeats_left(grid, cell)):
            continue
        out.append(Unread(cell.address, cell.text))
    return out


@functools.lru_cache(maxsize=1024)
def _head(label: str) -> str:
    """A label as the index keys it: folded, up to any colon."""
    return norm(label).partition(":")[0]


# Characters a label's fold stands for in running text (the text is matched as typed, not folded).
_TYPED = {":": "[:：]", "(": "[(（]", ")": "[)）]"}


def _label_re(label: str) -> re.Pattern[str]:
    """A label in running text: any white space between its characters, then a colon."""
    chars = [_TYPED.get(ch) or re.escape(ch) for ch in norm(label)]
    return re.compile(r"\s*".join(chars) + r"\s*[:：]")


# Brackets that group labelled values in running text (“300万元（其中：A：1万元；B：2万元）”) and what joins
# the values inside them: cut out of the text, a value loses them.
_OPENERS, _CLOSERS, _JOINERS = "（([【", "）)]】", "；;，,、"


def _grouping(text: str, starts: list[int]) -> tuple[set[int], list[tuple[int, int]]]:
    """The positions of bracket pairs that enclose a later label (structure, not value), and those pairs."""
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if ch in _OPENERS:
            stack.append(i)
        elif ch in _CLOSERS and stack:
            o = stack.pop()
            if any(o < k < i for k in starts):
                pairs.append((o, i))
    return {i for pair in pairs for i in pair}, pairs


def _segment(text: str, a: int, b: int, drop: set[int], pairs: list[tuple[int, int]]) -> str | None:
    v = "".join(ch for i, ch in enumerate(text[a:b], a) if i not in drop).strip()
    if any(o < a and b <= c + 1 for o, c in pairs):  # inside a group: the joiners around it go too
        v = v.strip(_JOINERS).strip()
    return v or None


def _split_inline(text: str, later: Iterable[Field]) -> dict[str, str | None]:
    """Cut an inline value where a later field's “label：” begins; {key: value} for those found."""
    cuts: list[tuple[int, int, str]] = []
    for f in later:
        # of a field's labels, the one written (an alias “XY：” holds the shorter label “Y：” of the same field)
        found = [(m.start(), -m.end(), m.end()) for label in f.labels if (m := _label_re(label).search(text))]
        if found:
            start, _, end = min(found)
            cuts.append((start, end, f.key))
    cuts.sort()
    drop, pairs = _grouping(text, [c[0] for c in cuts]) if cuts else (set(), [])
    out: dict[str, str | None] = {}
    first = cuts[0][0] if cuts else len(text)
    out["__head__"] = _segment(text, 0, first, drop, pairs)
    for k, (_start, end, key) in enumerate(cuts):
        stop = cuts[k + 1][0] if k + 1 < len(cuts) else len(text)
        out[key] = _segment(text, end, stop, drop, pairs)
    return out


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def all_labels(schema: Schema) -> Iterator[str]:
    for slot in schema_slots(schema):
        yield from slot.labels


def known_labels(schema: Schema) -> frozenset[str]:
    """Every label of the schema, folded."""
    return derived(schema, "known_labels", lambda s: frozenset(norm(label) for label in all_labels(s)))


def score(grid: Grid, schema: Schema) -> int:
    """How many of the schema's labels a grid holds (to choose the sheet that carries the form)."""
    wanted = known_labels(schema)
    return sum(1 for cell in grid.reading_order()
               if unnumbered(norm(cell.text)).rstrip(":") in wanted and grid.visible(cell))


def split_items(text: str, marker: re.Pattern[str]) -> tuple[str, list[str]]:
    """Split a cell's text at lines that start with an item number: (text before, [items])."""
    head: list[str] = []
    items: list[list[str]] = []
    for line in text.split("\n"):
        m = marker.match(line)
        if m:
            items.append([line[m.end():]])
        elif items:
            items[-1].append(line)
        else:
            head.append(line)
    return "\n".join(head), ["\n".join(lines) for lines in items]


def clear_placements() -> None:
    """Forget the placements remembered for files seen before (they are reused only when exactly valid)."""
    _PLACEMENTS.clear()

