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
import struct
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
from .xlsx_controls import Box, place_boxes

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
        grids = [_grid(sheet, path, formats, book.datemode, limits) for sheet in book.sheets()]
        # (where each worksheet's records begin in the Workbook stream, as xlrd found them)
        starts = [s - getattr(book, "base", 0) for s in getattr(book, "_sh_abs_posn", [])]
        titles = [sheet.name for sheet in book.sheets()]
    finally:
        book.release_resources()
    if len(starts) == len(grids):
        _mark_boxes(data, list(zip(starts, titles, grids, strict=True)))
    return grids


# BIFF8 record types ([MS-XLS] 2.3) and the sub-records of an OBJ ([MS-XLS] 2.4.181) read for check boxes.
_BOF, _EOF, _MSODRAWING, _OBJ, _TXO, _CONTINUE = 0x0809, 0x000A, 0x00EC, 0x005D, 0x01B6, 0x003C
_FT_CMO, _FT_CBLS, _FT_CBLS_DATA, _FT_END = 0x15, 0x0A, 0x12, 0x00
# ftCmo object types read as tick boxes: a check box and an option button.
_BOX_KINDS = {0x0B: "复选框", 0x0C: "选项按钮"}
_ACTIVEX_CLASSES = ((b"Forms.CheckBox.", "ActiveX 复选框"), (b"Forms.OptionButton.", "ActiveX 单选按钮"))
_CLIENT_ANCHOR = b"\x10\xf0"  # OfficeArtClientAnchorSheet's record type (0xF010), little-endian


def _workbook_stream(data: bytes) -> bytes | None:
    from xlrd.compdoc import CompDoc

    try:
        doc = CompDoc(data, logfile=io.StringIO())
        for name in ("Workbook", "Book"):
            mem, start, size = doc.locate_named_stream(name)
            if mem is not None:
                return bytes(mem[start:start + size])
    except Exception:  # noqa: BLE001 - xlrd read this compound file a moment ago; a failure here reads no boxes
        return None
    return None


def _mark_boxes(data: bytes, sheets: list[tuple[int, str, Grid]]) -> None:
    """The check boxes and option buttons drawn over each sheet (OBJ records, the form controls of Excel 97–2003)
    as marks in the cells of their options (as for .xlsx, :func:`xlsx_controls.place_boxes`); ``sheets``: where
    each worksheet's records begin, its name and its grid."""
    if _OBJ.to_bytes(2, "little") not in data:
        return
    stream = _workbook_stream(data)
    if stream is None:
        return
    for start, title, grid in sheets:
        boxes = _sheet_boxes(stream, start)
        for box in boxes:
            if box.row < 0:
                named = f"“{box.caption}”" if box.caption else ""
                grid.unread_marks.append((title, f"{box.kind}{named}的位置无法读取，这一格的勾选须人工核对"))
        placed = [b for b in boxes if b.row >= 0]
        if placed:
            place_boxes(grid, placed, title)


def _sheet_boxes(stream: bytes, pos: int) -> list[Box]:
    """The boxes of the worksheet whose BOF is at ``pos`` (row -1: one whose place is not in the drawing)."""
    boxes: list[Box] = []
    drawing = b""
    pending: Box | None = None  # the last box, waiting for its caption (TXO, then the text in a CONTINUE)
    in_text = False
    depth = 0
    while pos + 4 <= len(stream):
        rt, size = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4: pos + 4 + size]
        pos += 4 + size
        if rt == _BOF:
            depth += 1
        elif rt == _EOF:
            depth -= 1
            if depth <= 0:
                break
        elif depth != 1:
            continue  # (an embedded chart's records)
        elif rt == _MSODRAWING:
            drawing = body
        elif rt == _OBJ:
            pending, in_text = _box(body, drawing), False
            if pending is not None:
                boxes.append(pending)
        elif rt == _TXO:
            in_text = pending is not None
        elif rt == _CONTINUE and in_text and pending is not None and body:
            raw = body[1:]
            pending.caption = (raw.decode("utf-16-le", "replace") if body[0] & 1 else raw.decode("latin-1")).strip()
            pending, in_text = None, False
    return boxes


def _box(obj: bytes, drawing: bytes) -> Box | None:
    """The box an OBJ record stands for (placed by the last anchor of the drawing record before it; row -1
    when there is none), or None when it is not a check box or option button."""
    kind = None
    checked: bool | None = None
    cbls = None
    p = 0
    while p + 4 <= len(obj):
        ft, cb = struct.unpack_from("<HH", obj, p)
        sub = obj[p + 4: p + 4 + cb]
        if ft == _FT_CMO and len(sub) >= 2:
            kind = _BOX_KINDS.get(struct.unpack_from("<H", sub)[0])
            if kind is None:
                # An ActiveX box (a picture whose ftPictFmla names the Forms 2.0 class; its data is in the Ctls
                # stream, not read): placed, its state unknown, so it is reported.
                kind = next((k for name, k in _ACTIVEX_CLASSES if name in obj), None)
                if kind is None:
                    return None
                break
        elif ft == _FT_CBLS_DATA and len(sub) >= 2:  # fChecked: 0 not, 1 ticked, 2 grey
            checked = {0: False, 1: True}.get(struct.unpack_from("<H", sub)[0])
            cbls = True
        elif ft == _FT_CBLS and cbls is None and len(sub) >= 2:  # (where LibreOffice writes the state)
            checked = {0: False, 1: True}.get(struct.unpack_from("<H", sub)[0])
            cbls = False
        elif ft == _FT_END:
            break
        p += 4 + cb
    if kind is None:
        return None
    at = drawing.rfind(_CLIENT_ANCHOR)
    anchor = drawing[at + 6: at + 24] if at >= 2 else b""
    if len(anchor) < 18:
        return Box(-1, -1, 0.0, checked, "", kind)
    _flags, col, dx, row = struct.unpack_from("<HHHH", anchor)
    return Box(row, col, dx / 1024, checked, "", kind)  # (dx in 1/1024 of the column's width)


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

