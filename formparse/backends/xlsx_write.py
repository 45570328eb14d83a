"""Writing .xlsx: openpyxl opens the workbook (keeping styles, other sheets, everything), edits cells and rows."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Sequence
from copy import copy
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell as XCell
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import UnreadableFile
from ..grid import Cell, Grid
from .numfmt import format_date, format_number

MONEY_FORMAT = "#,##0.00##"


def _open(path: str, *, data_only: bool) -> Workbook:
    try:
        return load_workbook(path, data_only=data_only, rich_text=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise UnreadableFile(f"不是可读的 .xlsx 文件 ({type(exc).__name__}: {exc})", path=path) from exc
    except Exception as exc:  # openpyxl raises many kinds on malformed parts
        raise UnreadableFile(f"无法读取 .xlsx 文件 ({type(exc).__name__}: {exc})", path=path) from exc


def _display(value: Any, number_format: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return format_number(value, number_format)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return format_date(value, number_format)
    return str(value)


def sheet_grid(ws: Worksheet, source: str) -> Grid:
    """The grid of one worksheet; grid row r is sheet row r + 1, grid col c is column c + 1."""
    max_row = ws.max_row or 0
    max_col = ws.max_column or 0
    for rng in ws.merged_cells.ranges:
        max_row = max(max_row, rng.max_row)
        max_col = max(max_col, rng.max_col)
    rows: list[list[Cell | None]] = [[None] * max_col for _ in range(max_row)]
    cells = ws._cells  # direct access: iterating ws.iter_rows would create every empty cell
    for (r, c), xc in cells.items():
        if isinstance(xc, MergedCell) or r > max_row or c > max_col:
            continue
        value = xc.value
        native = value if isinstance(value, int | float | dt.date | dt.time) and not isinstance(value, bool) else None
        text = _display(value, xc.number_format)
        rows[r - 1][c - 1] = Cell(row=r - 1, col=c - 1, text=text, value=native,
                                  address=f"{ws.title}!{xc.coordinate}", ref=(r, c))
    for rng in ws.merged_cells.ranges:
        anchor = rows[rng.min_row - 1][rng.min_col - 1]
        if anchor is None:
            anchor = Cell(row=rng.min_row - 1, col=rng.min_col - 1, text="",
                          address=f"{ws.title}!{get_column_letter(rng.min_col)}{rng.min_row}",
                          ref=(rng.min_row, rng.min_col))
        anchor.rowspan = rng.max_row - rng.min_row + 1
        anchor.colspan = rng.max_col - rng.min_col + 1
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                rows[r - 1][c - 1] = anchor
    # Empty positions get blank cells so that “the cell to the right” exists where the sheet has one.
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell is None:
                row[c] = Cell(row=r, col=c, text="", address=f"{ws.title}!{get_column_letter(c + 1)}{r + 1}",
                              ref=(r + 1, c + 1))
    return Grid(rows, source=source, row_refs=list(range(1, max_row + 1)))


class XlsxDocument:
    """An .xlsx opened for writing; edits apply to one worksheet (the one holding the form)."""

    def __init__(self, path: str, sheet_index: int = 0) -> None:
        self.path = path
        self.wb = _open(path, data_only=False)
        self.ws: Worksheet = self.wb.worksheets[sheet_index]

    def select(self, index: int) -> None:
        self.ws = self.wb.worksheets[index]

    def grid(self) -> Grid:
        return sheet_grid(self.ws, self.path)

    def set_cell(self, cell: Cell, value: str | Decimal | int | None) -> None:
        r, c = cell.ref
        xc = self.ws.cell(row=r, column=c)
        if isinstance(value, Decimal):
            xc.value = float(value)
            xc.number_format = MONEY_FORMAT
        elif isinstance(value, int):
            xc.value = value
            xc.number_format = "0"
        elif value is None:
            xc.value = None
        else:
            xc.value = value
            xc.data_type = "s"  # text that starts with “=” stays text, never a formula
            xc.number_format = "@"
            if "\n" in value:
                al = copy(xc.alignment)
                xc.alignment = Alignment(horizontal=al.horizontal, vertical=al.vertical or "center",
                                         wrap_text=True)
            if cell.rowspan == 1:
                self._fit_height(r, c, cell.colspan, value, xc.font.sz or 11)

    def _fit_height(self, r: int, c: int, span: int, text: str, size: float) -> None:
        """Grow a row so wrapped text shows whole (Excel does not do it for merged cells)."""
        width = sum(self.ws.column_dimensions[get_column_letter(k)].width or 8.43 for k in range(c, c + span))
        per_char = 1.9 * size / 11  # a CJK character is about two “0” widths
        lines = sum(max(1, -(-int(sum(per_char if ord(ch) > 0x2E7F else per_char / 2 for ch in line))
                              // max(1, int(width - 1)))) for line in text.split("\n"))
        needed = lines * size * 1.45 + 6
        current = self.ws.row_dimensions[r].height or 15
        if needed > current:
            self.ws.row_dimensions[r].height = min(409, needed)

    def _merge_cells_at(self, r: int, c0: int, c1: int, style_row: int) -> None:
        """Turn the covered positions of a merge in row ``r`` into MergedCells styled like ``style_row``."""
        for c in range(c0, c1 + 1):
            style = copy(self.ws.cell(row=style_row, column=c)._style)
            mc = MergedCell(self.ws, row=r, column=c)
            mc._style = style
            self.ws._cells[(r, c)] = mc

    def _rehash(self) -> None:
        """Ranges were moved in place; the set holding them must be built again."""
        self.ws.merged_cells.ranges = set(self.ws.merged_cells.ranges)

    def insert_rows(self, grid: Grid, after_row: int, count: int) -> None:
        if count <= 0:
            return
        ws = self.ws
        at = grid.row_refs[after_row]
        heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height is not None}
        styles = {c: copy(ws.cell(row=at, column=c)._style) for c in range(1, ws.max_column + 1)}
        ranges = list(ws.merged_cells.ranges)
        ws.insert_rows(at + 1, count)
        # openpyxl moves the cells but not the merges, heights or styles: do that here, in place
        # (re-merging through ws.merge_cells re-styles every covered cell and is very slow).
        for r in range(at + 1, at + count + 1):
            for c, style in styles.items():
                ws.cell(row=r, column=c)._style = copy(style)
        for rng in ranges:
            if rng.min_row > at:
                rng.shift(row_shift=count)
            elif rng.min_row <= at <= rng.max_row and rng.max_row > rng.min_row:
                rng.expand(down=count)  # a vertical merge through the template row grows
                for r in range(at + 1, at + count + 1):
                    self._merge_cells_at(r, rng.min_col, rng.max_col, at)
            elif rng.min_row == rng.max_row == at:
                for r in range(at + 1, at + count + 1):
                    new = CellRange(min_col=rng.min_col, min_row=r, max_col=rng.max_col, max_row=r)
                    ws.merged_cells.add(MergedCellRange(ws, new.coord))
                    self._merge_cells_at(r, rng.min_col + 1, rng.max_col, at)
        self._rehash()
        top = max(heights, default=at)
        for r in range(at + 1, top + count + 1):
            ws.row_dimensions[r].height = heights.get(r - count) if r > at + count else heights.get(at)

    def delete_rows(self, grid: Grid, rows: Sequence[int]) -> None:
        ws = self.ws
        for grid_row in sorted(set(rows), reverse=True):
            at = grid.row_refs[grid_row]
            heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height is not None}
            for rng in list(ws.merged_cells.ranges):
                if rng.min_row == rng.max_row == at:
                    ws.merged_cells.remove(rng)
                elif rng.min_row == at:
                    # the merge's first row goes: its content moves down into the next row's anchor
                    src = ws.cell(row=at, column=rng.min_col)
                    dst = XCell(ws, row=at + 1, column=rng.min_col, value=src.value)
                    dst._style = copy(src._style)
                    ws._cells[(at + 1, rng.min_col)] = dst
                    rng.shrink(bottom=1)
                elif rng.min_row < at <= rng.max_row:
                    rng.shrink(bottom=1)
                elif rng.min_row > at:
                    rng.shift(row_shift=-1)
            self._rehash()
            ws.delete_rows(at, 1)
            for r in range(at, max(heights, default=at) + 1):
                ws.row_dimensions[r].height = heights.get(r + 1)

    def merge_down(self, grid: Grid, col: int, runs: Sequence[tuple[int, int]], rows: range) -> None:
        ws = self.ws
        c = col + 1
        first, last = grid.row_refs[rows.start], grid.row_refs[rows.stop - 1]
        for rng in list(ws.merged_cells.ranges):
            if rng.min_col == c and first <= rng.min_row and rng.max_row <= last and rng.max_row > rng.min_row:
                c1, r0, r1 = rng.max_col, rng.min_row, rng.max_row
                ws.unmerge_cells(rng.coord)
                if c1 > c:  # a block over several columns becomes one row-wide merge per row
                    for r in range(r0, r1 + 1):
                        ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c1)
        for r0, r1 in runs:
            if r1 > r0:
                a, b = grid.row_refs[r0], grid.row_refs[r1]
                for r in range(a + 1, b + 1):
                    ws.cell(row=r, column=c).value = None
                ws.merge_cells(start_row=a, start_column=c, end_row=b, end_column=c)

    def parts(self) -> int:
        return len(self.wb.worksheets)

    def save(self, path: str) -> None:
        self.wb.save(path)
