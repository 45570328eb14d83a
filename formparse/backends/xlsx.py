"""Reading .xlsx: the workbook's XML parts straight into grids (zip + lxml, no openpyxl).

Only what a form needs: shared strings, number formats, cell values (cached values of formulas),
merged ranges. Writing uses openpyxl (xlsx_write), where keeping every style matters.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from decimal import Decimal
from typing import Any

from ..errors import UnreadableFile, UnsafeFile
from ..formula import Unsupported, evaluate
from ..grid import Cell, Grid
from ..limits import Limits
from ..text import format_money, money_from_number, parse_money
from . import xlsx_controls
from .cells import col_letters
from .numfmt import format_date, format_number, is_date_format
from .ooxml import Package, parse
from .symbols import MARKERS, is_symbol_font, symbol_text

S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_T, _R, _RPH, _SI = f"{{{S}}}t", f"{{{S}}}r", f"{{{S}}}rPh", f"{{{S}}}si"
_ROW, _C, _V, _F, _IS = f"{{{S}}}row", f"{{{S}}}c", f"{{{S}}}v", f"{{{S}}}f", f"{{{S}}}is"

# ECMA-376 18.8.30, and the zh-CN built-in date formats Excel shows for ids 27–36 and 50–58.
BUILTIN_FORMATS = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00",
    12: "# ?/?", 13: "# ??/??", 14: "yyyy/m/d", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "yyyy/m/d h:mm", 37: "#,##0 ;(#,##0)",
    38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)", 45: "mm:ss",
    46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
    27: 'yyyy"年"m"月"', 28: 'm"月"d"日"', 29: 'm"月"d"日"', 30: "m-d-yy", 31: 'yyyy"年"m"月"d"日"',
    32: 'h"时"mm"分"', 33: 'h"时"mm"分"ss"秒"', 34: 'h"时"mm"分"', 35: 'h"时"mm"分"ss"秒"', 36: 'yyyy"年"m"月"',
    50: 'yyyy"年"m"月"', 51: 'm"月"d"日"', 52: 'yyyy"年"m"月"', 53: 'm"月"d"日"', 54: 'm"月"d"日"',
    55: 'h"时"mm"分"', 56: 'h"时"mm"分"ss"秒"', 57: 'yyyy"年"m"月"', 58: 'm"月"d"日"',
}
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")
MAX_ROWS, MAX_COLS = 1_048_576, 16_384


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


@functools.lru_cache(maxsize=4096)
def _parse_ref(ref: str) -> tuple[int, int, str] | None:
    """“B12” → (12, 2, "B12"): row, column (1-based) and the canonical spelling; None if not a cell address."""
    m = _REF.match(ref)
    if not m:
        return None
    row = int(m.group(2))
    return row, _col_index(m.group(1)), f"{m.group(1)}{row}"


def _ref(ref: str, path: str) -> tuple[int, int]:
    parsed = _parse_ref(ref)
    if parsed is None:
        raise UnreadableFile(f"单元格地址 {ref!r} 无效", path=path)
    return parsed[0], parsed[1]


def _text_of_si(si: Any, symbols: bool = False) -> str:
    """A shared or inline string: its plain text, or its rich-text runs joined (phonetic runs left out).
    ``symbols``: runs set in a symbol font (rFont Wingdings …) show the characters that font draws."""
    if len(si) == 1 and si[0].tag == _T:
        return si[0].text or ""
    if symbols:
        out = []
        for r in si.iter(_R):
            font = r.find(_RFONT_PATH)
            name = font.get("val") if font is not None else None
            text = "".join(t.text or "" for t in r.iter(_T))
            out.append(symbol_text(name, text) if is_symbol_font(name) else text)  # type: ignore[arg-type]
        return "".join(out) if out else "".join(si.itertext(_T))
    if si.find(_RPH) is None:
        return "".join(si.itertext(_T))
    return "".join(t.text or "" for r in si.iter(_R) for t in r.iter(_T))


_RFONT_PATH = f"{{{S}}}rPr/{{{S}}}rFont"


def _shared_strings(pkg: Package, name: str | None) -> list[str]:
    if not name or not pkg.has(name):
        return []
    data = pkg.read(name)
    symbols = any(m in data for m in MARKERS)
    return [_unescape(_text_of_si(si, symbols)) for si in parse(data, path=pkg.path, part=name).iter(_SI)]


def _symbol_fonts(pkg: Package, name: str | None) -> list[str | None]:
    """Per cell style (cellXfs), the symbol font its text is set in (Wingdings …), or None; [] when the
    styles name none."""
    if not name or not pkg.has(name):
        return []
    data = pkg.read(name)
    if not any(m in data for m in MARKERS):
        return []
    root = parse(data, path=pkg.path, part=name)
    fonts_el = root.find(f"{{{S}}}fonts")
    fonts: list[str | None] = []
    for font in (fonts_el if fonts_el is not None else []):
        el = font.find(f"{{{S}}}name")
        val = el.get("val") if el is not None else None
        fonts.append(val if is_symbol_font(val) else None)
    xfs = root.find(f"{{{S}}}cellXfs")
    out: list[str | None] = []
    for xf in (xfs if xfs is not None else []):
        try:
            fid = int(xf.get("fontId", "0") or 0)
        except ValueError:
            fid = -1
        out.append(fonts[fid] if 0 <= fid < len(fonts) else None)
    return out


def _formats(pkg: Package, name: str | None) -> list[str]:
    """The number format of every cell style (cellXfs), by index."""
    if not name or not pkg.has(name):
        return []
    root = pkg.xml(name)
    custom = {int(n.get("numFmtId", "0")): n.get("formatCode", "General")
              for n in root.iter(f"{{{S}}}numFmt")}
    xfs = root.find(f"{{{S}}}cellXfs")
    out = []
    for xf in (xfs if xfs is not None else []):
        fid = int(xf.get("numFmtId", "0") or 0)
        out.append(custom.get(fid) or BUILTIN_FORMATS.get(fid, "General"))
    return out


def from_serial(value: float, date1904: bool) -> dt.datetime:
    epoch = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    day, fraction = divmod(value, 1)
    if not date1904 and 0 <= value < 60:
        day += 1  # Excel's 1900 leap-year bug: serials before 1 March 1900 are a day off
    return epoch + dt.timedelta(days=day, milliseconds=round(fraction * 86_400_000))


class _Underflow(ValueError):
    """A number too small for a float (1E-999999999): the cell keeps its text, never a silent 0."""


def _number(text: str) -> int | float:
    """A cell's number: an int when it is integral (“12”, “12.0”, “1E3”), exact to the digit for long integers."""
    if re.fullmatch(r"-?[0-9]{1,40}", text):
        return int(text)
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text!r} 不是有限的数")
    if value == 0 and re.search(r"[1-9]", text.partition("e")[0].partition("E")[0]):
        raise _Underflow(text)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _sheet_grid(pkg: Package, part: str, title: str, strings: list[str], formats: list[str], date1904: bool,
                limits: Limits, fonts: list[str | None] | None = None) -> Grid:
    data = pkg.read(part)
    return sheet_grid(parse(data, path=pkg.path, part=part), pkg.path, title, strings, formats, date1904, limits,
                      fonts=fonts, symbols=any(m in data for m in MARKERS))


