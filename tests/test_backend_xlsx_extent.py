"""The calamine read's extent guard is the limits themselves: a long form is read fast (and exactly), a sheet
past ``max_rows``/``max_cols``/``max_cells`` (the defaults or the caller's) is left to the exact reader."""

from pathlib import Path

import pytest

from formparse.backends import xlsx, xlsx_calamine
from formparse.backends.ooxml import Package
from formparse.limits import Limits
from tests.test_backend_xlsx_fast import _with_sheet, assert_same_or_declined


def _rows(last_row: int, last_col: str = "L") -> bytes:
    from tests.hostile import sheet_xml

    cells = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>第{r}行</t></is></c><c r="B{r}"><v>{r}.5</v></c>'
                    "</row>" for r in range(1, 40))
    cells += f'<row r="{last_row}"><c r="{last_col}{last_row}"><v>1</v></c></row>'
    return sheet_xml(cells)


def _calamine(path: Path, limits: Limits):
    with Package(str(path), limits, data=path.read_bytes()) as pkg:
        return xlsx_calamine.grids(pkg, xlsx.workbook(pkg))


@pytest.mark.parametrize("last_row", [999, 1000, 5_000, 99_999, 100_000])
def test_a_long_sheet_within_the_limits_is_read_by_calamine_exactly(tmp_path, last_row):
    path = _with_sheet(tmp_path, _rows(last_row, "B"))
    assert assert_same_or_declined(path)  # read by calamine, and the same grids as the exact reader


@pytest.mark.parametrize("last_row, last_col, limits", [
    (100_001, "A", Limits()),  # past max_rows
    (10, "BXZ", Limits()),  # past max_cols (2,000)
    (3_000, "BXX", Limits()),  # rows × columns past max_cells
    (1_000, "L", Limits(max_rows=999)),  # the caller's tighter limits
    (50, "L", Limits(max_cells=50 * 11)),
])
def test_a_sheet_past_the_limits_is_left_to_the_exact_reader(tmp_path, last_row, last_col, limits):
    path = _with_sheet(tmp_path, _rows(last_row, last_col))
    assert _calamine(path, limits) is None


def test_the_guard_is_the_exact_limit(tmp_path):
    path = _with_sheet(tmp_path, _rows(50, "L"))
    assert _calamine(path, Limits(max_cells=50 * 12)) is not None
    assert _calamine(path, Limits(max_cells=50 * 12 - 1)) is None
    assert _calamine(path, Limits(max_rows=50, max_cols=12)) is not None
    assert _calamine(path, Limits(max_cols=11)) is None


def test_leading_zeros_do_not_hide_a_far_row(tmp_path):
    from tests.hostile import sheet_xml

    path = _with_sheet(tmp_path, sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'
                                           '<row r="0000200000"><c r="A00200000"><v>1</v></c></row>'))
    assert _calamine(path, Limits()) is None
