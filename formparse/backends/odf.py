"""Reading OpenDocument natively: .ods/.ots spreadsheets and .odt/.ott text documents (zip + lxml), and
their flat XML forms (.fods/.fodt), into the grids the .xlsx and .docx readers give. No LibreOffice.

A spreadsheet becomes one grid per sheet, like ``xlsx.py``: addresses “Sheet!B3”, a cell's text as the
sheet shows it (its ``text:p``, LibreOffice's own rendering of the number format), its typed value as the
.xlsx reader gives it (numbers int when integral, dates as datetime), formulas with their cached result,
merges from ``number-columns/rows-spanned``, hidden rows, columns and sheets. Repeats
(``number-rows-repeated``, ``number-columns-repeated``) are expanded only where they hold something:
LibreOffice ends every sheet with a million repeated empty rows, which are counted, never built.

A text document becomes one grid, like ``docx.py``: paragraphs outside tables (“第N段”), table rows
(“表1第3行第4列”), tables nested in cells after their cell's row, tracked deletions left out (they live in
``text:tracked-changes``, outside the text), and the page header and footer lines the body lacks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from ..errors import EncryptedFile, UnreadableFile, UnsafeFile
from ..grid import Cell, Grid
from ..limits import DEFAULT, Limits
from .cells import cells_grid, col_letters
from .numfmt import format_number
from .ooxml import Package, check_table_depth, parse
from .symbols import is_symbol_font, symbol_text
from .xls import excel_number
from .xlsx import _formulas, _number, _Underflow, from_serial

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"

_MIME = "application/vnd.oasis.opendocument."
# What we read, by the package's media type; every other OpenDocument kind is named in the refusal.
KINDS = {"spreadsheet": "ods", "spreadsheet-template": "ods", "text": "odt", "text-template": "odt",
         "text-master": "odt"}
_OTHER = {"presentation": "演示文稿（.odp）", "presentation-template": "演示文稿模板（.otp）",
          "graphics": "绘图（.odg）", "graphics-template": "绘图模板（.otg）", "chart": "图表（.odc）",
          "formula": "公式（.odf）", "image": "图像（.odi）", "base": "数据库（.odb）", "database": "数据库（.odb）",
          "text-web": "网页模板（.oth）"}
WHAT = {"ods": "OpenDocument 电子表格（.ods）", "odt": "OpenDocument 文本文档（.odt）"}


def q(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


_P, _H, _S, _TAB, _BR = q(TEXT, "p"), q(TEXT, "h"), q(TEXT, "s"), q(TEXT, "tab"), q(TEXT, "line-break")
_LIST, _ITEM, _HEADER, _SECTION = q(TEXT, "list"), q(TEXT, "list-item"), q(TEXT, "list-header"), q(TEXT, "section")
_TBL, _ROW, _CELL, _COVERED = q(TABLE, "table"), q(TABLE, "table-row"), q(TABLE, "table-cell"), \
    q(TABLE, "covered-table-cell")
_COLUMN = q(TABLE, "table-column")
# Elements that group rows or columns; their children are read in place.
_ROW_GROUPS = {q(TABLE, t) for t in ("table-row-group", "table-header-rows", "table-rows")}
_COL_GROUPS = {q(TABLE, t) for t in ("table-column-group", "table-header-columns", "table-columns")}
# Never text the form shows: deleted text kept for change tracking, notes and comments (their own parts in
# .docx), alternative text of pictures, a ruby's annotation, declarations.
_SKIP = {q(TEXT, t) for t in ("tracked-changes", "note", "ruby-text", "sequence-decls", "variable-decls",
                               "user-field-decls", "dde-connection-decls", "table-of-content-source",
                               "alphabetical-index-source", "illustration-index-source", "soft-page-break")}
_SKIP |= {q(OFFICE, "annotation"), q(OFFICE, "annotation-end"), q(OFFICE, "forms"), q(SVG, "title"), q(SVG, "desc"),
          q(OFFICE, "binary-data"), q(TABLE, "shapes")}
_SPACE = " \t\r\n"
_TEXT_NS = f"{{{TEXT}}}"
_CONTAINERS = {_LIST, _ITEM, _HEADER, _SECTION, q(TEXT, "index-body"), q(TEXT, "index-title")}
_HIDDEN = ("collapse", "filter")
_MAX_REPEAT_DIGITS = 9  # a repeat count past 999,999,999 is no spreadsheet's


# ---------------------------------------------------------------------------------------------- sniffing

def media_type(pkg: Package) -> str | None:
    """The package's media type: its ``mimetype`` entry, else the manifest's entry for "/"; None if neither."""
    if pkg.has("mimetype") and pkg.sizes.get("mimetype", 0) <= 200:
        return pkg.read("mimetype").decode("ascii", "replace").strip()
    if pkg.has("META-INF/manifest.xml"):
        for entry in pkg.xml("META-INF/manifest.xml").iter(q(MANIFEST, "file-entry")):
            if entry.get(q(MANIFEST, "full-path")) == "/":
                return entry.get(q(MANIFEST, "media-type"), "")
    return None


def is_package(names: set[str]) -> bool:
    """Whether a zip's entries are an OpenDocument package's (no OOXML content types, a mimetype or manifest)."""
    return "[Content_Types].xml" not in names and ("mimetype" in names or "META-INF/manifest.xml" in names)


def kind_of(mime: str | None, path: str) -> str:
    """'ods' or 'odt' for a media type we read; UnreadableFile naming any other."""
    sub = (mime or "").removeprefix(_MIME) if (mime or "").startswith(_MIME) else None
    if sub in KINDS:
        return KINDS[sub]
    if sub is not None:
        what = _OTHER.get(sub, f"文件（{mime}）")
        raise UnreadableFile(f"这是 OpenDocument {what}，不是表格或文字文档；请提交 .xlsx/.docx/.ods/.odt", path=path)
    raise UnreadableFile(f"zip 包不是 Word/Excel 文件，也不是 OpenDocument 表格或文档（类型 {mime or '未知'}）",
                         path=path)


def is_flat(head: bytes) -> bool:
    """Whether the start of a file is a flat OpenDocument XML (.fods/.fodt): an office:document root."""
    return OFFICE.encode() in head and re.search(rb"<([A-Za-z_][\w.-]*:)?document[\s>]", head) is not None


# ---------------------------------------------------------------------------------------------- reading

def read_grids(path: str, pkg: Package) -> list[Grid]:
    """The grids of an OpenDocument package (closed when done)."""
    with pkg:
        kind = kind_of(media_type(pkg), path)
        if pkg.has("META-INF/manifest.xml") and b"encryption-data" in pkg.read("META-INF/manifest.xml"):
            raise EncryptedFile("文件设置了打开密码（加密的 OpenDocument 文件），请去掉密码后再报送", path=path)
        if not pkg.has("content.xml"):
            raise UnreadableFile("OpenDocument 文件缺少 content.xml", path=path)
        content = pkg.xml("content.xml")
        styles = pkg.xml("styles.xml") if pkg.has("styles.xml") else None
    return _grids(content, styles, kind, path, pkg.limits)


def read_flat(path: str, data: bytes, limits: Limits = DEFAULT) -> list[Grid]:
    """The grids of a flat OpenDocument XML file (.fods/.fodt): content and styles in one document."""
    root = parse(data, path=path, part="XML")
    if root.tag != q(OFFICE, "document"):
        raise UnreadableFile("XML 文件不是 OpenDocument 文档（根元素不是 office:document）", path=path)
    return _grids(root, root, kind_of(root.get(q(OFFICE, "mimetype")) or _body_kind(root), path), path, limits)


def _body_kind(root: Any) -> str | None:
    body = root.find(q(OFFICE, "body"))
    for child in body if body is not None else ():
        if child.tag == q(OFFICE, "spreadsheet"):
            return _MIME + "spreadsheet"
        if child.tag == q(OFFICE, "text"):
            return _MIME + "text"
        if isinstance(child.tag, str):
            return _MIME + child.tag.rpartition("}")[2]
    return None


def _grids(content: Any, styles: Any, kind: str, path: str, limits: Limits) -> list[Grid]:
    body = content.find(q(OFFICE, "body"))
    part = body.find(q(OFFICE, "spreadsheet" if kind == "ods" else "text")) if body is not None else None
    if part is None:
        raise UnreadableFile(f"{WHAT[kind]}没有正文", path=path)
    check_table_depth(part, _TBL, limits, path)
    fonts = symbol_fonts(*((content,) if styles is content else (styles, content)))  # content's styles win
    try:
        if kind == "ods":
            hidden = _hidden_tables(content)
            booleans = _boolean_styles(*((content,) if styles is content else (styles, content)))
            grids = []
            for t in part.iterchildren(_TBL):
                grid = _sheet(t, path, limits, hidden, fonts, booleans)
                forms = t.find(_FORMS)
                if forms is not None:  # check boxes drawn over the sheet: their marks into the cells
                    _sheet_controls(content, t, forms, grid)
                grids.append(grid)
            return grids
        return [_document(part, styles, path, limits, fonts)]
    except RecursionError as exc:
        raise UnsafeFile("文档结构嵌套过深", path=path) from exc



def _sheet_controls(content: Any, table: Any, forms: Any, grid: Grid) -> None:
    from . import odf_controls

    boxes = odf_controls.form_boxes(forms)
    if not boxes:
        return
    rows = [(row.get(q(TABLE, "style-name"), ""), _count(row.get(_REPEAT_ROWS), 1)) for row in _rows(table)]
    runs = odf_controls.size_runs(content, list(_columns(table)), rows)
    odf_controls.sheet_boxes(table, boxes, grid, table.get(q(TABLE, "name"), "Sheet"), runs)


_FORMS = q(OFFICE, "forms")


# ---------------------------------------------------------------------------------------------- text

class _Walk:
    """One paragraph's text as the application shows it.

    Writer follows ODF 1.3 §6.1.2: a run of white space is one space, white space at a paragraph's start is
    dropped; text:s, text:tab and text:line-break are kept. Calc keeps a cell's characters as written (its
    own files hold “基本··” with both spaces typed), so a spreadsheet's text is read without collapsing.
    Text set in a symbol font (a span or paragraph style naming Wingdings …) is what that font draws."""

    __slots__ = ("collapse", "drop", "fonts", "out")

    def __init__(self, collapse: bool, fonts: dict[str, str]) -> None:
        self.collapse = collapse
        self.fonts = fonts  # style name → the symbol font it sets ({} for most files)
        self.drop = True  # the next white space is dropped (one was just written, or the paragraph starts)
        self.out: list[str] = []

    def text(self, el: Any, font: str | None) -> None:
        if self.fonts:
            font = self.fonts.get(el.get(_STYLE_NAME, ""), font)
        if el.text:
            self.literal(el.text, font)
        out = self.out
        for child in el:
            tag = child.tag
            if tag.__class__ is str and tag not in _SKIP:
                if tag == _S:
                    out.append(" " * _count(child.get(q(TEXT, "c")), 1))
                    self.drop = False
                elif tag == _TAB:
                    out.append("\t")
                    self.drop = False
                elif tag == _BR:
                    out.append("\n")
                    self.drop = False
                elif tag == _P or tag == _H:  # a paragraph in a text box or shape: a line of its own, as in .docx
                    if out and not out[-1].endswith("\n"):
                        out.append("\n")
                    self.drop = True
                    self.text(child, font)
                    out.append("\n")
                    self.drop = True
                else:
                    self.text(child, font)
            if child.tail:
                self.literal(child.tail, font)

    def literal(self, text: str, font: str | None) -> None:
        if font is not None:
            text = symbol_text(font, text)
        if not self.collapse or not any(ch in _SPACE for ch in text):
            self.out.append(text)
            self.drop = False
            return
        kept = []
        drop = self.drop
        for ch in text:
            if ch in _SPACE:
                if not drop:
                    kept.append(" ")
                drop = True
            else:
                kept.append(ch)
                drop = False
        self.drop = drop
        self.out.append("".join(kept))


def paragraph_text(p: Any, *, collapse: bool = True, fonts: dict[str, str] | None = None,
                   font: str | None = None) -> str:
    """A paragraph's text; ``fonts``: the styles that set a symbol font; ``font``: the one it starts in."""
    walk = _Walk(collapse, fonts or {})
    walk.text(p, font)
    return "".join(walk.out)


