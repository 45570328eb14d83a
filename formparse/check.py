"""Checks a finance bureau makes on a submission. Warnings never stop a read.

Each warning names the form's own label, the cell (sheet!A1, or 表/行/列 in a document) when
known, and both numbers, in Chinese.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal

import attrs

from . import _startcache
from ._startcache import lazy_re
from .records import Record
from .text import norm

_startcache.install()  # attrs' generated methods of the classes below: from the cache


@attrs.frozen
class Warning:  # noqa: A001 - the form's word for it; not the builtin
    """One thing to look at: a stable ``code``, the form's ``label``, the ``cell`` and the message."""

    code: str
    label: str
    cell: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.label} ({self.cell})：{self.message}" if self.cell else f"{self.label}：{self.message}"


_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE = lazy_re(r"^(\(?0[0-9]{2,3}\)?[- ]?)?[1-9][0-9]{6,7}([-转#][0-9]{1,5})?$")
_AMOUNT = re.compile(r"([0-9][0-9,，]*(?:\.[0-9]+)?)\s*(万元|万|元)")
INCOME_PARTS = ("general_budget", "government_fund", "non_tax", "higher_subsidy", "other", "business_service",
                "carryover", "self_raised")
LABELS = {
    "income.total": "年度收入预算 合计", "expenditure.total": "年度支出预算 合计",
    "three_public.total": "三公经费预算支出 合计", "basic_info.staff_quota": "编制人数",
    "basic_info.staff_actual": "实有人数", "basic_info.contact_phone": "联系电话", "filled_by_phone": "填报人 联系电话",
    "unit_name": "填报单位（盖章）", "year": "年度（表头）", "basic_info.contact_person": "预算绩效管理联系人",
}

# The warning codes as categories, in the clerk's words (the summary's 提示 sheet, the problem list).
CHECK_CODES_ZH = {
    "income-sum": "收入合计不符", "expenditure-sum": "支出合计不符", "three_public-sum": "三公经费合计不符",
    "balance": "收支不平衡", "cost-over-budget": "成本指标超预算", "over-quota": "超编", "phone": "电话号码可疑",
    "year": "年度可疑", "blank": "必填项为空", "formula": "公式与显示值不符", "unreadable": "无法读取",
    "absent": "缺少部分", "unread": "未读取的内容", "symbol": "无法识别的符号",
    "hidden-sheet": "读自隐藏的工作表", "check-box": "复选框无法读取", "heading-reworded": "栏目名称改写",
    "merged-text": "单元格可能少画了线", "clipped-text": "文字超出单元格",
    "error": "无法读取的栏目",
}


def _fmt(d: Decimal) -> str:
    return format(d.normalize(), "f") if d == d.to_integral() else format(d, "f")


def _sum(values: Iterable[Decimal | None]) -> tuple[Decimal, int]:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)), len(present)


def check(record: Record, cells: dict[str, str] | None = None, *, today: dt.date | None = None) -> list[Warning]:
    """Every warning for ``record``. ``cells`` maps field keys (``income.total``, ``indicators[2].value``)
    to cell addresses, as :func:`formparse.read` knows them."""
    cells = cells or {}
    out: list[Warning] = []

    def warn(code: str, key: str, message: str, label: str | None = None) -> None:
        out.append(Warning(code, label or LABELS.get(key, key), cells.get(key), message))

    def total_check(group: str, parts: tuple[str, ...], title: str, names: str) -> None:
        obj = getattr(record, group)
        total = obj.total
        s, n = _sum(getattr(obj, p) for p in parts)
        if total is not None and n and s != total:
            warn(f"{group}-sum", f"{group}.total", f"{title}合计 {_fmt(total)} ≠ {names}之和 {_fmt(s)}")

    total_check("income", INCOME_PARTS, "年度收入预算", "各项收入")
    total_check("expenditure", ("basic", "project"), "年度支出预算", "基本支出与项目支出")
    total_check("three_public", ("reception", "vehicles", "overseas"), "三公经费", "各项")
    it, et = record.income.total, record.expenditure.total
    if it is not None and et is not None and it != et:
        warn("balance", "expenditure.total", f"支出合计 {_fmt(et)} ≠ 收入合计 {_fmt(it)}（收支不平衡）")
    out += cost_over_budget(record, cells)
    quota, actual = record.basic_info.staff_quota, record.basic_info.staff_actual
    if quota is not None and actual is not None and actual > quota:
        warn("over-quota", "basic_info.staff_actual", f"实有人数 {actual} 超过编制人数 {quota}（超编）")
    for key, phone in (("basic_info.contact_phone", record.basic_info.contact_phone),
                       ("filled_by_phone", record.filled_by_phone)):
        if phone is None:
            continue
        digits = re.sub(r"[\s\u3000]", "", phone)
        if not (_MOBILE.match(digits) or _LANDLINE.match(digits)):
            warn("phone", key, f"“{phone}”不像电话号码（11位手机号或带区号的固定电话）")
    out += year_check(record, cells, today=today)
    for key in ("unit_name", "basic_info.contact_person", "basic_info.contact_phone", "income.total",
                "expenditure.total"):
        value: object = record
        for part in key.split("."):
            value = getattr(value, part)
        if value is None:
            warn("blank", key, "必填项为空")
    if not record.indicators:
        warn("blank", "indicators", "没有填写绩效指标", label="部门整体支出绩效指标")
    return out


def cost_over_budget(record: Record, cells: dict[str, str] | None = None) -> list[Warning]:
    """成本指标 amounts (“≤50万元”) above the budget total (支出合计, else 收入合计): a rule of 附件1 that reads
    amounts out of text, so Python (the schema's ``[[rules]]`` name it: ``kind = "python"``)."""
    cells = cells or {}
    out: list[Warning] = []
    it, et = record.income.total, record.expenditure.total

    def warn(code: str, key: str, message: str, label: str | None = None) -> None:
        out.append(Warning(code, label or LABELS.get(key, key), cells.get(key), message))

    budget = et if et is not None else it
    for i, ind in enumerate(record.indicators):
        if norm(ind.level2 or "") != "成本指标" or budget is None:
            continue
        for m in _AMOUNT.finditer(ind.value or ""):
            amount = Decimal(m.group(1).replace(",", "").replace("，", ""))
            if m.group(2) == "元":
                amount /= 10000
            if amount > budget:
                warn("cost-over-budget", f"indicators[{i}].value",
                     f"成本指标 {_fmt(amount)}万元 超过预算总额 {_fmt(budget)}万元", label="成本指标 指标值")
    return out


def year_check(record: Record, cells: dict[str, str] | None = None, *, today: dt.date | None = None) -> list[Warning]:
    """The title's year: there, and between 2000 and two years from now (today's date: Python)."""
    cells = cells or {}
    out: list[Warning] = []

    def warn(code: str, key: str, message: str, label: str | None = None) -> None:
        out.append(Warning(code, label or LABELS.get(key, key), cells.get(key), message))

    year_now = (today or dt.date.today()).year
    if record.year is None:
        warn("year", "year", "表头没有年度")
    elif not (2000 <= record.year <= year_now + 2):
        warn("year", "year", f"表头年度 {record.year} 不合理")
    return out
