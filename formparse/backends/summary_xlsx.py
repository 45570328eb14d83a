"""The summary workbooks (``formparse convert -o OUT.xlsx``, ``formparse check -o OUT.xlsx``), made to be
filtered on screen and printed by a clerk: one sheet per table, streamed.

Every sheet gets a bold header row that is frozen, filtered and repeated on each printed page;
columns fitted to their content (CJK characters count double), long text wrapped; money with a
thousands separator; A4 landscape, scaled to the page width. Text that a spreadsheet would take
for a formula is stored as text with Excel's quotePrefix (the “this is text” flag a typed ``'``
sets), so it shows exactly as written and stays text when a cell is edited.

The first rows of each table are held back to fit the widths (a write-only sheet fixes its columns
before its first row); after that rows stream to disk, so memory stays flat.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from copy import copy
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

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


def display_width(text: str) -> int:
    """Width of the longest line of ``text`` in character cells (wide and full-width characters count 2)."""
    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in text.split("\n")), default=0)


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
    return sum(max(1, math.ceil(display_width(line) / usable)) for line in text.split("\n"))


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
        self._height(1, self.header, [True] * len(self.header))
        ws.append(cells)
        pending, self.pending = self.pending, None
        for values in pending:
            self._write(values)

    def _height(self, index: int, values: list[Any], wrap: list[bool]) -> None:
        # Spreadsheets do not fit row heights to wrapped text when they open a file (LibreOffice keeps
        # the default), so the height is worked out here: the most lines any cell of the row needs.
        lines = max((line_count(v, self.widths[i]) for i, v in enumerate(values)
                     if isinstance(v, str) and (wrap[i] or "\n" in v)), default=1)
        if lines > 1:
            self.ws.row_dimensions[index].height = min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 3)

    def _write(self, values: list[Any]) -> None:
        ws = self.ws
        self.written = getattr(self, "written", 1) + 1
        self._height(self.written, values, self.wrap)
        row = []
        for i, value in enumerate(values):
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
            row.append(cell)
        ws.append(row)


class SummaryWorkbook:
    """Sheets in a write-only workbook: ``append`` rows per table, then ``save``."""

    def __init__(self, tables: dict[str, list[Any]], headers: dict[str, list[str]],
                 titles: dict[str, str] | None = None) -> None:
        self.wb = Workbook(write_only=True)
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
            sheet.start()  # (rows go to openpyxl's temporary files from here)
            sheet.ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.kinds))}{sheet.rows + 1}"
        fixed = dt.datetime(2000, 1, 1)
        self.wb.properties.created = self.wb.properties.modified = fixed  # same input, same file
        self.wb.save(path)
        stamp(path, "summary")  # a later run over a folder holding it never reads it as a submission

    def _discard(self) -> None:
        """Close what openpyxl left open after a failed save, quietly: else each sheet's writer fails again
        when it is collected, printing 'Exception ignored' tracebacks."""
        for ws in self.wb.worksheets:
            writer = getattr(ws, "_writer", None)
            for gen in (getattr(ws, "_rows", None), getattr(writer, "xf", None)):
                try:
                    if gen is not None:
                        gen.close()
                except Exception:  # the same failure again: already reported
                    pass