_STYLE_NAME = q(TEXT, "style-name")


def symbol_fonts(*roots: Any) -> dict[str, str]:
    """Style name → symbol font, for every style (text, paragraph, cell) whose font is a symbol font (Wingdings,
    Symbol …), in the given parts (content and styles); {} when none names one."""
    faces: dict[str, str] = {}
    styles: list[Any] = []
    for root in roots:
        if root is None:
            continue
        for face in root.iter(q(STYLE, "font-face")):
            faces[face.get(q(STYLE, "name"), "")] = face.get(q(SVG, "font-family"), "").strip("'\" ")
        styles.extend(root.iter(q(STYLE, "style")))
    if not any(is_symbol_font(f) for f in faces.values()) and not any(
            is_symbol_font(props.get(q(FO, "font-family"), "").strip("'\" "))
            for st in styles for props in st.iterchildren(q(STYLE, "text-properties"))):
        return {}
    own: dict[str, str | None] = {}
    parents: dict[str, str] = {}
    for st in styles:
        name = st.get(q(STYLE, "name"), "")
        parents[name] = st.get(q(STYLE, "parent-style-name"), "")
        props = st.find(q(STYLE, "text-properties"))
        if props is not None:
            family = props.get(q(FO, "font-family"))
            face = props.get(q(STYLE, "font-name"))
            own[name] = family.strip("'\" ") if family else faces.get(face, face) if face else None
    out: dict[str, str] = {}
    for name in parents:
        font, seen, at = None, set(), name
        while at and at not in seen:  # a style without a font of its own takes its parent's
            seen.add(at)
            if own.get(at) is not None:
                font = own[at]
                break
            at = parents.get(at, "")
        if is_symbol_font(font):
            out[name] = font  # type: ignore[assignment]
    return out


