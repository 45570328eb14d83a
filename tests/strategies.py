"""Hypothesis strategies for records drawn from the whole valid domain (formparse.records)."""

import datetime as dt
import re
from decimal import Decimal

from hypothesis import strategies as st

from formparse import Indicator, Record, Review, domain_problems, load_schema
from formparse.locate import all_labels
from formparse.records import (
    GOAL_MARK,
    INLINE_FIELDS,
    BasicInfo,
    Expenditure,
    Income,
    ThreePublic,
)
from formparse.text import norm

LABELS = tuple(dict.fromkeys(all_labels(load_schema())))
LABEL_LIKE = LABELS + ("目标", "审核意见", "指标", "备注", "合计", "年度", "单位", "人数", "万元")
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
PUNCT = st.sampled_from(list("，。、；：（）《》“”%≥≤-—.·/ABCxyz0123456789"))
PIECE = st.one_of(CJK, CJK, CJK, PUNCT, st.sampled_from(LABEL_LIKE), st.just(" "), st.just("\n"))


def _clean(s: str) -> str:
    return s.strip()


text = st.lists(PIECE, min_size=1, max_size=40).map("".join).map(_clean).filter(bool)
one_line = text.map(lambda s: re.sub(r"\s+", "", s)).filter(bool)
maybe = st.none() | text
names = st.lists(CJK.filter(lambda c: c not in "年月日"), min_size=1, max_size=5).map("".join)
digits = st.from_regex(r"(1[3-9][0-9]{9}|0[0-9]{2,3}-[0-9]{7,8})", fullmatch=True)
money = st.none() | st.builds(lambda n, p: Decimal(n).scaleb(-p), st.integers(-(10**11), 10**11),
                              st.integers(0, 4))
count = st.none() | st.integers(0, 10**6)
goal = text.filter(lambda s: not s.startswith("、") and not GOAL_MARK.search(s))


def _indicators(raw):
    """Map drawn rows into the domain: blanks carried down can't follow a filled level1/level2."""
    out = []
    seen1 = None
    run_key, seen2 = object(), None
    for l1, l2, content, value, remark, fallback in raw:
        if l1 is None and seen1 is not None:
            l1 = seen1
        seen1 = l1 if l1 is not None else seen1
        if l1 != run_key:
            run_key, seen2 = l1, None
        if l2 is None and seen2 is not None:
            l2 = seen2
        seen2 = l2 if l2 is not None else seen2
        if content is None and value is None and remark is None:
            content = fallback
        out.append(Indicator(l1, l2, content, value, remark))
    return out


level = st.none() | st.sampled_from(["产出指标", "效益指标", "满意度指标", "数量指标", "质量指标"]) | one_line
indicators = st.lists(st.tuples(level, level, maybe, maybe, maybe, text), max_size=30).map(_indicators)
PROMPT_WORDS = ("审核意见", "审核人", "科室负责人签字")
review_text = maybe.filter(lambda s: s is None or not any(p in s for p in PROMPT_WORDS))
reviews = st.tuples(
    *(st.builds(Review, office=st.just(o), opinion=review_text, reviewer=st.none() | names,
                head=st.none() | names, date=st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)))
      for o in ("归口业务科室", "绩效管理科室"))
).map(list)
inline_text = st.none() | text.filter(lambda s: ":" not in s and "：" not in s)


def _in_domain(rec: Record) -> bool:
    return not domain_problems(rec, ("归口业务科室", "绩效管理科室"), LABELS)


records = st.builds(
    Record,
    year=st.none() | st.integers(1000, 9999),
    unit_name=inline_text,
    amount_unit=inline_text,
    basic_info=st.builds(BasicInfo, staff_quota=count, staff_actual=count, contact_person=maybe,
                         contact_phone=st.none() | digits | text),
    functions=maybe,
    income=st.builds(Income, *[money] * 9),
    expenditure=st.builds(Expenditure, money, money, money),
    three_public=st.builds(ThreePublic, money, money, money, money),
    goals_intro=st.none() | goal,
    goals=st.lists(goal, max_size=20),
    indicators=indicators,
    reviews=reviews,
    filled_by=inline_text,
    filled_by_phone=st.none() | digits,
).filter(_in_domain)

assert set(INLINE_FIELDS) <= {"unit_name", "amount_unit", "filled_by", "filled_by_phone"}


# -- records for other hands' layouts (tests/structural.py) -------------------------------------------
# In a layout the reader has never seen, a value that is exactly one of the form's printed labels
# (a 联系人 called “联系电话”, an indicator whose content is “合计”) is a second copy of that label, and
# which copy is the label is a guess the reader must not make (issue 10: ties are reported as ambiguity).
# These records keep every other part of the domain; the official grid's tests keep such values.
_TITLE = load_schema().blocks[0].pattern
NOT_VALUES = frozenset(norm(x) for x in LABELS + tuple(o + "审核意见" for o in ("归口业务科室", "绩效管理科室"))
                       + PROMPT_WORDS)


def _not_a_label(s: str | None) -> bool:
    if s is None:
        return True
    folded = norm(s).rstrip(":")
    return folded not in NOT_VALUES and not _TITLE.match(folded) and not GOAL_MARK.match(s)


_lt = text.filter(_not_a_label)
_lmaybe = st.none() | _lt
_llevel = (st.none() | st.sampled_from(["产出指标", "效益指标", "满意度指标", "数量指标", "质量指标"])
           | one_line.filter(_not_a_label))
_lreview = _lmaybe.filter(lambda s: s is None or not any(p in s for p in PROMPT_WORDS))
_layout_records = st.builds(
    Record,
    year=st.none() | st.integers(1000, 9999),
    unit_name=inline_text.filter(_not_a_label),
    amount_unit=inline_text.filter(_not_a_label),
    basic_info=st.builds(BasicInfo, staff_quota=count, staff_actual=count, contact_person=_lmaybe,
                         contact_phone=st.none() | digits | _lt),
    functions=_lmaybe,
    income=st.builds(Income, *[money] * 9),
    expenditure=st.builds(Expenditure, money, money, money),
    three_public=st.builds(ThreePublic, money, money, money, money),
    goals_intro=st.none() | goal.filter(_not_a_label),
    goals=st.lists(goal.filter(_not_a_label), max_size=6),
    indicators=st.lists(st.tuples(_llevel, _llevel, _lmaybe, _lmaybe, _lmaybe, _lt), max_size=12).map(_indicators),
    reviews=st.tuples(
        *(st.builds(Review, office=st.just(o), opinion=_lreview, reviewer=st.none() | names,
                    head=st.none() | names, date=st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)))
          for o in ("归口业务科室", "绩效管理科室"))
    ).map(list),
    filled_by=inline_text.filter(_not_a_label),
    filled_by_phone=st.none() | digits,
).filter(_in_domain)


def _totals_summed(rec_and_flags: tuple[Record, tuple[bool, bool, bool]]) -> Record:
    """合计 made the sum of its parts where drawn so (as a spreadsheet's SUM leaves it)."""
    rec, flags = rec_and_flags
    for group, flag in zip((rec.income, rec.expenditure, rec.three_public), flags, strict=True):
        parts = [getattr(group, a.name) for a in type(group).__attrs_attrs__ if a.name != "total"]
        if flag and any(p is not None for p in parts):
            group.total = sum((p for p in parts if p is not None), Decimal(0))
    return rec


layout_records = (st.tuples(_layout_records, st.tuples(st.booleans(), st.booleans(), st.booleans()))
                  .map(_totals_summed).filter(_in_domain))
