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
import re
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
from .xlsx_controls import Box, Other, place_boxes, place_others

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
_FT_PIO_GRBIT, _FT_PICT_FMLA = 0x08, 0x09
# ftCmo object types read as tick boxes: a check box and an option button; a picture (an ActiveX control is one).
_BOX_KINDS = {0x0B: "复选框", 0x0C: "选项按钮"}
_OT_PICTURE = 0x08
# FtPioGrbit: fCtl (the picture is an ActiveX control), fPrstm (its data is in the Ctls stream).
_PIO_CONTROL, _PIO_CTLS = 0x0010, 0x0020
_PROG_ID = re.compile(rb"Forms\.([A-Za-z]+)\.[0-9]")
_CLIENT_ANCHOR = b"\x10\xf0"  # OfficeArtClientAnchorSheet's record type (0xF010), little-endian


def _compound_stream(data: bytes, names: tuple[str, ...]) -> bytes | None:
    from xlrd.compdoc import CompDoc

    try:
        doc = CompDoc(data, logfile=io.StringIO())
        for name in names:
            mem, start, size = doc.locate_named_stream(name)
            if mem is not None:
                return bytes(mem[start:start + size])
    except Exception:  # noqa: BLE001 - xlrd read this compound file a moment ago; a failure here reads no boxes
        return None
    return None


def _workbook_stream(data: bytes) -> bytes | None:
    return _compound_stream(data, ("Workbook", "Book"))


def _ctls_stream(data: bytes) -> bytes:
    """The Control Stream (“Ctls”, [MS-XLS] 2.1.7.22): the data of the ActiveX controls of every sheet, each at
    the place its OBJ's ftPictFmla gives; empty when there is none."""
    return _compound_stream(data, ("Ctls",)) or b""


def _mark_boxes(data: bytes, sheets: list[tuple[int, str, Grid]]) -> None:
    """The check boxes and option buttons drawn over each sheet (OBJ records, the form controls of Excel 97–2003,
    and ActiveX controls whose data is in the Ctls stream) as marks in the cells of their options (as for .xlsx,
    :func:`xlsx_controls.place_boxes`), an ActiveX text box's text in its cell, every other ActiveX control a
    note; ``sheets``: where each worksheet's records begin, its name and its grid."""
    if _OBJ.to_bytes(2, "little") not in data:
        return
    stream = _workbook_stream(data)
    if stream is None:
        return
    ctls: list[bytes] = []  # (read once, when a control needs it)

    def control_data() -> bytes:
        if not ctls:
            ctls.append(_ctls_stream(data))
        return ctls[0]

    for start, title, grid in sheets:
        found = _sheet_boxes(stream, start, control_data)
        for box in found:
            if box.row < 0:
                if isinstance(box, Box):
                    named = f"“{box.caption}”" if box.caption else ""
                    grid.unread_marks.append((title, f"{box.kind}{named}的位置无法读取，这一格的勾选须人工核对"))
                else:
                    grid.unread_marks.append((title, f"{box.kind}的位置无法读取，它的内容须人工核对"))
        boxes = [b for b in found if isinstance(b, Box) and b.row >= 0]
        if boxes:
            place_boxes(grid, boxes, title)
        others = [b for b in found if isinstance(b, Other) and b.row >= 0]
        if others:
            place_others(grid, others, title)


def _sheet_boxes(stream: bytes, pos: int, ctls: Any = None) -> list[Box | Other]:
    """The boxes (and other ActiveX controls) of the worksheet whose BOF is at ``pos`` (row -1: one whose place is
    not in the drawing); ``ctls``: a function giving the Ctls stream."""
    boxes: list[Box | Other] = []
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
            found = _box(body, drawing, ctls)
            pending, in_text = (found if isinstance(found, Box) and not found.caption else None), False
            if found is not None:
                boxes.append(found)
        elif rt == _TXO:
            in_text = pending is not None
        elif rt == _CONTINUE and in_text and pending is not None and body:
            raw = body[1:]
            pending.caption = (raw.decode("utf-16-le", "replace") if body[0] & 1 else raw.decode("latin-1")).strip()
            pending, in_text = None, False
    return boxes


