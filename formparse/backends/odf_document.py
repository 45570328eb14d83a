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
    _count,
    _paragraphs,
    _rows,
    paragraph_text,
    q,
)

# ---------------------------------------------------------------------------------------------- text documents

class _Builder:
    """The rows of a text document, as ``docx._Builder`` makes them from a .docx."""

    def __init__(self, source: str, limits: Limits, fonts: dict[str, str] | None = None) -> None:
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
        cell = Cell(row=r, col=col, text=text, colspan=across, address=f"表{t}第{i}行第{col + 1}列", ref=tc)
        for k in range(down):  # the positions it covers, to the right and below
            for j in range(across):
                if k or j:
                    covering[(r + k, col + j)] = cell
        return cell


def _document(text: Any, styles: Any, path: str, limits: Limits, fonts: dict[str, str]) -> Grid:
    b = _Builder(path, limits, fonts)
    b.walk(text)
    rows, refs, blocks = b.rows, b.refs, b.blocks
    heads, feet = _page_lines(styles, fonts)
    if heads or feet:
        # the page header and footer lines the body does not hold (a unit typed in the header) are read too
        shown = _squeezed("\n".join(c.text for row in rows for c in row if c is not None))
        head, foot = _Builder(path, limits), _Builder(path, limits)
        for k, line in enumerate(heads, start=1):
            if _squeezed(line) not in shown:
                head.line(line, f"页眉第{k}段")
        for k, line in enumerate(feet, start=1):
            if _squeezed(line) not in shown:
                foot.line(line, f"页脚第{k}段")
        if head.rows or foot.rows:
            moved: set[int] = set()
            for row in rows:
                for cell in row:
                    if cell is not None and id(cell) not in moved:
                        moved.add(id(cell))
                        cell.row += len(head.rows)
            for k, row in enumerate(foot.rows):
                row[0].row = len(head.rows) + len(rows) + k  # type: ignore[union-attr]
            rows, refs, blocks = head.rows + rows + foot.rows, head.refs + refs + foot.refs, \
                head.blocks + blocks + foot.blocks
            if len(rows) > limits.max_rows:
                raise UnsafeFile(f"文档有 {len(rows)} 行（段落和表格行），超过上限 {limits.max_rows}", path=path)
    grid = Grid(rows, source=path, row_refs=refs)
    grid.row_blocks = blocks
    return grid


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


_PAGE_PARTS = ("header", "header-first", "header-left", "footer", "footer-first", "footer-left")


def _page_lines(styles: Any, fonts: dict[str, str]) -> tuple[list[str], list[str]]:
    """The lines of the page headers and footers (every master page's; each distinct line once)."""
    if styles is None:
        return [], []
    heads: dict[str, None] = {}
    feet: dict[str, None] = {}
    masters = styles.find(q(OFFICE, "master-styles"))
    for page in masters.iterchildren(q(STYLE, "master-page")) if masters is not None else ():
        for part in page:
            local = part.tag.rpartition("}")[2] if isinstance(part.tag, str) else ""
            if local not in _PAGE_PARTS or part.get(q(STYLE, "display")) == "false":
                continue
            into = heads if local.startswith("header") else feet
            for p in part.iter(_P, _H):
                line = paragraph_text(p, fonts=fonts).strip()
                if line:
                    into[line] = None
    return list(heads), list(feet)
