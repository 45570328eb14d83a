"""OpenDocument text documents (.odt/.ott/.fodt): one grid, as ``docx.py`` gives it — paragraphs outside tables
(“第N段”), table rows (“表1第3行第4列”), tables nested in cells after their cell's row, tracked deletions left out
(they live in ``text:tracked-changes``, outside the text), and the page header and footer lines the body lacks."""

from __future__ import annotations

import re
from typing import Any

from ..errors import UnsafeFile
from ..grid import Cell, Grid
from ..limits import Limits
from .odf_text import (
    _CELL,
    _CONTAINERS,
    _COVERED,
    _H,
    _P,
    _REPEAT_COLS,
    _REPEAT_ROWS,
    _SKIP,
    _SPAN_COLS,
    _SPAN_ROWS,
    _TBL,
    _TEXT_NS,
    DRAW,
    OFFICE,
    STYLE,
    TABLE,
    TEXT,
    _count,
    _paragraphs,
    _rows,
    paragraph_text,
    q,
)

# ---------------------------------------------------------------------------------------------- text documents

class _Builder:
    """The rows of a text document, as ``docx._Builder`` makes them from a .docx."""

    def __init__(self, source: str, limits: Limits, fonts: dict[str, str] | None = None, prefix: str = "") -> None:
        self.prefix = prefix  # before a table's addresses: “页眉” for a page header's (“页眉表1第1行第2列”)
        self.limits = limits
        self.fonts = fonts or {}
        self.rows: list[list[Cell | None]] = []
        self.refs: list[Any] = []
        self.blocks: list[int] = []
        self.source = source
        self.n_tables = 0
        self.n_paras = 0
        self.n_frames = 0  # frames anchored to the page, outside any paragraph (not a paragraph of their own)

    def _check_rows(self) -> None:
        if len(self.rows) > self.limits.max_rows:
            raise UnsafeFile(f"文档有 {len(self.rows)} 行（段落和表格行），超过上限 {self.limits.max_rows}",
                             path=self.source)

    def _check_text(self, text: str) -> None:
        if len(text) > self.limits.max_text_chars:
            raise UnsafeFile(f"有单元格的文字超过 {self.limits.max_text_chars} 字", path=self.source)

    def line(self, text: str, address: str, ref: Any = None) -> None:
        if not text.strip():
            return
        self._check_text(text)
        r = len(self.rows)
        self.rows.append([Cell(row=r, col=0, text=text, address=address, paragraph=True, ref=ref)])
        self.refs.append(ref)
        self.blocks.append(-1)
        self._check_rows()

    def paragraph(self, p: Any) -> None:
        self.n_paras += 1
        self.line(paragraph_text(p, fonts=self.fonts), f"第{self.n_paras}段", p)

    def walk(self, container: Any) -> None:
        for child in container:
            tag = child.tag
            if tag.__class__ is not str or tag in _SKIP:
                continue
            if tag == _P or tag == _H:
                self.paragraph(child)
            elif tag == _TBL:
                self.table(child)
            elif tag in _CONTAINERS or tag.startswith(_TEXT_NS) and tag.endswith(("index", "table-of-content")):
                self.walk(child)  # lists, sections, tables of contents and indexes: their paragraphs in place
            elif tag.startswith(f"{{{DRAW}}}"):  # a frame or shape anchored to the page: its text, as a paragraph
                self.n_frames += 1
                self.line(paragraph_text(child, fonts=self.fonts).strip("\n"), f"文本框{self.n_frames}", child)

    def table(self, tbl: Any, offset: int = 0) -> None:
        """A table's rows; a table nested in a cell follows its cell's row, from that cell's column on."""
        self.n_tables += 1
        t = self.n_tables
        source, max_cols = self.source, self.limits.max_cols
        covering: dict[tuple[int, int], Cell] = {}  # (grid row, col) → the merged cell over it
        for i, tr in enumerate(_rows(tbl), start=1):
            rep = _count(tr.get(_REPEAT_ROWS), 1, path=source, what="number-rows-repeated")
            if len(self.rows) + rep > self.limits.max_rows:
                raise UnsafeFile(f"文档的表格行超过上限 {self.limits.max_rows}", path=source)
            for _ in range(rep):
                self._row(tr, t, i, offset, covering, max_cols)

    def _row(self, tr: Any, t: int, i: int, offset: int, covering: dict[tuple[int, int], Cell], max_cols: int) -> None:
        r = len(self.rows)
        row: list[Cell | None] = [None] * offset
        inner: list[tuple[Any, int]] = []  # tables nested in this row's cells, with their column
        col = offset
        for tc in tr:
            tag = tc.tag
            if tag != _CELL and tag != _COVERED:
                continue
            n = _count(tc.get(_REPEAT_COLS), 1, path=self.source, what="number-columns-repeated")
            if col + n > max_cols:
                raise UnsafeFile(f"表{t}第{i}行超过 {max_cols} 列", path=self.source)
            for _ in range(n):
                if tag == _COVERED:
                    anchor = covering.get((r, col))
                    if anchor is not None:  # a merged cell reaches as far down as its covered cells do
                        anchor.rowspan = max(anchor.rowspan, r - anchor.row + 1)
                    row.append(anchor)
                else:
                    row.append(self._cell(tc, r, col, t, i, covering, inner))
                col += 1
        self.rows.append(row)
        self.refs.append(tr)
        self.blocks.append(t)
        self._check_rows()
        for nested_tbl, at in inner:
            self.table(nested_tbl, at)

    def _cell(self, tc: Any, r: int, col: int, t: int, i: int, covering: dict[tuple[int, int], Cell],
              inner: list[tuple[Any, int]]) -> Cell:
        down = _count(tc.get(_SPAN_ROWS), 1, path=self.source, what="number-rows-spanned")
        across = _count(tc.get(_SPAN_COLS), 1, path=self.source, what="number-columns-spanned")
        if col + across > self.limits.max_cols or down > self.limits.max_rows:
            raise UnsafeFile(f"表{t}第{i}行的合并单元格超出上限", path=self.source)
        inner.extend((nested, col) for nested in tc.iterchildren(_TBL))
        text = "\n".join(paragraph_text(p, fonts=self.fonts) for p in _paragraphs(tc)).strip("\n")
        self._check_text(text)
        cell = Cell(row=r, col=col, text=text, colspan=across, address=f"{self.prefix}表{t}第{i}行第{col + 1}列",
                    ref=tc)
        for k in range(down):  # the positions it covers, to the right and below
            for j in range(across):
                if k or j:
                    covering[(r + k, col + j)] = cell
        return cell


