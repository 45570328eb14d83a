"""What locating a form yields: where each label and each value of a schema's blocks stands on the grid
(:class:`Layout`, shared by the reader and the writer), and the cells nothing accounted for.
"""

from __future__ import annotations

import attrs

from .. import geometry as geo
from ..grid import Cell, Grid
from ..schema import Boxes, Field, ListBlock, Schema, Table, Title

# How much of a cell's text a coverage warning quotes.
QUOTE_CHARS = 30


@attrs.define
class FieldLoc:
    """One scalar field: its label cell, and its value cell (None: the value sits inline after the label)."""

    key: str
    field: Field
    label: Cell
    cell: Cell | None
    inline_text: str | None = None  # the inline value as read
    # further cells holding the rest of the value: a choice's options each typed in a cell of its own
    more: list[Cell] = attrs.Factory(list)

    @property
    def target(self) -> Cell:
        return self.cell if self.cell is not None else self.label


@attrs.define
class TitleLoc:
    block: Title
    cell: Cell
    year: int | None
    year_cell: Cell | None = None  # the year's own line under the title (“（2020年度）”), when printed so


@attrs.define
class ListLoc:
    block: ListBlock
    label: Cell
    intro: Cell | None
    slots: list[Cell]  # one cell per item row, in order


@attrs.define
class TablePart:
    """One stretch of a table drawn with one header (a table broken across pages has several)."""

    columns: dict[str, int]  # column key → grid column
    rows: list[int]
    ends: dict[str, int] = attrs.Factory(dict)  # column key → one past the header's last grid column


@attrs.define
class TableLoc:
    block: Table
    label: Cell
    header_row: int
    columns: dict[str, Cell]  # the header cells of the first part
    rows: list[int]  # grid rows that hold items (or empty slots), every part
    parts: list[TablePart] = attrs.Factory(list)  # complete when the TableLoc is made
    # row → the first part holding it, made when first asked (a scan of every part's rows for each cell
    # made reading a table quadratic in its length: 5,000 rows, 25,000 cells)
    _part_at: dict[int, TablePart] | None = attrs.field(default=None, init=False, repr=False, eq=False)

    def part_of(self, r: int) -> TablePart | None:
        """The part of the table row ``r`` belongs to (the first, should two parts hold it)."""
        if self._part_at is None:
            self._part_at = {}
            for part in self.parts:
                for row in part.rows:
                    self._part_at.setdefault(row, part)
        return self._part_at.get(r)

    def col(self, r: int, key: str) -> int | None:
        """The grid column of column ``key`` in row ``r``."""
        part = self.part_of(r)
        if part is not None:
            return part.columns.get(key)
        header = self.columns.get(key)
        return header.col if header is not None else None

    def cell(self, grid: Grid, r: int, key: str) -> Cell | None:
        """The cell of column ``key`` in row ``r``: under its header, the one holding content when the header
        covers several columns and the value was typed in another than the first."""
        part = self.part_of(r)
        if part is not None:
            c = part.columns.get(key)
            if c is None:
                return None
            return geo.in_span(grid, r, c, part.ends.get(key, c + 1))
        c = self.col(r, key)
        return geo.cell_at(grid, r, c) if c is not None else None


@attrs.define
class BoxLoc:
    office: str
    label: Cell
    cells: list[Cell]


@attrs.define
class BoxesLoc:
    block: Boxes
    label: Cell
    boxes: list[BoxLoc]


@attrs.frozen
class Unread:
    """A non-empty cell that is neither a label, a value read, nor a printed note."""

    address: str
    text: str

    def __str__(self) -> str:
        text = " ".join(self.text.split())
        quoted = text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "…"
        return f"未读取的内容 ({self.address})：“{quoted}”"


@attrs.define
class Layout:
    grid: Grid
    schema: Schema | None = None  # the form located
    title: TitleLoc | None = None
    fields: dict[str, FieldLoc] = attrs.Factory(dict)
    lists: list[ListLoc] = attrs.Factory(list)
    tables: list[TableLoc] = attrs.Factory(list)
    boxes: list[BoxesLoc] = attrs.Factory(list)
    # what is wrong with the layout itself: a required label missing, a label without a value cell
    problems: list[str] = attrs.Factory(list)
    # optional parts of the form that this copy leaves out (their printed labels)
    absent: list[str] = attrs.Factory(list)
    unread: list[Unread] = attrs.Factory(list)
    # headings placed by their members: the cell where a heading worded otherwise stands
    stand_ins: list[StandIn] = attrs.Factory(list)


@attrs.frozen
class StandIn:
    """A block's heading not found as the schema words it, its block placed by its member labels: the cell
    standing where the heading goes, worded otherwise."""

    label: str  # the heading as the schema prints it
    cell: Cell
