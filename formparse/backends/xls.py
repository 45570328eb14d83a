"""Reading .xls (BIFF8, Excel 97–2003) natively with xlrd: the same grids as the LibreOffice route.

The LibreOffice route converts a .xls to .xlsx and reads that with ``xlsx.py``; this module builds the
grid that route gives straight from the BIFF records, in milliseconds and without a LibreOffice
process: cells with their text as Excel shows it (the cell's number format applied, dates by their
format), typed values, merged ranges and ``Sheet!A1`` addresses, every sheet's extent checked
against the limits before the grid is allocated.

What it does not read exactly it declines (:class:`Declined`), and the caller converts the file
with LibreOffice instead: encrypted workbooks (Excel's default-password “VelvetSweatshop”
encryption is one LibreOffice opens), BIFF5 and older (their text is in a code page xlrd guesses
at), and anything xlrd cannot parse. A file over a limit is refused (:class:`UnsafeFile`), never
declined: LibreOffice would only spend longer on it.

python-calamine reads .xls too, and gives merged ranges, but not the cells' number formats (a
“12月30日” or a “1,234.50” comes back as a bare number), so it cannot give the grid Excel shows.
"""

from __future__ import annotations

import io
import math
from decimal import Decimal
from typing import Any

import xlrd
from xlrd.biffh import (
    XL_CELL_BLANK,
    XL_CELL_BOOLEAN,
    XL_CELL_DATE,
    XL_CELL_EMPTY,
    XL_CELL_ERROR,
    XL_CELL_NUMBER,
    XL_CELL_TEXT,
    XLRDError,
    error_text_from_code,
)

from ..errors import UnreadableFile, UnsafeFile
from ..grid import Grid
from ..limits import Limits
from .cells import cells_grid, col_letters
from .numfmt import format_date, format_number, is_date_format
from .xlsx import BUILTIN_FORMATS, from_serial

_BIFF8 = 80


class Declined(Exception):
    """This .xls is not one the native reader reads exactly; LibreOffice converts it instead."""


def read_grids(path: str, data: bytes, limits: Limits) -> list[Grid]:
    """One grid per worksheet of the .xls in ``data``.

    Raises:
        Declined: the file should go to LibreOffice (encrypted, BIFF5 or older, unparseable).
        UnsafeFile: a sheet's extent or a cell's text is over the limits.
    """
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, ragged_rows=True,
                                  logfile=io.StringIO(), verbosity=0)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except XLRDError as exc:
        raise Declined(str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - xlrd raises struct.error, IndexError, … on damaged records
        raise Declined(f"{type(exc).__name__}: {exc}") from exc
    try:
        if book.biff_version < _BIFF8:
            raise Declined(f"BIFF {book.biff_version}")
        formats = _formats(book)
        return [_grid(sheet, path, formats, book.datemode, limits) for sheet in book.sheets()]
    finally:
        book.release_resources()


def _formats(book: Any) -> list[str]:
    """The number format of every cell style (XF), by index: the file's FORMAT records, else the built-in ones
    the .xlsx reader uses for the same ids (a BIFF built-in id is the OOXML one)."""
    out = []
    for xf in book.xf_list:
        key = xf.format_key
        fmt = book.format_map.get(key)
        # xlrd fills the implied built-ins in with its English codes; the ids the .xlsx reader knows get its own
        out.append(BUILTIN_FORMATS.get(key) or (fmt.format_str if fmt is not None else "General"))
    return out


def excel_number(raw: float) -> int | float:
    """A stored double as Excel and LibreOffice show and save it: rounded to 15 significant digits, an int
    when it is written without an exponent and integral (as the .xlsx reader takes “12345678901234600”)."""
    digits = f"{raw:.15g}"
    number = float(digits)
    if number.is_integer() and abs(number) < _PLAIN_BELOW:
        return int(Decimal(digits))  # the digits as written (a float of them may not hold them: 9.00719925474099e16)
    return number


# LibreOffice writes numbers from this size up with an exponent (“1E+020”), which the .xlsx reader reads
# as a float; below it as digits, read as an int.
_PLAIN_BELOW = 1e17


def _grid(sheet: Any, path: str, formats: list[str], datemode: int, limits: Limits) -> Grid:
    title = sheet.name
    found: list[tuple[int, int, str, Any]] = []
    max_text = limits.max_text_chars
    for r in range(sheet.nrows):
        types = sheet.row_types(r)
        for c, kind in enumerate(types):
            if kind == XL_CELL_EMPTY or kind == XL_CELL_BLANK:
                continue
            raw = sheet.cell_value(r, c)
            value: Any = None
            if kind == XL_CELL_TEXT:
                text = raw
            elif kind in (XL_CELL_NUMBER, XL_CELL_DATE):
                xf = sheet.cell_xf_index(r, c)
                fmt = formats[xf] if 0 <= xf < len(formats) else None
                if not math.isfinite(raw):
                    raise Declined(f"{title}!{col_letters(c + 1)}{r + 1}: {raw!r}")
                number = excel_number(raw)
                try:
                    if is_date_format(fmt):
                        value = from_serial(float(number), bool(datemode))
                        text = format_date(value, fmt)
                    else:
                        value = number
                        text = format_number(number, fmt)
                except (ValueError, OverflowError, ArithmeticError) as exc:
                    raise UnreadableFile(f"单元格 {title}!{col_letters(c + 1)}{r + 1} 的值无效：{exc}",
                                         path=path) from exc
            elif kind == XL_CELL_BOOLEAN:
                text = "TRUE" if raw else "FALSE"
            elif kind == XL_CELL_ERROR:
                text = error_text_from_code.get(raw, "#N/A")
            else:
                raise Declined(f"cell type {kind}")
            if value is None and not text:
                continue  # an empty string: it does not extend the sheet, as in the .xlsx reader
            if len(text) > max_text:
                raise UnsafeFile(f"单元格 {title}!{col_letters(c + 1)}{r + 1} 的文字超过 {max_text} 字", path=path)
            found.append((r, c, text, value))
    max_row = max((r for r, _, _, _ in found), default=-1) + 1
    max_col = max((c for _, c, _, _ in found), default=-1) + 1
    spans = []
    for rlo, rhi, clo, chi in sheet.merged_cells:  # half-open ranges
        if rhi <= rlo or chi <= clo:
            continue
        spans.append((rlo, clo, rhi - 1, chi - 1))
        max_row, max_col = max(max_row, rhi), max(max_col, chi)
    # Checked before anything is allocated by the file's own account of its size.
    if max_row > limits.max_rows or max_col > limits.max_cols or max_row * max_col > limits.max_cells:
        raise UnsafeFile(f"工作表 {title} 的范围 {max_row} 行 × {max_col} 列超过上限（合并单元格或远处的单元格）",
                         path=path)
    grid = cells_grid(title, path, max_row, max_col, found, spans)
    grid.sheet_hidden = getattr(sheet, "visibility", 0) != 0  # 1 hidden, 2 very hidden
    # hidden rows and columns (ROW and COLINFO records' fHidden), as the .xlsx reader gives them: a hidden
    # helper column is the sheet's, not the form's
    grid.hidden_rows = frozenset(r for r, info in sheet.rowinfo_map.items() if r < max_row and info.hidden)
    grid.hidden_cols = frozenset(c for c, info in sheet.colinfo_map.items() if c < max_col and info.hidden)
    return grid