def sheet_grid(root: Any, path: str, title: str, strings: list[str], formats: list[str], date1904: bool,
               limits: Limits, *, dense: bool = False, keep_rows: bool = False,
               fonts: list[str | None] | None = None, symbols: bool = False,
               merges: list[tuple[int, int, int, int]] | None = None, until_row: int | None = None) -> Grid:
    """The grid of a parsed worksheet. ``dense``: a blank cell at every empty position (for the writer);
    ``keep_rows``: rows the sheet lists reach as far as the grid, even empty ones (rows the writer has
    just inserted at the end of the form). ``merges``: the merged ranges as (first row, first col, last
    row, last col), 1-based, when the caller holds them already (the writer, while it edits them);
    otherwise they are read from the sheet. ``until_row``: rows past this one (1-based), and merged ranges
    that start past it, are left out (the writer's view once it knows where the form ends).

    Every cell's ``ref`` is its (sheet row, sheet column), 1-based."""
    found: dict[tuple[int, int], Cell] = {}
    formulas: list[tuple[Cell, str | None]] = []
    max_row = max_col = 0
    row_no = 0
    hidden_rows: set[int] = set()
    for row in root.iter(_ROW):
        r_attr = row.get("r")
        row_no = int(r_attr) if r_attr and r_attr.isdigit() else row_no + 1
        if until_row is not None and row_no > until_row:
            continue
        if row.get("hidden") in ("1", "true"):
            hidden_rows.add(row_no - 1)
        if keep_rows and row_no > max_row and row_no <= limits.max_rows:
            max_row = row_no
        col_no = 0
        for c in row.iter(_C):
            ref = c.get("r")
            if not len(c) and c.get("t") != "inlineStr":
                # most cells of a form: empty but styled; nothing to read, and they do not extend the sheet
                if not ref:
                    col_no += 1
                continue
            kind = c.get("t", "n")
            v = c.find(_V)
            raw = v.text if v is not None else None
            f = c.find(_F)
            formula = f.text if f is not None and f.text else None
            if raw is None and kind != "inlineStr" and formula is None:
                if not ref:
                    col_no += 1
                continue  # an empty (perhaps styled) cell: nothing to read, and it does not extend the sheet
            if ref:
                parsed = _parse_ref(ref)
                if parsed is None:
                    raise UnreadableFile(f"单元格地址 {ref!r} 无效", path=path)
                r, col_no, name = parsed
                if until_row is not None and r > until_row:
                    continue
            else:
                r, col_no = row_no, col_no + 1
                name = f"{col_letters(col_no)}{r}"
            value: Any = None
            text = ""
            try:
                style = int(c.get("s", "0") or 0)
                fmt = formats[style] if 0 <= style < len(formats) else None
                if kind == "s" and raw is not None:
                    text = strings[int(raw)]
                elif kind == "inlineStr":
                    inline = c.find(_IS)
                    text = _unescape(_text_of_si(inline, symbols)) if inline is not None else ""
                elif kind in ("str", "e") and raw is not None:
                    text = _unescape(raw)
                elif kind == "b" and raw is not None:
                    text = "TRUE" if raw.strip() in ("1", "true") else "FALSE"
                elif kind == "d" and raw is not None:
                    value = dt.datetime.fromisoformat(raw.strip().rstrip("Z"))
                    text = format_date(value, fmt)
                elif raw is not None and raw.strip():
                    try:
                        number = _number(raw.strip())
                    except _Underflow:
                        text = raw.strip()  # whoever wants a number from it is told it is not one
                    else:
                        if is_date_format(fmt):
                            value = from_serial(float(number), date1904)
                            text = format_date(value, fmt)
                        else:
                            value = number
                            text = format_number(number, fmt)
            except (ValueError, IndexError, OverflowError, ArithmeticError) as exc:
                raise UnreadableFile(f"单元格 {title}!{ref or col_letters(col_no) + str(r)} 的值无效：{exc}",
                                     path=path) from exc
            if fonts and text and value is None and 0 <= style < len(fonts) and fonts[style] is not None:
                text = symbol_text(fonts[style], text)  # a cell set in Wingdings: the marks it shows
            if value is None and not text and formula is None:
                continue  # an empty (perhaps styled) cell: it does not extend the sheet
            if not (1 <= r <= MAX_ROWS and 1 <= col_no <= MAX_COLS):
                raise UnreadableFile(f"单元格位置超出工作表范围：{ref}", path=path)
            if r > limits.max_rows or col_no > limits.max_cols:
                raise UnsafeFile(f"单元格 {title}!{col_letters(col_no)}{r} 离表格太远（上限 {limits.max_rows} 行、"
                                 f"{limits.max_cols} 列）", path=path)
            if len(text) > limits.max_text_chars:
                raise UnsafeFile(f"单元格 {title}!{col_letters(col_no)}{r} 的文字超过 {limits.max_text_chars} 字",
                                 path=path)
            cell = found[(r, col_no)] = Cell(row=r - 1, col=col_no - 1, text=text, value=value,
                                             address=f"{title}!{name}", ref=(r, col_no), formula=formula)
            if formula is not None:
                formulas.append((cell, fmt))
            if r > max_row:
                max_row = r
            if col_no > max_col:
                max_col = col_no
    if merges is None:
        merges = []
        for m in root.iter(f"{{{S}}}mergeCell"):
            ref = m.get("ref", "")
            a, _, b = ref.partition(":")
            (r0, c0), (r1, c1) = _ref(a, path), _ref(b or a, path)
            r0, r1 = sorted((r0, r1))
            c0, c1 = sorted((c0, c1))
            merges.append((r0, c0, r1, c1))
    else:
        merges = [(min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)) for r0, c0, r1, c1 in merges
                  if (r0, c0) != (r1, c1)]
    if until_row is not None:
        merges = [m for m in merges if m[0] <= until_row]
    if merges:
        max_row = max(max_row, max(m[2] for m in merges))
        max_col = max(max_col, max(m[3] for m in merges))
    # Checked before anything is allocated by the file's own account of its size.
    if max_row > limits.max_rows or max_col > limits.max_cols or max_row * max_col > limits.max_cells:
        raise UnsafeFile(f"工作表 {title} 的范围 {max_row} 行 × {max_col} 列超过上限（合并单元格或远处的单元格）",
                         path=path)
    rows: list[list[Cell | None]] = [[None] * max_col for _ in range(max_row)]
    for (r, c), cell in found.items():
        rows[r - 1][c - 1] = cell
    for r0, c0, r1, c1 in merges:
        existing = rows[r0 - 1][c0 - 1]
        if existing is not None and existing.rowspan == existing.colspan == 1:
            anchor = existing
        else:
            anchor = Cell(row=r0 - 1, col=c0 - 1, text="", address=f"{title}!{col_letters(c0)}{r0}", ref=(r0, c0))
        anchor.rowspan, anchor.colspan = r1 - r0 + 1, c1 - c0 + 1
        for r in range(r0 - 1, r1):
            line = rows[r]
            for c in range(c0 - 1, c1):
                line[c] = anchor
    notes = _formulas(found, formulas)

    def blank(r: int, c: int) -> Cell:
        return Cell(row=r, col=c, text="", address=f"{title}!{col_letters(c + 1)}{r + 1}", ref=(r + 1, c + 1))

    if dense:
        for r, line in enumerate(rows):
            for c, slot in enumerate(line):
                if slot is None:
                    line[c] = blank(r, c)
    grid = Grid(rows, source=path, row_refs=list(range(1, max_row + 1)), blank=blank)
    grid.notes = notes
    grid.hidden_rows = frozenset(r for r in hidden_rows if r < max_row)
    grid.hidden_cols = _hidden_cols(root, max_col)
    return grid


