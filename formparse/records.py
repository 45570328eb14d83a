"""The record of one 附件1 submission, and the domain of values a form can hold.

Users build records to fill forms, so the classes are mutable ``attrs.define`` classes with
every field defaulting to blank (None). Money is :class:`~decimal.Decimal` in 万元, never float.

The valid domain (what :func:`domain_problems` checks, what a form can carry and give back):

* text: None or a string that is non-empty after stripping, with no leading/trailing white space,
  no carriage returns, tabs or other control characters; inner line breaks are kept.
* ``level1``/``level2``: text without any white space; a blank cell takes the value above it,
  so ``level1`` may be None only while every earlier indicator's is None, and ``level2`` only
  while every earlier one in the same run of ``level1`` is None.
* an indicator has at least one of content, value, remark (a row with none is an empty slot), and is
  not the table's header row again (一级指标, 二级指标, 指标内容, 指标值, 备注 in its five fields).
* a goal must not begin with a '、' and no line of it may start like a goal number (“目标3：”),
  because that is how several goals in one cell are told apart.
* review texts must not contain the printed prompts (审核意见：, 审核人：, 科室负责人签字：);
  reviewer and head are single lines without 年/月/日; reviews name the offices printed on
  the form, in form order.
* a value written after its label (unit_name, amount_unit, filled_by, filled_by_phone) has no colon,
  and no text begins with one of the form's labels followed by a colon (“联系电话：…”): that is how a
  label is written, so such text could not be told from one.
* money (万元): finite, |x| < 10^13 (a hundred thousand billion yuan: more than any budget, and within
  what every export holds exactly), at most 15 digits as written (what a spreadsheet number holds
  exactly) and at most 6 decimal places as written (a hundredth of a fen in 万元; “1.50000000” is refused).
* counts: integers 0 … 10^9 (a head count; Parquet's int64 and a spreadsheet number hold it); year: 1000–9999.

The numeric bounds are checked when a form is read (:func:`number_problem`, an ``InvalidValues`` naming the
cell), so no record that :func:`formparse.read` returns can fail an export.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import attrs

from . import _startcache
from ._startcache import lazy_re
from .text import norm

_startcache.install()  # attrs' generated methods of the classes below: from the cache

Money = Decimal | None
# Fields that ride along on a read record and are not part of its value, its JSON or its tables.
RIDERS = frozenset({"warnings", "provenance"})


@attrs.define
class BasicInfo:
    """部门基本信息."""

    staff_quota: int | None = None  # 编制人数
    staff_actual: int | None = None  # 实有人数
    contact_person: str | None = None  # 预算绩效管理联系人
    contact_phone: str | None = None  # 联系电话, as written


@attrs.define
class Income:
    """年度收入预算 (万元)."""

    general_budget: Money = None  # 一般公共预算
    government_fund: Money = None  # 政府基金
    non_tax: Money = None  # 非税收入
    higher_subsidy: Money = None  # 上级财政补助收入
    other: Money = None  # 其他收入
    business_service: Money = None  # 经营服务收入
    carryover: Money = None  # 上年结转
    self_raised: Money = None  # 单位自筹
    total: Money = None  # 合计


@attrs.define
class Expenditure:
    """年度支出预算 (万元)."""

    basic: Money = None  # 基本支出
    project: Money = None  # 项目支出
    total: Money = None  # 合计


@attrs.define
class ThreePublic:
    """三公经费预算支出 (万元)."""

    reception: Money = None  # 公务接待费
    vehicles: Money = None  # 公务用车运行和购置费
    overseas: Money = None  # 因公出国（境）费
    total: Money = None  # 合计


@attrs.define
class Indicator:
    """One row of 部门整体支出绩效指标."""

    level1: str | None = None  # 一级指标
    level2: str | None = None  # 二级指标
    content: str | None = None  # 指标内容
    value: str | None = None  # 指标值, as the form shows it
    remark: str | None = None  # 备注


@attrs.define
class Review:
    """One office's box of 财政部门审核意见."""

    office: str  # 归口业务科室 / 绩效管理科室
    opinion: str | None = None
    reviewer: str | None = None  # 审核人
    head: str | None = None  # 科室负责人签字
    date: dt.date | None = None


