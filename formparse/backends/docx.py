"""Reading .docx: the main document part walked once with lxml (no python-docx).

The walk is ours because python-docx's ``cell.text`` skips content controls (w:sdt) and tracked
insertions (w:ins), and its tables do not tell a vMerge continuation from an empty cell. The writer
(docx_write) opens files with python-docx and uses this same walk.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..errors import UnreadableFile, UnsafeFile
from ..grid import Cell, Grid
from ..limits import DEFAULT, Limits
from .ooxml import Package, parse
from .symbols import MARKERS, is_symbol_font, symbol_char, symbol_text


def qn(tag: str) -> str:
    """“w:tc” → “{namespace}tc”."""
    prefix, _, local = tag.partition(":")
    return f"{{{_NS[prefix]}}}{local}"


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_NS = {"w": W, "mc": MC}
_SKIP = {qn("w:del"), qn("w:moveFrom"), qn("w:rPr"), qn("w:pPr"), qn("w:instrText"), qn("w:delText"),
         f"{{{MC}}}Fallback", qn("w:tblPr"), qn("w:tcPr"), qn("w:trPr"), qn("w:sdtPr"), qn("w:sdtEndPr")}
# Elements that only wrap others; their children are read in place.
_WRAPPERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:ins"), qn("w:moveTo"),
             qn("w:smartTag"), qn("w:hyperlink"), qn("w:fldSimple"), f"{{{MC}}}AlternateContent",
             f"{{{MC}}}Choice"}


def _children(el: Any, *tags: str) -> Iterator[Any]:
    """Children with the given tags, looking through content controls and other wrappers."""
    for child in el:
        if child.tag in tags:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, *tags)


_T, _TAB, _PTAB, _BR, _CR, _NBH, _P = (qn(t) for t in ("w:t", "w:tab", "w:ptab", "w:br", "w:cr", "w:noBreakHyphen",
                                                       "w:p"))
_VAL = qn("w:val")


def _text_of(el: Any, out: list[str]) -> None:
    for child in el:
        tag = child.tag
        if tag.__class__ is not str or tag in _SKIP:
            continue
        if tag == _T:
            out.append(child.text or "")
        elif tag == _P:
            if out and not out[-1].endswith("\n"):
                out.append("\n")
            _text_of(child, out)
            out.append("\n")
        elif tag == _TAB or tag == _PTAB:
            out.append("\t")
        elif tag == _BR or tag == _CR:
            out.append("\n")
        elif tag == _NBH:
            out.append("-")
        elif len(child):
            _text_of(child, out)


def paragraph_text(p: Any) -> str:
    out: list[str] = []
    _text_of(p, out)
    return "".join(out)


def cell_text(tc: Any) -> str:
    """All paragraphs of a cell (nested tables included) joined by line breaks."""
    out: list[str] = []
    _text_of(tc, out)
    return "".join(out).strip("\n")


def _own_text(tc: Any, nested: list[Any]) -> str:
    """A cell's text outside the tables nested in it (those are rows of the grid of their own)."""
    if not nested:
        return cell_text(tc)
    out: list[str] = []
    for child in _children(tc, _P):
        if out and not out[-1].endswith("\n"):
            out.append("\n")
        _text_of(child, out)
        out.append("\n")
    return "".join(out).strip("\n")


def _val(el: Any, path: str, default: str | None = None) -> str | None:
    """The w:val of a property, e.g. _val(tc, "w:tcPr/w:gridSpan"), by direct child lookups."""
    found = el
    for step in path.split("/"):
        found = found.find(_TAGS.get(step) or _TAGS.setdefault(step, qn(step)))
        if found is None:
            return default
    return found.get(_VAL, "")


_TAGS: dict[str, str] = {}


def _body_items(body: Any) -> Iterator[Any]:
    yield from _children(body, _P, _TBL)


_TCPR, _TRPR = qn("w:tcPr"), qn("w:trPr")
_GRIDSPAN, _GRIDBEFORE, _VMERGE, _HMERGE = qn("w:gridSpan"), qn("w:gridBefore"), qn("w:vMerge"), qn("w:hMerge")
_CELL_PROPS, _ROW_PROPS = frozenset((_GRIDSPAN, _VMERGE, _HMERGE)), frozenset((_GRIDBEFORE,))


