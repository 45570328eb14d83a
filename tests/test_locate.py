"""The core on in-memory grids: locating labels under drift, repeating regions, missing labels."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import formparse
from formparse.backends import open_grids
from formparse.locate import locate, split_items
from formparse.reader import record_from_layout
from formparse.schema import load_schema
from tests.conftest import SEED_JSON
from tests.gridkit import insert_blank_row, make_grid, to_spec

SCHEMA = load_schema()


def read_grid(grid):
    return record_from_layout(locate(grid, SCHEMA), SCHEMA)


@pytest.fixture(scope="module")
def seed_spec(tmp_path_factory):
    record = formparse.loads(SEED_JSON.read_text(encoding="utf-8"))
    path = formparse.fill(record, tmp_path_factory.mktemp("g") / "seed.xlsx")
    return record, to_spec(open_grids(str(path))[0])


def test_grid_spec_round_trip_reads_the_seed(seed_spec):
    record, spec = seed_spec
    assert read_grid(make_grid(*spec)) == record


def _space(text, k):
    """Space out or break a label the way submitters do."""
    if len(text) < 2:
        return text
    mid = max(1, len(text) // 2)
    return [text[:mid] + "    " + text[mid:], text[:mid] + "\n" + text[mid:], " " + text + " "][k % 3]


@given(data=st.data())
def test_spacer_rows_and_spaced_labels_do_not_change_the_record(seed_spec, data):
    record, spec = seed_spec
    rows, merges, paragraphs = spec
    labels = {lab for lab in (set(SCHEMA.required_labels()) | {"目标1："})}
    rows = [list(r) for r in rows]
    for row in rows:
        for c, text in enumerate(row):
            if text and text.rstrip("：") in labels and data.draw(st.booleans()):
                row[c] = _space(text, data.draw(st.integers(0, 2)))
    spec = (rows, merges, paragraphs)
    n_blank = data.draw(st.integers(0, 3))
    for _ in range(n_blank):
        spec = insert_blank_row(spec, data.draw(st.integers(3, len(spec[0]))))  # anywhere below the title
    got = read_grid(make_grid(*spec))
    assert got.basic_info == record.basic_info
    assert got.income == record.income and got.expenditure == record.expenditure
    assert got.three_public == record.three_public
    assert got.goals == record.goals and got.indicators == record.indicators
    assert got.reviews == record.reviews
    assert (got.filled_by, got.filled_by_phone) == (record.filled_by, record.filled_by_phone)


BASIC = ["部门基本信息", "编制人数", "23", "实有人数", "25", "预算绩效管理联系人", "刘露", "联系电话", "189"]


def small_form(indicator_rows, goal_rows=(["", "目标1：甲"],), merges=()):
    return make_grid(small_rows(indicator_rows, goal_rows), merges)


def small_rows(indicator_rows, goal_rows=(["", "目标1：甲"],)):
    rows = [["2021年部门整体支出绩效目标申报表"], ["填报单位（盖章）：某局"], ["单位：万元.人"], BASIC,
            ["", "单位职能概述", "职能"],
            ["", "年度收入预算"],
            ["", "一般公共预算", "政府基金", "非税收入", "上级财政补助收入", "其他收入", "经营服务收入", "上年结转",
             "单位自筹", "合计"],
            ["", "1,000.5万元", "", "", "", "", "", "", "", "１０００．５"],
            ["", "年度支出预算", "", "", "三公经费预算支出"],
            ["", "基本支出", "项目支出", "合计", "公务接待费", "公务用车运行和购置费", "因公出国（境）费", "合计"],
            ["", "1", "2", "3", "4", "5", "6", "15"],
            ["部门整体支出绩效目标", "在今年收支预算内："], *goal_rows,
            ["部门整体支出绩效指标", "一级指标", "二级指标", "指标内容", "指标值", "备注"], *indicator_rows,
            ["财政部门审核意见", "归口业务科室审核意见", "审核意见：同意"],
            ["", "", "审核人：张三  科室负责人签字：李四  2021年3月5日"],
            ["填报人：", "王五", "联系电话：", "0739-1234567"]]
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows]


def test_blank_level_cells_are_carried_down_and_empty_slots_skipped():
    grid = small_form([["", "产出指标", "数量指标", "甲", "1", ""],
                       ["", "", "", "乙", "2", ""],
                       ["", "", "质量  指标", "丙", "", ""],
                       ["", "效益\n指标", "", "", "", ""],  # an empty slot
                       ["", "", "经济指标", "丁", "4", "注"]])
    rec = read_grid(grid)
    assert [(i.level1, i.level2, i.content) for i in rec.indicators] == [
        ("产出指标", "数量指标", "甲"), ("产出指标", "数量指标", "乙"), ("产出指标", "质量指标", "丙"),
        ("效益指标", "经济指标", "丁")]
    assert rec.year == 2021 and rec.unit_name == "某局"
    assert str(rec.income.general_budget) == "1000.5" and str(rec.income.total) == "1000.5"
    assert rec.reviews[0].opinion == "同意" and rec.reviews[0].reviewer == "张三"
    assert str(rec.reviews[0].date) == "2021-03-05"
    assert (rec.filled_by, rec.filled_by_phone) == ("王五", "0739-1234567")


def test_level2_is_not_carried_into_a_new_level1_group():
    rec = read_grid(small_form([["", "产出指标", "数量指标", "甲", "1", ""],
                                ["", "效益指标", "", "乙", "2", ""]]))
    assert [(i.level1, i.level2) for i in rec.indicators] == [("产出指标", "数量指标"), ("效益指标", None)]


def test_repeated_header_row_after_a_table_break_is_skipped():
    rec = read_grid(small_form([["", "产出指标", "数量指标", "甲", "1", ""],
                                ["", "一级指标", "二级指标", "指标内容", "指标值", "备注"],
                                ["", "", "质量指标", "乙", "2", ""]]))
    assert [i.content for i in rec.indicators] == ["甲", "乙"]
    assert rec.indicators[1].level1 == "产出指标"


def test_goals_in_one_cell_and_stray_marks():
    rec = read_grid(small_form([["", "产出指标", "数量指标", "甲", "1", ""]],
                               goal_rows=(["", "目标1：、一\n\n目标2：二\n续行"], ["", "目标3．三"], ["", "无编号"])))
    assert rec.goals == ["一", "二\n续行", "三", "无编号"]


def test_a_section_heading_down_the_left_of_the_groups_does_not_take_their_labels():
    # 部门基本信息 merged down beside 年度收入预算 and 年度支出预算 (as the official 附件1 draws it), income
    # left blank, and a review opinion typed like the band's first label: the band keeps its own label
    rows = small_rows([["", "产出指标", "数量指标", "甲", "1", ""]])
    rows[7] = [""] * len(rows[7])
    at = next(r for r, row in enumerate(rows) if row[0] == "财政部门审核意见")
    rows[at][2] = "审核意见："
    rows.insert(at + 1, ["", "", "一般公共预算"] + [""] * (len(rows[0]) - 3))
    layout = locate(make_grid(rows, merges=[(3, 0, 10, 0)]), SCHEMA)
    assert layout.fields["income.general_budget"].label.address == "R7C2"
    assert not layout.problems and not layout.unread
    rec = record_from_layout(layout, SCHEMA)
    assert rec.income.general_budget is None and rec.reviews[0].opinion == "一般公共预算"


def test_values_that_look_like_labels_are_values():
    rows = small_form([["", "产出指标", "数量指标", "财政部门审核意见", "合计", "一级指标"]])
    rec = read_grid(rows)
    assert rec.indicators[0].content == "财政部门审核意见"
    assert rec.indicators[0].value == "合计"


def test_not_this_form_names_the_missing_labels():
    grid = make_grid([["会议纪要"], ["编制人数", "3"]])
    with pytest.raises(formparse.NotThisForm) as err:
        locate(grid, SCHEMA)
    assert "部门整体支出绩效指标" in err.value.missing
    assert "编制人数" not in err.value.missing
    assert "找不到标签" in str(err.value)


def test_bad_money_is_reported_with_label_and_cell():
    grid = small_form([["", "产出指标", "数量指标", "甲", "1", ""]])
    bad = next(c for c in grid.reading_order() if c.text == "15")
    bad.text = "十五"
    with pytest.raises(formparse.InvalidValues) as err:
        read_grid(grid)
    assert "三公经费预算支出 合计" in str(err.value) and bad.address in str(err.value)


def test_split_items_keeps_text_before_the_first_number():
    import re
    head, items = split_items("引言\n目标1：a\nb\n目标2：c", re.compile(r"^目标\d+："))
    assert head == "引言" and items == ["a\nb", "c"]


def test_many_blank_rows_between_a_group_label_and_its_headers(seed_spec):
    record, spec = seed_spec
    rows = spec[0]
    at = next(i for i, r in enumerate(rows) if r and any(t and t.strip() == "年度收入预算" for t in r)) + 1
    for _ in range(6):
        spec = insert_blank_row(spec, at)
    got = read_grid(make_grid(*spec))
    assert got.income == record.income and got.expenditure == record.expenditure


def test_a_label_like_opinion_after_a_table_break_stays_in_its_box():
    """The box's rows past its office cell (cut by a table break) may hold any text, even a label's."""
    from formparse.grid import Cell, Grid

    rows = [["财政部门审核意见", "绩效管理科室审核意见", "审核意见："], [None, "", "填报单位（盖章）"],
            [None, "", " 审核人：  科室负责人签字：  年 月 日"], ["填报人：", "王五", "联系电话：", "0739-1234567"]]
    grid = make_grid([r + [""] * (4 - len(r)) for r in rows], merges=[(0, 0, 2, 0)])
    # the office cell merged over the first row only, as after a table break
    box = locate_boxes(grid)
    assert box.office == "绩效管理科室"
    texts = [c.text for c in box.cells]
    assert "填报单位（盖章）" in texts and any(t.startswith(" 审核人") for t in texts)
    assert "填报人：" not in texts  # the footer row is not part of the box
    assert isinstance(grid, Grid) and isinstance(box.label, Cell)


def locate_boxes(grid):
    """Only the boxes block's values, on a grid that holds nothing else of the form."""
    from formparse.locate import KINDS, Context, place
    from formparse.schema import Boxes

    i, block = next((i, b) for i, b in enumerate(SCHEMA.blocks) if isinstance(b, Boxes))
    ctx = Context(grid, SCHEMA, place(grid, SCHEMA))
    KINDS[Boxes].values(ctx, i, block)
    return ctx.layout.boxes[0].boxes[0]


