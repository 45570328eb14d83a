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
