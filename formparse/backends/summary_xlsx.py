"""The summary workbook of ``formparse convert -o OUT.xlsx``: one sheet per table, streamed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

_WIDTH = {"text": 18, "int": 8, "money": 14, "date": 12}
_WIDE = {"functions": 40, "content": 40, "text": 50, "opinion": 30, "message": 60, "file": 36, "goals_intro": 30}


class SummaryWorkbook:
    """Sheets in a write-only workbook: rows go to disk as they come, so memory stays flat."""

    def __init__(self, tables: dict[str, list[Any]], headers: dict[str, list[str]]) -> None:
        self.wb = Workbook(write_only=True)
        self.sheets = {}
        bold = Font(bold=True)
        for table, cols in tables.items():
            ws = self.wb.create_sheet(table)
            ws.freeze_panes = "A2"
            for i, c in enumerate(cols, start=1):
                ws.column_dimensions[get_column_letter(i)].width = _WIDE.get(c.name, _WIDTH[c.kind])
            cells = []
            for h in headers[table]:
                cell = WriteOnlyCell(ws, value=h)
                cell.font = bold
                cell.alignment = Alignment(wrap_text=True, vertical="center")
                cells.append(cell)
            ws.append(cells)
            self.sheets[table] = ws

    def append(self, table: str, values: list[Any]) -> None:
        ws = self.sheets[table]
        row = []
        for value in values:
            if isinstance(value, Decimal):
                cell = WriteOnlyCell(ws, value=float(value))  # at most 15 digits: exact in a double
                cell.number_format = "#,##0.00##"
            elif isinstance(value, dt.date):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "yyyy-mm-dd"
            else:
                cell = WriteOnlyCell(ws, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
            row.append(cell)
        ws.append(row)

    def save(self, path: str) -> None:
        fixed = dt.datetime(2000, 1, 1)
        self.wb.properties.created = self.wb.properties.modified = fixed  # same input, same file
        self.wb.save(path)