@attrs.define
class Record:
    """One 附件1 《部门整体支出绩效目标申报表》."""

    year: int | None = None
    unit_name: str | None = None  # 填报单位（盖章）
    amount_unit: str | None = None  # 单位：
    basic_info: BasicInfo = attrs.Factory(BasicInfo)
    functions: str | None = None  # 单位职能概述
    income: Income = attrs.Factory(Income)
    expenditure: Expenditure = attrs.Factory(Expenditure)
    three_public: ThreePublic = attrs.Factory(ThreePublic)
    goals_intro: str | None = None
    goals: list[str] = attrs.Factory(list)
    indicators: list[Indicator] = attrs.Factory(list)
    reviews: list[Review] = attrs.Factory(list)
    filled_by: str | None = None  # 填报人
    filled_by_phone: str | None = None  # 填报人 联系电话
    # What read() found worth a look (formparse.check.Warning); not part of the record's value or its JSON.
    warnings: list[Any] = attrs.field(factory=list, eq=False, repr=False)
    # Where each value stood in the file read (formparse.provenance.Provenance); not part of the value or JSON.
    provenance: Any = attrs.field(default=None, eq=False, repr=False)

    def source(self, path: str) -> Any:
        """Where the value at ``path`` stood (``rec.source("income.total")``): a formparse.provenance.Source
        with file, position, sheet, address and the text shown there. KeyError for a value not read."""
        from .provenance import source

        return source(self, path)


GOAL_MARK = lazy_re(r"^\s*目标\s*[0-9０-９一二三四五六七八九十]+\s*[：:、.．]", re.M)
_CONTROL = lazy_re(r"[\x00-\x09\x0b-\x1f\x7f\xa0\u2028\u2029\x85]")
INDICATOR_HEADER = ("一级指标", "二级指标", "指标内容", "指标值", "备注")
INLINE_FIELDS = ("unit_name", "amount_unit", "filled_by", "filled_by_phone")
PROMPTS = ("审核意见：", "审核人：", "科室负责人签字：")


