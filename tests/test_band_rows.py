"""A band's headers typed over two rows without a merge: one group's headers in a row, the other group's in
the row under them, every amount in the row after (issue 18, item 9)."""

import copy
from decimal import Decimal

import pytest

import formparse
from formparse.errors import AmbiguousLayout
from formparse.locate import locate
from formparse.reader import record_from_layout
from formparse.records import Expenditure, ThreePublic
from formparse.schema import load_schema
from tests.conftest import SEED_JSON
from tests.gridkit import make_grid
from tests.structural import Style, build, expected, write_docx, write_xlsx

SCHEMA = load_schema()
SEED = formparse.loads(SEED_JSON.read_text(encoding="utf-8"))


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@pytest.mark.parametrize("upper", ["expenditure", "three_public"])
@pytest.mark.parametrize("merges", ["official", "none"])
def test_headers_over_two_rows_read_their_amounts_two_rows_down(tmp_path, suffix, upper, merges):
    """The official form with 年度支出预算's headers in one row and 三公经费's in the next (or the other way
    round), the amounts under both in the row after: each header's value is the first cell under it."""
    style = Style(stagger=upper, merges=merges)
    path = tmp_path / f"staggered-{upper}-{merges}{suffix}"
    (write_xlsx if suffix == ".xlsx" else write_docx)(build(SEED, style), path)
    rec = formparse.read(path)
    assert rec == expected(SEED, style)
    assert not [w for w in rec.warnings if w.code == "unread"]


@pytest.mark.parametrize("upper", ["expenditure", "three_public"])
def test_a_staggered_blank_form_is_filled_where_it_is_read(tmp_path, upper):
    """The writer locates the same cells: amounts written into a staggered copy whose amounts are blank (the
    row of amounts then reads as a spacer row) read back exactly."""
    blank = copy.deepcopy(SEED)
    blank.expenditure, blank.three_public = Expenditure(), ThreePublic()
    template = write_xlsx(build(blank, Style(stagger=upper)), tmp_path / f"blank-{upper}.xlsx")
    out = formparse.fill(SEED, tmp_path / "out.xlsx", template=template)
    assert formparse.read(out) == SEED


def _form(band_rows):
    rows = [["2021年部门整体支出绩效目标申报表"],
            ["部门基本信息", "编制人数", "3", "实有人数", "2", "预算绩效管理联系人", "张三", "联系电话",
             "0739-1234567"],
            ["", "单位职能概述", "职能"],
            ["", "年度收入预算"],
            ["", "一般公共预算", "政府基金", "非税收入", "上级财政补助收入", "其他收入", "经营服务收入", "上年结转",
             "单位自筹", "合计"],
            ["", "1", "", "", "", "", "", "", "", "1"],
            *band_rows,
            ["部门整体支出绩效目标", "目标1：一"],
            ["部门整体支出绩效指标", "一级指标", "二级指标", "指标内容", "指标值", "备注"],
            ["", "产出指标", "数量指标", "甲", "1", ""]]
    width = max(len(r) for r in rows)
    return make_grid([list(r) + [""] * (width - len(r)) for r in rows])


def _read(grid):
    return record_from_layout(locate(grid, SCHEMA), SCHEMA)


def test_three_header_rows_stacked_each_read_down_its_own_column():
    rec = _read(_form([["", "年度支出预算", "", "", "三公经费预算支出"],
                       ["", "", "", "", "公务接待费", "", "", "合计"],
                       ["", "基本支出", "项目支出", "合计"],
                       ["", "", "", "", "", "公务用车运行和购置费", "因公出国（境）费"],
                       ["", "1", "2", "3", "4", "5", "6", "15"]]))
    assert (rec.expenditure.basic, rec.expenditure.project, rec.expenditure.total) == (1, 2, 3)
    assert (rec.three_public.reception, rec.three_public.vehicles, rec.three_public.overseas) == (4, 5, 6)
    assert rec.three_public.total == Decimal(15)


def test_a_header_over_a_row_of_values_is_not_passed():
    """Only rows of other headers are passed: a blank amount in the values row under a header is its value
    (blank), not the amount further down."""
    rec = _read(_form([["", "年度支出预算", "", "", "三公经费预算支出"],
                       ["", "基本支出", "项目支出", "合计", "公务接待费", "公务用车运行和购置费", "因公出国（境）费",
                        "合计"],
                       ["", "", "2", "2", "4", "5", "6", "15"],
                       ["", "注：", "", "", "", "", "", ""],
                       ["", "9"]]))
    assert rec.expenditure.basic is None and rec.expenditure.project == 2
    assert "R10C2" in {w.cell for w in rec.warnings if w.code == "unread"}


def test_an_amount_under_two_headers_of_two_rows_is_ambiguous():
    """An amount merged under a header of the upper row and one of the row passed: both cells named."""
    grid = _form([["", "年度支出预算", "", "", "三公经费预算支出"],
                  ["", "基本支出", "项目支出", "合计"],
                  ["", "", "", "", "公务接待费", "公务用车运行和购置费", "因公出国（境）费", "合计"],
                  ["", "1", "2", "3", "", "5", "6", "15"]])
    grid.rows[9][3].colspan = 2  # 3 spans 合计 (upper row) and 公务接待费 (the row passed)
    grid.rows[9][4] = grid.rows[9][3]
    with pytest.raises(AmbiguousLayout) as err:
        _read(grid)
    assert "R8C4" in str(err.value) and "R9C5" in str(err.value)
