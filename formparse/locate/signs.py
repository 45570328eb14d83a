"""What a candidate cell's surroundings say about it (a colon, values in its rows, the candidates next to
it), computed from the grid before any label is placed.
"""

from __future__ import annotations

import attrs

from .. import geometry as geo
from ..grid import Cell, Grid
from ..text import norm

# How many label-like cells above a contested cell its signs look through for the label it stands under.
MAX_UPS = 16


@attrs.frozen
class Signs:
    """What a candidate cell's surroundings say about it, computed from the grid before any placement."""

    colon: bool  # its text has a colon after the label
    in_values: bool  # its rows hold a visible non-empty cell that no slot wants (a value)
    left: Cell | None = None  # the candidate just left of it, in its row
    left_below: Cell | None = None  # … and the cell under that one (where its value could be instead)
    above: Cell | None = None  # the candidate just above it, in its column
    above_right: Cell | None = None  # … and the cell right of that one
    ups: tuple[Cell, ...] = ()  # the candidates above it in its column, nearest first (past values, blanks)
    # the first filled cell left of it in its row and above it in its column (blank cells passed over), when
    # a slot wants it: a heading there says whose part of the form the cell lies in
    first_left: Cell | None = None
    first_up: Cell | None = None

    def key(self, index: dict[int, int]) -> tuple[object, ...]:
        """What the assignment reads of these signs, for the placement cache (``index``: candidate cell → its
        number): which candidates the neighbours are, and whether each neighbour's other place lines up with it
        — no position, so that the same signs of a label drawn lower down give the same key."""
        if (self.left is None and self.left_below is None and self.above is None and self.above_right is None
                and not self.ups and self.first_left is None and self.first_up is None):
            # an uncontested cell's signs (no neighbour, no other place): what the full key below gives for them
            return (self.colon, self.in_values, None, None, False, None, None, False, (), None, None)
        return (self.colon, self.in_values, _which(index, self.left), _which(index, self.left_below),
                self.left is not None and self.left_below is not None and self.left_below.col == self.left.col,
                _which(index, self.above), _which(index, self.above_right),
                self.above is not None and self.above_right is not None and self.above_right.row == self.above.row,
                tuple(_which(index, c) for c in self.ups), _which(index, self.first_left),
                _which(index, self.first_up))


def _which(index: dict[int, int], c: Cell | None) -> int | None:
    """A neighbour's candidate number in a :meth:`Signs.key` (None: no neighbour, -1: not a candidate)."""
    return None if c is None else index.get(id(c), -1)


def signs_of(grid: Grid, cands: dict[str, list[tuple[Cell, str]]], wanted: dict[int, set[str]],
           contested: set[int]) -> dict[int, Signs]:
    """For each candidate cell, its :class:`Signs` (the neighbours only for cells that slots contest)."""
    out: dict[int, Signs] = {}
    rows: dict[int, bool] = {}  # row → whether it holds a value
    # a cell no slot contests has only these two signs: one record for each pair, shared
    plain = {(colon, values): Signs(colon, values) for colon in (False, True) for values in (False, True)}

    def candidate(c: Cell | None, me: Cell) -> Cell | None:
        return c if c is not None and c is not me and id(c) in wanted else None

    for found in cands.values():
        for cell, _ in found:
            if id(cell) in out:
                continue
            values = False
            for r in range(cell.row, cell.last_row + 1):
                held = rows.get(r)
                if held is None:
                    held = rows[r] = any(not c.blank and id(c) not in wanted and grid.visible(c)
                                         for c in grid.own_anchors(r))
                if held:
                    values = True
                    break
            colon = ":" in norm(cell.text)
            if id(cell) not in contested:
                out[id(cell)] = plain[(colon, values)]
                continue
            left = candidate(geo.cell_at(grid, cell.row, cell.col - 1), cell) if cell.col > 0 else None
            above = candidate(geo.cell_at(grid, cell.row - 1, cell.col), cell) if cell.row > 0 else None
            ups: list[Cell] = []
            r = cell.row - 1
            col = cell.col
            while r >= 0 and len(ups) < MAX_UPS:
                line = grid.rows[r]  # (read directly; cell_at only where empty, to make the blank cell there)
                c = line[col] if col < len(line) else None
                if c is None:
                    c = geo.cell_at(grid, r, col)
                if c is not None and c is not cell and id(c) in wanted:
                    ups.append(c)
                r = (c.row if c is not None else r) - 1
            out[id(cell)] = Signs(
                colon, values, left, geo.cell_under(grid, left) if left is not None else None,
                above, geo.cell_at(grid, above.row, above.end_col) if above is not None else None, tuple(ups),
                candidate(geo.first_filled(grid, cell, 0, -1), cell),
                candidate(geo.first_filled(grid, cell, -1, 0), cell))
    return out