def _paragraphs(el: Any) -> Iterator[Any]:
    """The paragraphs and headings of a cell or list, lists and sections read through, tables left out."""
    for child in el:
        tag = child.tag
        if tag == _P or tag == _H:
            yield child
        elif tag in (_LIST, _ITEM, _HEADER, _SECTION):
            yield from _paragraphs(child)


def _count(raw: str | None, default: int, *, path: str = "", what: str = "") -> int:
    """A repeat or span count from an attribute (absent: ``default``), refusing what no count is."""
    if raw is None or raw == "":
        return default
    raw = raw.strip()
    if not raw.isdigit() or len(raw) > _MAX_REPEAT_DIGITS:
        if not path:
            return default  # text:c of text:s: a damaged count is one space
        raise UnreadableFile(f"表格属性 {what} 的值 {raw[:20]!r} 无效", path=path)
    return max(1, int(raw))


def _rows(table: Any) -> Iterator[Any]:
    for child in table:
        if child.tag == _ROW:
            yield child
        elif child.tag in _ROW_GROUPS:
            yield from _rows(child)


def _columns(table: Any) -> Iterator[Any]:
    for child in table:
        if child.tag == _COLUMN:
            yield child
        elif child.tag in _COL_GROUPS:
            yield from _columns(child)


_REPEAT_ROWS, _REPEAT_COLS = q(TABLE, "number-rows-repeated"), q(TABLE, "number-columns-repeated")
_SPAN_ROWS, _SPAN_COLS = q(TABLE, "number-rows-spanned"), q(TABLE, "number-columns-spanned")
_VISIBILITY = q(TABLE, "visibility")
_VALUE_TYPE = q(OFFICE, "value-type")
_BOOLEAN_SHOWN = ("TRUE", "FALSE")
_CALC_TYPE = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"