def _document(text: Any, styles: Any, path: str, limits: Limits, fonts: dict[str, str]) -> Grid:
    forms = text.find(_FORMS)
    unread: list[tuple[Any, str]] = []
    if forms is not None:  # form check boxes: the marks they show, where they stand
        from . import odf_controls

        boxes = odf_controls.form_boxes(forms)
        unread = odf_controls.controls_as_text(text, boxes) if boxes else []
    grid = _document_grid(text, styles, path, limits, fonts)
    if unread:
        from .odf_controls import note_unread

        note_unread(grid, unread)
    return grid


_FORMS = q(OFFICE, "forms")


def _document_grid(text: Any, styles: Any, path: str, limits: Limits, fonts: dict[str, str]) -> Grid:
    b = _Builder(path, limits, fonts)
    b.walk(text)
    rows, refs, blocks = b.rows, b.refs, b.blocks
    runs = _page_runs(text, styles, b)
    if runs is not None:  # sections on page styles with headers/footers of their own (a packet): each its own
        return _by_page_style(b, runs, path, limits, fonts)
    heads, feet = _page_lines(styles, fonts)
    if heads or feet:
        # the page header and footer lines the body does not hold (a unit typed in the header) are read too
        shown = _squeezed("\n".join(c.text for row in rows for c in row if c is not None))
        head, foot = _page_builder(heads, "页眉", shown, path, limits, fonts, 1_000_000), \
            _page_builder(feet, "页脚", shown, path, limits, fonts, 2_000_000)
        if head.rows or foot.rows:
            for part, shift in ((rows, len(head.rows)), (foot.rows, len(head.rows) + len(rows))):
                for cell in {id(c): c for row in part for c in row if c is not None}.values():
                    cell.row += shift
            rows, refs, blocks = head.rows + rows + foot.rows, head.refs + refs + foot.refs, \
                head.blocks + blocks + foot.blocks
            if len(rows) > limits.max_rows:
                raise UnsafeFile(f"文档有 {len(rows)} 行（段落和表格行），超过上限 {limits.max_rows}", path=path)
    grid = Grid(rows, source=path, row_refs=refs)
    grid.row_blocks = blocks
    return grid


