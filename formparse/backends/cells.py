"""Cells at spreadsheet addresses: column letters, and a sheet's grid from its filled cells.

Shared by the readers that get a sheet's values directly (python-calamine's in ``xlsx_calamine``,
xlrd's in ``xls``) and by the exact .xlsx reader and writer, so none of them imports another for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..grid import Cell, Grid


def col_letters(n: int) -> str:
    """Column letters for a 1-based column number (1 → A, 27 → AA)."""
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


_LETTERS = [col_letters(i + 1) for i in range(702)]


def letters0(col: int) -> str:
    """Column letters for a 0-based column index."""
    return _LETTERS[col] if col < len(_LETTERS) else col_letters(col + 1)


def cells_grid(title: str, path: str, max_row: int, max_col: int, found: Iterable[tuple[int, int, str, Any]],
               spans: Iterable[tuple[int, int, int, int]]) -> Grid:
    """A sheet's grid from its filled cells ``(row, col, text, value)`` and merged ``spans`` (first row,
    first col, last row, last col), all 0-based, addresses “Sheet!A1”; an empty position becomes a blank
    cell when asked for (the readers that read a sheet's values directly share this)."""
    prefix = f"{title}!"
    rows: list[list[Cell | None]] = [[None] * max_col for _ in range(max_row)]
    letters = _LETTERS
    for r, c, text, value in found:
        # (positional: row, col, text, rowspan, colspan, value, address, paragraph, ref — the same cell as by
        # keywords, made faster: a sheet has a few hundred of them)
        rows[r][c] = Cell(r, c, text, 1, 1, value, f"{prefix}{letters[c] if c < len(letters) else letters0(c)}{r + 1}",
                          False, (r + 1, c + 1))
    for a, b, e, f in spans:
        existing = rows[a][b]
        if existing is not None and existing.rowspan == existing.colspan == 1:
            anchor = existing
        else:
            anchor = Cell(row=a, col=b, text="", address=f"{prefix}{letters0(b)}{a + 1}", ref=(a + 1, b + 1))
        anchor.rowspan, anchor.colspan = e - a + 1, f - b + 1
        cover = [anchor] * (f - b + 1)
        for r in range(a, e + 1):
            rows[r][b : f + 1] = cover

    def blank(r: int, c: int) -> Cell:
        return Cell(row=r, col=c, text="", address=f"{prefix}{letters0(c)}{r + 1}", ref=(r + 1, c + 1))

    return Grid(rows, source=path, row_refs=list(range(1, max_row + 1)), blank=blank)