def _box(obj: bytes, drawing: bytes, ctls: Any = None) -> Box | Other | None:
    """The box an OBJ record stands for (placed by the last anchor of the drawing record before it; row -1
    when there is none), the other ActiveX control it is, or None when it is neither."""
    kind = None
    checked: bool | None = None
    cbls = None
    ot = None
    pio = 0
    pict: tuple[str, int | None, int | None] | None = None
    p = 0
    while p + 4 <= len(obj):
        ft, cb = struct.unpack_from("<HH", obj, p)
        sub = obj[p + 4: p + 4 + cb]
        if ft == _FT_CMO and len(sub) >= 2:
            ot = struct.unpack_from("<H", sub)[0]
            kind = _BOX_KINDS.get(ot)
        elif ft == _FT_CBLS_DATA and len(sub) >= 2:  # fChecked: 0 not, 1 ticked, 2 grey
            checked = {0: False, 1: True}.get(struct.unpack_from("<H", sub)[0])
            cbls = True
        elif ft == _FT_CBLS and cbls is None and len(sub) >= 2:  # (where LibreOffice writes the state)
            checked = {0: False, 1: True}.get(struct.unpack_from("<H", sub)[0])
            cbls = False
        elif ft == _FT_PIO_GRBIT and len(sub) >= 2:
            pio = struct.unpack_from("<H", sub)[0]
        elif ft == _FT_PICT_FMLA:
            pict = _pict_fmla(sub)
            break  # (its cb may not cover what follows it: the last sub-record read)
        elif ft == _FT_END:
            break
        p += 4 + cb
    at = drawing.rfind(_CLIENT_ANCHOR)
    anchor = drawing[at + 6: at + 24] if at >= 2 else b""
    row = col = -1
    dx = 0
    if len(anchor) >= 18:
        _flags, col, dx, row = struct.unpack_from("<HHHH", anchor)
    if kind is not None:
        return Box(row, col, dx / 1024, checked, "", kind)  # (dx in 1/1024 of the column's width)
    if ot != _OT_PICTURE:
        return None
    return _activex(obj, pio, pict, ctls, row, col, dx)


def _pict_fmla(sub: bytes) -> tuple[str, int | None, int | None]:
    """(the class's ProgID, where the control's data is in the Ctls stream and its size: None when not given) of
    an ftPictFmla ([MS-XLS] 2.5.150: ObjFmla with a PictFmlaEmbedInfo naming the class, then lPosInCtlStm and
    cbBufInCtlStm)."""
    if len(sub) < 2:
        return "", None, None
    cb_fmla = struct.unpack_from("<H", sub)[0]
    fmla = sub[2: 2 + cb_fmla]
    prog_id = ""
    if len(fmla) >= 6:
        cce = struct.unpack_from("<H", fmla)[0] & 0x7FFF
        q = 6 + cce  # (cce, 4 unused bytes, the PtgTbl formula)
        if q + 3 <= len(fmla) and fmla[q] == 0x03:
            n = struct.unpack_from("<H", fmla, q + 1)[0]
            q += 3
            if n and q < len(fmla):
                wide = fmla[q] & 1
                raw = fmla[q + 1: q + 1 + n * (2 if wide else 1)]
                prog_id = raw.decode("utf-16-le" if wide else "latin-1", "replace")
    rest = sub[2 + cb_fmla:]
    pos = struct.unpack_from("<I", rest)[0] if len(rest) >= 4 else None
    size = struct.unpack_from("<I", rest, 4)[0] if len(rest) >= 8 else None
    return prog_id, pos, size


def _activex(obj: bytes, pio: int, pict: tuple[str, int | None, int | None] | None, ctls: Any,
             row: int, col: int, dx: int) -> Box | Other | None:
    """The ActiveX control a picture OBJ is (a Forms 2.0 class named in its ftPictFmla, or fCtl set), its state or
    text read from the Ctls stream where its OBJ says the data is there (fPrstm) and the data is the control's
    (the class id, then the stream, as an .xlsx activeXN.bin: [MS-OFORMS]); None when it is no control."""
    from . import activex

    prog_id, pos, size = pict if pict is not None else ("", None, None)
    m = _PROG_ID.search(prog_id.encode("latin-1", "replace")) or _PROG_ID.search(obj)
    name = m[1].decode("ascii") if m is not None else ""
    if m is None and not pio & _PIO_CONTROL:
        return None
    classid = activex.PROG_IDS.get(name, "")
    kind = activex.KINDS.get(classid) or activex.TEXT_KINDS.get(classid) or activex.OTHER_KINDS.get(classid)
    found = None
    if classid and pio & _PIO_CTLS and pos is not None and size and callable(ctls):
        data = ctls()[pos: pos + size]
        if len(data) > 16 and data[:16] == activex.guid_bytes(classid):
            found = activex.morph_data(data[16:])
    control = activex.control(kind or activex.OTHER, classid in activex.TEXT_KINDS, found)
    if classid in activex.KINDS:
        return Box(row, col, dx / 1024, control.checked, control.caption, "ActiveX " + control.kind)
    return Other(row, col, "ActiveX " + control.kind, control.text)


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