def _page_builder(items: list[Any], where: str, shown: str, path: str, limits: Limits,
                  fonts: dict[str, str], block_base: int) -> _Builder:
    """The rows of the page headers' (or footers') lines and tables the body does not already show: a line
    whose text the body holds adds nothing, nor a table row all of whose texts it holds. A table's rows are
    block ``block_base`` + its number (the body's tables are 1, 2, …: a header's table is not one of them)."""
    b = _Builder(path, limits, fonts, where)
    k = 0
    for item in items:
        if isinstance(item, str):
            k += 1
            if _squeezed(item) not in shown:
                b.line(item, f"{where}第{k}段")
            continue
        start = len(b.rows)
        b.table(item)
        keep = [r for r in range(start, len(b.rows)) if any(
            c is not None and c.row == r and c.text.strip() and _squeezed(c.text) not in shown for c in b.rows[r])
            or any(c is not None and (c.row != r or c.rowspan > 1) for c in b.rows[r])]
        if len(keep) < len(b.rows) - start:
            kept_rows = [b.rows[r] for r in keep]
            b.refs[start:] = [b.refs[r] for r in keep]
            b.blocks[start:] = [b.blocks[r] for r in keep]
            b.rows[start:] = kept_rows
            for i, row in enumerate(kept_rows):
                for c in row:
                    if c is not None:
                        c.row = start + i
    b.blocks = [x if x == -1 else block_base + x for x in b.blocks]
    return b


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


_PAGE_PARTS = ("header", "header-first", "header-left", "footer", "footer-first", "footer-left")


def _page_runs(text: Any, styles: Any, b: _Builder) -> list[tuple[list[int], list[Any]]] | None:
    """Per run of the body on one page style (a paragraph or table whose style names a master page starts a
    run: LibreOffice's page-style break, what a .docx section becomes), its rows and the master pages it shows
    first (the one named and those its pages flow to, ``style:next-style-name``); None unless a later run shows
    a master page with a header or footer no earlier run showed (else every part is read around the body)."""
    masters = styles.find(q(OFFICE, "master-styles")) if styles is not None else None
    if masters is None:
        return None
    pages = {m.get(q(STYLE, "name"), ""): m for m in masters.iterchildren(q(STYLE, "master-page"))}
    root = text.getroottree().getroot()
    named: dict[str, str] = {}
    for auto in root.iterchildren(q(OFFICE, "automatic-styles")):
        for st in auto.iterchildren(q(STYLE, "style")):
            if st.get(q(STYLE, "master-page-name")):
                named[st.get(q(STYLE, "name"), "")] = st.get(q(STYLE, "master-page-name"), "")
    if not named:
        return None
    run_of: dict[int, int] = {}
    starts: list[str] = []
    for child in text:
        if not isinstance(child.tag, str):
            continue
        page = named.get(child.get(q(TEXT, "style-name")) or child.get(q(TABLE, "style-name")) or "", "")
        if page in pages or not starts:
            starts.append(page if page in pages else "Standard")
        for el in child.iter():
            run_of[id(el)] = len(starts) - 1
    if len(starts) < 2:
        return None
    seen: set[str] = set()
    runs: list[tuple[list[int], list[Any]]] = [([], []) for _ in starts]
    for k, name in enumerate(starts):
        while name in pages and name not in seen:
            seen.add(name)
            if any(_has_lines(part) for part in pages[name] if _is_page_part(part)):
                runs[k][1].append(pages[name])
            name = pages[name].get(q(STYLE, "next-style-name"), "")
    if not any(shows for _, shows in runs[1:]):
        return None
    for r, ref in enumerate(b.refs):
        runs[run_of.get(id(ref), len(starts) - 1)][0].append(r)
    # a run that opens with a table (no line of its own before it: a form's table going on in a landscape
    # page style) continues the one before: its master pages are read with that one's
    merged: list[tuple[list[int], list[Any]]] = []
    for k, (rows, shows) in enumerate(runs):
        if k and (not rows or b.blocks[rows[0]] != -1):
            merged[-1][0].extend(rows)
            merged[-1][1].extend(shows)
        else:
            merged.append((list(rows), list(shows)))
    return merged if any(shows for _, shows in merged[1:]) else None


