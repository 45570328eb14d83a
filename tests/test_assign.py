"""Locating as an assignment, on small in-memory grids: repeated labels, ties, coverage, missing parts."""

from decimal import Decimal

import pytest

import formparse
from formparse.errors import AmbiguousLayout
from formparse.grid import Cell, Grid
from formparse.locate import locate
from formparse.reader import read_value, record_from_layout
from formparse.records import BasicInfo, Indicator
from formparse.schema import load_schema
from tests.gridkit import make_grid

SCHEMA = load_schema()

TITLE = ["2021年部门整体支出绩效目标申报表"]
BASIC = [["部门基本信息", "编制人数", "3", "实有人数", "2", "预算绩效管理联系人", "张三", "联系电话", "0739-1234567"],
         ["", "单位职能概述", "职能"]]
INDICATORS = [["部门整体支出绩效指标", "一级指标", "二级指标", "指标内容", "指标值", "备注"],
              ["", "产出指标", "数量指标", "甲", "1", ""]]
GOALS = [["部门整体支出绩效目标", "目标1：一"]]


def bands_left():
    """The bands drawn with their group labels in the LEFT column, unmerged and typed once."""
    return [["年度收入预算", "一般公共预算", "政府基金", "非税收入", "上级财政补助收入", "其他收入"],
            ["", "1", "2", "", "", ""],
            ["", "经营服务收入", "上年结转", "单位自筹", "合计"],
            ["", "", "", "", "3"],
            ["年度支出预算", "基本支出", "项目支出", "合计"],
            ["", "1", "2", "3"],
            ["三公经费预算支出", "公务接待费", "公务用车运行和购置费", "因公出国（境）费", "合计"],
            ["", "0.5", "0.25", "", "0.75"]]


def form(*parts, tail=()):
    rows = [TITLE]
    for p in parts:
        rows.extend(p)
    rows.extend(tail)
    width = max(len(r) for r in rows)
    return make_grid([list(r) + [""] * (width - len(r)) for r in rows])


def read_grid(grid):
    return record_from_layout(locate(grid, SCHEMA), SCHEMA)


def test_three_totals_go_to_their_own_groups_when_the_group_labels_are_in_the_left_column():
    rec = read_grid(form(BASIC, bands_left(), GOALS, INDICATORS))
    assert rec.income.total == Decimal(3) and rec.income.general_budget == Decimal(1)
    assert rec.income.government_fund == Decimal(2) and rec.income.business_service is None
    assert (rec.expenditure.basic, rec.expenditure.project, rec.expenditure.total) == (1, 2, 3)
    assert rec.three_public.total == Decimal("0.75") and rec.three_public.vehicles == Decimal("0.25")
    assert not [w for w in rec.warnings if w.code == "unread"]


def test_stacked_key_value_pairs_and_values_below_their_labels():
    stacked = [["部门基本信息", ""], ["编制人数", "3"], ["实有人数", "2"], ["预算绩效管理联系人", "张三"],
               ["联系电话", "0739-1234567"], ["单位职能概述", "职能"]]
    rec = read_grid(form(stacked, bands_left(), GOALS, INDICATORS))
    assert (rec.basic_info.staff_quota, rec.basic_info.staff_actual) == (3, 2)
    assert rec.basic_info.contact_phone == "0739-1234567" and rec.functions == "职能"
    below = [["部门基本信息"], ["编制人数", "实有人数", "预算绩效管理联系人", "联系电话"],
             ["3", "2", "张三", "0739-1234567"], ["单位职能概述", "职能"]]
    rec = read_grid(form(below, bands_left(), GOALS, INDICATORS))
    assert (rec.basic_info.staff_quota, rec.basic_info.contact_person) == (3, "张三")


def test_two_phones_one_per_block_whatever_the_order_of_the_cells():
    tail = [["填报人：", "王五", "联系电话：", "0739-7654321"]]
    rec = read_grid(form(BASIC, bands_left(), GOALS, INDICATORS, tail=tail))
    assert rec.basic_info.contact_phone == "0739-1234567" and rec.filled_by_phone == "0739-7654321"


def test_unread_content_is_a_warning_naming_its_cell():
    tail = [["注：本表由财务科汇总", "", "", ""]]
    rec = read_grid(form(BASIC, bands_left(), GOALS, INDICATORS, tail=tail))
    unread = [w for w in rec.warnings if w.code == "unread"]
    assert len(unread) == 1 and unread[0].cell and "注：本表由财务科汇总" in str(unread[0])


def test_a_required_label_missing_is_an_error_not_a_null():
    basic = [row[:] for row in BASIC]
    basic[0][3:5] = ["", ""]  # 实有人数 and its value deleted
    with pytest.raises(formparse.InvalidValues, match="实有人数"):
        read_grid(form(basic, bands_left(), GOALS, INDICATORS))


def test_a_required_label_without_a_value_cell_is_an_error():
    grid = form(BASIC, bands_left(), GOALS, INDICATORS)
    grid.blank = None  # a document, not a sheet: no cell where nothing is drawn
    values = 1 + len(BASIC) + 5  # the value row of 年度支出预算
    assert grid.rows[values][3].text == "3"
    grid.rows[values][3:] = [None] * (len(grid.rows[values]) - 3)
    grid._anchors.clear()
    with pytest.raises(formparse.InvalidValues, match="年度支出预算 合计"):
        read_grid(grid)


