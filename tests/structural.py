"""The structural variant generator: other hands' LAYOUTS of the whole 附件1 form, not text drift.

A :class:`Style` is one drawn arrangement of the paper (issue 10, classes 1–10): where group labels
sit, how key/value pairs are stacked, a band over two header rows, merges or none, blank and hidden
columns, section labels repeated, the form split into two tables, sections left out, a 填报说明 sheet,
numbers as spreadsheets store them, label aliases. :func:`build` lays a record out in that style as
a format-neutral :class:`Form` (paragraphs and tables of boxes); :func:`write_xlsx` (openpyxl, with
cached formula values patched into the sheet XML), :func:`write_docx` (python-docx) and
:func:`write_html` (for LibreOffice, :func:`convert`) turn it into real files. :func:`expected` is
the record the printed form shows — what ``formparse.read`` must return.

Styles are drawn through a :class:`Chooser`, so the same code serves Hypothesis (``styles()``: the
first option of every choice is the official form's, so a failure shrinks toward it) and a seeded
``random.Random`` (derandomized LibreOffice batches and scripts/make_other_hands.py).
"""

from __future__ import annotations

import copy
import html
import math
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, TypeVar

from hypothesis import strategies as st
from lxml import etree

from formparse import Record, contract, domain_problems, load_schema
from formparse.locate import all_labels
from formparse.text import format_money

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = load_schema()
T = TypeVar("T")

# label → its aliases, as the schema lists them (class 10)
ALIASES: dict[str, tuple[str, ...]] = {}
for _block in SCHEMA.blocks:
    for _f in [*getattr(_block, "fields", ()), *getattr(_block, "groups", ()), *getattr(_block, "columns", ())]:
        if len(_f.labels) > 1:
            ALIASES.setdefault(_f.label, tuple(_f.labels[1:]))
        for _g in getattr(_f, "fields", ()):
            if len(_g.labels) > 1:
                ALIASES.setdefault(_g.label, tuple(_g.labels[1:]))

INCOME = [("一般公共预算", "general_budget"), ("政府基金", "government_fund"), ("非税收入", "non_tax"),
          ("上级财政补助收入", "higher_subsidy"), ("其他收入", "other"), ("经营服务收入", "business_service"),
          ("上年结转", "carryover"), ("单位自筹", "self_raised"), ("合计", "total")]
INCOME_SPLIT = 5  # 一般公共预算 … 其他收入 / 经营服务收入 … 合计, as the class 3 splits the band
EXPENDITURE = [("基本支出", "basic"), ("项目支出", "project"), ("合计", "total")]
THREE_PUBLIC = [("公务接待费", "reception"), ("公务用车运行和购置费", "vehicles"), ("因公出国（境）费", "overseas"),
                ("合计", "total")]
_GROUP_KEYS = {"年度收入预算": "income", "年度支出预算": "expenditure", "三公经费预算支出": "three_public"}
OFFICIAL_EXP_SPANS = [(1, 1), (2, 2), (3, 3)]
OFFICIAL_TP_SPANS = [(4, 4), (5, 6), (7, 8), (9, 9)]
SIGN_GAP = "        "
NOTES = ["填报说明", "1、本表金额单位为万元，人数单位为人。", "2、请勿改动第二张工作表的表格项目。",
         "3、“三公”经费按预算批复数填列。", "4、本说明页不需打印。"]


# -- choosing ---------------------------------------------------------------------------------------
class Chooser(Protocol):
    def pick(self, options: Sequence[T]) -> T: ...
    def flag(self) -> bool: ...
    def number(self, lo: int, hi: int) -> int: ...


class HypothesisChooser:
    """Choices drawn by Hypothesis (they shrink to the first option, to False, to the low end)."""

    def __init__(self, draw: Any) -> None:
        self.draw = draw

    def pick(self, options: Sequence[T]) -> T:
        return self.draw(st.sampled_from(list(options)))

    def flag(self) -> bool:
        return self.draw(st.booleans())

    def number(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))


class RandomChooser:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, options: Sequence[T]) -> T:
        return self.rng.choice(list(options))

    def flag(self) -> bool:
        return self.rng.random() < 0.5

    def number(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)