def _hidden_cols(root: Any, max_col: int) -> frozenset[int]:
    """The 0-based columns a sheet hides (``<col min max hidden="1">``), within the used width."""
    out: set[int] = set()
    for col in root.iter(f"{{{S}}}col"):
        if col.get("hidden") not in ("1", "true"):
            continue
        try:
            lo, hi = int(col.get("min", "0")), int(col.get("max", "0"))
        except ValueError:
            continue
        out.update(range(max(lo, 1) - 1, min(hi, max_col)))
    return frozenset(out)


def _formulas(found: dict[tuple[int, int], Cell], formulas: list[tuple[Cell, str | None]]
              ) -> list[tuple[str, str]]:
    """Fill in formulas saved without a cached value; note cached values their formula disagrees with."""
    notes: list[tuple[str, str]] = []
    visiting: set[tuple[int, int]] = set()

    def lookup(r: int, c: int) -> Decimal | None:
        cell = found.get((r, c))
        if cell is None:
            return None
        if cell.formula is not None and cell.value is None and not cell.text:
            if (r, c) in visiting:
                raise Unsupported("circular reference")
            visiting.add((r, c))
            try:
                return evaluate(cell.formula, lookup)
            finally:
                visiting.discard((r, c))
        if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
            return money_from_number(cell.value)
        if not cell.text.strip():
            return None
        try:
            return parse_money(cell.text)
        except ValueError as exc:
            raise Unsupported(cell.text) from exc

    for cell, fmt in formulas:
        assert cell.formula is not None and cell.ref is not None
        try:
            computed = evaluate(cell.formula, lookup)
        except (Unsupported, ArithmeticError, RecursionError):
            continue
        if cell.value is None and not cell.text:
            cell.value = float(computed) if computed != computed.to_integral() else int(computed)
            cell.text = format_number(cell.value, fmt)
        elif isinstance(cell.value, int | float) and money_from_number(cell.value) != computed:
            notes.append((cell.address, f"公式 ={cell.formula} 算得 {format_money(computed)}，"
                                        f"单元格里保存的却是 {cell.text}"))
    return notes


