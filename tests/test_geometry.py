"""geometry's distance against its definition: the gaps between the cells' row ranges and column ranges."""

from hypothesis import given
from hypothesis import strategies as st

from formparse import geometry
from formparse.grid import Cell


def gap(a0: int, a1: int, b0: int, b1: int) -> int:
    """Between half-open ranges: 0 when they overlap, else one more than the lines between them."""
    return 0 if a0 < b1 and b0 < a1 else max(a0, b0) - min(a1, b1) + 1


cells = st.builds(lambda r, c, rs, cs: Cell(row=r, col=c, text="", rowspan=rs, colspan=cs),
                  st.integers(0, 40), st.integers(0, 12), st.integers(1, 6), st.integers(1, 6))


@given(cells, cells)
def test_distance_is_the_row_gap_plus_the_column_gap(a, b):
    want = gap(a.row, a.last_row + 1, b.row, b.last_row + 1) + gap(a.col, a.end_col, b.col, b.end_col)
    assert geometry.distance(a, b) == want == geometry.distance(b, a)


def test_distance_examples():
    a = Cell(row=2, col=1, text="", rowspan=2, colspan=3)  # rows 2–3, columns 1–3
    assert geometry.distance(a, Cell(row=3, col=2, text="")) == 0  # inside
    assert geometry.distance(a, Cell(row=2, col=4, text="")) == 1  # side by side
    assert geometry.distance(a, Cell(row=6, col=6, text="")) == 3 + 3


def in_span_by_rule(grid, r, c0, c1):
    """in_span's rule, written out for every span."""
    cells = []
    for c in range(c0, c1):
        cell = geometry.cell_at(grid, r, c)
        if cell is not None and (not cells or cells[-1] is not cell):
            cells.append(cell)
    filled = [c for c in cells if grid.visible(c) and not c.blank and c.row == r]
    return filled[0] if len(filled) == 1 else geometry.cell_at(grid, r, c0)


@given(st.data())
def test_in_span_follows_its_rule(data):
    from tests.gridkit import make_grid

    rows = data.draw(st.integers(1, 5))
    cols = data.draw(st.integers(1, 6))
    spec = [[data.draw(st.sampled_from(["", "x", "合计", None])) for _ in range(cols)] for _ in range(rows)]
    merges = []
    if data.draw(st.booleans()):  # one merged block, anchored at a typed cell
        m0, n0 = data.draw(st.integers(0, rows - 1)), data.draw(st.integers(0, cols - 1))
        m1, n1 = data.draw(st.integers(m0, rows - 1)), data.draw(st.integers(n0, cols - 1))
        spec[m0][n0] = spec[m0][n0] or "x"
        merges.append((m0, n0, m1, n1))
    r = data.draw(st.integers(0, rows))
    c0 = data.draw(st.integers(0, cols))
    c1 = data.draw(st.integers(c0 + 1, cols + 2))
    a, b = make_grid(spec, merges), make_grid(spec, merges)
    got, want = geometry.in_span(a, r, c0, c1), in_span_by_rule(b, r, c0, c1)
    assert (got is None) == (want is None)
    if got is not None:
        assert (got.row, got.col, got.text, got.rowspan, got.colspan) == (want.row, want.col, want.text, want.rowspan,
                                                                          want.colspan)
