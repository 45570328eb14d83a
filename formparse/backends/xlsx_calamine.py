"""The fast read of .xlsx: cell values through python-calamine (Rust), guarded, or not at all.

calamine parses a sheet several times faster than lxml can build a tree of it, but it reads some
things differently from the exact reader in ``xlsx.py`` (formulas, number formats, error, boolean and
date cells, CDATA, integers a float cannot hold), and it allocates one dense block for a sheet's whole
extent before anyone can look at it (a cell in A1 and one in XFD1048576 ask for hundreds of gigabytes,
and a failed allocation aborts the process). So :func:`grids` scans the raw parts first, with byte
scans that each start with a literal (quick in Python's regex engine), and hands the file to calamine
only when

* its allocation is bounded by the limits the exact reader enforces (``Limits.max_rows``, ``max_cols``,
  ``max_cells``): every cell and row carries its address as its first attribute, written plainly, and
  the farthest row and column any of them names stay within those limits (a sheet past them goes to the
  exact reader, which refuses it with its own error); the shared-string count calamine reserves room
  for is within the part's real size;
* calamine reads exactly the parts the exact reader reads: the same workbook, shared strings, styles
  and sheet parts, sheet names unique, no two zip names that differ only in case (calamine matches
  names case-blind);
* the file is transitional OOXML (calamine does not know Strict OOXML's namespaces);
* nothing in the sheets is read differently: no formula, no cell type but text and number, no CDATA,
  no character reference to a character XML forbids, no integer of 16+ digits, and no number shown
  under a date or time format. A number shown under another number format (“0.00”, “#,##0.0”: a filled
  template's amounts) is shown as the exact reader shows it (``numfmt.format_number`` of the cell's
  style, found by one scan of the sheet's cell tags); calamine's value is the same number.

Otherwise, or if calamine raises or panics, it returns None and the exact reader reads the file.
``tests/test_backend_xlsx_fast.py`` holds the two readers to the same grids.
"""

from __future__ import annotations

import io
import math
import re
from typing import TYPE_CHECKING, Any

import python_calamine

from ..errors import UnsafeFile
from ..grid import Grid
from ..limits import Limits
from .cells import cells_grid, letters0
from .numfmt import format_number, is_date_format, plain_number
from .ooxml import Package
from .symbols import MARKERS

if TYPE_CHECKING:
    from .xlsx import Workbook

# Attribute syntax made uniform before the byte scans: XML separates attributes by any of four white
# space characters and quotes them either way.
# a hidden row or column (LibreOffice writes hidden="false" on every row: that one is no reason to decline)
_HIDDEN = re.compile(rb'hidden\s*=\s*"(?!false"|0")')
_UNIFORM = bytes.maketrans(b"\t\n\r'", b'   "')
# every address attribute, as the checks below require it to be written: a cell's and a row's
# (no leading zeros: a number written with them is not matched, so the sheet is left to the exact reader)
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')
_ROW_REF = re.compile(rb'<row r="([1-9][0-9]{0,6})"')
# (Each scan below starts with a literal, which Python's regex engine skips to quickly.)
# a cell or row whose first attribute is not its address
_UNADDRESSED_CELL = re.compile(rb'<c(?! r=")(?=[ >/])')
_UNADDRESSED_ROW = re.compile(rb'<row(?! r=")(?=[ >/])')
_PREFIXED = re.compile(rb":(?:c|row|f|v|is)[ >/]")  # a prefixed cell, row, formula or value: not scanned
_FORMULA_TAG = re.compile(rb"<f[ >/]")
_ODD_VALUE = re.compile(rb"<v[^>]")  # a value element with attributes
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")  # where calamine's own path rule finds it too
# a cell type other than shared string, number and inline string (a bare t= on any element, as before)
_OTHER_TYPE = re.compile(rb' t="(?!(?:s|n|inlineStr)")[^"]*"')
# an integer of 16+ digits: the exact reader keeps every digit, calamine's float does not
_LONG_VALUE = re.compile(rb"<v>\s*[+-]?[0-9]{16}")
# a number with an exponent: calamine's float underflows to 0 where the exact reader refuses the number
_EXP_VALUE = re.compile(rb"<v>\s*([^<]*[eE][^<]*)<")