def test_deleted_optional_sections_are_warnings_and_identifying_ones_refusals():
    rec = read_grid(form(BASIC, bands_left(), GOALS, INDICATORS))
    absent = {w.label for w in rec.warnings if w.code == "absent"}
    assert absent == {"财政部门审核意见", "填报人"} and rec.reviews == []
    with pytest.raises(formparse.NotThisForm) as err:
        read_grid(form(BASIC, bands_left(), GOALS))
    assert err.value.missing == ["部门整体支出绩效指标"]


def test_a_second_copy_of_a_band_is_never_read_silently():
    # 年度支出预算 drawn twice, complete, one under the other: either the reader cannot tell which is the
    # form's (an ambiguity naming the cells) or it reads one and reports every value of the other unread
    bands = bands_left()
    second = [["年度支出预算", "基本支出", "项目支出", "合计"], ["", "7", "8", "15"]]
    twice = bands[:6] + second + bands[6:]
    try:
        rec = read_grid(form(BASIC, twice, GOALS, INDICATORS))
    except AmbiguousLayout as err:
        assert len(err.value.cells if hasattr(err, "value") else err.cells) >= 2
        return
    unread = {w.message for w in rec.warnings if w.code == "unread"}
    read = (rec.expenditure.basic, rec.expenditure.project, rec.expenditure.total)
    other = ("7", "8", "15") if read == (1, 2, 3) else ("1", "2", "3")
    assert read in ((1, 2, 3), (7, 8, 15))
    assert all(any(f"“{v}”" in m for m in unread) for v in other), unread


def test_a_label_typed_as_a_value_stays_a_value():
    basic = [row[:] for row in BASIC]
    basic[0][6] = "合计"  # the contact person's name reads like a label
    rec = read_grid(form(basic, bands_left(), GOALS, INDICATORS))
    assert rec.basic_info.contact_person == "合计" and rec.expenditure.total == Decimal(3)


def test_hidden_rows_are_not_the_printed_form():
    bands = bands_left()
    bands.insert(6, ["", "合计", "999"])  # a helper row: a check sum
    grid = form(BASIC, bands, GOALS, INDICATORS)
    grid.hidden_rows = frozenset({1 + 2 + 6})
    rec = read_grid(grid)
    assert rec.expenditure.total == Decimal(3) and not [w for w in rec.warnings if w.code == "unread"]


@pytest.mark.parametrize(("native", "text", "want"), [
    (34.400000000000006, "34.4", "34.4"), (1865.4000000001, "1865.40", "1865.40"), (10.0, "10", "10"),
    (0.8099999999999999, "0.81", "0.81"), (1490.15, "1,490.15", "1490.15")])
def test_money_is_what_the_sheet_shows(native, text, want):
    assert str(read_value("money", text, native)) == want


def test_grid_visibility_needs_every_row_or_every_column_hidden():
    cell = Cell(row=0, col=0, text="x", rowspan=2, colspan=2)
    grid = Grid([[cell, cell], [cell, cell]])
    grid.hidden_rows = frozenset({0})
    assert grid.visible(cell)
    grid.hidden_cols = frozenset({0, 1})
    assert not grid.visible(cell)


def test_the_variant_drawn_in_the_schema_doc_reads():
    """docs/schema.md's example: groups left and typed once, no merges, a split band, an empty column B."""
    bands = [["年度收入预算", "", "一般公共预算", "政府性基金", "非税收入", "上级财政补助收入", "其他收入"],
             ["", "", "1286.4", "120", "", "", ""],
             ["", "", "经营服务收入", "上年结转", "单位自筹", "合计"],
             ["", "", "", "48.25", "", "1454.65"],
             ["年度支出预算", "", "基本支出", "项目支出", "合计"],
             ["", "", "1102.15", "388", "1490.15"],
             ["三公经费预算支出", "", "公务接待费", "公务用车运行和购置费", "因公出国（境）费", "合计"],
             ["", "", "1", "2", "3", "6"]]
    rec = read_grid(form(BASIC, bands, GOALS, INDICATORS))
    assert (rec.income.government_fund, rec.income.carryover, rec.income.total) == (120, Decimal("48.25"),
                                                                                   Decimal("1454.65"))
    assert rec.expenditure.total == Decimal("1490.15") and rec.three_public.total == 6


def test_a_unit_in_brackets_after_a_label_is_still_the_label():
    basic = [row[:] for row in BASIC]
    basic[0][1] = "编制人数（人）"
    bands = bands_left()
    bands[0][1] = "一般公共预算（万元）"
    rec = read_grid(form(basic, bands, GOALS, INDICATORS))
    assert rec.basic_info.staff_quota == 3 and rec.income.general_budget == 1