def _is_page_part(part: Any) -> bool:
    local = part.tag.rpartition("}")[2] if isinstance(part.tag, str) else ""
    return local in _PAGE_PARTS and part.get(q(STYLE, "display")) != "false"


def _has_lines(part: Any) -> bool:
    return any(t.strip() for t in part.itertext())


def _by_page_style(b: _Builder, runs: list[tuple[list[int], list[Any]]], path: str, limits: Limits,
                   fonts: dict[str, str]) -> Grid:
    """One grid: per run, its opening lines (附件2, the title), its page headers' new lines, the rest of its
    body, its page footers' new lines — so each form of a packet keeps its own 填报单位 and 填报人 lines."""
    rows: list[list[Cell | None]] = []
    refs: list[Any] = []
    blocks: list[int] = []

    def add(part_rows: list[list[Cell | None]], part_refs: list[Any], part_blocks: list[int], first: int) -> None:
        for cell in {id(c): c for row in part_rows for c in row if c is not None}.values():
            cell.row += len(rows) - first
        rows.extend(part_rows)
        refs.extend(part_refs)
        blocks.extend(part_blocks)

    for k, (body_rows, shows) in enumerate(runs):
        shown = _squeezed("\n".join(c.text for r in body_rows for c in b.rows[r] if c is not None))
        heads, feet = _page_lines(None, fonts, shows)
        label = f"第{k + 1}节" if k else ""
        head = _page_builder(heads, f"{label}页眉", shown, path, limits, fonts, 1_000_000 + 10_000 * k)
        foot = _page_builder(feet, f"{label}页脚", shown, path, limits, fonts, 2_000_000 + 10_000 * k)
        lead = next((i for i, r in enumerate(body_rows) if b.blocks[r] != -1), len(body_rows))
        opening, rest = body_rows[:lead], body_rows[lead:]
        if opening:
            add([b.rows[r] for r in opening], [b.refs[r] for r in opening], [b.blocks[r] for r in opening], opening[0])
        add(head.rows, head.refs, head.blocks, 0)
        if rest:
            add([b.rows[r] for r in rest], [b.refs[r] for r in rest], [b.blocks[r] for r in rest], rest[0])
        add(foot.rows, foot.refs, foot.blocks, 0)
    if len(rows) > limits.max_rows:
        raise UnsafeFile(f"文档有 {len(rows)} 行（段落和表格行），超过上限 {limits.max_rows}", path=path)
    grid = Grid(rows, source=path, row_refs=refs)
    grid.row_blocks = blocks
    return grid


def _page_lines(styles: Any, fonts: dict[str, str], pages: list[Any] | None = None) -> tuple[list[Any], list[Any]]:
    """The lines (text) and tables (elements) of the page headers and footers, every master page's (or those of
    ``pages``); each distinct line, and each distinct table, once."""
    if pages is None:
        masters = styles.find(q(OFFICE, "master-styles")) if styles is not None else None
        pages = list(masters.iterchildren(q(STYLE, "master-page"))) if masters is not None else []
    heads: dict[Any, Any] = {}
    feet: dict[Any, Any] = {}
    for page in pages:
        for part in page:
            local = part.tag.rpartition("}")[2] if isinstance(part.tag, str) else ""
            if local not in _PAGE_PARTS or part.get(q(STYLE, "display")) == "false":
                continue
            into = heads if local.startswith("header") else feet
            for child in part:
                if child.tag == _TBL:  # a table in a header or footer: its rows, as in the body
                    into.setdefault(("table", _squeezed("".join(child.itertext()))), child)
                    continue
                for p in [child] if child.tag in (_P, _H) else child.iter(_P, _H):
                    line = paragraph_text(p, fonts=fonts).strip()
                    if line:
                        into.setdefault(line, line)
    return list(heads.values()), list(feet.values())