# ---------------------------------------------------------------------------------------------- spreadsheets

def _boolean_styles(*roots: Any) -> set[str]:
    """The cell styles whose number format shows TRUE/FALSE (``number:boolean-style``): LibreOffice saves a
    formula's boolean result as a float 0/1 in such a cell, which the .xlsx it writes holds as a boolean."""
    number = "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
    formats = {el.get(q(STYLE, "name")) for root in roots if root is not None
               for el in root.iter(q(number, "boolean-style"))}
    if not formats:
        return set()
    return {st.get(q(STYLE, "name"), "") for root in roots if root is not None for st in root.iter(q(STYLE, "style"))
            if st.get(q(STYLE, "data-style-name")) in formats}


def _hidden_tables(content: Any) -> set[str]:
    """The table styles that hide their sheet (``table:display="false"``)."""
    out = set()
    auto = content.find(q(OFFICE, "automatic-styles"))
    for st in auto.iterchildren(q(STYLE, "style")) if auto is not None else ():
        props = st.find(q(STYLE, "table-properties"))
        if props is not None and props.get(q(TABLE, "display")) == "false":
            out.add(st.get(q(STYLE, "name"), ""))
    return out


_OF_REF = re.compile(r"\[([^\]]*)\]")
_OF_POINT = re.compile(r"^\$?(?:'((?:[^']|'')*)'|([^.']*))?\.(\$?[A-Za-z]{1,3}\$?[0-9]{1,7})$")
_OF_STRINGS = re.compile(r'"(?:[^"]|"")*"')


