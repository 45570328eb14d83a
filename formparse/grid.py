"""The format-neutral picture of a form: rows of cells with text, typed value, merged span and address.

Back-ends build a :class:`Grid` from a file; everything above them (locating, reading, writing)
works on grids only. A merged cell is one :class:`Cell` object that every position it covers
points to, so “covered by the cell above” is ``grid.at(r, c) is grid.at(r - 1, c)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any, Protocol

import attrs

from . import _startcache
from .text import ODD_CHARS, boundary

_startcache.install()  # attrs' generated methods of the classes below: from the cache


@attrs.define(eq=False)
class Cell:
    """One anchor cell of the grid.

    ``value`` is the typed value when the format stores one (a spreadsheet number or date),
    otherwise None; ``text`` is what the form shows. ``paragraph`` marks text outside any table.
    ``ref`` is the back-end's handle, opaque to the core.
    """

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    value: Any = None
    address: str = ""
    paragraph: bool = False
    ref: Any = None
    formula: str | None = None  # a spreadsheet formula, when the cell holds one

    @property
    def last_row(self) -> int:
        return self.row + self.rowspan - 1

    @property
    def end_col(self) -> int:
        """One past the last column the cell covers."""
        return self.col + self.colspan

    @property
    def blank(self) -> bool:
        return not self.text.strip() and self.value is None


class Grid:
    """Rows of positions; each position holds the Cell covering it, or None where there is nothing."""

    def __init__(self, rows: Sequence[Sequence[Cell | None]], *, source: str = "", row_refs: Sequence[Any] = (),
                 blank: Callable[[int, int], Cell] | None = None):
        self.rows = [list(r) for r in rows]
        # Makes the cell at an empty position (a sheet's cells exist even where nothing was typed).
        self.blank = blank
        self._anchors: dict[int, list[Cell]] = {}
        self._paragraph_rows: dict[int, bool] = {}
        self._content_rows: dict[int, bool] = {}
        # (cell address, message) for what the format itself shows is wrong, e.g. a stale cached total
        self.notes: list[tuple[str, str]] = []
        # (cell address, message) for check boxes drawn over the sheet whose state or option cannot be read
        self.unread_marks: list[tuple[str, str]] = []
        # (cell address, message) for a cell whose texts look like several cells' read as one (a PDF printed
        # without the line between two cells): reported, never a silent joined value
        self.doubts: list[tuple[str, str]] = []
        # (cell address, message) for a cell whose text runs over its border (a PDF of a sheet's long text not
        # wrapped): what it shows may be cut short or another cell's
        self.clipped: list[tuple[str, str]] = []
        # what the file shows that would explain a refusal (a PDF whose texts are printed over one another:
        # rows too short for them), added to NotThisForm and InvalidValues
        self.hints: list[str] = []
        self.source = source
        self.row_refs: list[Any] = list(row_refs) if row_refs else [None] * len(self.rows)
        # Which table each row belongs to (-1 for a paragraph); merges never cross tables.
        self.row_blocks: list[int] = [0] * len(self.rows)
        # Rows and columns the printed form does not show (hidden in the sheet): never read.
        self.hidden_rows: frozenset[int] = frozenset()
        self.hidden_cols: frozenset[int] = frozenset()
        # The whole sheet is hidden (hidden or very hidden in the workbook): the submitter does not show it.
        self.sheet_hidden: bool = False
        # Facts derived from the grid's geometry, computed once (see formparse.geometry).
        self.memo: dict[object, object] = {}

    def __len__(self) -> int:
        return len(self.rows)

    def at(self, r: int, c: int) -> Cell | None:
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            return self.rows[r][c]
        return None

    def is_paragraph_row(self, r: int) -> bool:
        cached = self._paragraph_rows.get(r)
        if cached is None:
            cells = [c for c in self.rows[r] if c is not None]
            cached = self._paragraph_rows[r] = bool(cells) and all(c.paragraph for c in cells)
        return cached

    def has_content(self, r: int) -> bool:
        """Whether table row ``r`` holds anything typed (blank spacer rows and paragraphs do not)."""
        cached = self._content_rows.get(r)
        if cached is None:
            cached = self._content_rows[r] = not self.is_paragraph_row(r) and any(
                not c.blank for c in self.own_anchors(r))
        return cached

    def anchors(self, r: int) -> list[Cell]:
        """The distinct cells met along row ``r``, left to right, including those merged down into it."""
        # Cells compare by identity (eq=False), so a dict keeps the first of each, in order.
        return [c for c in dict.fromkeys(self.rows[r]) if c is not None]

    def own_anchors(self, r: int) -> list[Cell]:
        """The cells that start in row ``r`` (cached: a grid does not change once built)."""
        cached = self._anchors.get(r)
        if cached is None:
            cached = self._anchors[r] = [c for c in dict.fromkeys(self.rows[r]) if c is not None and c.row == r]
        return cached

    def reading_order(self, start_row: int = 0) -> Iterator[Cell]:
        """Every cell once, row by row from ``start_row``, left to right."""
        for r in range(start_row, len(self.rows)):
            yield from self.own_anchors(r)

    def right_of(self, cell: Cell) -> Cell | None:
        """The next distinct cell to the right in the cell's first row."""
        row = self.rows[cell.row]
        for c in range(cell.end_col, len(row)):
            other = row[c]
            if other is None and self.blank is not None:
                # an empty sheet position is a blank cell, not a gap: the value there is blank
                other = row[c] = self.blank(cell.row, c)
                self._anchors.pop(cell.row, None)
                self._paragraph_rows.pop(cell.row, None)
            if other is not None and other is not cell:
                return other
        return None

    def visible(self, cell: Cell) -> bool:
        """Whether the printed form shows ``cell`` (not all of its rows or all of its columns hidden)."""
        if not self.hidden_rows and not self.hidden_cols:
            return True
        rows_hidden = all(r in self.hidden_rows for r in range(cell.row, cell.last_row + 1))
        cols_hidden = all(c in self.hidden_cols for c in range(cell.col, cell.end_col))
        return not (rows_hidden or cols_hidden)

    def slice(self, start: int, stop: int) -> Grid:
        """Rows [start, stop) as a grid of their own (one form of several in a document); cells keep their
        addresses, merges are cut at the edges."""
        copies: dict[int, Cell] = {}
        rows: list[list[Cell | None]] = []
        for r in range(start, stop):
            line: list[Cell | None] = []
            for cell in self.rows[r]:
                if cell is None:
                    line.append(None)
                    continue
                copy = copies.get(id(cell))
                if copy is None:
                    first, last = max(cell.row, start), min(cell.last_row, stop - 1)
                    copy = copies[id(cell)] = attrs.evolve(cell, row=first - start, rowspan=last - first + 1)
                line.append(copy)
            rows.append(line)
        blank = self.blank
        shifted = None
        if blank is not None:
            def shifted(r: int, c: int) -> Cell:
                return attrs.evolve(blank(r + start, c), row=r)
        grid = Grid(rows, source=self.source, row_refs=self.row_refs[start:stop], blank=shifted)
        grid.row_blocks = self.row_blocks[start:stop]
        grid.hidden_rows = frozenset(r - start for r in self.hidden_rows if start <= r < stop)
        grid.hidden_cols = self.hidden_cols
        grid.sheet_hidden = self.sheet_hidden
        addresses = {c.address for c in copies.values()}
        grid.notes = [(a, m) for a, m in self.notes if a in addresses]
        grid.unread_marks = [(a, m) for a, m in self.unread_marks if a in addresses]
        grid.doubts = [(a, m) for a, m in self.doubts if a in addresses]
        grid.clipped = [(a, m) for a, m in self.clipped if a in addresses]
        grid.hints = list(self.hints)
        return grid

    def normalise_text(self) -> Grid:
        """Every cell's text as the core reads it (zero-width characters removed, no-break spaces made
        spaces: :func:`formparse.text.boundary`), in place; ``self``. One scan of the joined text when no
        cell needs it (the usual case)."""
        # (the texts of every position, a merged cell's as often as it covers one: only whether any holds an
        # odd character is asked, and this list is made without the per-row anchors a reading order builds)
        if ODD_CHARS.search("\n".join([c.text for row in self.rows for c in row if c is not None])) is None:
            return self
        for cell in list(self.reading_order()):
            if ODD_CHARS.search(cell.text) is not None:
                cell.text = boundary(cell.text)
        self._content_rows.clear()
        return self

    def text(self) -> str:
        """All text in reading order (for diagnostics)."""
        return "\n".join(c.text for c in self.reading_order() if c.text)


class Document(Protocol):
    """What a back-end offers the writer: a grid of the current state and edits at its cells/rows."""

    path: str

    def grid(self) -> Grid: ...

    def set_cell(self, cell: Cell, value: str | Decimal | int | None) -> None:
        """Write text, money (Decimal) or a count (int) into ``cell``; None clears it."""

    def insert_rows(self, grid: Grid, after_row: int, count: int) -> None:
        """Insert ``count`` copies of grid row ``after_row`` (formatting, horizontal merges) below it."""

    def delete_rows(self, grid: Grid, rows: Sequence[int]) -> None:
        """Delete the given grid rows; vertical merges crossing them shrink."""

    def merge_down(self, grid: Grid, col: int, runs: Sequence[tuple[int, int]], rows: range) -> None:
        """Re-merge column ``col`` within ``rows`` so each (first, last) run is one cell."""

    def save(self, path: str) -> None: ...
