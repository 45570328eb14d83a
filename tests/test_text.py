from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formparse.text import clean, drop_ordinal, match_label, norm, parse_cn_date, parse_count, parse_money, unnumbered

FULL = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


@given(st.integers(-(10**12), 10**12), st.integers(0, 4), st.booleans(), st.booleans(), st.booleans())
def test_money_as_submitters_type_it_parses_exactly(n, places, thousands, unit, fullwidth):
    value = Decimal(n).scaleb(-places)
    text = f"{value:,f}" if thousands else f"{value:f}"
    text += "万元" if unit else ""
    text = text.translate(FULL) if fullwidth else text
    assert parse_money(f" {text} ") == value


@pytest.mark.parametrize("text", ["abc", "12元", "1.2.3", "约100"])
def test_money_that_is_not_an_amount_is_refused(text):
    with pytest.raises(ValueError, match="不是金额"):
        parse_money(text)


@pytest.mark.parametrize("text, want", [("", None), ("—", None), ("23", 23), ("２３", 23), ("23人", 23),
                                        ("23.0", 23)])
def test_counts(text, want):
    assert parse_count(text) == want


def test_count_refuses_fractions():
    with pytest.raises(ValueError):
        parse_count("2.5")


@pytest.mark.parametrize("text", ["编制    人数", "编制\n人数", "编制人数：", "编制 人数:", " 编制人数 "])
def test_labels_match_through_spacing_breaks_and_colons(text):
    assert match_label(text, "编制人数") == ""


def test_full_width_brackets_fold():
    assert match_label("因公出国(境)费", "因公出国（境）费") == ""
    assert norm("（） ：") == "():"


def test_inline_values_keep_their_text():
    assert match_label("填报单位（盖章）：邵阳市科学技术局   ", "填报单位（盖章）") == "邵阳市科学技术局"
    assert match_label("编制人数合计", "编制人数") is None


def test_clean_keeps_inner_breaks():
    assert clean("  a\r\nb \n") == "a\nb"
    assert clean(" \n ") is None


def test_dates():
    assert str(parse_cn_date("2020 年 3 月 5 日")) == "2020-03-05"
    assert parse_cn_date("年   月   日") is None


def _inline_value_by_full_fold(text: str, label: str) -> str | None:
    """The reference for ``match_label``: fold the whole text char by char, keeping each char's source index."""
    import unicodedata

    folded, index = [], []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch):
            if not c.isspace():
                folded.append(c)
                index.append(i)
    want = norm(label) + ":"
    per_char = "".join(folded)
    if not per_char.startswith(want):
        return None
    return text[index[len(want)] :].strip() if len(index) > len(want) else ""


_LABEL_CHARS = st.sampled_from(list("填报人联系电话：: \u3000\t\nＡA1１e") + ["\ufb01", "\u0301", "\u2000", "\u337b"])


@given(st.lists(_LABEL_CHARS, max_size=14).map("".join), st.sampled_from(["填报人", "联系电话", "A1", "e"]))
def test_inline_value_is_cut_where_a_full_fold_would_cut_it(text, label):
    got = match_label(text, label)
    folded = norm(text)
    want = norm(label)
    if folded in (want, want + ":"):
        assert got == ""
    elif folded.startswith(want + ":"):
        assert got == _inline_value_by_full_fold(text, label)
    else:
        assert got is None


@pytest.mark.parametrize("typed, rest", [
    ("一、部门基本信息", "部门基本信息"), ("(三)年度收入预算", "年度收入预算"),
    ("7.部门整体支出绩效指标", "部门整体支出绩效指标"), ("第二部分、年度支出预算", "年度支出预算"),
    ("1.5万元", "1.5万元"), ("一、", "一、"), ("部门基本信息", "部门基本信息")])
def test_unnumbered_drops_a_section_ordinal_only(typed, rest):
    assert unnumbered(norm(typed)) == rest


def test_drop_ordinal_keeps_the_text_as_typed():
    assert drop_ordinal("（一）  编制人数：23") == "编制人数：23"
    assert drop_ordinal("编制人数") == "编制人数"


def test_a_label_over_its_value_in_one_cell():
    assert match_label("编制人数\n23", "编制人数", below=True) == "23"
    assert match_label("预算绩效\n管理联系人\n王红梅", "预算绩效管理联系人", below=True) == "王红梅"
    assert match_label("基本\n支出", "基本支出", below=True) == ""
    assert match_label("编制人数多\n23", "编制人数", below=True) is None
    assert match_label("联系\n电话号码", "联系电话", below=True) is None
    assert match_label("财政部门审核意见\n一", "财政部门审核意见") is None  # a section's name: only with below