class Workbook:
    """What the workbook part says: where the shared strings and styles are, and the worksheets in order."""

    def __init__(self, pkg: Package, book: str, strings_part: str | None, styles_part: str | None,
                 sheets: list[tuple[str, str]], date1904: bool) -> None:
        self.pkg = pkg
        self.book = book
        self.strings_part = strings_part
        self.styles_part = styles_part
        self.sheets = sheets  # (sheet name, part name) of every worksheet
        self.hidden: set[str] = set()  # the names of the sheets the workbook hides (hidden or very hidden)
        self.date1904 = date1904

    @functools.cached_property
    def formats(self) -> list[str]:
        """The number format of every cell style, by index (parsed when first asked for)."""
        return _formats(self.pkg, self.styles_part)

    @functools.cached_property
    def fonts(self) -> list[str | None]:
        """The symbol font of every cell style, by index ([] when the styles name no symbol font)."""
        return _symbol_fonts(self.pkg, self.styles_part)


def workbook(pkg: Package) -> Workbook:
    book = pkg.main_part("xl/workbook.xml")
    if not pkg.has(book):
        raise UnreadableFile("无法识别文件结构：包里的关系没有指向工作簿部件（xl/workbook.xml 也不存在）",
                             path=pkg.path)
    root = pkg.xml(book)
    if root.tag != f"{{{S}}}workbook":
        raise UnreadableFile(f"无法识别文件结构：工作簿部件 {book} 的根元素是 {root.tag}，"
                             "不是已知的 Excel 工作簿（命名空间不认识）", path=pkg.path)
    rels = pkg.rels(book)
    strings_part = next((n for t, n in rels.values() if t.endswith("/sharedStrings")), None)
    styles_part = next((n for t, n in rels.values() if t.endswith("/styles")), None)
    sheets = []
    hidden = set()
    for sheet in root.iter(f"{{{S}}}sheet"):
        rel = rels.get(sheet.get(f"{{{R}}}id", ""))
        if rel is None or not rel[0].endswith("/worksheet") or not pkg.has(rel[1]):
            continue
        sheets.append((sheet.get("name", "Sheet"), rel[1]))
        if sheet.get("state", "visible") in ("hidden", "veryHidden"):
            hidden.add(sheet.get("name", "Sheet"))
    listed = sum(1 for _ in root.iter(f"{{{S}}}sheet"))
    if listed and not sheets and not any(t.endswith(("/chartsheet", "/dialogsheet", "/xlMacrosheet"))
                                         for t, _ in rels.values()):
        raise UnreadableFile(f"无法识别文件结构：工作簿列出 {listed} 张工作表，但它们的关系都找不到工作表部件",
                             path=pkg.path)
    pr = root.find(f"{{{S}}}workbookPr")
    date1904 = pr is not None and pr.get("date1904", "0") in ("1", "true")
    wb = Workbook(pkg, book, strings_part, styles_part, sheets, date1904)
    wb.hidden = hidden
    return wb