def excel_formula(formula: str) -> str:
    """An ODF formula (``of:=SUM([.E11:.I11])``) as the .xlsx reader keeps one (``SUM(E11:I11)``): references
    unbracketed, another sheet's as Sheet!A1, ``;`` between arguments as ``,``."""
    text = formula.partition(":=")[2] if re.match(r"^[a-z]+:=", formula) else formula.lstrip("=")

    def point(p: str) -> str:
        m = _OF_POINT.match(p.strip())
        if m is None:
            return p
        sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
        return f"{sheet}!{m.group(3)}" if sheet else m.group(3)

    def ref(m: re.Match[str]) -> str:
        return ":".join(point(p) for p in m.group(1).split(":"))

    out, pos = [], 0
    for s in _OF_STRINGS.finditer(text):  # string literals kept as written
        out.append(_OF_REF.sub(ref, text[pos:s.start()]).replace(";", ","))
        out.append(s.group(0))
        pos = s.end()
    out.append(_OF_REF.sub(ref, text[pos:]).replace(";", ","))
    return "".join(out)


_DURATION = re.compile(r"^(-)?P(?:([0-9]+)D)?(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+(?:\.[0-9]+)?)S)?)?$")


def _value(cell: Any, address: str, path: str, booleans: set[str]) -> tuple[Any, str | None]:
    """(typed value as the .xlsx reader gives it, text to show when the cell has no text:p)."""
    kind = cell.get(q(OFFICE, "value-type"))
    if cell.get(_CALC_TYPE) == "boolean" or booleans and cell.get(q(TABLE, "style-name")) in booleans:
        kind = "boolean"  # LibreOffice writes a boolean as a float 0/1, its type beside or in its number format
    try:
        if kind in ("float", "percentage", "currency"):
            raw = (cell.get(q(OFFICE, "value")) or "").strip()
            if not raw:
                return None, None
            try:
                number = _number(raw)
            except _Underflow:
                return None, raw
            # the double as the sheet shows and LibreOffice saves it in an .xlsx: 15 significant digits, an int
            # when integral (“9.00719925474099E+016” is 90071992547409900, as that .xlsx is read)
            number = excel_number(float(number))
            return number, format_number(number, "0%" if kind == "percentage" else None)
        if kind == "date":
            raw = (cell.get(q(OFFICE, "date-value")) or "").strip()
            value = dt.datetime.fromisoformat(raw.rstrip("Z")) if raw else None
            return value, f"{value.year}/{value.month}/{value.day}" if value is not None else None
        if kind == "time":
            m = _DURATION.match((cell.get(q(OFFICE, "time-value")) or "").strip())
            if m is None:
                return None, None
            days, hours, minutes, seconds = (float(g) if g else 0.0 for g in m.group(2, 3, 4, 5))
            serial = days + hours / 24 + minutes / 1440 + seconds / 86400
            value = from_serial(-serial if m.group(1) else serial, False)
            return value, value.strftime("%H:%M:%S")
        if kind == "boolean":
            raw = cell.get(q(OFFICE, "boolean-value")) or cell.get(q(OFFICE, "value")) or ""
            return None, "TRUE" if raw.strip() in ("true", "1") else "FALSE"
        if kind == "string":
            return None, cell.get(q(OFFICE, "string-value"))
    except (ValueError, OverflowError, ArithmeticError) as exc:
        raise UnreadableFile(f"单元格 {address} 的值无效：{exc}", path=path) from exc
    return None, None