def test_section_labels_of_other_counties_are_aliases():
    basic = [row[:] for row in BASIC]
    basic[0][0] = "单位基本信息"
    goals = [["整体支出绩效目标", "目标1：一"]]
    indicators = [row[:] for row in INDICATORS]
    indicators[0][0] = "整体支出绩效指标"
    rec = read_grid(form(basic, bands_left(), goals, indicators))
    assert rec.goals == ["一"] and rec.indicators[0].content == "甲"


def _empty_record(**changes):
    import attrs

    from formparse.records import BasicInfo, Expenditure, Income, Record, Review, ThreePublic
    rec = Record(year=None, unit_name=None, amount_unit=None, basic_info=BasicInfo(None, None, None, None),
                 functions=None, income=Income(*[None] * 9), expenditure=Expenditure(None, None, None),
                 three_public=ThreePublic(None, None, None, None), goals_intro=None, goals=[], indicators=[],
                 reviews=[Review(office="归口业务科室"), Review(office="绩效管理科室")], filled_by=None,
                 filled_by_phone=None)
    return attrs.evolve(rec, **changes)


# Found by CI's drift run: on the official grid a value exactly equal to another block's label has an
# answer a reader of the paper sees — the merged heading spans its boxes, the label ends with its colon.
@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@pytest.mark.parametrize("changes", [
    # an indicator's 一级指标 typed “财政部门审核意见”, in the row just above the reviews' boxes
    {"indicators": [Indicator(None, None, "一", None, None), Indicator("财政部门审核意见", None, "一", None, None)]},
    {"indicators": [Indicator("财政部门审核意见", None, "合计", None, None)]},  # a row of label texts only
    # 填报人 called “电话”: the bare cell beside “联系电话：” is a value, not the phone's label
    {"filled_by": "电话"},
    {"filled_by": "电话", "filled_by_phone": "0739-1234567"},
    # the goals' intro typed as the label of the indicator table under it (a row heading merged down over the
    # table's header and rows is the table's label, whose family lies in one row)
    {"goals_intro": "部门整体支出绩效指标"},
    {"goals_intro": "部门整体支出绩效指标", "goals": ["甲"]},
    # 预算绩效管理联系人 called “联系电话”: the cell under it belongs to the wide value of the row below
    {"basic_info": BasicInfo(None, None, "联系电话", None)},
])
def test_a_value_equal_to_another_label_on_the_official_grid_reads_back(tmp_path, suffix, changes):
    rec = _empty_record(**changes)
    got = formparse.read(formparse.fill(rec, tmp_path / f"form{suffix}"))
    assert got == rec


PROJECT_SAMPLE = "附件2-2020-邵阳市科学技术局-市级科技计划项目专项资金.xlsx"


def _project_changes(rec):
    import attrs
    ind = rec.annual_indicators
    return [
        # an indicator's 一级指标 typed as the label of the block after the table
        {"annual_indicators": [attrs.evolve(ind[0], level1="其他说明的问题", level2="其他说明的问题"), *ind[1:]]},
        {"annual_indicators": [attrs.evolve(ind[0], level1="其他需要说明的问题"), *ind[1:]]},
        # 项目单位 called like the label right of its value
        {"project_unit": "项目负责人"},
        # a field's value typed like one of the amounts of 资金总额及构成 (each amount is after its label)
        {"period": "财政资金", "competent_dept_code": "项目属性"},
        # 项目概况 typed as the section label under it (a wide value cell above the section is no heading)
        {"overview": "项目立项情况"},
        # label-like values above one another in a table's column: the column's header is still above them
        {"annual_indicators": [attrs.evolve(ind[0], level1="本级财政"), attrs.evolve(ind[1], level1="其他说明事项"),
                               attrs.evolve(ind[2], level1="其他说明事项"), *ind[3:]]},
        # a table's section label typed as a value above the other table: each table keeps its own header
        {"basis": "年度绩效指标"},
        {"competent_dept": "年度绩效指标", "long_term_indicators": []},
        # a goal typed like its own label, under it
        {"long_term_goal": "长期目标", "annual_goal": "年度目标"},
        {"long_term_goal": "长期目标"},
    ]


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@pytest.mark.parametrize("k", range(10))
def test_a_project_value_equal_to_a_label_on_the_official_grid_reads_back(tmp_path, suffix, k):
    import attrs

    from tests.conftest import SAMPLES
    base = formparse.read(SAMPLES / PROJECT_SAMPLE)
    rec = attrs.evolve(base, **_project_changes(base)[k])
    got = formparse.read(formparse.fill(rec, tmp_path / f"p{suffix}"))
    assert got == rec


def test_a_copy_of_a_label_that_no_slot_took_is_reported():
    """Coverage: a label's text that is neither placed, nor a value, nor a copy typed again in its section
    (the same text just above or left) is an unread warning — it may be the form's own label read past."""
    basic = [row[:] + [""] for row in BASIC]
    basic[1] = basic[1] + [""] * (len(basic[0]) - len(basic[1]))
    basic[1][-1] = "年度支出预算"  # a stray copy, away from any value place
    layout = locate(form(basic, bands_left(), GOALS, INDICATORS), SCHEMA)
    assert [u.text for u in layout.unread] == ["年度支出预算"], layout.unread
