"""The summary workbooks (``formparse convert -o OUT.xlsx``, ``formparse check -o OUT.xlsx``), made to be
filtered on screen and printed by a clerk: one sheet per table, streamed.

Every sheet gets a bold header row that is frozen, filtered and repeated on each printed page;
columns fitted to their content (CJK characters count double), long text wrapped; money with a
thousands separator; A4 landscape, scaled to the page width. Text that a spreadsheet would take
for a formula is stored as text with Excel's quotePrefix (the “this is text” flag a typed ``'``
sets), so it shows exactly as written and stays text when a cell is edited.

The first rows of each table are held back to fit the widths (a write-only sheet fixes its columns
before its first row); after that rows stream to disk, so memory stays flat.

openpyxl makes the workbook (styles, sheet setup, every part but the rows), but the body rows are written
here as XML text, each sheet's ``<sheetData>`` into a temporary file that is spliced into openpyxl's sheet
at save: the same bytes openpyxl writes (inline strings, style ids given in the same order, number
formats, row heights, quotePrefix, ``_xHHHH_`` escapes, character references), without an openpyxl cell
object per value, which was most of a large convert's own CPU time. A value of a type not written here
(rare) goes through openpyxl's cell writer. ``tests/test_summary_xlsx.py`` holds the two writers to the
same parts on generated rows (``SummaryWorkbook(..., stream=False)`` is openpyxl's per-cell way).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import shutil
import tempfile
import unicodedata
import zipfile
from copy import copy
from decimal import Decimal
from typing import IO, Any

from lxml.etree import xmlfile
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell._writer import write_cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.writer.excel import ExcelWriter

from .ooxml import cell_text, library_write
from .stamp import stamp

SAMPLE_ROWS = 500  # rows looked at to fit the widths; later rows wrap if wider
MAX_WIDTH = {"text": 44, "int": 10, "money": 16, "date": 12}  # in character widths (a CJK character is 2)
MIN_WIDTH = 6
# A4 landscape at 100 % holds about 150 character widths of Calibri 11 between the default margins.
# A table up to PAGE_WIDTH × 1.6 is scaled onto one page width (font ≥ about 60 %); a wider one spreads
# over several pages, each printed with the header row.
PAGE_WIDTH = 150
MONEY_FORMAT = "#,##0.00##"
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEAD_FONT = Font(bold=True)
_TOP_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MAX_TEXT = 32767  # openpyxl cuts a cell's text to Excel's limit
_SURROGATE = re.compile("[\ud800-\udfff]")  # no UTF-8 file holds one: openpyxl's writer reports it


def display_width(text: str) -> int:
    """Width of the longest line of ``text`` in character cells (wide and full-width characters count 2)."""
    return max(map(_line_width, text.split("\n")))


_WIDE: re.Pattern[str] | None = None
_SCANNED = "\U0003ffff"  # the wide characters up to here are in one character class, made on first use


def _line_width(line: str) -> int:
    global _WIDE
    if line.isascii():  # (no ASCII character is wide)
        return len(line)
    if line and max(line) > _SCANNED:  # beyond the class (rare): character by character
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
    if _WIDE is None:
        runs: list[list[int]] = []
        for cp in range(0x80, ord(_SCANNED) + 1):
            if unicodedata.east_asian_width(chr(cp)) in "WF":
                if runs and runs[-1][1] == cp - 1:
                    runs[-1][1] = cp
                else:
                    runs.append([cp, cp])
        _WIDE = re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in runs) + "]")
    return 2 * len(line) - len(_WIDE.sub("", line))  # (cheaper than listing the wide ones in CJK text)


# Points per line of 11 pt text, CJK included: what LibreOffice gives it with Noto Sans CJK, the CJK
# font of most Linux desks (ascent + descent 1.448 em, 15.9 pt; measured with a 20-line cell by
# tests/test_summary_xlsx.py); Excel's 等线 is a little tighter, so its rows keep a little room.
LINE_HEIGHT = 16.0
# Excel's tallest row (409 points): about 25 lines. A text taller than FEW_LINES at its column's width
# gets a wider column (up to LONG_WIDTH): a long 单位职能概述 then prints whole in a row about a third of
# a page tall (a row is as tall on every page width of the sheet, so a taller one leaves pages blank),
# not cut at the cell's bottom. Only a text beyond MAX_LINES even then (≈ 1,200 CJK characters) is cut
# in print; the cell keeps it all.
MAX_ROW_HEIGHT = 409
MAX_LINES = int((MAX_ROW_HEIGHT - 3) // LINE_HEIGHT)
FEW_LINES = 12
LONG_WIDTH = 100
# Columns repeated at the left of every printed page of a sheet wider than a page: whose row it is
# (file and unit: the first two columns of every table).
KEY_COLUMNS = 2


def line_count(text: str, width: float) -> int:
    """Lines ``text`` takes when wrapped in a column ``width`` characters wide."""
    usable = max(1.0, width - 1.5)
    # (a line of n characters is at most 2n wide: most lines are known to fit without measuring them)
    return sum(1 if 2 * len(line) <= usable else max(1, math.ceil(display_width(line) / usable))
               for line in text.split("\n"))


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}" if value == value.quantize(Decimal("0.01")) else f"{value:,}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class _Sheet:
    def __init__(self, book: SummaryWorkbook, title: str, kinds: list[str], header: list[str]) -> None:
        self.book, self.title, self.kinds, self.header = book, title, kinds, header
        self.pending: list[list[Any]] | None = []
        # made now, in table order (a sheet whose first rows fill first must not come first); its columns
        # are set when its first rows are in
        self.ws: Any = book.wb.create_sheet(title)
        self.rows = 0
        self.wrap = [False] * len(kinds)
        self.widths: list[float] = []
        # a body cell's style by what decides it (number format, wrapped, quoted): set through openpyxl's
        # style descriptors once, then copied — each descriptor hashes the whole style to find it again,
        # which was half a 1,000-file convert's CPU time
        self.styles: dict[tuple[str | None, bool, bool], Any] = {}
        self.ids: dict[tuple[str | None, bool, bool], str] = {}  # the same, as the id a cell's s="" gives
        self.heights: dict[float, str] = {}  # a row height as the <row> attributes openpyxl writes for it
        self.written = 1
        # the body rows' XML (see the module's docstring); None: rows go through openpyxl's cells
        self.out: IO[bytes] | None = None
        self.letters = [get_column_letter(i + 1) for i in range(len(kinds))]

    def add(self, values: list[Any]) -> None:
        self.rows += 1
        if self.pending is not None:
            self.pending.append(values)
            if len(self.pending) >= SAMPLE_ROWS:
                self.start()
        else:
            self._write(values)

    def start(self) -> None:
        """Fix the columns from the header and the rows held back, then write them."""
        if self.pending is None:
            return
        ws = self.ws
        widths: list[float] = []
        wants: list[float] = []
        for i, kind in enumerate(self.kinds):
            head = display_width(self.header[i])
            body = max((display_width(_shown(r[i])) for r in self.pending), default=0)
            # a header may wrap onto two lines rather than widen a narrow column
            wants.append(max(body, math.ceil(head / 2), min(head, 12)) + 2)
            widths.append(max(MIN_WIDTH, min(MAX_WIDTH[kind], wants[-1])))
        # Room left on one page width goes to the columns that would wrap, so short tables need not.
        spare = PAGE_WIDTH - sum(widths)
        for i in sorted(range(len(widths)), key=lambda k: wants[k] - widths[k]):
            if spare <= 0:
                break
            extra = min(spare, max(0, wants[i] - widths[i]))
            widths[i] += extra
            spare -= extra
        for i, kind in enumerate(self.kinds):
            # a text taller than a few lines at this width: widen its column until it is not
            if kind == "text":
                texts = [v for v in (r[i] for r in self.pending) if isinstance(v, str)]
                while widths[i] < LONG_WIDTH and max((line_count(t, widths[i]) for t in texts), default=1) > FEW_LINES:
                    widths[i] = min(LONG_WIDTH, widths[i] + 4)
        for i, width in enumerate(widths):
            self.wrap[i] = wants[i] > width
            ws.column_dimensions[get_column_letter(i + 1)].width = width
        self.widths = widths
        last = get_column_letter(len(self.kinds))
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{last}{max(1, self.rows + 1)}"  # updated at save for later rows
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = max(1, math.ceil(sum(widths) / (PAGE_WIDTH * 1.6)))
        if ws.page_setup.fitToWidth > 1 and len(widths) > KEY_COLUMNS:
            ws.print_title_cols = f"A:{get_column_letter(KEY_COLUMNS)}"
        ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
        ws.print_options.gridLines = False
        ws.page_margins.left = ws.page_margins.right = 0.4
        # inches; the footer (第 N 页) gets bottom − footer = 0.4 in: with less, LibreOffice cuts its
        # 11 pt line in half (the footer margin's default, 0.5 in, beside a 0.6 in bottom did)
        ws.page_margins.top = ws.page_margins.bottom = 0.7
        ws.page_margins.header = ws.page_margins.footer = 0.3
        ws.oddFooter.center.text = "&A  第 &P 页 / 共 &N 页"
        cells = []
        for h in self.header:
            cell = WriteOnlyCell(ws, value=h)
            cell.font, cell.fill, cell.border = _HEAD_FONT, _HEAD_FILL, _BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            cells.append(cell)
        height = self._height(self.header, [True] * len(self.header))
        if self.book.stream:
            self.out = tempfile.TemporaryFile()
            self.out.write(self._row(1, height, [self._openpyxl_xml(cell, 1, i) for i, cell in enumerate(cells)]))
        else:
            if height is not None:
                ws.row_dimensions[1].height = height
            ws.append(cells)
        pending, self.pending = self.pending, None
        for values in pending:
            self._write(values)

    def _height(self, values: list[Any], wrap: list[bool]) -> float | None:
        # Spreadsheets do not fit row heights to wrapped text when they open a file (LibreOffice keeps
        # the default), so the height is worked out here: the most lines any cell of the row needs.
        lines = max((line_count(v, self.widths[i]) for i, v in enumerate(values)
                     if isinstance(v, str) and (wrap[i] or "\n" in v)), default=1)
        return min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 3) if lines > 1 else None

    def _write(self, values: list[Any]) -> None:
        self.written += 1
        height = self._height(values, self.wrap)
        if self.out is not None:
            self.out.write(self._row(self.written, height, self._cells_xml(values)))
            return
        if height is not None:
            self.ws.row_dimensions[self.written].height = height
        self.ws.append([self._cell(i, value) for i, value in enumerate(values)])

    def _cell(self, i: int, value: Any) -> Any:
        """The openpyxl cell of ``value`` in column ``i``, styled (the way every cell was written before)."""
        ws = self.ws
        number_format = None
        quoted = False
        if isinstance(value, Decimal):
            cell = WriteOnlyCell(ws, value=float(value))  # at most 15 digits: exact in a double
            number_format = MONEY_FORMAT
        elif isinstance(value, dt.date):
            cell = WriteOnlyCell(ws, value=value)
            number_format = "yyyy-mm-dd"
        else:
            # openpyxl writes text as it is; Excel would read a "_xHHHH_" in it as one character
            cell = WriteOnlyCell(ws, value=cell_text(value) if isinstance(value, str) else value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
                quoted = value.startswith(_FORMULA_START)
        wrap = self.wrap[i] or (isinstance(value, str) and "\n" in value)
        key = (number_format, wrap, quoted)
        style = self.styles.get(key)
        if style is None:
            if number_format is not None:
                cell.number_format = number_format
            if quoted:
                cell.quotePrefix = True
            cell.border = _BORDER
            cell.alignment = _TOP_WRAP if wrap else _TOP
            self.styles[key] = copy(cell._style)
        else:
            cell._style = copy(style)
        return cell

    def _row(self, index: int, height: float | None, cells: list[str]) -> bytes:
        if height is None:
            head = f'<row r="{index}">'
        else:
            attrs = self.heights.get(height)
            if attrs is None:  # as openpyxl's row dimension gives them
                attrs = "".join(f' {k}="{v}"' for k, v in RowDimension(self.ws, index=index, ht=height))
                self.heights[height] = attrs
            head = f'<row r="{index}"{attrs}>'
        # the character references of everything beyond ASCII, as openpyxl's writer (lxml, ASCII) gives them
        return (head + "".join(cells) + "</row>").encode("ascii", "xmlcharrefreplace")

    def _openpyxl_xml(self, cell: Any, row: int, i: int) -> str:
        """``cell`` (at row ``row``, column ``i``) as openpyxl's writer writes it."""
        cell.row, cell.column = row, i + 1
        buf = io.BytesIO()
        with xmlfile(buf) as xf:
            write_cell(xf, self.ws, cell, cell.has_style)
        return buf.getvalue().decode("ascii")

    def _style_id(self, i: int, value: Any, key: tuple[str | None, bool, bool]) -> str:
        """The style id of a body cell in column ``i`` holding ``value`` of ``key``'s kind: the first such
        cell of the sheet sets it through openpyxl (so each id is given where and when it was before)."""
        sid = self.ids.get(key)
        if sid is None:
            sid = self.ids[key] = str(self._cell(i, value).style_id)
        return sid

    def _cells_xml(self, values: list[Any]) -> list[str]:
        r = self.written
        wraps = self.wrap
        out = []
        for i, value in enumerate(values):
            kind = type(value)
            ref = f"{self.letters[i]}{r}"
            if kind is str:
                text = cell_text(value)[:_MAX_TEXT]
                if not text.isascii() and _SURROGATE.search(text):
                    out.append(self._openpyxl_xml(self._cell(i, value), r, i))  # (which says what is wrong)
                    continue
                sid = self._style_id(i, value, (None, wraps[i] or "\n" in value, value.startswith(_FORMULA_START)))
                if not text:
                    out.append(f'<c r="{ref}" s="{sid}" t="inlineStr"></c>')
                    continue
                space = ' xml:space="preserve"' if text != text.strip() else ""
                text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
                out.append(f'<c r="{ref}" s="{sid}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
            elif value is None:
                out.append(f'<c r="{ref}" s="{self._style_id(i, value, (None, wraps[i], False))}" t="n"></c>')
            elif kind is Decimal and value.is_finite() and math.isfinite(number := float(value)):
                sid = self._style_id(i, value, (MONEY_FORMAT, wraps[i], False))
                out.append(f'<c r="{ref}" s="{sid}" t="n"><v>{number:.16g}</v></c>')
            elif kind is int or (kind is float and math.isfinite(value)):
                out.append(f'<c r="{ref}" s="{self._style_id(i, value, (None, wraps[i], False))}" t="n">'
                           f'<v>{value:.16g}</v></c>')
            elif kind is dt.date:
                sid = self._style_id(i, value, ("yyyy-mm-dd", wraps[i], False))
                out.append(f'<c r="{ref}" s="{sid}" t="n"><v>{to_excel(value, self.book.wb.epoch):.16g}</v></c>')
            else:  # anything else as openpyxl writes it
                out.append(self._openpyxl_xml(self._cell(i, value), r, i))
        return out

    def splice(self) -> None:
        """Close openpyxl's sheet (its parts but the rows) and put the rows written here into it."""
        if self.out is None:
            return
        ws = self.ws
        ws.close()
        with open(ws._writer.out, "rb") as f:
            head, empty, tail = f.read().partition(b"<sheetData></sheetData>")
        if not empty:
            raise RuntimeError(f"openpyxl wrote sheet {self.title!r} without an empty <sheetData>")
        self.out.seek(0)
        with open(ws._writer.out, "wb") as f:
            f.write(head + b"<sheetData>")
            shutil.copyfileobj(self.out, f, 1 << 20)
            f.write(b"</sheetData>" + tail)
        self.close()

    def close(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None


class SummaryWorkbook:
    """Sheets in a write-only workbook: ``append`` rows per table, then ``save``."""

    def __init__(self, tables: dict[str, list[Any]], headers: dict[str, list[str]],
                 titles: dict[str, str] | None = None, *, stream: bool = True) -> None:
        self.wb = Workbook(write_only=True)
        self.stream = stream  # False: every cell an openpyxl cell, as before (tests compare the two)
        titles = titles or {}
        self.sheets = {t: _Sheet(self, titles.get(t, t), [c.kind for c in cols], headers[t])
                       for t, cols in tables.items()}

    def append(self, table: str, values: list[Any]) -> None:
        self.sheets[table].add(values)

    def save(self, path: str) -> None:
        try:
            library_write(lambda: self._save(path), path)
        except BaseException:
            self._discard()
            raise

    def _save(self, path: str) -> None:
        for sheet in self.sheets.values():
            sheet.start()  # (rows go to temporary files from here)
            sheet.ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.kinds))}{sheet.rows + 1}"
            sheet.splice()
        fixed = dt.datetime(2000, 1, 1)
        self.wb.properties.created = self.wb.properties.modified = fixed  # same input, same file
        if not self.wb.worksheets:
            self.wb.create_sheet()  # (as Workbook.save does)
        # openpyxl's Workbook.save, but for its setting the modified time to now
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            ExcelWriter(self.wb, archive).write_data()
        stamp(path, "summary")  # a later run over a folder holding it never reads it as a submission

    def _discard(self) -> None:
        """Close what openpyxl left open after a failed save, quietly: else each sheet's writer fails again
        when it is collected, printing 'Exception ignored' tracebacks."""
        for sheet in self.sheets.values():
            sheet.close()
        for ws in self.wb.worksheets:
            writer = getattr(ws, "_writer", None)
            for gen in (getattr(ws, "_rows", None), getattr(writer, "xf", None)):
                try:
                    if gen is not None:
                        gen.close()
                except Exception:  # the same failure again: already reported
                    pass