# -- the style --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Style:
    """One other hand's arrangement of the form. Defaults are the official form (samples/templates)."""

    group: str = "top"        # 1: top (row above, merged) | left (left column, merged) | left_once | above
    basic: str = "row"        # 2: row (official) | list (编制人数 | 23 rows) | below (labels, values beneath)
    income_split: bool = False  # 3: the income band over two header rows
    merges: str = "official"  # 4: official | none (plain grid) | wide (2-col header, value in the 2nd col)
    blank_cols: tuple[int, ...] = ()  # 4: blank columns inserted before these columns
    repeat_sections: bool = False  # 5: section (and office) labels typed in every row instead of merged
    level1: str = "merge"     # 一级指标 runs: merge | blank (typed once) | repeat (every row)
    level2: str = "repeat"    # 二级指标 runs: repeat | merge | blank
    split: int | None = None  # 6: the indicator table split before this item (a page break)
    split_left: str = "blank"  # the second part's section column: blank (continuation) | repeat | none (no such column)
    split_level1: str = "retype"  # the first row of the second part: retype 一级/二级指标 | blank (carried)
    reviews: bool = True      # 7: False: no 财政部门审核意见 section
    footer: str = "cells"     # 7: cells | inline | paragraph | none (no 填报人 line)
    box_one_cell: bool = False  # each review box one cell, its prompts on separate lines
    goal_numbers: bool = True  # goals typed as “目标1：…” or bare
    notes_sheet: bool = False  # 8 (xlsx): a 填报说明 sheet before the form
    hidden_row: str | None = None  # 8 (xlsx): a hidden row of amounts in 元 "before"/"after" the income values
    hidden_col: int | None = None  # 8 (xlsx): a hidden helper column (元, 校验) inserted before this column
    numbers: str = "text"     # 9 (xlsx): text | number | noisy | fixed | formula | mixed
    aliases: tuple[tuple[str, str], ...] = ()  # 10: (label, alias typed instead)
    ordinals: bool = False    # section labels numbered as a retyped copy's headings (“一、部门基本信息”)
    totals_first: bool = False  # each band's 合计 typed as its first header, not its last
    # the spending band's headers over two rows without a merge (group top/above): this group's headers in the
    # upper row, the other group's in the row under them, every amount in the row after
    stagger: str | None = None  # None | "expenditure" | "three_public"

    @property
    def width(self) -> int:
        return 11 if self.group in ("left", "left_once") and not self.income_split else 10

    def classes(self) -> list[str]:
        """The issue's classes this style draws (for reports and failure messages)."""
        out = []
        if self.group != "top":
            out.append(f"1 group {self.group}")
        if self.basic != "row":
            out.append(f"2 basic {self.basic}")
        if self.income_split:
            out.append("3 band split")
        if self.merges != "official":
            out.append(f"4 merges {self.merges}")
        if self.blank_cols:
            out.append("4 blank cols")
        if self.repeat_sections:
            out.append("5 repeated section labels")
        if self.split is not None:
            bare = ", 2nd table without section column" if self.split_left == "none" else ""
            out.append(f"6 split ({self.split_level1}{bare})")
        if not self.reviews:
            out.append("7 no reviews")
        if self.footer == "none":
            out.append("7 no 填报人")
        if self.notes_sheet:
            out.append("8 notes sheet")
        if self.hidden_row or self.hidden_col is not None:
            out.append("8 hidden helpers")
        if self.numbers not in ("text", "number"):
            out.append(f"9 numbers {self.numbers}")
        if self.aliases:
            out.append("10 aliases")
        if self.ordinals:
            out.append("numbered headings")
        if self.totals_first:
            out.append("totals first")
        if self.stagger:
            out.append(f"headers over two rows ({self.stagger} above)")
        return out


def draw_style(ch: Chooser, record: Record, fmt: str) -> Style:
    """A style for ``record`` in format ``fmt`` ("xlsx", "docx", or "html" for LibreOffice)."""
    group = ch.pick(["top", "left", "left_once", "above"])
    basic = ch.pick(["row", "list", "below"])
    income_split = ch.flag()
    merges = ch.pick(["official", "none", "wide"])
    width = 11 if group in ("left", "left_once") and not income_split else 10
    blank_cols = tuple(sorted(ch.number(1, width) for _ in range(ch.number(0, 2))))
    repeat = ch.flag()
    level1 = ch.pick(["merge", "blank", "repeat"])
    level2 = ch.pick(["repeat", "merge", "blank"])
    split = None
    n = len(record.indicators)
    if n >= 2 and ch.flag():
        split = ch.number(1, n - 1)
    split_left = ch.pick(["blank", "repeat", "none"])
    split_level1 = ch.pick(["retype", "blank"])
    reviews = not ch.flag()
    footer = ch.pick(["cells", "inline", "paragraph", "none"])
    box_one_cell = ch.flag()
    goal_numbers = not ch.flag()
    aliases = []
    for label, alts in ALIASES.items():
        if ch.flag():
            aliases.append((label, ch.pick(alts)))
    style = Style(group=group, basic=basic, income_split=income_split, merges=merges, blank_cols=blank_cols,
                  repeat_sections=repeat, level1=level1, level2=level2, split=split, split_left=split_left,
                  split_level1=split_level1, reviews=reviews, footer=footer, box_one_cell=box_one_cell,
                  goal_numbers=goal_numbers, aliases=tuple(aliases))
    if fmt == "xlsx":
        hidden_row = ch.pick([None, "after", "before"])
        hidden_col = ch.number(1, width) if ch.flag() else None
        style = replace(style, notes_sheet=ch.flag(), hidden_row=hidden_row, hidden_col=hidden_col,
                        numbers=ch.pick(["text", "number", "noisy", "fixed", "formula", "mixed"]))
    style = replace(style, ordinals=ch.flag(), totals_first=ch.flag())
    if group in ("top", "above"):
        style = replace(style, stagger=ch.pick([None, "expenditure", "three_public"]))
    return style


@st.composite
def styles(draw, record: Record, fmt: str) -> Style:
    return draw_style(HypothesisChooser(draw), record, fmt)


# -- the format-neutral form -------------------------------------------------------------------------
@dataclass(frozen=True)
class Num:
    """A spreadsheet number: the stored value, its number format, and the formula it caches (if any)."""

    value: float | int
    fmt: str = "General"
    formula: str | None = None
    refs: tuple[Any, ...] = ()  # a total's formula: the sum of these boxes' cells (addresses known when written)


@dataclass
class Box:
    r: int
    c: int
    rs: int = 1
    cs: int = 1
    text: str = ""
    role: str = "value"  # value | label | section | money | header
    num: Num | None = None
    key: str = ""  # a money box's field ("income.total")


@dataclass
class Table:
    rows: int
    cols: int
    boxes: list[Box] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    borders: bool = True
    main: bool = True  # the form's own grid (blank and hidden columns go in here)