def test_a_table_row_belongs_to_the_first_part_that_holds_it():
    from formparse.grid import Cell
    from formparse.locate import TableLoc, TablePart

    block = next(b for b in load_schema().blocks if type(b).__name__ == "Table")
    first, second = TablePart({"content": 3}, [5, 6, 7]), TablePart({"content": 2}, [9, 10])
    loc = TableLoc(block, Cell(row=0, col=0, text=""), 4, {"content": Cell(row=4, col=4, text="")}, [5, 6, 7, 9, 10],
                   [first, second])
    assert [loc.part_of(r) for r in (4, 5, 7, 8, 9, 10, 11)] == [None, first, first, None, second, second, None]
    assert [loc.col(r, "content") for r in (5, 8, 10)] == [3, 4, 2]  # outside every part: the header's column


@pytest.mark.parametrize(("text", "want"), [
    # several labelled amounts in one running text: each value without the brackets and semicolons around it
    ("300万元  财政拨款：300万元（其中：上级财政资金：；本级财政资金：300万元）\n自有资金：  其他资金：",
     {"__head__": "300万元", "b": "300万元", "c": None, "d": "300万元", "e": None, "f": None}),
    ("张三（科长）  财政拨款：（略）", {"__head__": "张三（科长）", "b": "（略）"}),
    ("同意。", {"__head__": "同意。"}),
    # outside a bracket group, punctuation is the value as typed
    ("，  财政拨款：张三，", {"__head__": "，", "b": "张三，"}),
    # a label with a colon inside, typed with a full-width or a half-width colon
    ("1 其中:上级财政资金: 2", {"__head__": "1", "c": "2"}),
])
def test_an_inline_value_is_cut_at_later_labels(text, want):
    from formparse.locate import _split_inline
    from formparse.schema import Field
    later = [Field(key=k, label=label, type="text") for k, label in
             [("b", "财政拨款"), ("c", "其中：上级财政资金"), ("d", "本级财政资金"), ("e", "自有资金"),
              ("f", "其他资金")]]
    got = _split_inline(text, later)
    assert got == want


