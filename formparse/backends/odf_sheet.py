"""OpenDocument spreadsheets (.ods/.ots/.fods): one grid per sheet, as ``xlsx.py`` gives them — addresses
“Sheet!B3”, a cell's text as the sheet shows it (its ``text:p``, LibreOffice's own rendering of the number
format), its typed value as the .xlsx reader gives it (numbers int when integral, dates as datetime), formulas
with their cached result, merges from ``number-columns/rows-spanned``, hidden rows, columns and sheets. Repeats
(``number-rows-repeated``, ``number-columns-repeated``) are expanded only where they hold something: LibreOffice
ends every sheet with a million repeated empty rows, which are counted, never built."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import UnreadableFile, UnsafeFile
from ..grid import Cell, Grid
from ..limits import Limits
from .cells import cells_grid, col_letters
from .numfmt import format_number
from .odf_text import (
    _CELL,
    _COVERED,
    _REPEAT_COLS,
    _REPEAT_ROWS,
    _SPAN_COLS,
    _SPAN_ROWS,
    OFFICE,
    STYLE,
    TABLE,
    _columns,
    _count,
    _paragraphs,
    _rows,
    paragraph_text,
    q,
)
from .xls import excel_number
from .xlsx import _formulas, _number, _Underflow, from_serial

_HIDDEN = ("collapse", "filter")
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


# LibreOffice writes a double in office:value (and shows it in General) as its shortest decimal rounded half up
# to 15 significant digits: two roundings. The double nearest 9.780000000000005 (9.78 plus a few units of float
# noise, which Excel and the .xlsx reader show as 9.78) is written “9.78000000000001”, one unit of the 15th digit
# off what a single rounding gives. That is undone where it can be told: the 16-digit decimal half a unit below
# is that double's shortest form, the double lies below it, and the single rounding is a round number of at most
# this many significant digits (a typed 15-digit number, such as 1.23456789012346, stays as written).
_ROUND_DIGITS = 12
_LO_DIGITS = 15


def lo_double_rounding(raw: str) -> Decimal | None:
    """The number a single rounding to 15 significant digits gives (as the .xlsx reader shows the double) when
    ``raw``, an office:value, is LibreOffice's double rounding of float noise (see above); None otherwise."""
    try:
        written = Decimal(raw.strip())
    except InvalidOperation:
        return None
    if not written.is_finite() or not written:
        return None
    digits, exp = written.as_tuple().digits, written.as_tuple().exponent
    if len(digits) != _LO_DIGITS or digits[-1] == 0 or not isinstance(exp, int):
        return None
    unit = Decimal((0, (1,), exp))
    single = abs(written) - unit
    if not single or len(single.normalize().as_tuple().digits) > _ROUND_DIGITS:
        return None
    half = abs(written) - unit / 2  # the double's shortest decimal, if the double rounding happened
    try:
        double = float(half)
    except OverflowError:
        return None
    if Decimal(repr(double)) != half or Decimal(double) >= half:
        return None
    return single.copy_sign(written)


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
            single = lo_double_rounding(raw)
            if single is not None:
                raw = format(single.normalize(), "f") if abs(single.adjusted()) < _LO_DIGITS else str(single)
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


def _noise_shown(text: str, raw: str | None) -> bool:
    """Whether a cell's text is its office:value written out in full, that value a double rounding undone."""
    if raw is None or lo_double_rounding(raw) is None:
        return False
    try:
        return Decimal(text.strip()) == Decimal(raw.strip())
    except InvalidOperation:
        return False


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
            elif shown is not None and text != shown and _noise_shown(text, cell.get(q(OFFICE, "value"))):
                text = shown  # General showing LibreOffice's double rounding (“9.78000000000001”): the number read
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



def sheet_controls(content: Any, table: Any, grid: Grid) -> None:
    """Check boxes drawn over the sheet (its office:forms): their marks into the cells they stand over."""
    forms = table.find(_FORMS)
    if forms is None:
        return
    from . import odf_controls

    boxes = odf_controls.form_boxes(forms)
    if not boxes:
        return
    rows = [(row.get(q(TABLE, "style-name"), ""), _count(row.get(_REPEAT_ROWS), 1)) for row in _rows(table)]
    runs = odf_controls.size_runs(content, list(_columns(table)), rows)
    odf_controls.sheet_boxes(table, boxes, grid, table.get(q(TABLE, "name"), "Sheet"), runs)


_FORMS = q(OFFICE, "forms")