def _underflows(uniform: bytes) -> bool:
    """Whether a value written with an exponent is too small for a float (1E-999999999) but not zero."""
    for m in _EXP_VALUE.finditer(uniform):
        text = m[1].strip()
        try:
            if float(text) == 0 and re.search(rb"[1-9]", re.split(rb"[eE]", text)[0]):
                return True
        except ValueError:
            return True  # not a number at all: the exact reader says so
    return False
_UNIQUE_COUNT = re.compile(rb"(?:uniqueCount|count)\s*=\s*[\"']([0-9]+)[\"']")
_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([^\"']+)[\"']", re.I)
_CHAR_REF = re.compile(rb"&#(x[0-9A-Fa-f]+|[0-9]+);")
_PLAIN_FORMATS = ("General", "@")
_NUMFMT_ID = re.compile(rb'numFmtId="([0-9]+)"')
_CUSTOM_FORMAT = re.compile(rb'<numFmt numFmtId="([0-9]+)" formatCode="([^"]*)"')
_PLAIN_BUILTINS = {b"0", b"49"}


def _xml_char(code: int) -> bool:
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def _plain_bytes(data: bytes) -> bool:
    """No CDATA, no character reference to a character XML forbids, UTF-8: where calamine and lxml agree."""
    if b"<![CDATA[" in data or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    m = _ENCODING.match(data[:200])
    if m is not None and m.group(1).lower() not in (b"utf-8", b"utf8"):
        return False
    if b"&#" in data:  # LibreOffice writes every line break in a string as &#10;
        refs = _CHAR_REF.findall(data)
        if data.count(b"&#") != len(refs):
            return False  # a malformed reference: the exact reader says what is wrong
        for ref in set(refs):
            if len(ref) > 9:
                return False
            code = int(ref[1:], 16) if ref[:1] == b"x" else int(ref)
            if not _xml_char(code):
                return False
    return True




def _bounded(uniform: bytes, limits: Limits) -> bool:
    """Whether calamine's allocation for this sheet (its attribute syntax made uniform) stays within the
    limits: every cell and row carries its address as its first attribute, written plainly (one without
    would be placed by counting, a prefixed one is not scanned), every address attribute is a cell's or a
    row's (calamine takes the last of repeated ones: a second one is not written plainly), and the
    farthest row and column named are within ``max_rows``, ``max_cols`` and ``max_cells`` together."""
    if _UNADDRESSED_CELL.search(uniform) or _UNADDRESSED_ROW.search(uniform) or _PREFIXED.search(uniform):
        return False
    if b" r =" in uniform or b" r= " in uniform:
        return False
    cells = _CELL_REF.findall(uniform)  # (column letters, row number) of every cell, in one scan
    rows = _ROW_REF.findall(uniform)
    if uniform.count(b' r="') != len(cells) + len(rows):
        return False  # an address attribute written some other way, or one on another element
    # (the few distinct numbers and letters converted, not every cell's)
    max_row = max(map(int, {r for _, r in cells}.union(rows)), default=0)
    max_col = max(map(_col_number, {c for c, _ in cells}), default=0)
    return max_row <= limits.max_rows and max_col <= limits.max_cols and max_row * max_col <= limits.max_cells


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _sheet_plain(uniform: bytes) -> bool:
    """Whether calamine reads every cell of this sheet (attribute syntax made uniform) as the exact reader does,
    number formats apart (see :func:`_formatted`)."""
    if _FORMULA_TAG.search(uniform):
        return False  # a formula: the exact reader checks and evaluates it
    if _HIDDEN.search(uniform):
        return False  # hidden rows or columns: calamine does not say which; the exact reader leaves them out
    if _OTHER_TYPE.search(uniform):
        return False  # booleans, errors, dates and formula strings come back as other types
    return not (_ODD_VALUE.search(uniform) or _LONG_VALUE.search(uniform) or _underflows(uniform))


def _formatted(uniform: bytes, formats: list[str]) -> dict[tuple[int, int], str] | None:
    """(row, column), 0-based → the number format of every cell of this sheet (attribute syntax made uniform)
    whose style shows numbers otherwise than General or text; None when calamine must not read the sheet:
    a style that is no plain number (the exact reader refuses it) or one that shows a date or time."""
    if b" =" in uniform or b"= " in uniform:
        return None  # a style written with spaces around its “=” would not be seen by the scan below
    out: dict[tuple[int, int], str] = {}
    shows: dict[bytes, str | None] = {}  # a style number as written → the format its numbers show (None: plain)
    for letters, row, attrs in _CELL_ATTRS.findall(uniform):
        if b' s="' not in attrs:
            continue
        m = _STYLE.search(attrs)
        if m is None or attrs.count(b' s="') != 1:
            return None
        written = m[1]
        if written in shows:  # (a sheet's cells share a few styles: each one looked up once)
            fmt = shows[written]
        else:
            style = int(written)
            fmt = formats[style] if style < len(formats) else None
            if fmt is None or fmt in _PLAIN_FORMATS or fmt.strip() in ("", "General", "@"):
                fmt = None
            elif is_date_format(fmt):
                return None  # a date or time: the exact reader turns the serial into one
            shows[written] = fmt
        if fmt is not None:
            out[(int(row) - 1, _col_number(letters) - 1)] = fmt
    return out


# a cell's address and its other attributes (every cell is addressed plainly: see _bounded); its style
_CELL_ATTRS = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"([^>]*)>')
_STYLE = re.compile(rb' s="([0-9]{1,9})"')


def _styles_plain(styles: bytes) -> bool:
    """Whether every number format the styles part names is General or text (so no style needs looking up):
    every numFmtId is a built-in plain one or a custom one whose code is General or @."""
    uniform = styles.translate(_UNIFORM)
    start, end = uniform.find(b"<cellXfs"), uniform.find(b"</cellXfs>")
    if start < 0 or end < start:
        return start < 0 and b"cellXfs" not in uniform  # no cell formats at all: every cell is General
    cell_xfs = uniform[start:end]  # the formats cells use (not those of named cell styles, e.g. Currency)
    ids = _NUMFMT_ID.findall(cell_xfs)
    if len(ids) != cell_xfs.count(b"numFmtId"):
        return False  # written some other way: the styles are parsed instead
    custom = dict(_CUSTOM_FORMAT.findall(uniform))
    if len(custom) != styles.count(b"formatCode"):
        return False
    plain = {i for i, code in custom.items() if code in (b"General", b"@")}
    return all(i in plain or (i not in custom and i in _PLAIN_BUILTINS) for i in set(ids))


def _strings_bounded(sst: bytes) -> bool:
    """calamine reserves room for the count the shared-string part declares: it must be a real count."""
    head = sst[:1024]
    return all(int(n) <= len(sst) // 4 for n in _UNIQUE_COUNT.findall(head))


def grids(pkg: Package, wb: Workbook) -> list[Grid] | None:
    """One grid per worksheet of ``wb``, read by calamine; None when the exact reader must read this file
    (see the module's docstring). ``pkg`` must hold the file's bytes (``Package(..., data=...)``)."""
    book, strings_part, styles_part, sheets = wb.book, wb.strings_part, wb.styles_part, wb.sheets
    if pkg.data is None or book != "xl/workbook.xml":
        return None
    lowered = {n.lower(): n for n in pkg.names}
    if len(lowered) != len(pkg.names):
        return None
    if strings_part != lowered.get("xl/sharedstrings.xml") or styles_part != lowered.get("xl/styles.xml"):
        return None
    if len({name for name, _ in sheets}) != len(sheets) or not all(_SHEET_PART.fullmatch(p) for _, p in sheets):
        return None
    if strings_part is not None:
        sst = pkg.read(strings_part)
        if not _plain_bytes(sst) or not _strings_bounded(sst) or any(m in sst for m in MARKERS):
            return None  # (rich text in a symbol font: the exact reader shows its marks)
    if styles_part is not None and any(m in pkg.read(styles_part) for m in MARKERS):
        return None  # a style set in Wingdings or Symbol: its cells show marks, not letters
    plain = styles_part is None or _styles_plain(pkg.read(styles_part))
    shown: list[dict[tuple[int, int], str]] = []  # per sheet: the cells whose numbers a format shows
    for _, part in sheets:
        data = pkg.read(part)
        if not _plain_bytes(data) or any(m in data for m in MARKERS):
            return None
        uniform = data.translate(_UNIFORM)
        if not _bounded(uniform, pkg.limits) or not _sheet_plain(uniform):
            return None
        formatted = {} if plain else _formatted(uniform, wb.formats)
        if formatted is None:
            return None
        shown.append(formatted)
    if pkg.strict:
        return None  # Strict OOXML: calamine reads the zip's own bytes, whose namespaces it does not know
    try:
        book_reader = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(pkg.data))
        if len(set(book_reader.sheet_names)) != len(book_reader.sheet_names):
            return None  # a chart sheet named like a worksheet: calamine might take one for the other
        read = [_sheet(book_reader.get_sheet_by_name(name)) for name, _ in sheets]
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - CalamineError, and pyo3's PanicException (a BaseException)
        return None
    out = []
    for (name, _), (start, values, merges), formatted in zip(sheets, read, shown, strict=True):
        grid = _grid(name, pkg.path, start, values, merges, pkg.limits, formatted)
        if grid is None:
            return None
        out.append(grid)
    return out


def _sheet(sheet: Any) -> tuple[tuple[int, int], list[list[Any]], list[Any]]:
    return sheet.start or (0, 0), sheet.to_python(), sheet.merged_cell_ranges or []


def _grid(title: str, path: str, start: tuple[int, int], values: list[list[Any]], merges: list[Any],
          limits: Limits, formatted: dict[tuple[int, int], str] | None = None) -> Grid | None:
    """The grid the exact reader builds, from calamine's values; None if a value is not text or a finite number.
    ``formatted``: (row, column) → the number format that shows the number there (see :func:`_formatted`)."""
    r0, c0 = start
    found: list[tuple[int, int, str, Any]] = []
    max_text = limits.max_text_chars
    for i, line in enumerate(values):
        for j, v in enumerate(line):
            if v == "":
                continue
            cls = v.__class__
            if cls is str:
                text, value = v, None
            elif cls is float:
                if not math.isfinite(v):
                    return None
                value = int(v) if v.is_integer() and abs(v) < 2**53 else v
                fmt = formatted.get((r0 + i, c0 + j)) if formatted else None
                text = plain_number(value) if fmt is None else format_number(value, fmt)
            else:  # bool, dates, …: excluded by the checks, but never guessed at
                return None
            if len(text) > max_text:
                raise UnsafeFile(f"单元格 {title}!{letters0(c0 + j)}{r0 + i + 1} 的文字超过 {max_text} 字", path=path)
            found.append((r0 + i, c0 + j, text, value))
    max_row = found[-1][0] + 1 if found else 0
    max_col = max((c for _, c, _, _ in found), default=-1) + 1
    spans = []
    for (a, b), (e, f) in merges:
        if a > e:
            a, e = e, a
        if b > f:
            b, f = f, b
        spans.append((a, b, e, f))
        if e >= max_row:
            max_row = e + 1
        if f >= max_col:
            max_col = f + 1
    if max_row > limits.max_rows or max_col > limits.max_cols or max_row * max_col > limits.max_cells:
        raise UnsafeFile(f"工作表 {title} 的范围 {max_row} 行 × {max_col} 列超过上限（合并单元格或远处的单元格）",
                         path=path)
    return cells_grid(title, path, max_row, max_col, found, spans)