@pytest.mark.parametrize("goal_rows, want", [
    ((["", "1、一"], ["", "2、二"], ["", "3.三"]), ["一", "二", "三"]),  # numbered plainly, a line each
    ((["", "（1）一\n（2）二\n续行"],), ["一", "二\n续行"]),  # in one cell
    ((["", "1、一"], ["", "3、三"]), ["1、一", "3、三"]),  # numbers that do not run 1, 2 … are text
    ((["", "目标1：1、一"], ["", "目标2：二"]), ["1、一", "二"]),  # the marker's own number, then the text
    ((["", "1.5倍于去年"],), ["1.5倍于去年"]),  # a decimal is no item number
])
def test_goals_numbered_plainly_lose_their_numbers(goal_rows, want):
    assert read_grid(small_form([["", "产出指标", "数量指标", "甲", "1", ""]], goal_rows=goal_rows)).goals == want


def test_section_headings_with_ordinals_are_their_labels():
    """“一、部门基本信息” / “（三）年度收入预算” / “7.部门整体支出绩效指标”: a retyped copy's numbered headings."""
    grid = small_form([["", "产出指标", "数量指标", "甲", "1", ""]])
    numbered = {"年度收入预算": "（三）年度收入预算", "部门整体支出绩效目标": "六、部门整体支出绩效目标",
                "部门整体支出绩效指标": "7.部门整体支出绩效指标"}
    for r in range(len(grid.rows)):
        for cell in grid.own_anchors(r):
            if cell.text in numbered:
                cell.text = numbered[cell.text]
    rec = read_grid(grid)
    assert rec.goals == ["甲"] and rec.indicators[0].content == "甲"
    assert str(rec.income.general_budget) == "1000.5"


