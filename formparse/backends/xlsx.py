"""The .xlsx back-end: openpyxl workbooks ⇄ grids. The only module that imports openpyxl."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Sequence
from copy import copy
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
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


def read_grids(path: str) -> list[Grid]:
    """One grid per worksheet, with cached values for formulas."""
    wb = _open(path, data_only=True)
    try:
        return [sheet_grid(ws, path) for ws in wb.worksheets]
    finally:
        wb.close()


class XlsxDocument:
    """An .xlsx opened for writing; edits apply to one worksheet (the one holding the form)."""

    def __init__(self, path: str, sheet_index: int = 0) -> None:
        self.path = path
        self.wb = _open(path, data_only=False)
        self.ws: Worksheet = self.wb.worksheets[sheet_index]

    @staticmethod
    def grids(path: str) -> list[Grid]:
        return read_grids(path)

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

    def _merges(self) -> list[tuple[int, int, int, int]]:
        out = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in self.ws.merged_cells.ranges]
        for m in list(self.ws.merged_cells.ranges):
            self.ws.unmerge_cells(m.coord)  # also turns the covered MergedCells back into cells
        return out

    def _remerge(self, ranges: list[tuple[int, int, int, int]]) -> None:
        for r0, c0, r1, c1 in ranges:
            if (r0, c0) != (r1, c1):
                self.ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)

    def _heights(self) -> dict[int, float | None]:
        return {r: d.height for r, d in self.ws.row_dimensions.items() if d.height is not None}

    def insert_rows(self, grid: Grid, after_row: int, count: int) -> None:
        if count <= 0:
            return
        at = grid.row_refs[after_row]
        # Styles first: unmerging drops the covered cells and their borders.
        styles = {c: copy(self.ws.cell(row=at, column=c)._style) for c in range(1, self.ws.max_column + 1)}
        merges = self._merges()
        heights = self._heights()
        self.ws.insert_rows(at + 1, count)
        new: list[tuple[int, int, int, int]] = []
        for r0, c0, r1, c1 in merges:
            if r0 > at:
                new.append((r0 + count, c0, r1 + count, c1))
            elif r0 <= at <= r1 and r1 > r0:
                new.append((r0, c0, r1 + count, c1))  # a vertical merge through the row grows
            elif r0 == r1 == at:
                new.append((r0, c0, r1, c1))
                new.extend((at + k, c0, at + k, c1) for k in range(1, count + 1))
            else:
                new.append((r0, c0, r1, c1))
        for r in range(at + 1, at + count + 1):
            for c, style in styles.items():
                self.ws.cell(row=r, column=c)._style = copy(style)
        for r in range(at + 1, max(heights, default=at) + count + 1):
            self.ws.row_dimensions[r].height = heights.get(r - count) if r > at + count else heights.get(at)
        self._remerge(new)

    def delete_rows(self, grid: Grid, rows: Sequence[int]) -> None:
        for grid_row in sorted(set(rows), reverse=True):
            at = grid.row_refs[grid_row]
            merges = self._merges()
            heights = self._heights()
            new = []
            for r0, c0, r1, c1 in merges:
                if r0 == r1 == at:
                    continue
                if r0 == at:  # the merge's first row goes: move its content down one row
                    src, dst = self.ws.cell(row=at, column=c0), self.ws.cell(row=at + 1, column=c0)
                    dst.value, dst._style = src.value, copy(src._style)
                    new.append((r0, c0, r1 - 1, c1))
                elif r0 < at <= r1:
                    new.append((r0, c0, r1 - 1, c1))
                elif r0 > at:
                    new.append((r0 - 1, c0, r1 - 1, c1))
                else:
                    new.append((r0, c0, r1, c1))
            self.ws.delete_rows(at, 1)
            for r in range(at, max(heights, default=at) + 1):
                self.ws.row_dimensions[r].height = heights.get(r + 1)
            self._remerge(new)

    def merge_down(self, grid: Grid, col: int, runs: Sequence[tuple[int, int]], rows: range) -> None:
        c = col + 1
        first, last = grid.row_refs[rows.start], grid.row_refs[rows.stop - 1]
        merges = self._merges()
        keep = [m for m in merges if not (m[1] == m[3] == c and first <= m[0] and m[2] <= last)]
        for r0, r1 in runs:
            if r1 > r0:
                a, b = grid.row_refs[r0], grid.row_refs[r1]
                for r in range(a + 1, b + 1):
                    self.ws.cell(row=r, column=c).value = None
                keep.append((a, c, b, c))
        self._remerge(keep)

    def save(self, path: str) -> None:
        self.wb.save(path)