def _sheet(table: Any, path: str, limits: Limits, hidden_styles: set[str], fonts: dict[str, str],
           booleans: set[str]) -> Grid:
    title = table.get(q(TABLE, "name"), "Sheet")
    found: list[tuple[int, int, str, Any]] = []
    formulas: dict[tuple[int, int], str] = {}
    spans: list[tuple[int, int, int, int]] = []
    hidden_rows: list[tuple[int, int]] = []
    max_row = max_col = 0  # one past the last row and column holding something (typed, a formula, a merge)
    max_rows, max_cols, max_text = limits.max_rows, limits.max_cols, limits.max_text_chars

    def where(r: int, c: int) -> str:
        return f"{title}!{col_letters(c + 1)}{r + 1}"

    r = 0
    for row in _rows(table):
        rep = _count(row.get(_REPEAT_ROWS), 1, path=path, what="number-rows-repeated")
        if row.get(_VISIBILITY) in _HIDDEN:
            hidden_rows.append((r, rep))
        line: list[tuple[int, str, Any, str | None, int, int]] = []  # what the row holds, to repeat
        c = 0
        for cell in row:
            tag = cell.tag
            if tag != _CELL and tag != _COVERED:
                continue
            n = _count(cell.get(_REPEAT_COLS), 1, path=path, what="number-columns-repeated")
            if tag == _COVERED:
                c += n  # covered by a merge: what it may hold is not shown (nor read from an .xlsx)
                continue
            down = _count(cell.get(_SPAN_ROWS), 1, path=path, what="number-rows-spanned")
            across = _count(cell.get(_SPAN_COLS), 1, path=path, what="number-columns-spanned")
            paras = list(_paragraphs(cell))
            # a cell set in a symbol font shows the marks it draws (its text; numbers keep their digits)
            font = fonts.get(cell.get(q(TABLE, "style-name"), "")) if fonts and cell.get(_VALUE_TYPE) in (
                None, "string") else None
            text = "\n".join(paragraph_text(p, collapse=False, fonts=fonts, font=font) for p in paras)
            value, shown = _value(cell, where(r, c), path, booleans)
            if not paras and shown is not None:
                text = shown
            elif value is not None and text in _BOOLEAN_SHOWN:
                value = None  # a logical formula's result (=FALSE()): a float 0/1 that shows, and is, a boolean
            raw_formula = cell.get(q(TABLE, "formula"))
            formula = excel_formula(raw_formula) if raw_formula else None
            if value is None and not text and formula is None and down == across == 1:
                c += n  # an empty (perhaps styled) cell: it does not extend the sheet
                continue
            if c + n > max_cols or c + across > max_cols:
                raise UnsafeFile(f"单元格 {title} 第 {r + 1} 行超过 {max_cols} 列（重复的单元格或合并）", path=path)
            if len(text) > max_text:
                raise UnsafeFile(f"单元格 {where(r, c)} 的文字超过 {max_text} 字", path=path)
            line.extend((c + k, text, value, formula, down, across) for k in range(n))
            c += n
        if line:
            # checked before a repeated row is copied: a row of content repeated a million times is refused
            last = max(r + rep, max(r + rep - 1 + d for _, _, _, _, d, _ in line))
            widest = max(max_col, max(col + a for col, _, _, _, _, a in line))
            if last > max_rows or widest > max_cols or last * widest > limits.max_cells:
                raise UnsafeFile(f"工作表 {title} 的范围超过上限（第 {r + 1} 行起重复 {rep} 次，或合并单元格）",
                                 path=path)
            for k in range(rep):
                for col, text, value, formula, down, across in line:
                    if text or value is not None:
                        found.append((r + k, col, text, value))
                    if formula is not None:
                        formulas[(r + k, col)] = formula
                    if down > 1 or across > 1:
                        spans.append((r + k, col, r + k + down - 1, col + across - 1))
            max_row, max_col = max(max_row, last), widest
        r += rep  # empty rows, however many repeated (LibreOffice ends a sheet with a million), are only counted
    grid = cells_grid(title, path, max_row, max_col, found, spans)
    for (fr, fc), formula in formulas.items():
        anchor = grid.rows[fr][fc]
        if anchor is None:  # a formula with an empty result: the cell is there all the same
            anchor = grid.rows[fr][fc] = Cell(row=fr, col=fc, text="", address=where(fr, fc), ref=(fr + 1, fc + 1))
        anchor.formula = formula
    if formulas:
        cells = {(c.row + 1, c.col + 1): c for line_ in grid.rows for c in line_ if c is not None}
        grid.notes = _formulas(cells, [(cells[(fr + 1, fc + 1)], None) for fr, fc in formulas])
    grid.hidden_rows = frozenset(k for start, n in hidden_rows for k in range(start, min(start + n, max_row)))
    grid.hidden_cols = _hidden_cols(table, max_col, path)
    grid.sheet_hidden = table.get(q(TABLE, "style-name"), "") in hidden_styles
    return grid


def _hidden_cols(table: Any, max_col: int, path: str) -> frozenset[int]:
    out: set[int] = set()
    c = 0
    for col in _columns(table):
        if c >= max_col:
            break
        n = _count(col.get(_REPEAT_COLS), 1, path=path, what="number-columns-repeated")
        if col.get(_VISIBILITY) in _HIDDEN:
            out.update(range(c, min(c + n, max_col)))
        c += n
    return frozenset(out)


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
    forms = text.find(_FORMS)
    unread: list[tuple[Any, str]] = []
    if forms is not None:  # form check boxes: the marks they show, where they stand
        from . import odf_controls

        boxes = odf_controls.form_boxes(forms)
        unread = odf_controls.controls_as_text(text, boxes) if boxes else []
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
    if unread:
        from .odf_controls import note_unread

        note_unread(grid, unread)
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