def test_paragraph_headings_with_their_text_in_the_paragraphs_after_them():
    """A Word copy: headings and text as paragraphs, only the money and the indicators in tables."""
    rows = [["2021年部门整体支出绩效目标申报表"], ["填报单位（盖章）：某局"], ["一、部门基本信息"],
            ["编制人数", "3", "实有人数", "2"], ["预算绩效管理联系人", "甲", "联系电话", "1"],
            ["二、单位职能概述"], ["1、职能一"], ["2、职能二"],
            ["三、年度收入预算"], ["一般公共预算", "政府基金", "非税收入", "上级财政补助收入", "其他收入"],
            ["5", "", "", "", ""], ["经营服务收入", "上年结转", "单位自筹", "合计"], ["", "", "", "5"],
            ["四、年度支出预算"], ["基本支出", "项目支出", "合计"], ["5", "", "5"],
            ["五、三公经费预算支出"], ["公务接待费", "公务用车运行和购置费", "因公出国（境）费", "合计"],
            ["", "", "", ""],
            ["六、部门整体支出绩效目标"], ["引言："], ["目标1：甲"], ["目标2：乙"],
            ["七、部门整体支出绩效指标"], ["一级指标", "二级指标", "指标内容", "指标值", "备注"],
            ["产出指标", "数量指标", "丙", "1", ""]]
    paragraphs = [0, 1, 2, 5, 6, 7, 8, 13, 16, 19, 20, 21, 22, 23]
    width = max(len(r) for r in rows)
    grid = make_grid([r if i in paragraphs else r + [""] * (width - len(r)) for i, r in enumerate(rows)],
                     paragraphs=paragraphs)
    grid.row_blocks = [-1 if i in paragraphs else 1 + sum(1 for p in paragraphs if p < i) for i in range(len(rows))]
    layout = locate(grid, SCHEMA)
    rec = record_from_layout(layout, SCHEMA)
    assert rec.functions == "1、职能一\n2、职能二"
    assert (rec.goals_intro, rec.goals) == ("引言：", ["甲", "乙"])
    assert [i.content for i in rec.indicators] == ["丙"]
    assert rec.basic_info.staff_quota == 3 and str(rec.income.total) == "5"
    assert not layout.unread


def test_a_copy_whose_section_labels_are_all_reworded_is_not_this_form_never_an_ambiguity():
    """Another form's labels it happens to hold (一级指标, 二级指标 … of 附件2) cannot make it ambiguous: the
    document lacks that form's identifying labels too, and the refusal names 附件1's."""
    from formparse.reader import best_layout, bundled_schemas
    grid = small_form([["", "产出指标", "数量指标", "甲", "1", ""]])
    for r in range(len(grid.rows)):
        for cell in grid.own_anchors(r):
            if cell.text in SCHEMA.identifying_labels():
                cell.text = "本" + cell.text + "情况"
    with pytest.raises(formparse.NotThisForm):
        best_layout([grid], bundled_schemas(), "<memory>")


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@pytest.mark.parametrize("blank_at", [None, 4, 5])
def test_a_value_typed_like_the_next_rows_label_is_that_fields_value(suffix, blank_at, tmp_path):
    # 联系电话's value typed “单位职能概述”: in line with 编制人数 it looks like a label, until 联系电话 itself
    # is placed (the groups are placed again once all are); a blank row under it is not its value's place
    from formparse.backends import open_document
    record = formparse.Record(basic_info=formparse.records.BasicInfo(staff_quota=0, contact_phone="单位职能概述"))
    path = formparse.fill(record, tmp_path / f"filled{suffix}")
    if blank_at is not None:
        doc = open_document(str(path))
        doc.insert_rows(doc.grid(), blank_at, 1)
        doc.save(str(tmp_path / f"spaced{suffix}"))
        path = tmp_path / f"spaced{suffix}"
    got = formparse.read(path)
    assert got.basic_info == record.basic_info and got.functions is None