def _props(el: Any, pr_tag: str, wanted: frozenset[str]) -> dict[str, str]:
    """The ``wanted`` properties of an element (tcPr/trPr) as {tag: w:val}, read once; a property without
    w:val maps to "" (a later one of the same kind wins)."""
    pr = el[0] if len(el) and el[0].tag == pr_tag else el.find(pr_tag)
    if pr is None:
        return {}
    return {child.tag: child.get(_VAL, "") for child in pr if child.tag in wanted}


def _count(props: dict[str, str], tag: str, default: int, limit: int, source: str) -> int:
    """A small non-negative count from a property (gridSpan, gridBefore), refusing absurd ones."""
    path = tag.rpartition("}")[2]
    raw = props.get(tag)
    if raw is None or raw == "":
        return default
    try:
        n = int(raw)
    except ValueError as exc:
        raise UnreadableFile(f"表格属性 {path} 的值 {raw!r} 无效", path=source) from exc
    if n < 0 or n > limit:
        raise UnsafeFile(f"表格属性 {path} 的值 {n} 超出上限 {limit}", path=source)
    return n


_TBL, _TC, _TR = qn("w:tbl"), qn("w:tc"), qn("w:tr")


class _Builder:
    def __init__(self, source: str, limits: Limits = DEFAULT) -> None:
        self.limits = limits
        self.rows: list[list[Cell | None]] = []
        self.refs: list[Any] = []
        self.blocks: list[int] = []
        self.source = source
        self.n_tables = 0
        self.n_paras = 0
        self.longest = 0  # the longest text of any cell or paragraph

    def paragraph(self, p: Any) -> None:
        self.n_paras += 1
        text = paragraph_text(p)
        if not text.strip():
            return
        self.longest = max(self.longest, len(text))
        r = len(self.rows)
        self.rows.append([Cell(row=r, col=0, text=text, address=f"第{self.n_paras}段", paragraph=True, ref=p)])
        self.refs.append(p)
        self.blocks.append(-1)

    def table(self, tbl: Any, offset: int = 0) -> None:
        """A table's rows; a table nested in a cell (a Word copy drawing the indicators as a table inside
        the cell beside their section label) follows its cell's row, its columns from that cell's on."""
        self.n_tables += 1
        t = self.n_tables
        max_cols, source, rows = self.limits.max_cols, self.source, self.rows
        above: dict[int, Cell] = {}  # grid col → the cell last seen there, for vMerge continuations
        for i, tr in enumerate(_children(tbl, _TR), start=1):
            r = len(rows)
            row: list[Cell | None] = []
            inner: list[tuple[Any, int]] = []  # tables nested in this row's cells, with their column
            col = offset + _count(_props(tr, _TRPR, _ROW_PROPS), _GRIDBEFORE, 0, max_cols, source)
            row.extend([None] * col)
            for tc in _children(tr, _TC):
                props = _props(tc, _TCPR, _CELL_PROPS)
                span = max(1, _count(props, _GRIDSPAN, 1, max_cols, source)) if props else 1
                if col + span > max_cols:
                    raise UnsafeFile(f"表{t}第{i}行超过 {max_cols} 列", path=source)
                vmerge = props.get(_VMERGE)
                hmerge = props.get(_HMERGE)
                left = row[-1] if row else None
                if hmerge is not None and hmerge != "restart" and left is not None and left.row == r:
                    left.colspan += span  # legacy horizontal merge (older Word): widen the cell on the left
                    row.extend([left] * span)
                    for k in range(span):
                        above[col + k] = left
                    col += span
                    continue
                prev = above.get(col)
                if vmerge is not None and vmerge != "restart" and prev is not None and prev.col == col:
                    prev.rowspan = r - prev.row + 1
                    cell = prev
                else:
                    nested = list(_children(tc, _TBL))
                    inner.extend((n, col) for n in nested)
                    text = _own_text(tc, nested)
                    if len(text) > self.longest:
                        self.longest = len(text)
                    cell = Cell(row=r, col=col, text=text, colspan=span, address=f"表{t}第{i}行第{col + 1}列", ref=tc)
                if span == 1:
                    row.append(cell)
                    above[col] = cell
                else:
                    row.extend([cell] * span)
                    for k in range(span):
                        above[col + k] = cell
                col += span
            rows.append(row)
            self.refs.append(tr)
            self.blocks.append(t)
            for nested_tbl, at in inner:
                self.table(nested_tbl, at)

    def walk(self, body: Any) -> None:
        for item in _body_items(body):
            if item.tag == _P:
                self.paragraph(item)
            else:
                self.table(item)


