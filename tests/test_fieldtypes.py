"""The general field types (formparse.fieldtypes): parse(format(x)) == x, and the ways submitters write
each type read to the same value. No form's names: options, labels and units are generated."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from formparse.fieldtypes import (
    EMPTY,
    TICKED,
    format_choice,
    format_choices,
    format_date,
    format_date_range,
    format_pairs,
    options_in,
    parse_choice,
    parse_choices,
    parse_date,
    parse_date_range,
    parse_pairs,
)

# Words of a form's labels: CJK letters, leaving out the ones amounts and null marks are written with.
NOT_IN_LABELS = "万元亿千无其中十一二三四五六七八九〇零"
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5, exclude_characters=NOT_IN_LABELS)
words = st.text(CJK, min_size=1, max_size=6)


def _no_containment(names):
    return all(a not in b for a in names for b in names if a != b)


option_lists = st.lists(words, min_size=2, max_size=4, unique=True).filter(_no_containment)
seps = st.sampled_from(["　　", " ", "", "\n", "  ", "\u3000"])


# ---------------------------------------------------------------------------------------------- choice

@given(option_lists, st.data(), st.sampled_from(["after", "before"]), seps)
def test_choice_round_trip(options, data, box, sep):
    value = data.draw(st.none() | st.sampled_from(options))
    text = format_choice(value, options, box=box, sep=sep)
    assert parse_choice(text, options) == value
    assert ("☑" in text) == (value is not None) and text.count("□") == len(options) - (value is not None)


@given(option_lists, st.data(), st.sampled_from(["after", "before"]), seps)
def test_choices_round_trip(options, data, box, sep):
    values = data.draw(st.lists(st.sampled_from(options), unique=True))
    text = format_choices(values, options, box=box, sep=sep)
    assert parse_choices(text, options) == tuple(o for o in options if o in values)


@given(option_lists, st.data())
def test_choice_as_submitters_write_it(options, data):
    """Any tick or box glyph, on the side the writer chose, spaced or not, options spaced out or cut to a
    prefix no other option shares: the ticked option is read."""
    chosen = data.draw(st.sampled_from(options))
    side = data.draw(st.sampled_from(["after", "before"]))
    pad = data.draw(st.sampled_from(["", " ", "\u3000"]))
    parts = []
    for opt in options:
        name = opt
        if len(opt) > 2 and data.draw(st.booleans()):
            prefix = opt[:2]
            if not any(prefix in o for o in options if o != opt):
                name = prefix
        if data.draw(st.booleans()):
            name = " ".join(name)
        if opt == chosen:
            mark = data.draw(st.sampled_from(sorted(TICKED) + ["（√）", "[✓]"]))
        else:
            mark = data.draw(st.sampled_from(sorted(EMPTY) + ["（ ）", "()"]))
        parts.append(name + pad + mark if side == "after" else mark + pad + name)
    gap = data.draw(st.sampled_from(["", " ", "　　", "\n"]))
    assume(gap or pad == "")  # "A □ B": a box that is as near to one option as to the other
    assert parse_choice(gap.join(parts), options) == chosen


@pytest.mark.parametrize("text, want", [
    ("新增项目□　　延续项目□", None),
    ("☑新增项目 □延续项目", "新增项目"),
    ("√新增", "新增项目"),
    ("延续项目√", "延续项目"),
    ("延续项目 ☑", "延续项目"),
    ("新增项目□ 延续项目■", "延续项目"),
    ("新增项目□ ☑延续项目", "延续项目"),
    ("延续项目", "延续项目"),
    ("", None),
    (None, None),
    ("□ □", None),
    ("新增项目□√　延续项目□", "新增项目"),  # a tick put beside the box
    ("新增项目（√）　延续项目（　）", "新增项目"),
    ("新增项目 ×　延续项目 √", "延续项目"),  # a cross is not a tick
])
def test_choice_examples(text, want):
    assert parse_choice(text, ["新增项目", "延续项目"]) == want


@pytest.mark.parametrize("text, message", [
    ("☑新增项目 ☑延续项目", "多项"),
    ("新增项目☑延续项目", "无法判断"),
    ("☑", "没有写出选项"),
    ("其他", "没有可识别的选项"),
])
def test_ambiguous_ticks_are_refused_in_chinese(text, message):
    with pytest.raises(ValueError, match=message):
        parse_choice(text, ["新增项目", "延续项目"])


def test_choice_aliases_and_bad_option_lists():
    assert parse_choice("续建√", ["新建", "续建项目"], aliases={"续建项目": ["续建"]}) == "续建项目"
    with pytest.raises(ValueError):
        parse_choice("甲☑", ["甲", "甲"])
    with pytest.raises(ValueError):
        format_choice("丙", ["甲", "乙"])


# ---------------------------------------------------------------------------------------------- pairs

moneys = st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-10**9, max_value=10**9)


@st.composite
def pair_specs(draw):
    labels = draw(st.lists(words, min_size=1, max_size=6, unique=True).filter(_no_containment))
    return [(f"k{i}", [label]) for i, label in enumerate(labels)]


@given(pair_specs(), st.data(), st.sampled_from(["万元", "元"]), seps)
def test_pairs_round_trip(pairs, data, unit, sep):
    values = {key: data.draw(st.none() | moneys) for key, _ in pairs}
    assume(sep.strip() == "" and (sep or all(v is not None for v in values.values())))
    text = format_pairs(values, pairs, unit=unit, sep=sep or " ")
    assert parse_pairs(text, pairs, unit=unit) == values


FULL = str.maketrans("0123456789.", "０１２３４５６７８９．")


@given(pair_specs(), st.data())
def test_pairs_as_submitters_type_them(pairs, data):
    """Colons of either width or none, spaces and line breaks, thousands separators, full-width digits,
    元 for 万元, null marks, some labels left out: each amount is read in the schema's unit."""
    want = {}
    parts = []
    for key, (label,) in pairs:
        how = data.draw(st.sampled_from(["amount", "yuan", "null", "bare", "absent"]))
        value = data.draw(st.decimals(min_value=0, max_value=10**7, places=0))
        colon = data.draw(st.sampled_from(["：", ":", " ", " ： "]))
        spaced = " ".join(label) if data.draw(st.booleans()) else label
        if how == "amount":
            text = f"{value:,}" if data.draw(st.booleans()) else str(value)
            if data.draw(st.booleans()):
                text = text.translate(FULL)
            parts.append(spaced + colon + text + data.draw(st.sampled_from(["万元", "万", "", " 万元"])))
            want[key] = value
        elif how == "yuan":
            parts.append(spaced + colon + str(value * 10000) + "元")
            want[key] = value
        elif how == "null":
            parts.append(spaced + "：" + data.draw(st.sampled_from(["—", "无", "/", "-"])))
            want[key] = None
        elif how == "bare":
            parts.append(spaced + "：")
            want[key] = None
        else:
            want[key] = None
    assume(parts)
    text = "".join(p + data.draw(st.sampled_from([" ", "\n", "；", "，", "　"])) for p in parts)
    assert parse_pairs(text, pairs) == want


