"""What the drafter of a layout schema sees on a blank form's grid: labels, value places and the blocks they
make (title, table, list, band, fields, matrix, notes). See formparse.draft for the rules it follows."""

from __future__ import annotations

import re
from typing import Any

import attrs

from .grid import Cell, Grid
from .text import norm

# A printed prompt (“填报人：”) is short; a longer text ending in a colon is a sentence (an intro).
MAX_PROMPT_CHARS = 16
# The title is searched for among the first rows of the form, above its first row of several cells.
TITLE_ROWS = 6
# A numbered item line or printed slot number: “目标1：”, “1、”, “（3）”.
_NUMBERED = re.compile(r"^(\D*?)([0-9]+)\s*([：:、.．)）]?)\s*(.*)$", re.S)
# One “label：” inside a cell (several may share a cell); the label has no white space or colon in it.
_PROMPT = re.compile(rf"([^\s：:]{{1,{MAX_PROMPT_CHARS}}})\s*[：:]")
# A year as printed in a title (“2020年…”).
YEAR = re.compile(r"[0-9]{4}")
# A line that holds only a year: “（2020年度）”, “2020年”.
_YEAR_LINE = re.compile(r"^\(?[0-9]{4}年度?\)?$")
# The printed blank of a date (“    年  月  日”): a place to write, not a label.
_DATE_BLANK = re.compile(r"^年月日$")



# -- what the drafter proposes ---------------------------------------------------------------------

@attrs.define
class DField:
    label: str
    cell: Cell
    optional: bool = False
    kind: dict[str, Any] = attrs.Factory(dict)  # type = "choice" (options, box) or "date"; default text


@attrs.define
class DBlock:
    kind: str
    row: int  # reading order of the block's first cell
    col: int
    label: str | None = None  # section / list / table label
    fields: list[DField] = attrs.Factory(list)
    groups: list[tuple[str, list[DField]]] = attrs.Factory(list)
    columns: list[dict[str, Any]] = attrs.Factory(list)
    marker: str | None = None
    intro: bool = False
    required_any: list[str] = attrs.Factory(list)
    prefill: list[tuple[str, list[str]]] = attrs.Factory(list)
    title: str | None = None
    slots: int = 1  # a table's item rows on the blank form
    rows: list[DField] = attrs.Factory(list)  # a matrix's printed row labels (its columns: ``fields``)


def _prompts(text: str) -> list[str]:
    """The printed prompts of a cell that begins with one (“填报人：”, “审核人：  科室负责人签字：”), else []."""
    prompts = [m.group(1) for m in _PROMPT.finditer(text)]
    if prompts and norm(text).startswith(norm(prompts[0]) + ":"):
        return prompts
    return []


def _label_text(text: str) -> str:
    """A printed label as the schema writes it: no white space, no trailing colon."""
    return re.sub(r"\s+", "", text).rstrip("：:")