def _text_problem(where: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return f"{where}: 应为文字或空 / must be text or None"
    if not value.strip():
        return f"{where}: 只有空白，应为空（null）/ blank text must be None"
    if value != value.strip():
        return f"{where}: 首尾有空白（表格中会被去掉）/ has white space at its ends"
    if _CONTROL.search(value):
        return f"{where}: 含控制字符（如制表符）/ has a control character"
    return None


MAX_COUNT = 10**9
MONEY_LIMIT = Decimal(10) ** 13  # |money| < this, in 万元
MONEY_DIGITS = 15
MONEY_PLACES = 6


def number_problem(kind: str, value: object) -> str | None:
    """Why a money or count value lies outside the domain (in the form's words), or None.

    ``kind`` is "money" or "count". The reader calls this on every number it takes from a cell.
    """
    if value is None:
        return None
    if kind == "count":
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return "人数须为非负整数"
        if value > MAX_COUNT:
            return f"人数超出上限 {MAX_COUNT:,}"
        return None
    if not isinstance(value, Decimal) or not value.is_finite():
        return "金额须为有限的数"
    _sign, digits, exp = value.as_tuple()
    assert isinstance(exp, int)
    if value and (len(digits) + exp > 13 or abs(value) >= MONEY_LIMIT):
        return "金额超出上限（绝对值须小于 10^13 万元）"
    if -exp > MONEY_PLACES:
        return f"金额的小数位超过 {MONEY_PLACES} 位"
    if len(digits) > MONEY_DIGITS:
        return f"金额的有效数字超过 {MONEY_DIGITS} 位"
    return None


def _money_problem(where: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, Decimal) or not value.is_finite():
        return f"{where}: money must be a finite Decimal"
    problem = number_problem("money", value)
    return f"{where}: {problem}" if problem else None


def _texts(record: Record) -> list[tuple[str, str]]:
    out = [(n, getattr(record, n)) for n in ("unit_name", "amount_unit", "functions", "goals_intro",
                                               "filled_by", "filled_by_phone")]
    out += [(f"basic_info.{n}", getattr(record.basic_info, n)) for n in ("contact_person", "contact_phone")]
    out += [(f"goals[{i}]", g) for i, g in enumerate(record.goals)]
    for i, ind in enumerate(record.indicators):
        out += [(f"indicators[{i}].{f}", getattr(ind, f)) for f in ("level1", "level2", "content", "value", "remark")]
    for i, rev in enumerate(record.reviews):
        out += [(f"reviews[{i}].{f}", getattr(rev, f)) for f in ("opinion", "reviewer", "head")]
    return [(w, v) for w, v in out if isinstance(v, str)]


def domain_problems(record: Record, offices: tuple[str, ...] = (), labels: tuple[str, ...] = ()) -> list[str]:
    """Everything in ``record`` outside the valid domain (see the module docstring); [] if none.

    ``offices`` and ``labels`` are the form's review offices and printed labels, when known.
    """
    out: list[str | None] = []
    for name in INLINE_FIELDS:
        v = getattr(record, name)
        if isinstance(v, str) and (":" in v or "：" in v):
            out.append(f"{name}: a value written after its label must not contain a colon")
    folded_labels = [norm(label) + ":" for label in labels]
    for where, v in _texts(record):
        head = norm(v)
        if any(head.startswith(lab) for lab in folded_labels):
            out.append(f"{where}: begins like a label of the form followed by a colon")
    for name in ("unit_name", "amount_unit", "functions", "goals_intro", "filled_by", "filled_by_phone"):
        out.append(_text_problem(name, getattr(record, name)))
    for name in ("contact_person", "contact_phone"):
        out.append(_text_problem(f"basic_info.{name}", getattr(record.basic_info, name)))
    for name in ("staff_quota", "staff_actual"):
        v = getattr(record.basic_info, name)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= MAX_COUNT):
            out.append(f"basic_info.{name}: must be an int from 0 to {MAX_COUNT}")
    if record.year is not None and not (isinstance(record.year, int) and 1000 <= record.year <= 9999):
        out.append("year: must be a four-digit year")
    for part in ("income", "expenditure", "three_public"):
        group = getattr(record, part)
        for f in attrs.fields(type(group)):
            out.append(_money_problem(f"{part}.{f.name}", getattr(group, f.name)))
    if isinstance(record.goals_intro, str) and GOAL_MARK.search(record.goals_intro):
        out.append("goals_intro: starts a line with a goal number")
    for i, goal in enumerate(record.goals):
        where = f"goals[{i}]"
        out.append(_text_problem(where, goal) if goal is not None else f"{where}: 不能为空 / must not be None")
        if isinstance(goal, str) and (goal.startswith("、") or GOAL_MARK.search(goal)):
            out.append(f"{where}: starts a line with a goal number or '、'")
    seen_level1 = False
    run: tuple[str | None, bool] = (None, False)  # (level1 of the current run, a level2 seen in it)
    for i, ind in enumerate(record.indicators):
        where = f"indicators[{i}]"
        for f in ("level1", "level2", "content", "value", "remark"):
            out.append(_text_problem(f"{where}.{f}", getattr(ind, f)))
        for f in ("level1", "level2"):
            v = getattr(ind, f)
            if isinstance(v, str) and re.search(r"\s", v):
                out.append(f"{where}.{f}: must not contain white space")
        if (ind.level1, ind.level2, ind.content, ind.value, ind.remark) == INDICATOR_HEADER:
            out.append(f"{where}: is the header row of the table")
        if ind.content is None and ind.value is None and ind.remark is None:
            out.append(f"{where}: content, value and remark are all blank")
        if ind.level1 is None and seen_level1:
            out.append(f"{where}.level1: blank after a filled one (it would take the value above)")
        seen_level1 = seen_level1 or ind.level1 is not None
        if i == 0 or ind.level1 != run[0]:
            run = (ind.level1, False)
        if ind.level2 is None and run[1]:
            out.append(f"{where}.level2: blank after a filled one in its group")
        run = (run[0], run[1] or ind.level2 is not None)
    for i, rev in enumerate(record.reviews):
        where = f"reviews[{i}]"
        for f in ("opinion", "reviewer", "head"):
            v = getattr(rev, f)
            out.append(_text_problem(f"{where}.{f}", v))
            if isinstance(v, str) and any(p in v or p[:-1] + ":" in v for p in PROMPTS):
                out.append(f"{where}.{f}: contains a printed prompt")
        for f in ("reviewer", "head"):
            v = getattr(rev, f)
            if isinstance(v, str) and re.search(r"[\n年月日：:]", v):
                out.append(f"{where}.{f}: must be one line without 年/月/日 or a colon")
    if offices:
        names = [r.office for r in record.reviews]
        if names != [o for o in offices if o in names]:
            out.append(f"reviews: offices must be among {', '.join(offices)}, in that order")
    return [p for p in out if p]