def test_pairs_example_with_nested_parts():
    pairs = [("total", "资金总额"), ("fiscal", "财政拨款"), ("higher", ["其中：上级财政资金", "上级财政资金"]),
             ("local", ["本级财政资金", "本级财政"]), ("own", "自有资金"), ("other", ["其他资金", "其他"])]
    text = "资金总额：300万元 财政拨款：300万元（其中：上级财政资金：0万元；本级财政：300万元） 自有资金：0 其他：0"
    got = parse_pairs(text, pairs)
    assert got == {"total": 300, "fiscal": 300, "higher": 0, "local": 300, "own": 0, "other": 0}
    assert all(isinstance(v, Decimal) for v in got.values())
    assert parse_pairs("资金总额：1,234.5万元\n财政拨款：", pairs)["total"] == Decimal("1234.5")
    assert parse_pairs("资金总额（元）：3,000,000", pairs)["total"] == 300  # the unit said after the label
    assert parse_pairs("其他资金：5（其他）", pairs)["other"] == 5  # a later bare mention keeps the amount


@pytest.mark.parametrize("text, message", [
    ("资金总额：三百万元", "无法识别"),
    ("资金总额：300万元（含结转50万元）", "无法识别"),
    ("资金总额：300 资金总额：200", "两次"),
    ("合计 300", "没有可识别的项目"),
    ("共 300 万元，资金总额：300", "不属于任何项目"),
])
def test_bad_pairs_are_refused_in_chinese(text, message):
    with pytest.raises(ValueError, match=message):
        parse_pairs(text, [("total", "资金总额"), ("fiscal", "财政拨款")])