@dataclass
class Para:
    text: str
    page_break: bool = False


@dataclass
class Form:
    parts: list[Table | Para]
    notes_sheet: bool = False
    sheet: str = "附件1"  # the form's sheet (.xlsx) and page title (.html): the form's own name
    notes: Sequence[str] = tuple(NOTES)  # the 填报说明 sheet's lines


def _spread(n: int, start: int, end: int) -> list[tuple[int, int]]:
    """n column ranges (first, last) covering [start, end) as evenly as possible, wider ones first."""
    size, extra = divmod(end - start, n)
    out, c = [], start
    for k in range(n):
        w = size + (1 if k < extra else 0)
        out.append((c, c + w - 1))
        c += w
    return out


def _date(d) -> str:
    return "年   月   日" if d is None else f"{d.year}年{d.month}月{d.day}日"


def _noisy(value: Decimal) -> float:
    """value stored as a float a few units in the last place off (what arithmetic leaves behind), as far
    as 15 significant digits still show the value (Excel's rule; 34.4 → 34.400000000000006)."""
    for ulps in (3, 2, 1):
        x = float(value)
        if x == 0:
            return x
        for _ in range(ulps):
            x = math.nextafter(x, math.inf)
        if _shows_as(x, "General") == value:
            return x
    return float(value)


def _decimals(value: Decimal) -> int:
    exp = value.as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def _shows_as(stored: float, fmt: str) -> Decimal:
    """What Excel shows for ``stored`` under ``fmt`` (General / 0 / 0.00… / #,##0.00…): 15 digits, then the format."""
    d = Decimal(format(stored, ".15g"))
    m = re.search(r"0(?:\.(0+))?$", fmt)
    if fmt == "General" or not m:
        return d
    return d.quantize(Decimal(1).scaleb(-len(m.group(1) or "")))