def _check_depth(body: Any, limits: Limits, source: str) -> None:
    depths: dict[Any, int] = {}
    for tbl in body.iter(_TBL):  # in document order: a table's enclosing table comes first
        outer = next(tbl.iterancestors(_TBL), None)
        depth = depths[tbl] = 1 if outer is None else depths.get(outer, 0) + 1
        if depth > limits.max_table_depth:
            raise UnsafeFile(f"表格嵌套超过 {limits.max_table_depth} 层", path=source)


def body_grid(body: Any, source: str, limits: Limits = DEFAULT) -> Grid:
    """The grid of a w:body element: paragraphs and table rows in document order."""
    _check_depth(body, limits, source)
    b = _Builder(source, limits)
    try:
        b.walk(body)
    except RecursionError as exc:
        raise UnsafeFile("文档结构嵌套过深", path=source) from exc
    if len(b.rows) > limits.max_rows:
        raise UnsafeFile(f"文档有 {len(b.rows)} 行（段落和表格行），超过上限 {limits.max_rows}", path=source)
    if b.longest > limits.max_text_chars:
        raise UnsafeFile(f"有单元格的文字超过 {limits.max_text_chars} 字", path=source)
    grid = Grid(b.rows, source=source, row_refs=b.refs)
    grid.row_blocks = b.blocks
    return grid


def read_grids(path: str, pkg: Package | None = None, *, fast: bool = True) -> list[Grid]:
    """The document's one grid. (``fast`` is for the interface xlsx shares: a .docx has a single reader.)"""
    with pkg or Package(path) as pkg:
        main = pkg.main_part("word/document.xml")
        if not pkg.has(main):
            raise UnreadableFile("无法识别文件结构：包里的关系没有指向文档部件（word/document.xml 也不存在）",
                                 path=path)
        data = pkg.read(main)
        root = parse(data, path=path, part=main)
    if root.tag != qn("w:document"):
        raise UnreadableFile(f"无法识别文件结构：文档部件 {main} 的根元素是 {root.tag}，不是已知的 Word 文档"
                             "（命名空间不认识）", path=path)
    body = root.find(qn("w:body"))
    if body is None:
        raise UnreadableFile("Word 文档没有正文", path=path)
    if any(m in data for m in MARKERS):
        symbols_as_text(body)
    return [body_grid(body, path, pkg.limits)]


_SYM, _R, _RFONTS = qn("w:sym"), qn("w:r"), qn("w:rFonts")
_FONT, _CHAR = qn("w:font"), qn("w:char")
_FONT_ATTRS = (qn("w:ascii"), qn("w:hAnsi"))  # the fonts of Latin characters, where symbol fonts draw


def symbols_as_text(body: Any) -> None:
    """Symbol-font characters as the text they show: each w:sym becomes a w:t of its character, and the
    text of a run set in a symbol font is mapped (see :mod:`formparse.backends.symbols`)."""
    for sym in list(body.iter(_SYM)):
        code = sym.get(_CHAR, "")
        try:
            text = symbol_char(sym.get(_FONT, ""), int(code, 16))
        except ValueError:
            text = symbol_char("symbol", 0)  # a w:char that is no number: an unknown symbol
        t = sym.makeelement(_T, {})
        t.text = text
        sym.addprevious(t)
        sym.getparent().remove(sym)
    for rfonts in body.iter(_RFONTS):
        font = next((f for a in _FONT_ATTRS if is_symbol_font(f := rfonts.get(a))), None)
        run = rfonts.getparent().getparent() if rfonts.getparent() is not None else None
        if font is None or run is None or run.tag != _R:
            continue
        for t in run.iter(_T):
            if t.text:
                t.text = symbol_text(font, t.text)
