"""Build in-memory grids (no file format involved) and drift them the way submitters do."""

from formparse.grid import Cell, Grid


def make_grid(rows, merges=(), paragraphs=()):
    """rows: lists of text (None = nothing); merges: (r0, c0, r1, c1) inclusive; paragraphs: row indexes."""
    out = []
    for r, row in enumerate(rows):
        cells = []
        for c, text in enumerate(row):
            cells.append(None if text is None else Cell(row=r, col=c, text=text, address=f"R{r + 1}C{c + 1}",
                                                        paragraph=r in paragraphs))
        out.append(cells)
    for r0, c0, r1, c1 in merges:
        anchor = out[r0][c0]
        anchor.rowspan, anchor.colspan = r1 - r0 + 1, c1 - c0 + 1
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                out[r][c] = anchor
    def blank(r, c):  # like a sheet: every position is a cell, empty where nothing was typed
        return Cell(row=r, col=c, text="", address=f"R{r + 1}C{c + 1}")

    return Grid(out, source="<memory>", blank=blank)


def to_spec(grid):
    """A grid as (rows of text, merges): what make_grid takes."""
    width = max((len(r) for r in grid.rows), default=0)
    rows = [[None] * width for _ in grid.rows]
    merges, paragraphs = [], []
    for r in range(len(grid.rows)):
        if grid.is_paragraph_row(r):
            paragraphs.append(r)
        for cell in grid.own_anchors(r):
            rows[r][cell.col] = cell.text if cell.value is None else _shown(cell)
            if cell.rowspan > 1 or cell.colspan > 1:
                merges.append((cell.row, cell.col, cell.last_row, cell.end_col - 1))
    return rows, merges, paragraphs


def _shown(cell):
    return cell.text


def insert_blank_row(spec, at):
    """A blank spacer row before row ``at``; merges crossing it grow, those below move down."""
    rows, merges, paragraphs = spec
    width = len(rows[0]) if rows else 0
    rows = rows[:at] + [[""] * width] + rows[at:]
    new = []
    for r0, c0, r1, c1 in merges:
        if r0 >= at:
            new.append((r0 + 1, c0, r1 + 1, c1))
        elif r1 >= at:
            new.append((r0, c0, r1 + 1, c1))
            for c in range(c0, c1 + 1):
                rows[at][c] = None
        else:
            new.append((r0, c0, r1, c1))
    # positions covered by a grown merge must not also hold a blank cell
    return rows, new, [p + (p >= at) for p in paragraphs]


def grid_picture(grid):
    """Everything a grid says, as plain data: each position's anchor cell (by where it starts) and every
    cell's fields, the notes, the row handles, and what an empty position reads as. Two readers that give
    equal pictures give the same grid."""
    cells = {}
    positions = []
    for row in grid.rows:
        line = []
        for cell in row:
            if cell is None:
                line.append(None)
                continue
            key = (cell.row, cell.col)
            line.append(key)
            cells[key] = (cell.text, type(cell.value).__name__, cell.value, cell.rowspan, cell.colspan, cell.address,
                          cell.paragraph, cell.ref if isinstance(cell.ref, tuple) else None, cell.formula)
        positions.append(line)
    empty = next(((r, c) for r, row in enumerate(grid.rows) for c, cell in enumerate(row) if cell is None), None)
    blank = None
    if empty is not None and grid.blank is not None:
        b = grid.blank(*empty)
        blank = (b.row, b.col, b.text, b.address, b.ref)
    row_refs = [ref if isinstance(ref, int | tuple) else None for ref in grid.row_refs]  # not element handles
    return {"positions": positions, "cells": cells, "notes": list(grid.notes), "row_refs": row_refs,
            "blank": blank}