# ---------------------------------------------------------------------------------------------- dates

dates = st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31))
CN = "〇一二三四五六七八九"


def _cn(n: int, digits: bool) -> str:
    if digits:
        return "".join(CN[int(c)] for c in str(n))
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else CN[tens]) + "十" if tens else "") + (CN[ones] if ones or not tens else "")


@given(dates)
def test_date_round_trip(d):
    assert parse_date(format_date(d)) == d
    first = d.replace(day=1)
    assert parse_date(format_date(first, precision="month"), precision="month") == first


@given(dates, st.data())
def test_date_as_written(d, data):
    sp = data.draw(st.sampled_from(["", " ", "  ", "\u3000"]))
    style = data.draw(st.sampled_from(["cn", "cn_numerals", "iso", "dots", "slashes", "fullwidth"]))
    if style == "cn":
        text = f"{d.year}{sp}年{sp}{d.month}{sp}月{sp}{d.day}{sp}日"
    elif style == "cn_numerals":
        text = f"{_cn(d.year, True)}年{_cn(d.month, False)}月{_cn(d.day, False)}日"
    elif style == "iso":
        text = d.isoformat()
    elif style == "dots":
        text = f"{d.year}.{d.month}.{d.day}"
    elif style == "slashes":
        text = f"{d.year}/{d.month:02}/{d.day:02}"
    else:
        text = format_date(d).translate(FULL)
    assert parse_date(sp + text + sp) == d


@pytest.mark.parametrize("text", ["    年  月  日", "年月日", "", "  ", None])
def test_blank_dates_are_none(text):
    assert parse_date(text) is None


@pytest.mark.parametrize("text, precision, message", [
    ("2020年1月", "day", "缺少日"),
    ("2020年 月 日", "day", "不是完整的日期"),
    ("2020年2月30日", "day", "不是有效日期"),
    ("2020年1月10日", "month", "只写到月"),
    ("去年", "month", "不是年月"),
])
def test_bad_dates_are_refused_in_chinese(text, precision, message):
    with pytest.raises(ValueError, match=message):
        parse_date(text, precision=precision)


def test_spreadsheet_dates_pass_through():
    assert parse_date(dt.datetime(2020, 1, 10, 0, 0)) == dt.date(2020, 1, 10)


@given(dates, dates, st.sampled_from(["day", "month"]), st.sampled_from(["至", "到", "~", "—", "-"]))
def test_date_range_round_trip(a, b, precision, sep):
    if precision == "month":
        a, b = a.replace(day=1), b.replace(day=1)
    start, end = min(a, b), max(a, b)
    assert parse_date_range(format_date_range((start, end), precision=precision, sep=sep),
                            precision=precision) == (start, end)


@pytest.mark.parametrize("text, want", [
    ("2020年1月至2020年12月", ((2020, 1, 1), (2020, 12, 1))),
    ("2020年1月至12月", ((2020, 1, 1), (2020, 12, 1))),
    ("2020.01-2020.12", ((2020, 1, 1), (2020, 12, 1))),
    ("2019年10月 — 2021年3月", ((2019, 10, 1), (2021, 3, 1))),
    ("    年  月至    年  月", None),
])
def test_date_range_examples(text, want):
    got = parse_date_range(text)
    assert got == (None if want is None else tuple(dt.date(*x) for x in want))


@pytest.mark.parametrize("text, message", [
    ("2020年12月至2020年1月", "早于"),
    ("2020年1月至  年  月", "只填了一头"),
    ("全年", "不是起止时间"),
])
def test_bad_date_ranges_are_refused_in_chinese(text, message):
    with pytest.raises(ValueError, match=message):
        parse_date_range(text)


@pytest.mark.parametrize(("text", "named"), [
    ("延续项目√", ("延续项目",)), ("□新增项目", ("新增项目",)), ("新增项目□　延续项目☑", ("新增项目", "延续项目")),
    ("（√）新增", ("新增项目",)), ("新增项目共3个", ()), ("邵阳市科学技术局", ()), ("☑", ()), ("", ())])
def test_options_in_names_a_cells_options_only_when_it_holds_nothing_else(text, named):
    assert options_in(text, ["新增项目", "延续项目"]) == named