def read_grids(path: str, pkg: Package | None = None, *, fast: bool = True) -> list[Grid]:
    """One grid per worksheet (chart sheets and the like are skipped).

    ``fast``: let python-calamine read the cell values where it reads them exactly as this module
    does (see ``xlsx_calamine``); False always uses this module's own reader."""
    with pkg or Package(path) as pkg:
        wb = workbook(pkg)
        grids = None
        if fast:
            from . import xlsx_calamine

            grids = xlsx_calamine.grids(pkg, wb)
        if grids is None:
            strings = _shared_strings(pkg, wb.strings_part)
            grids = [_sheet_grid(pkg, part, name, strings, wb.formats, wb.date1904, pkg.limits, wb.fonts)
                     for name, part in wb.sheets]
        if xlsx_controls.has_controls(pkg):  # check boxes drawn over the sheets: their marks into the cells
            for (name, part), grid in zip(wb.sheets, grids, strict=True):
                xlsx_controls.mark_boxes(pkg, part, grid, name)
        for (_, part), grid in zip(wb.sheets, grids, strict=True):
            data = pkg.read(part)
            if b"Header>" in data or b"Footer>" in data:  # the printed page header's and footer's lines
                from .xlsx_pages import add_page_lines

                add_page_lines(data, grid)
            if any(t.endswith("/drawing") for t, _ in pkg.rels(part).values()):  # text typed in text boxes
                from .xlsx_shapes import add_shape_lines

                add_shape_lines(pkg, part, grid)
    for (name, _), grid in zip(wb.sheets, grids, strict=True):
        grid.sheet_hidden = name in wb.hidden
    return grids