class Drafter:
    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.used: set[int] = set()
        self.blocks: list[DBlock] = []
        self.notes: list[str] = []
        self.sections: list[Cell] = []
        self.title_row = -1  # rows down to the title hold printed headings, not fields (“附件1”)
        self.section_ids: set[int] = set()
        self.extent: dict[int, int] = {}  # section label → its last row
        self._width: dict[int, int] = {}
        for r in range(len(grid.rows)):
            block = grid.row_blocks[r] if r < len(grid.row_blocks) else 0
            ends = [c.end_col for c in grid.own_anchors(r)]
            self._width[block] = max([self._width.get(block, 0), *ends])

    # -- geometry of the blank form --
    def width(self, r: int) -> int:
        return self._width.get(self.grid.row_blocks[r], 0)

    def cells(self, r: int, from_col: int = 0) -> list[Cell]:
        """The visible cells starting in row ``r`` at or right of ``from_col``."""
        if r < 0 or r >= len(self.grid.rows) or r in self.grid.hidden_rows:
            return []
        return [c for c in self.grid.own_anchors(r) if c.col >= from_col and self.grid.visible(c)]

    def empty_at(self, r: int, c: int, *, below_of: Cell | None = None) -> bool:
        """Whether position (r, c) is a place to write: nothing there, or a blank cell starting there."""
        if r >= len(self.grid.rows) or c >= self.width(r):
            return False
        cell = self.grid.at(r, c)
        if cell is None:
            return True
        if below_of is not None and cell is below_of:
            return False
        return cell.row == r and (cell.blank or bool(_DATE_BLANK.match(norm(cell.text))))

    def all_text(self, r: int, from_col: int) -> list[Cell] | None:
        """The row's cells from ``from_col`` when they are labels side by side filling it to the form's
        width (no place to write between them), else None."""
        cells = [c for c in self.cells(r, from_col) if id(c) not in self.used and id(c) not in self.section_ids]
        if not cells or any(c.blank or c.paragraph or _prompts(c.text) or _DATE_BLANK.match(norm(c.text))
                            for c in cells):
            return None
        col = cells[0].col
        for c in cells:
            if c.col != col:
                return None
            col = c.end_col
        return cells if col >= self.width(r) else None

    def empty_under(self, r: int, cells: list[Cell]) -> bool:
        return all(self.empty_at(r + 1, c.col, below_of=c) for c in cells)

    # -- the passes --
    def run(self) -> None:
        self.title()
        left = min((c.col for r in range(len(self.grid.rows)) for c in self.cells(r) if not c.paragraph),
                   default=0)
        for r in range(len(self.grid.rows)):
            for c in self.cells(r):
                if c.col == left and not c.blank and not c.paragraph and id(c) not in self.used:
                    last = self._section_end(c)
                    if last > c.row:
                        self.sections.append(c)
                        self.extent[id(c)] = last
        self.section_ids = {id(s) for s in self.sections}
        for s in self.sections:
            self.matrix_block(s) or self.table_block(s) or self.list_block(s)
        r = 0
        while r < len(self.grid.rows):
            r = self.matrix_at(r) or self.row(r)
        for r in range(len(self.grid.rows)):
            for c in self.cells(r):
                if id(c) not in self.used and not c.blank and not _DATE_BLANK.match(norm(c.text)):
                    self.notes.append(c.text)
        self.blocks.sort(key=lambda b: (b.row, b.col))

    def title(self) -> None:
        candidates = []
        for r in range(min(TITLE_ROWS, len(self.grid.rows))):
            cells = self.cells(r)
            if len(cells) > 1 and not all(c.paragraph for c in cells):
                break
            self.title_row = r  # the heading rows: printed text and prompts, not label → value fields
            candidates += [c for c in cells if not c.blank and not re.search("[：:]", c.text)]
        if not candidates:
            return
        cell = max(candidates, key=lambda c: len(norm(c.text)))
        if len(norm(cell.text)) < 4:
            return
        if not YEAR.search(norm(cell.text)):
            # the year printed on a line of its own under the title (“（2020年度）”): that line is where
            # the title block reads the year; the title itself is printed text
            year_line = next((c for c in candidates if c.row > cell.row and _YEAR_LINE.match(norm(c.text))), None)
            if year_line is not None:
                self.used.add(id(year_line))
                # copies also write the year into the title line (“2020年度项目支出…”): either is the title
                self.blocks.append(DBlock("title", year_line.row, year_line.col, title=year_line.text.strip(),
                                          label=norm(cell.text)))
                return
        self.used.add(id(cell))
        self.blocks.append(DBlock("title", cell.row, cell.col, title=cell.text.strip()))

    def _section_end(self, label: Cell) -> int:
        """The last row of a left-column label's section: the rows it spans, or — typed once, unmerged —
        the rows below it with nothing in the left column (or a blank cell there, with a label beside it)
        while they hold cells right of it."""
        last = label.last_row
        for r in range(label.last_row + 1, len(self.grid.rows)):
            if self.grid.row_blocks[r] != self.grid.row_blocks[label.row] or self.grid.is_paragraph_row(r):
                break
            left = self.grid.at(r, label.col)
            if left is not None and (left.row != r or not left.blank):
                break  # the next left-column label (or a merge from above: not ours)
            right = self.cells(r, label.end_col)
            if not right:
                break
            if left is not None and all(c.blank for c in right):
                break  # a blank cell under the label with only blanks beside it: the label's value place
            last = r
        return last

    def last(self, s: Cell) -> int:
        return self.extent[id(s)]

    def section_of(self, cell: Cell) -> Cell | None:
        return next((s for s in self.sections if s.row <= cell.row <= self.last(s) and cell.col >= s.end_col), None)

    def _matrix(self, r: int, from_col: int, last: int) -> tuple[Cell | None, list[Cell], list[Cell]] | None:
        """A matrix whose header row is ``r`` (from ``from_col``), its rows going down to ``last`` at most:
        (the corner cell, if any, the column labels, the row labels), or None. The header row is a corner
        (blank, a heading over the row labels, or nothing) then two or more column labels side by side to the
        form's width; each row below has a printed label under the corner and nothing under the column labels."""
        head = [c for c in self.cells(r, from_col) if id(c) not in self.section_ids]
        if len(head) < 2 or any(id(c) in self.used for c in head):
            return None
        below = self.grid.at(r + 1, from_col) if r + 1 < len(self.grid.rows) else None
        if head[0].col > from_col and below is not None and below.row == r + 1 and below.end_col <= head[0].col:
            corner, columns = None, head  # nothing printed over the row labels
        else:
            corner, columns = head[0], head[1:]
        if len(columns) < 2 or (corner is not None and corner.paragraph):
            return None
        if any(c.blank or c.paragraph or _prompts(c.text) or _DATE_BLANK.match(norm(c.text)) for c in columns):
            return None
        col = columns[0].col
        for c in columns:
            if c.col != col:
                return None
            col = c.end_col
        if col < self.width(r):
            return None
        labels: list[Cell] = []
        for k in range(max(c.last_row for c in head) + 1, last + 1):
            first = self.grid.at(k, from_col)
            if first is None or first.row != k or first.blank or id(first) in self.used or first.paragraph:
                break
            # (“其中：财政拨款” is a row label; a bare prompt “填报人：” is not)
            if (_NUMBERED.match(first.text.strip()) or norm(first.text).endswith(":")
                    or first.end_col > columns[0].col):
                break
            if not all(self.empty_at(k, c.col) for c in columns):
                break
            labels.append(first)
        folded = [norm(c.text) for c in labels]
        if len(labels) < 2 or len(set(folded)) != len(folded):
            return None
        return corner, columns, labels

    def _add_matrix(self, found: tuple[Cell | None, list[Cell], list[Cell]], section: Cell | None) -> None:
        corner, columns, labels = found
        first = section or corner or columns[0]
        block = DBlock("matrix", first.row, first.col,
                       label=_label_text(section.text) if section is not None else None)
        block.fields = [DField(_label_text(c.text), c) for c in columns]
        block.rows = [DField(_label_text(c.text), c) for c in labels]
        self.used.update(id(c) for c in [*columns, *labels])
        for c in labels:  # the row's value places are the matrix's
            self.used.update(id(x) for x in self.cells(c.row, c.end_col))
        if section is not None:
            self.used.add(id(section))
        if corner is not None:
            self.used.add(id(corner))
            if not corner.blank:
                self.notes.append(corner.text)  # a heading over the row labels (“项目”): printed, no value
        self.blocks.append(block)

    def matrix_block(self, s: Cell) -> bool:
        found = self._matrix(s.row, s.end_col, self.last(s))
        if found is None:
            return False
        self._add_matrix(found, s)
        return True

    def matrix_at(self, r: int) -> int:
        """A matrix with no section label beside it whose header row is ``r``: drafted; the next row to look
        at (0: none here)."""
        cells = [c for c in self.cells(r) if id(c) not in self.used and id(c) not in self.section_ids]
        if r <= self.title_row or not cells:
            return 0
        # nothing printed over the row labels (no cell at all there in a sheet): they begin further left
        below = [c for c in self.cells(r + 1) if id(c) not in self.used and not c.blank]
        start = min(cells[0].col, below[0].col) if below else cells[0].col
        found = self._matrix(r, start, len(self.grid.rows) - 1)
        if found is None or self.section_of(found[2][0]) is not None:
            return 0
        self._add_matrix(found, None)
        return found[2][-1].row + 1

    def table_block(self, s: Cell) -> bool:
        header = self.all_text(s.row, s.end_col)
        body = list(range(s.row + 1, self.last(s) + 1))
        if header is None or len(header) < 2 or len(body) < 2:
            return False
        columns: list[dict[str, Any]] = []
        carried: list[int] = []
        for k, h in enumerate(header):
            texts = []
            for r in body:
                cell = self.grid.at(r, h.col)
                if cell is not None and cell is not h and not cell.blank:
                    texts.append((r, cell))
            col: dict[str, Any] = {"key": f"c{k + 1}", "label": _label_text(h.text)}
            if texts and all((m := _NUMBERED.match(c.text.strip())) and not m.group(4) for _, c in texts):
                col["numbered"] = True  # printed slot numbers (“1、”): items are typed after them
            elif texts:
                carried.append(k)
                col["carry"] = "down" if len(carried) == 1 else "group"
                col["compact"] = True
                if len(carried) == 1:
                    col["merge"] = True
            columns.append(col)
        if len(carried) == len(columns):
            return False
        block = DBlock("table", s.row, s.col, label=_label_text(s.text), columns=columns, slots=len(body))
        block.required_any = [c["key"] for k, c in enumerate(columns) if k not in carried]
        if len(carried) == 2:
            a, b = (header[k].col for k in carried)
            prefill: list[tuple[str, list[str]]] = []
            for r in body:
                top, sub = self.grid.at(r, a), self.grid.at(r, b)
                if top is not None and top.row == r and not top.blank:
                    prefill.append((norm(top.text), []))
                if prefill and sub is not None and sub.row == r and not sub.blank:
                    prefill[-1][1].append(norm(sub.text))
            block.prefill = prefill
        self.used.add(id(s))
        for r in range(s.row, self.last(s) + 1):
            self.used.update(id(c) for c in self.cells(r, s.end_col))
        self.blocks.append(block)
        return True

    def list_block(self, s: Cell) -> bool:
        rows = [self.cells(r, s.end_col) for r in range(s.row, self.last(s) + 1)]
        if any(len(cells) > 1 for cells in rows):
            return False
        line = [cells[0] for cells in rows if cells]
        if len(line) < 2 or len({(c.col, c.end_col) for c in line}) != 1 or line[0].end_col < self.width(s.row):
            return False
        intro = line[0].row == s.row and not line[0].blank and not _NUMBERED.match(line[0].text.strip())
        items = line[1:] if intro else line
        numbered = [m for c in items if not c.blank and (m := _NUMBERED.match(c.text.strip()))]
        if any(not c.blank for c in items) and len(numbered) != sum(not c.blank for c in items):
            return False
        if any(m.group(4) for m in numbered):
            return False  # the blank form's item lines are printed with text after the number: not slots
        marker = f"{numbered[0].group(1)}{{n}}{numbered[0].group(3) or '、'}" if numbered else "{n}、"
        self.used.add(id(s))
        self.used.update(id(c) for c in line)
        self.blocks.append(DBlock("list", s.row, s.col, label=_label_text(s.text), marker=marker, intro=intro))
        return True

    def row(self, r: int) -> int:
        """Draft what starts in row ``r`` (a band, or fields); returns the next row to look at."""
        for start in sorted({c.col for c in self.cells(r) if id(c) not in self.used | self.section_ids}):
            groups = self.all_text(r, start)
            if groups is None:
                continue
            headers = self.all_text(r + 1, start)
            if headers is not None and self.empty_under(r + 1, headers) and not self.empty_under(r, groups):
                self.band(groups, headers)
                return r + 3
            if len(groups) >= 2 and self.empty_under(r, groups):
                section = self.section_of(groups[0])
                if section is not None and id(section) not in self.used:
                    self.used.add(id(section))
                    self.band([section], groups)
                    return r + 2
                # no group label above or left: fields, each read below its label (nothing right of it)
                self.used.update(id(c) for c in groups)
                for c in groups:
                    self._add_fields([DField(_label_text(c.text), c)], c)
                return r + 2
            break
        self.fields(r)
        return r + 1

    def band(self, groups: list[Cell], headers: list[Cell]) -> None:
        out: list[tuple[str, list[DField]]] = [(_label_text(g.text), []) for g in groups]
        for h in headers:
            k = max((i for i, g in enumerate(groups) if g.col <= h.col), default=0)
            out[k][1].append(DField(_label_text(h.text), h))
        self.used.update(id(c) for c in [*groups, *headers])
        out = [g for g in out if g[1]]
        first = min([*groups, *headers], key=lambda c: (c.row, c.col))
        self.blocks.append(DBlock("band", first.row, first.col, groups=out))

    def fields(self, r: int) -> None:
        for cell in self.cells(r):
            if id(cell) in self.used or cell.blank or _DATE_BLANK.match(norm(cell.text)):
                continue
            prompts = _prompts(cell.text)
            found: list[DField] = []
            if len(prompts) == 1 and not norm(cell.text).endswith(":") and self.empty_at(r, cell.end_col):
                # “其中：上级财政资金” with a place to write beside it: on a blank form the text after the
                # colon is part of the label, not a value
                found = [DField(_label_text(cell.text), cell)]
            elif prompts:
                # printed prompts: “填报人：”, or several in one cell (“审核人：  科室负责人签字：”)
                found = [DField(_label_text(p), cell, optional=True) for p in prompts]
                if len(prompts) == 1 and norm(cell.text).endswith(":"):
                    found[0].kind = self._kind_right(cell)  # “填报日期：” | “    年  月  日”
            elif r > self.title_row and len(norm(cell.text)) <= 2 * MAX_PROMPT_CHARS and (
                self.empty_at(r, cell.end_col) or "□" in self._right_text(cell)
                # a heading with the place to write under it (nothing to its right): the locator reads below
                or (self.grid.at(r, cell.end_col) is None and cell.end_col >= self.width(r)
                    and self.empty_under(r, [cell]))
            ):
                found = [DField(_label_text(cell.text), cell, kind=self._kind_right(cell))]
            if not found:
                continue
            self.used.add(id(cell))
            self._add_fields(found, cell)

    def _kind_right(self, cell: Cell) -> dict[str, Any]:
        """The field type the blank form shows in the value place right of a label: printed check boxes
        (“新增项目□　延续项目□”) make a choice, a printed date blank (“    年  月  日”) a date."""
        right = self.grid.at(cell.row, cell.end_col)
        if right is None or right.row != cell.row:
            return {}
        text = right.text.strip()
        if _DATE_BLANK.match(norm(text)):
            return {"type": "date"}
        if "□" not in text:
            return {}
        box = "before" if text.startswith("□") else "after"
        parts = [p.strip() for p in text.split("□")]
        options = [p for p in (parts[1:] if box == "before" else parts[:-1]) if p]
        if len(options) != text.count("□") or len(set(options)) != len(options):
            return {}  # boxes that do not each sit by one option: left as text for a person to decide
        return {"type": "choice", "options": options, "box": box}

    def _right_text(self, cell: Cell) -> str:
        right = self.grid.at(cell.row, cell.end_col)
        if right is not None and right.row == cell.row and id(right) not in self.used:
            if "□" in right.text:
                self.used.add(id(right))  # printed check boxes: the value place of the label left of it
            return right.text
        return ""

    def _add_fields(self, found: list[DField], cell: Cell) -> None:
        section = self.section_of(cell)
        fields = [b for b in self.blocks if b.kind == "fields"]
        last = fields[-1] if fields else None
        # one block per run of fields: same section, no other block between them, no label twice
        same_place = (last is not None and last.fields
                      and self.section_of(last.fields[-1].cell) is section
                      and not any(b.kind != "fields" and (last.row, last.col) < (b.row, b.col) < (cell.row, cell.col)
                                  for b in self.blocks)
                      and not {norm(f.label) for f in found} & {norm(f.label) for f in last.fields})
        if not same_place or last is None:
            last = DBlock("fields", cell.row, cell.col)
            if section is not None and id(section) not in self.used:
                self.used.add(id(section))
                last.label = _label_text(section.text)
            self.blocks.append(last)
        last.fields.extend(found)

