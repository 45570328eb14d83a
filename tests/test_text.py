from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formparse.text import clean, match_label, norm, parse_cn_date, parse_count, parse_money

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
