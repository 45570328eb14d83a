"""Reading .docx: the main document part walked once with lxml (no python-docx).

The walk is ours because python-docx's ``cell.text`` skips content controls (w:sdt) and tracked
insertions (w:ins), and its tables do not tell a vMerge continuation from an empty cell. The writer
(docx_write) opens files with python-docx and uses this same walk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..errors import UnreadableFile, UnsafeFile
from ..grid import Cell, Grid
from ..limits import DEFAULT, Limits
from ..text import norm
from .ooxml import Package, check_table_depth, parse
from .symbols import EMPTY, MARKERS, TICKED, is_symbol_font, symbol_char, symbol_text


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
    def __init__(self, source: str, limits: Limits = DEFAULT, prefix: str = "", block_base: int = 0) -> None:
        self.prefix = prefix  # before every address: “页眉” for a page header's lines (“页眉第1段”)
        self.block_base = block_base  # added to table numbers in row_blocks: tables of other parts differ
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
        self.rows.append([Cell(row=r, col=0, text=text, address=f"{self.prefix}第{self.n_paras}段", paragraph=True,
                               ref=p)])
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
                    cell = Cell(row=r, col=col, text=text, colspan=span,
                                address=f"{self.prefix}表{t}第{i}行第{col + 1}列", ref=tc)
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
            self.blocks.append(self.block_base + t)
            for nested_tbl, at in inner:
                self.table(nested_tbl, at)

    def walk(self, body: Any) -> None:
        for item in _body_items(body):
            if item.tag == _P:
                self.paragraph(item)
            else:
                self.table(item)



def _built(el: Any, source: str, limits: Limits, prefix: str = "", block_base: int = 0) -> _Builder:
    """The rows of a w:body (or a page header's w:hdr, footer's w:ftr): paragraphs and table rows in order."""
    check_table_depth(el, _TBL, limits, source)
    b = _Builder(source, limits, prefix, block_base)
    try:
        b.walk(el)
    except RecursionError as exc:
        raise UnsafeFile("文档结构嵌套过深", path=source) from exc
    return b


def _assembled(parts: list[_Builder], source: str, limits: Limits) -> Grid:
    """One grid of the parts' rows, one after another (each part's cells moved down past those before it)."""
    rows: list[list[Cell | None]] = []
    refs: list[Any] = []
    blocks: list[int] = []
    for b in parts:
        if rows:
            shift = len(rows)
            for cell in {id(c): c for row in b.rows for c in row if c is not None}.values():
                cell.row += shift
        rows += b.rows
        refs += b.refs
        blocks += b.blocks
    if len(rows) > limits.max_rows:
        raise UnsafeFile(f"文档有 {len(rows)} 行（段落和表格行），超过上限 {limits.max_rows}", path=source)
    if max((b.longest for b in parts), default=0) > limits.max_text_chars:
        raise UnsafeFile(f"有单元格的文字超过 {limits.max_text_chars} 字", path=source)
    grid = Grid(rows, source=source, row_refs=refs)
    grid.row_blocks = blocks
    return grid


def body_grid(body: Any, source: str, limits: Limits = DEFAULT) -> Grid:
    """The grid of a w:body element: paragraphs and table rows in document order."""
    return _assembled([_built(body, source, limits)], source, limits)


def read_grids(path: str, pkg: Package | None = None, *, fast: bool = True) -> list[Grid]:
    """The document's one grid: the page headers' lines the body lacks, the body, the page footers' lines the
    body lacks. (``fast`` is for the interface xlsx shares: a .docx has a single reader.)"""
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
        unread = _as_shown(body, data, pkg, main)
        limits = pkg.limits
        parts = [_built(body, path, limits)]
        if b"headerReference" in data or b"footerReference" in data:
            # a packet whose forms are sections with headers/footers of their own: each section's around it
            sectioned = _by_section(pkg, main, body, parts[0], lambda name: _page_part(pkg, name, unread),
                                    _built_parts, path, limits) if data.count(b"sectPr") > 2 else None
            if sectioned is not None:
                grid = _assembled(sectioned, path, limits)
                if unread:
                    _note_unread(grid, unread)
                return [grid]
            heads, feet = _page_parts(pkg, main, body, unread)
            folds = {norm(c.text) for row in parts[0].rows for c in row if c is not None and c.text}
            head = _built_parts(heads, "页眉", 1_000_000, folds, path, limits)
            foot = _built_parts(feet, "页脚", 2_000_000, folds, path, limits)
            parts = [head, parts[0], foot]
        grid = _assembled(parts, path, limits)
        if unread:
            _note_unread(grid, unread)
    return [grid]


def _by_section(*args: Any) -> list[Any] | None:
    from .docx_pages import by_section  # (only for a document of several sections)

    return by_section(*args)


def _page_part(pkg: Package, name: str, unread: list[Any]) -> Any:
    """A page header or footer part, parsed, its marks shown (``unread`` gets its boxes not read)."""
    data = pkg.read(name)
    root = parse(data, path=pkg.path, part=name)
    unread += _as_shown(root, data, pkg, name)
    return root


def _as_shown(el: Any, data: bytes, pkg: Package | None = None, part: str = "") -> list[Any]:
    """Marks the part shows drawn as characters: symbol fonts, legacy form-field check boxes, ActiveX check
    boxes. Returns the stand-ins of the boxes whose state could not be read (see :func:`activex_boxes_as_text`)."""
    if any(m in data for m in MARKERS):
        symbols_as_text(el)
    if b"checkBox" in data:
        form_check_boxes_as_text(el)
    if pkg is not None and b"control" in data:
        return activex_boxes_as_text(el, pkg, part)
    return []


_SECTPR, _HEADERREF, _FOOTERREF = qn("w:sectPr"), qn("w:headerReference"), qn("w:footerReference")
_RID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _page_parts(pkg: Package, main: str, body: Any, unread: list[Any]) -> tuple[list[Any], list[Any]]:
    """The parsed page headers and footers every section names (default, first, even), each part once
    (``unread`` gets the stand-ins of their tick boxes whose state could not be read)."""
    rels = pkg.rels(main)
    heads: list[Any] = []
    feet: list[Any] = []
    seen: set[str] = set()
    for sect in body.iter(_SECTPR):
        for ref in sect:
            if ref.tag not in (_HEADERREF, _FOOTERREF):
                continue
            rel = rels.get(ref.get(_RID, ""))
            if rel is None or rel[1] in seen or not pkg.has(rel[1]):
                continue
            seen.add(rel[1])
            data = pkg.read(rel[1])
            root = parse(data, path=pkg.path, part=rel[1])
            unread += _as_shown(root, data, pkg, rel[1])
            (heads if ref.tag == _HEADERREF else feet).append(root)
    return heads, feet


def _built_parts(roots: list[Any], prefix: str, block_base: int, folds: set[str], source: str,
                 limits: Limits) -> _Builder:
    """The rows of page headers (or footers), keeping only the lines the body and the parts before lack: a
    header repeating the form's title on every page adds nothing, nor a blank label (“填报单位：”) whose
    filled line the body holds, nor a page number. A table row is left out only when all of its text is
    already there (a value may well repeat one of the body's). ``folds``: the folded lines seen so far
    (grows)."""
    b = _Builder(source, limits, prefix, block_base)
    budget = [_RUN_TOGETHER_BUDGET]
    for root in roots:
        check_table_depth(root, _TBL, limits, source)
        try:
            b.walk(root)
        except RecursionError as exc:
            raise UnsafeFile("文档结构嵌套过深", path=source) from exc
    keep = []
    for r, row in enumerate(b.rows):
        own = [c for c in dict.fromkeys(row) if c is not None]
        lines = [norm(c.text) for c in own if c.row == r and c.text.strip()]
        if all(c.row == r and c.rowspan == 1 for c in own) and all(
                f in folds or (f.endswith(":") and any(x.startswith(f) for x in folds)) or _PAGE_NUMBER.match(f)
                or _run_together(f, folds, budget) for f in lines):
            continue
        folds.update(lines)
        keep.append(r)
    if len(keep) < len(b.rows):
        index = {r: i for i, r in enumerate(keep)}
        b.rows, b.refs, b.blocks = [b.rows[r] for r in keep], [b.refs[r] for r in keep], [b.blocks[r] for r in keep]
        for cell in {id(c): c for row in b.rows for c in row if c is not None}.values():
            cell.row = index[cell.row]
    return b


# Slices tried to tell a line run together from lines already read, for all of one document's headers and
# footers: a real header is a few short lines (a few thousand); a hostile one of many long lines stops there.
_RUN_TOGETHER_BUDGET = 1_000_000


def _run_together(line: str, folds: set[str], budget: list[int]) -> bool:
    """Whether a folded line is lines already read run together (LibreOffice, reading back an RTF, joins a
    section's first-page and even-page header lines into one paragraph: “单位：万元填报单位：某局”).
    ``budget``: the slices still allowed (shared by the document's lines; spent, the answer is no)."""
    lengths = sorted({len(f) for f in folds if f and len(f) < len(line)})
    cost = len(line) * len(lengths)
    if not lengths or cost > budget[0]:
        return False
    budget[0] -= cost
    reach = [True] + [False] * len(line)  # reach[i]: line[:i] is lines already read, one after another
    for i in range(len(line)):
        if reach[i]:
            for n in lengths:
                if i + n <= len(line) and not reach[i + n] and line[i:i + n] in folds:
                    reach[i + n] = True
    return reach[-1]


# A page number as headers and footers print it (folded): “第1页”, “第1页共3页”, “-1-”, “1/3”, “Page 1 of 3”.
_PAGE_NUMBER = re.compile(r"^(?:第\d+页(?:[,/]?共\d+页)?|[-—–]?\d+[-—–]?|\d+/\d+|(?i:page)\d+(?:(?i:of)\d+)?)$")


_FFDATA, _CHECKBOX, _CHECKED, _DEFAULT = qn("w:ffData"), qn("w:checkBox"), qn("w:checked"), qn("w:default")
_OFF = ("0", "false", "off")


def form_check_boxes_as_text(el: Any) -> None:
    """Word's legacy form-field check boxes (a FORMCHECKBOX field: w:fldChar begin holding w:ffData/w:checkBox)
    as the mark they show, ☑ or □, written where the field begins (so the choice types read it)."""
    for box in list(el.iter(_CHECKBOX)):
        ff = box.getparent()
        fld = ff.getparent() if ff is not None and ff.tag == _FFDATA else None
        if fld is None or fld.getparent() is None:
            continue
        checked = box.find(_CHECKED)
        if checked is None:
            checked = box.find(_DEFAULT)  # never clicked: the state it was drawn with
            on = checked is not None and checked.get(_VAL, "0").strip().lower() not in _OFF
        else:  # <w:checked/> alone is checked
            on = checked.get(_VAL, "1").strip().lower() not in _OFF
        t = fld.makeelement(_T, {})
        t.text = TICKED if on else EMPTY
        fld.addnext(t)


_CONTROL, _OBJECT, _PICT = qn("w:control"), qn("w:object"), qn("w:pict")
# On the w:t standing for an ActiveX box whose state could not be read: the warning (never written out).
_UNREAD = "{urn:formparse:docx}unread"


def activex_boxes_as_text(el: Any, pkg: Package, part: str) -> list[Any]:
    """Word's ActiveX check boxes and option buttons (a w:object or w:pict holding a w:control whose part is a
    Forms 2.0 box, :mod:`.activex`) as the mark and caption they show, “☑新增项目” (the mark alone when the
    caption is Word's “CheckBox1”), in place of the control; a text or combo box as the text it shows. A box
    whose state cannot be read shows its caption only, any other control nothing; its stand-in carries the
    warning, and is returned."""
    from .activex import names_option, read_control  # (only for a document holding controls)

    rels = pkg.rels(part)
    unread = []
    for control in list(el.iter(_CONTROL)):
        holder = control.getparent()
        rel = rels.get(control.get(_RID, ""))
        if holder is None or holder.tag not in (_OBJECT, _PICT) or holder.getparent() is None or rel is None \
                or not pkg.has(rel[1]):
            continue
        box = read_control(pkg, rel[1])
        if not box.box:  # a text or combo box: its text in its place; any other control reported
            t = holder.makeelement(_T, {})
            t.text = box.text or ""
            if box.text is None:
                why = "的内容无法读取" if box.readable else "不是可读取的控件，未读取"
                t.set(_UNREAD, f"ActiveX {box.kind}{why}，这一格的内容须人工核对")
                unread.append(t)
            holder.getparent().replace(holder, t)
            continue
        caption = box.caption.strip() if names_option(box.caption) else ""
        t = holder.makeelement(_T, {})
        if box.checked is None:
            t.text = caption
            named = f"“{caption}”" if caption else ""
            t.set(_UNREAD, f"ActiveX {box.kind}{named}的勾选状态无法读取，这一格的勾选须人工核对")
            unread.append(t)
        else:
            t.text = (TICKED if box.checked else EMPTY) + caption
        holder.getparent().replace(holder, t)
    return unread


def _note_unread(grid: Grid, unread: list[Any]) -> None:
    """Each unreadable box's warning, on the cell (or paragraph) holding its stand-in."""
    cells = {id(c.ref): c for row in grid.rows for c in row if c is not None and c.ref is not None}
    for t in unread:
        holder = t
        while holder is not None and id(holder) not in cells:
            holder = holder.getparent()
        # (a paragraph holding nothing else has no cell: the warning names the document's text)
        note = (cells[id(holder)].address if holder is not None else "正文", t.get(_UNREAD))
        if note not in grid.unread_marks:
            grid.unread_marks.append(note)


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