def money_cell(value: Decimal, kind: str, k: int) -> Num | None:
    """How a spreadsheet holds ``value`` (class 9); None: typed as text. ``k`` varies the choice per cell."""
    if kind == "mixed":
        kind = ["text", "number", "noisy", "fixed", "formula"][k % 5]
    if kind == "text":
        return None
    if kind == "number":
        return Num(int(value) if value == value.to_integral() else float(value))
    if kind == "noisy":
        return Num(_noisy(value))
    if kind == "fixed":
        places = max(2, _decimals(value))
        fmt = ("#,##0." if k % 2 else "0.") + "0" * places
        stored = float(value) * (1 + 1e-13) if value else 0.0  # 1865.4 → 1865.4000000001865 in a 0.00 cell
        return Num(stored, fmt) if _shows_as(stored, fmt) == value else Num(float(value), fmt)
    # a formula with its cached value: value split into two parts, summed in binary as Excel does
    places = _decimals(value)
    part = (value * Decimal("0.3")).quantize(Decimal(1).scaleb(-places)) if places else Decimal(int(value * 3 // 10))
    rest = value - part
    cached = float(part) + float(rest)
    if _shows_as(cached, "General") != value:
        cached = float(value)
    return Num(cached, "General", f"{format_money(part)}+({format_money(rest)})")


# -- laying the record out ---------------------------------------------------------------------------
class _Builder:
    def __init__(self, record: Record, style: Style) -> None:
        self.rec = record
        self.s = style
        self.w = style.width
        self.alias = dict(style.aliases)
        self.numbered: dict[str, str] = {}
        self.money_k = 0

    def L(self, label: str) -> str:  # noqa: N802 - the label as this hand typed it
        return self.alias.get(label, label)

    # one box as the style draws it: merged, or typed once in one of the cells it covers
    def put(self, t: Table, r: int, c: int, text: str, *, rs: int = 1, cs: int = 1, role: str = "value",
            num: Num | None = None) -> None:
        if rs == 1 and cs == 1:
            t.boxes.append(Box(r, c, 1, 1, text, role, num))
        elif self.s.merges == "none":
            t.boxes.append(Box(r, c, 1, 1, text, role, num))
        elif self.s.merges == "wide" and rs == 1 and cs == 2 and role in ("value", "money"):
            t.boxes.append(Box(r, c + 1, 1, 1, text, role, num))
        else:
            t.boxes.append(Box(r, c, rs, cs, text, role, num))

    def section(self, t: Table, label: str, r0: int, r1: int, col: int = 0, *, force_once: bool = False) -> None:
        if self.s.ordinals:  # “一、部门基本信息”, “二、单位职能概述” … in the order the sections are drawn
            numbered = self.numbered.setdefault(label, "一二三四五六七八九十"[len(self.numbered) % 10] + "、")
            label = numbered + label
        if self.s.repeat_sections and not force_once:
            for r in range(r0, r1 + 1):
                t.boxes.append(Box(r, col, 1, 1, label, "section"))
        else:
            self.put(t, r0, col, label, rs=r1 - r0 + 1, role="section")

    def money(self, t: Table, r: int, c0: int, c1: int, value: Decimal | None, key: str) -> None:
        self.money_k += 1
        if value is None:
            self.put(t, r, c0, "", cs=c1 - c0 + 1, role="money")
        else:
            self.put(t, r, c0, format_money(value), cs=c1 - c0 + 1, role="money",
                     num=money_cell(value, self.s.numbers, self.money_k))
        t.boxes[-1].key = key

    def sum_formulas(self, t: Table) -> None:
        """合计 as a formula over its parts, where it is their sum, cached as binary floats add up (class 9)."""
        if self.s.numbers not in ("formula", "mixed"):
            return
        boxes = {b.key: b for b in t.boxes if b.key}
        for group in ("income", "expenditure", "three_public"):
            total = getattr(self.rec, group).total
            parts = [(b, Decimal(b.text)) for k, b in boxes.items() if k.startswith(group + ".")
                     and k != f"{group}.total" and b.text]
            if total is None or not parts or sum(v for _, v in parts) != total:
                continue
            cached = 0.0
            for _, v in parts:
                cached += float(v)
            if _shows_as(cached, "General") == total:
                box = boxes[f"{group}.total"]
                value = int(cached) if cached.is_integer() else cached
                box.num = Num(value, "General", refs=tuple(b for b, _ in parts))

    def count(self, value: int | None) -> tuple[str, Num | None]:
        if value is None:
            return "", None
        return str(value), (Num(value) if self.s.numbers != "text" else None)

    # -- sections ---------------------------------------------------------------------------------
    def basic(self, t: Table, r: int) -> int:
        rec, w = self.rec, self.w
        b = rec.basic_info
        pairs = [("编制人数", *self.count(b.staff_quota)), ("实有人数", *self.count(b.staff_actual)),
                 ("预算绩效管理联系人", b.contact_person or "", None), ("联系电话", b.contact_phone or "", None)]
        # 联系电话's alias (电话) is the 填报人 line's; this one is typed as printed
        alias = {label: self.L(label) for label, _, _ in pairs[:3]} | {"联系电话": "联系电话"}
        if self.s.basic == "row":
            spans = [(1, 2), (3, 4), (5, 6), (7, w - 1)]
            for (label, text, num), (c0, c1) in zip(pairs, spans, strict=True):
                t.boxes.append(Box(r, c0, 1, 1, alias[label], "label"))
                self.put(t, r, c0 + 1, text, cs=c1 - c0, num=num)
            r += 1
        elif self.s.basic == "list":
            for label, text, num in pairs:
                t.boxes.append(Box(r, 1, 1, 1, alias[label], "label"))
                self.put(t, r, 2, text, cs=w - 2, num=num)
                r += 1
        else:
            for (label, text, num), (c0, c1) in zip(pairs, _spread(4, 1, w), strict=True):
                self.put(t, r, c0, alias[label], cs=c1 - c0 + 1, role="label")
                self.put(t, r + 1, c0, text, cs=c1 - c0 + 1, num=num)
            r += 2
        t.boxes.append(Box(r, 1, 1, 1, self.L("单位职能概述"), "label"))
        self.put(t, r, 2, rec.functions or "", cs=w - 2)
        return r + 1

    def ordered(self, items: list) -> list:
        """A band's headers in the order this hand types them: 合计 last (official) or first."""
        return [items[-1], *items[:-1]] if self.s.totals_first else items

    def band(self, t: Table, r: int,
             groups: list[tuple[str, list[tuple[str, Decimal | None, str]], list[tuple[int, int]]]]) -> int:
        """Groups side by side (top/above) or one under another (left): label, header row(s), value row(s).

        Each group is (label, [(header, value)], column spans per header row...)."""
        g = self.s.group
        if g in ("top", "above"):
            for label, items, spans in groups:
                c0, c1 = spans[0][0], spans[min(len(spans), len(items)) - 1][1]
                if g == "top":
                    self.put(t, r, c0, self.L(label), cs=c1 - c0 + 1, role="label")
                else:
                    t.boxes.append(Box(r, c0, 1, 1, self.L(label), "label"))
            r += 1
            upper = self.s.stagger if len(groups) > 1 else None
            for label, items, spans in groups:
                # staggered: the upper group's headers in row r, the other's in r + 1, all amounts in r + 2
                at = r if upper is None or _GROUP_KEYS.get(label) == upper else r + 1
                for (head, value, key), (c0, c1) in zip(items, spans, strict=True):
                    self.put(t, at, c0, self.L(head), cs=c1 - c0 + 1, role="header")
                    self.money(t, r + (1 if upper is None else 2), c0, c1, value, key)
            return r + (2 if upper is None else 3)
        for label, items, spans in groups:
            if g == "left":
                self.put(t, r, 1, self.L(label), rs=2, role="label")
            else:
                t.boxes.append(Box(r, 1, 1, 1, self.L(label), "label"))
            for (head, value, key), (c0, c1) in zip(items, spans, strict=True):
                self.put(t, r, c0, self.L(head), cs=c1 - c0 + 1, role="header")
                self.money(t, r + 1, c0, c1, value, key)
            r += 2
        return r

    def income(self, t: Table, r: int) -> tuple[int, list[int]]:
        """The income band; returns the next row and the rows holding its values."""
        inc = self.rec.income
        items = self.ordered([(label, getattr(inc, key), f"income.{key}") for label, key in INCOME])
        start = 2 if self.s.group in ("left", "left_once") else 1
        top = 1 if self.s.group in ("top", "above") else 0
        if not self.s.income_split:
            spans = [(c, c) for c in range(start, start + 9)]
            end = self.band(t, r, [("年度收入预算", items, spans)])
            return end, [end - 1]
        first, second = items[:INCOME_SPLIT], items[INCOME_SPLIT:]
        spans1, spans2 = _spread(len(first), start, self.w), _spread(len(second), start, self.w)
        g = self.s.group
        if g in ("left", "left_once"):
            if g == "left":
                self.put(t, r, 1, self.L("年度收入预算"), rs=4, role="label")
            else:
                t.boxes.append(Box(r, 1, 1, 1, self.L("年度收入预算"), "label"))
        elif g == "top":
            self.put(t, r, start, self.L("年度收入预算"), cs=self.w - start, role="label")
        else:
            t.boxes.append(Box(r, start, 1, 1, self.L("年度收入预算"), "label"))
        r += top
        for part, spans in ((first, spans1), (second, spans2)):
            for (head, value, key), (c0, c1) in zip(part, spans, strict=True):
                self.put(t, r, c0, self.L(head), cs=c1 - c0 + 1, role="header")
                self.money(t, r + 1, c0, c1, value, key)
            r += 2
        return r, [r - 3, r - 1]

    def spending(self, t: Table, r: int) -> int:
        rec = self.rec
        exp = self.ordered([(label, getattr(rec.expenditure, key), f"expenditure.{key}")
                            for label, key in EXPENDITURE])
        tp = self.ordered([(label, getattr(rec.three_public, key), f"three_public.{key}")
                           for label, key in THREE_PUBLIC])
        if self.s.group in ("top", "above"):
            return self.band(t, r, [("年度支出预算", exp, OFFICIAL_EXP_SPANS),
                                    ("三公经费预算支出", tp, OFFICIAL_TP_SPANS)])
        return self.band(t, r, [("年度支出预算", exp, _spread(3, 2, self.w)),
                                ("三公经费预算支出", tp, _spread(4, 2, self.w))])

    def goals(self, t: Table, r: int) -> int:
        rec, w = self.rec, self.w
        goals = rec.goals or [""]
        self.section(t, "部门整体支出绩效目标", r, r + len(goals))
        self.put(t, r, 1, rec.goals_intro or "", cs=w - 1)
        for i, goal in enumerate(goals, 1):
            text = f"目标{i}：{goal}" if self.s.goal_numbers and rec.goals else goal
            self.put(t, r + i, 1, text, cs=w - 1)
        return r + len(goals) + 1

    def indicator_header(self, t: Table, r: int) -> None:
        w = self.w
        for label, c0, c1 in (("一级指标", 1, 1), ("二级指标", 2, 2), ("指标内容", 3, w - 4), ("指标值", w - 3, w - 2),
                              ("备注", w - 1, w - 1)):
            self.put(t, r, c0, self.L(label), cs=c1 - c0 + 1, role="header")

    def indicator_rows(self, t: Table, r: int, items: list, before: Any = None) -> None:
        """Rows of indicators from row r; ``before``: the indicator just before a table break, if any."""
        w = self.w
        level1, level2 = self.s.level1, ("repeat" if self.s.level1 == "repeat" else self.s.level2)
        n = len(items)
        i = 0
        while i < n:  # runs of equal 一级指标
            j = i
            while j + 1 < n and items[j + 1].level1 == items[i].level1 and items[i].level1 is not None:
                j += 1
            cont = (before is not None and i == 0 and self.s.split_level1 == "blank" and level1 != "repeat"
                    and before.level1 == items[0].level1)
            self._run(t, r, i, j, items[i].level1, 1, level1, cont)
            k = i
            while k <= j:  # runs of equal 二级指标 within it
                m = k
                while m + 1 <= j and items[m + 1].level2 == items[k].level2 and items[k].level2 is not None:
                    m += 1
                carried2 = cont and k == i and before.level2 == items[0].level2
                self._run(t, r, k, m, items[k].level2, 2, level2, carried2)
                k = m + 1
            i = j + 1
        for i, ind in enumerate(items):
            self.put(t, r + i, 3, ind.content or "", cs=w - 6)
            self.put(t, r + i, w - 3, ind.value or "", cs=2)
            t.boxes.append(Box(r + i, w - 1, 1, 1, ind.remark or ""))

    def _run(self, t: Table, r: int, i: int, j: int, text: str | None, col: int, how: str, blank_first: bool) -> None:
        if text is None:
            return
        if how == "repeat":
            for k in range(i, j + 1):
                t.boxes.append(Box(r + k, col, 1, 1, text))
        elif how == "merge" and self.s.merges != "none":
            t.boxes.append(Box(r + i, col, j - i + 1, 1, "" if blank_first else text))
        elif not blank_first:
            t.boxes.append(Box(r + i, col, 1, 1, text))

    def reviews(self, t: Table, r: int) -> int:
        w = t.cols
        per = 1 if self.s.box_one_cell else 3
        revs = self.rec.reviews
        self.section(t, "财政部门审核意见", r, r + per * len(revs) - 1)
        for rv in revs:
            sign = f" 审核人：{rv.reviewer or ''}{SIGN_GAP}科室负责人签字：{rv.head or ''}{SIGN_GAP}{_date(rv.date)}"
            office = rv.office + "审核意见"
            if self.s.repeat_sections:
                for k in range(per):
                    t.boxes.append(Box(r + k, 1, 1, 1, office, "label"))
            else:
                self.put(t, r, 1, office, rs=per, role="label")
            if per == 1:
                self.put(t, r, 2, f"审核意见：\n{rv.opinion or ''}\n{sign}", cs=w - 2)
            else:
                self.put(t, r, 2, "审核意见：", cs=w - 2)
                self.put(t, r + 1, 2, rv.opinion or "", cs=w - 2)
                self.put(t, r + 2, 2, sign, cs=w - 2)
            r += per
        return r

    # -- the whole form ----------------------------------------------------------------------------
    def build(self) -> Form:
        rec, s = self.rec, self.s
        title = f"{rec.year if rec.year is not None else '    '}年部门整体支出绩效目标申报表"
        parts: list[Table | Para] = [Para("附件1"), Para(title),
                                     Para(f"{self.L('填报单位（盖章）')}：{rec.unit_name or ''}"),
                                     Para(f"{self.L('单位')}：{rec.amount_unit or ''}")]
        t = Table(0, self.w)
        r = self.basic(t, 0)
        r, income_rows = self.income(t, r)
        r = self.spending(t, r)
        self.sum_formulas(t)
        self.section(t, "部门基本信息", 0, r - 1)
        r = self.goals(t, r)
        items = rec.indicators
        cut = s.split if s.split is not None and 0 < s.split < len(items) else None
        first = items if cut is None else items[:cut]
        nrows = max(1, len(first))
        self.section(t, "部门整体支出绩效指标", r, r + nrows)
        self.indicator_header(t, r)
        self.indicator_rows(t, r + 1, first)
        r += nrows + 1
        tables = [t]
        if cut is not None:
            t.rows = r
            t = Table(0, self.w)
            rest = items[cut:]
            if s.split_left == "repeat" or s.repeat_sections:
                self.section(t, "部门整体支出绩效指标", 0, len(rest))
            self.indicator_header(t, 0)
            self.indicator_rows(t, 1, rest, items[cut - 1])
            r = len(rest) + 1
            if s.split_left == "none":  # the second page's table retyped with the indicator columns only
                t.boxes = [replace(b, c=b.c - 1) for b in t.boxes if b.c > 0]
                t.cols -= 1
            tables.append(t)
        if s.reviews and rec.reviews:
            r = self.reviews(t, r)
        t.rows = r
        if s.hidden_row is not None:
            self.hide_row(tables[0], income_rows[0] + (0 if s.hidden_row == "before" else 1), income_rows[0])
        for k in sorted(s.blank_cols, reverse=True):
            for table in tables:
                _insert_col(table, k)
        if s.hidden_col is not None:
            for table in tables:
                _insert_col(table, s.hidden_col, helper=True)
        for i, table in enumerate(tables):
            if i:
                parts.append(Para("", page_break=True))
            parts.append(table)
        footer = self.footer()
        if s.hidden_col is not None:  # a sheet hides a column in every table on it, the footer's too
            for part in footer:
                if isinstance(part, Table) and s.hidden_col < part.cols:  # (right of a narrow footer: no cell)
                    _insert_col(part, s.hidden_col, helper=True)
        parts += footer
        return Form(parts, notes_sheet=s.notes_sheet)

    def hide_row(self, t: Table, at: int, values_row: int) -> None:
        """A hidden helper row at ``at``: the income amounts in 元 (class 8), not part of the printed form."""
        helpers = [Box(at, b.c, 1, 1, "", "helper",
                       Num(int(Decimal(b.text) * 10000) if Decimal(b.text) * 10000 == int(Decimal(b.text) * 10000)
                           else float(Decimal(b.text) * 10000)))
                   for b in t.boxes if b.r == values_row and b.role == "money" and b.text]
        for b in t.boxes:
            if b.r >= at:
                b.r += 1
            elif b.r + b.rs > at:
                b.rs += 1
        t.boxes += helpers
        t.rows += 1
        t.hidden_rows.add(at)

    def footer(self) -> list[Table | Para]:
        rec, how = self.rec, self.s.footer
        phone = self.L("联系电话")
        if how == "none":
            return []
        if how == "paragraph":
            return [Para(f"填报人：{rec.filled_by or ''}　　　　{phone}：{rec.filled_by_phone or ''}")]
        t = Table(1, 4, borders=False, main=False)
        if how == "cells":
            for c, text in enumerate(["填报人：", rec.filled_by or "", f"{phone}：", rec.filled_by_phone or ""]):
                t.boxes.append(Box(0, c, text=text))
        else:
            t.cols = 2
            t.boxes += [Box(0, 0, text=f"填报人：{rec.filled_by or ''}"),
                        Box(0, 1, text=f"{phone}：{rec.filled_by_phone or ''}")]
        return [Para(""), t]


def _insert_col(t: Table, k: int, helper: bool = False) -> None:
    """A column inserted before column k: boxes right of it move, merges across it widen (as Excel does)."""
    k = min(k, t.cols)
    left_of = {}
    for b in t.boxes:
        if b.c >= k:
            b.c += 1
        elif b.c + b.cs > k:
            b.cs += 1
        elif b.c + b.cs == k:
            left_of[b.r] = b
    t.cols += 1
    if helper:
        t.hidden_cols.add(k)
        for r, b in left_of.items():
            if b.role == "money" and b.text:
                amount = Decimal(b.text) * 10000
                t.boxes.append(Box(r, k, text="", role="helper",
                                   num=Num(int(amount) if amount == int(amount) else float(amount))))
            elif b.role == "header":
                t.boxes.append(Box(r, k, text="（元）", role="helper"))
        if not any(b.r == 0 and b.c <= k < b.c + b.cs for b in t.boxes):
            t.boxes.append(Box(0, k, text="校验", role="helper"))


def build(record: Record, style: Style) -> Form:
    return _Builder(record, style).build()


def expected(record: Record, style: Style) -> Record:
    """What the printed form in ``style`` shows of ``record``: the record ``formparse.read`` must return."""
    rec = copy.deepcopy(record)
    if not style.reviews:
        rec.reviews = []
    if style.footer == "none":
        rec.filled_by = rec.filled_by_phone = None
    return rec


# -- writing real files ------------------------------------------------------------------------------
def _cells(t: Table) -> list[Box]:
    return sorted(t.boxes, key=lambda b: (b.r, b.c))


def write_xlsx(form: Form, path: Path) -> Path:
    """The form as Excel writes it: openpyxl, then the formulas' cached values put into the sheet XML."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    wb = Workbook()
    ws = wb.active
    if form.notes_sheet:
        ws.title = "填报说明"
        for i, line in enumerate(form.notes, 1):
            ws.cell(row=i, column=1, value=line)
        ws = wb.create_sheet(form.sheet)
    else:
        ws.title = form.sheet
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    cached: dict[str, float | int] = {}
    row = 1
    for part in form.parts:
        if isinstance(part, Para):
            if part.page_break:
                ws.row_breaks.append(Break(id=row - 1))
            if part.text:
                ws.cell(row=row, column=1, value=part.text)
            row += 1
            continue
        for b in _cells(part):
            cell = ws.cell(row=row + b.r, column=1 + b.c)
            if b.num is not None:
                if b.num.refs:
                    cell.value = "=" + "+".join(f"{get_column_letter(1 + p.c)}{row + p.r}" for p in b.num.refs)
                    cached[cell.coordinate] = b.num.value
                elif b.num.formula is not None:
                    cell.value = "=" + b.num.formula
                    cached[cell.coordinate] = b.num.value
                else:
                    cell.value = b.num.value
                cell.number_format = b.num.fmt
            elif b.text:
                cell.value = b.text
            if part.borders:
                cell.border = border
                cell.alignment = wrap
            if b.rs > 1 or b.cs > 1:
                ws.merge_cells(start_row=row + b.r, start_column=1 + b.c, end_row=row + b.r + b.rs - 1,
                               end_column=1 + b.c + b.cs - 1)
        for r in part.hidden_rows:
            ws.row_dimensions[row + r].hidden = True
        for c in part.hidden_cols:
            ws.column_dimensions[get_column_letter(1 + c)].hidden = True
        row += part.rows
    for c in range(1, 13):
        if not ws.column_dimensions[get_column_letter(c)].hidden:
            ws.column_dimensions[get_column_letter(c)].width = 11
    wb.save(path)
    if cached:
        _put_cached_values(path, len(wb.worksheets), cached)
    return path


def _put_cached_values(path: Path, sheets: int, cached: dict[str, float | int]) -> None:
    """openpyxl writes formulas without a cached value; Excel always saves one: write the <v> ourselves."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    part = f"xl/worksheets/sheet{sheets}.xml"
    with zipfile.ZipFile(path) as zf:
        items = [(info, zf.read(info.filename)) for info in zf.infolist()]
    out = []
    for info, data in items:
        if info.filename == part:
            root = etree.fromstring(data)
            for c in root.iter(f"{{{ns}}}c"):
                value = cached.get(c.get("r", ""))
                if value is not None:
                    for v in c.findall(f"{{{ns}}}v"):
                        c.remove(v)
                    integral = isinstance(value, int) or value.is_integer()
                    etree.SubElement(c, f"{{{ns}}}v").text = str(int(value)) if integral else repr(value)
            data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        out.append((info, data))
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in out:
            zf.writestr(info, data)
    tmp.replace(path)


def write_docx(form: Form, path: Path) -> Path:
    """The form as Word users type it: python-docx tables (split tables with a paragraph between)."""
    from docx import Document
    from docx.enum.text import WD_BREAK

    doc = Document()
    for part in form.parts:
        if isinstance(part, Para):
            p = doc.add_paragraph()
            if part.text:
                p.add_run(part.text)
            if part.page_break:
                p.add_run().add_break(WD_BREAK.PAGE)
            continue
        table = doc.add_table(rows=part.rows, cols=part.cols)
        if part.borders:
            table.style = doc.styles["Table Grid"]
        rows = [list(tr.cells) for tr in table.rows]
        for b in _cells(part):
            if b.rs > 1 or b.cs > 1:
                rows[b.r][b.c].merge(rows[b.r + b.rs - 1][b.c + b.cs - 1])
        rows = [list(tr.cells) for tr in table.rows]
        for b in _cells(part):
            if b.text:
                rows[b.r][b.c].text = b.text
    doc.save(str(path))
    return path


def _html_text(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def write_html(form: Form, path: Path) -> Path:
    """The form as a web page (for LibreOffice to turn into .docx/.xlsx/.doc/.xls, as WPS-like tools do)."""
    out = [f'<html><head><meta charset="utf-8"><title>{html.escape(form.sheet)}</title></head><body>']
    for part in form.parts:
        if isinstance(part, Para):
            out.append(f"<p>{_html_text(part.text)}</p>")
            continue
        covered: set[tuple[int, int]] = set()
        at = {(b.r, b.c): b for b in part.boxes}
        out.append('<table border="1" cellspacing="0">' if part.borders else "<table>")
        for r in range(part.rows):
            out.append("<tr>")
            for c in range(part.cols):
                if (r, c) in covered:
                    continue
                b = at.get((r, c))
                if b is None:
                    out.append("<td></td>")
                    continue
                span = (f' rowspan="{b.rs}"' if b.rs > 1 else "") + (f' colspan="{b.cs}"' if b.cs > 1 else "")
                covered.update((r + i, c + j) for i in range(b.rs) for j in range(b.cs))
                out.append(f"<td{span}>{_html_text(b.text)}</td>")
            out.append("</tr>")
        out.append("</table>")
    out.append("</body></html>")
    path.write_text("".join(out), encoding="utf-8")
    return path


CONVERSIONS = {
    "docx": ("HTML (StarWriter)", "docx:MS Word 2007 XML"),
    "xlsx": ("HTML (StarCalc)", "xlsx:Calc MS Excel 2007 XML"),
    "doc": ("HTML (StarWriter)", "doc:MS Word 97"),
    "xls": ("HTML (StarCalc)", "xls:MS Excel 97"),
}


def convert(pages: list[Path], fmt: str, outdir: Path) -> list[Path]:
    """One LibreOffice call turning every page into ``fmt``; returns the files in the order given."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise RuntimeError("needs LibreOffice (soffice) on PATH")
    infilter, target = CONVERSIONS[fmt]
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-gen-") as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", f"--infilter={infilter}",
                        "--convert-to", target, "--outdir", str(outdir), *map(str, pages)],
                       check=True, capture_output=True, timeout=1200)
    out = [outdir / f"{p.stem}.{fmt}" for p in pages]
    missing = [p.name for p in out if not p.is_file()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {missing}")
    return out


# -- records from realistic departments (for seeded batches and the fixed corpus) ---------------------
def _departments() -> list[dict]:
    sys.path.insert(0, str(ROOT / "scripts"))
    from departments import OTHERS, SEED

    return [{k: v for k, v in d.items() if not k.startswith("_")} for d in (SEED, *OTHERS)]


LABELS = tuple(dict.fromkeys(all_labels(SCHEMA)))


def random_record(rng: random.Random) -> Record:
    """A realistic record: one of the departments in scripts/departments.py, varied by ``rng``."""
    base = rng.choice(_departments())
    rec = contract.from_dict(copy.deepcopy(base))
    for group in (rec.income, rec.expenditure, rec.three_public):
        for name in type(group).__attrs_attrs__:
            roll = rng.random()
            if roll < 0.15:
                setattr(group, name.name, None)
            elif roll < 0.45:
                cents = rng.randint(0, 10**rng.randint(2, 9))
                setattr(group, name.name, Decimal(cents).scaleb(-rng.choice([0, 1, 2, 2, 4])))
    if rng.random() < 0.3:
        rec.goals = rec.goals[: rng.randint(0, len(rec.goals))]
    if rng.random() < 0.4 and rec.indicators:
        keep = rng.randint(1, len(rec.indicators))
        rec.indicators = rec.indicators[:keep]
    if rng.random() < 0.3:
        for ind in rec.indicators:
            if rng.random() < 0.3:
                ind.remark = rng.choice(["已完成", "含专项资金", "按季度考核"])
    if rng.random() < 0.3:
        rec.reviews[0].opinion, rec.reviews[0].reviewer = "同意。", "李明"
    if rng.random() < 0.2:
        rec.basic_info.contact_phone = "0739-" + str(rng.randint(5000000, 5999999))
    if rng.random() < 0.5:  # totals that are their parts' sum (a spreadsheet's SUM formula)
        for group in (rec.income, rec.expenditure, rec.three_public):
            parts = [getattr(group, a.name) for a in type(group).__attrs_attrs__ if a.name != "total"]
            if any(p is not None for p in parts):
                group.total = sum((p for p in parts if p is not None), Decimal(0))
    if rng.random() < 0.15:
        rec.functions = None
    if rng.random() < 0.1:
        rec.goals_intro = None
    problems = domain_problems(rec, ("归口业务科室", "绩效管理科室"), LABELS)
    return rec if not problems else contract.from_dict(copy.deepcopy(base))


def dumps_expected(record: Record) -> str:
    return contract.dumps(record) + "\n"


__all__ = ["Box", "Chooser", "Form", "HypothesisChooser", "Num", "Para", "RandomChooser", "Style", "Table", "build",
           "convert", "draw_style", "dumps_expected", "expected", "missing_texts", "money_cell", "random_record",
           "styles", "write_docx", "write_html", "write_xlsx"]


# -- checking a written file shows what the form says ----------------------------------------------------
def _file_texts(path: Path) -> list[str]:
    """Every non-empty cell and paragraph of a .xlsx/.docx, as python-docx / openpyxl see it (an independent
    reader, so a converter that changed a value is caught before its file becomes a fixture)."""
    out: list[str] = []
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        for ws in load_workbook(path, data_only=True).worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is None or cell.value == "":
                        continue
                    v = cell.value
                    if isinstance(v, float | int) and not isinstance(v, bool):
                        fmt = cell.number_format if re.search(r"0(\.0+)?$", cell.number_format) else "General"
                        v = format_money(_shows_as(float(v), fmt))
                    out.append(str(v))
    else:
        from docx import Document

        doc = Document(str(path))
        out += [p.text for p in doc.paragraphs if p.text]
        for table in doc.tables:
            out += [cell.text for row in table.rows for cell in row.cells if cell.text]
    return out


def missing_texts(form: Form, path: Path) -> list[str]:
    """The form's texts (values and labels) the written file does not show (white space folded); [] if none."""
    def fold(s: str) -> str:
        s = "".join(s.replace("\xa0", " ").split())
        try:
            return format_money(Decimal(s).normalize()) if re.fullmatch(r"-?[0-9.]+(E[+-]?[0-9]+)?", s) else s
        except ArithmeticError:
            return s

    have = {fold(t) for t in _file_texts(path)}
    want = [b.text for p in form.parts if isinstance(p, Table) for b in p.boxes if b.text and b.role != "helper"]
    want += [p.text for p in form.parts if isinstance(p, Para) and p.text]
    return [t for t in want if fold(t) not in have]
