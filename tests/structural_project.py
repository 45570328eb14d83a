"""The structural variant generator for 附件2 《项目支出绩效目标申报表》: other hands' LAYOUTS of the form.

The 附件2 counterpart of :mod:`tests.structural` (附件1), built on its format-neutral :class:`Form`, its
writers (openpyxl / python-docx / HTML for LibreOffice) and its :class:`Chooser`. A
:class:`ProjectStyle` is one drawn arrangement of the paper, combining freely: how 项目属性's boxes are
ticked (☑ ■ √ ✓ ✔, the box replaced by the tick, spaced, none ticked; the options in one cell or two),
资金总额及构成 as the printed grid or typed into one text cell (万元 or 元 or no unit, numbers stored as
numbers or text), each section label (资金总额及构成, 项目立项情况, 项目实施进度计划, 项目绩效目标, 长期绩效指标,
年度绩效指标) merged down the left column, typed once, repeated in every row or typed above its rows,
一级/二级指标 merged, repeated or blank after the first, the head block's pairs stacked (label row then
value row, or a two-column list), no merges, blank columns and spacer rows, a table split in two with
the indicator header repeated, 其他说明的问题 and/or the footer left out, a 填报说明 sheet first, hidden
helper columns, the schema's label aliases, dates as 2020年3月1日 / 2020-03-01 / 2020.3.1 (or a date
cell), numbered or bare schedule steps, and growing schedule and indicator rows.

:func:`build` lays a :class:`~formparse.records_project.ProjectRecord` out in a style; :func:`expected`
is the record the printed form shows (what ``formparse.read`` must return).

Left out on purpose (each a genuine ambiguity or a decision for the schema, not a reader bug; see the
comments where each would be drawn):

* a value exactly equal to one of the form's labels (:data:`layout_projects`, as tests/strategies.py's
  ``_layout_records`` does for 附件1);
* a step numbered “1.” whose content starts with a digit (“1.7”: step 1 “7”, or a step “1.7”?);
* an empty numbered slot “1.” in a page LibreOffice Calc converts: Calc (as Excel) stores it as the number
  1, and whether a bare number in a numbered column is the row's number or a step “1” is a decision
  for the schema's ``numbered`` option, not something the generator should settle.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import sys
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from formparse import contract
from formparse.locate import known_labels
from formparse.records import Indicator
from formparse.records_project import ProjectRecord, Step, project_domain_problems
from formparse.schema import load_schema
from formparse.text import format_money, norm
from tests.structural import (
    ROOT,
    Box,
    Chooser,
    Form,
    HypothesisChooser,
    Num,
    Para,
    Table,
    _insert_col,
    money_cell,
)

SCHEMA = load_schema("project-2020")
KNOWN = known_labels(SCHEMA)
W = 8  # the printed grid's columns, A..H

_FIELDS = {f.key: f for b in SCHEMA.blocks for f in getattr(b, "fields", ())}
KINDS: tuple[str, ...] = _FIELDS["project_kind"].options
FUNDS = [(p.key, p.label) for p in _FIELDS["funds"].pairs]
TICKS = ("☑", "■", "√", "✓", "✔")
SECTIONS = ("资金总额及构成", "项目立项情况", "项目实施进度计划", "项目绩效目标", "长期绩效指标", "年度绩效指标")
NOTES = ("填报说明", "1、本表金额单位为万元。", "2、每个项目填报一张表，请勿改动第二张工作表的表格项目。",
         "3、项目属性请在相应方框内打“√”。", "4、本说明页不需打印。")


def _aliases() -> dict[str, tuple[str, ...]]:
    """label → the aliases the schema lists for it (the first label's, where two fields share one)."""
    out: dict[str, tuple[str, ...]] = {}
    for block in SCHEMA.blocks:
        for f in [*getattr(block, "fields", ()), *getattr(block, "columns", ())]:
            if len(f.labels) > 1:
                out.setdefault(f.label, tuple(f.labels[1:]))
            for p in getattr(f, "pairs", ()):
                if len(p.labels) > 1:
                    out.setdefault(p.label, tuple(p.labels[1:]))
    return out


ALIASES = _aliases()


# -- the style --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProjectStyle:
    """One other hand's arrangement of 附件2. Defaults are the official form (samples/templates)."""

    title: str = "two_lines"    # two_lines (title, then （2020年度）) | one_line (2020年度项目支出绩效目标申报表)
    unit_line: str = "paras"    # 填报单位 and 单位: paras (a line each) | one_para (one line) | cells (a row)
    head: str = "row"           # row (official) | list (label | value, a row each) | below (labels, values beneath)
    #                             | inline (“项目负责人：刘露”, label and value in one cell where the two were)
    kind_inline: bool = False   # the boxes typed in 项目属性's own cell (“项目属性：☑新增项目 □延续项目”)
    kind_mark: str = "☑"        # the tick: ☑ ■ √ ✓ ✔
    kind_way: str = "after"     # after (新增项目□) | before (☑新增项目) | spaced (新增项目 ☑) | replaced (延续项目√)
    kind_cells: int = 1         # the options in one cell, or each in its own cell
    funds: str = "grid"         # grid (official) | list (a pair a row) | text (one cell: 资金总额：300万元 财政拨款：…)
    funds_unit: str = ""        # the amounts' suffix: "" | 万元 | 元 (元: the amount written in 元, text only)
    funds_text: str = "official"  # official (the printed order, 其中 in brackets) | semicolons | lines
    thousands: bool = False     # amounts typed as text with thousands separators (1,280.5)
    sections: tuple[tuple[str, str], ...] = ()  # section label → merge (default) | once | repeat | above
    level1: str = "merge"       # 一级指标 runs: merge | repeat | blank (typed once)
    level2: str = "repeat"      # 二级指标 runs: repeat | merge | blank
    merges: str = "official"    # official | none (a plain grid) | wide (a value over two columns typed in the second)
    blank_cols: tuple[int, ...] = ()  # blank columns inserted before these columns
    spacers: tuple[int, ...] = ()  # blank rows inserted at these of the builder's spacer places
    split: tuple[str, int] | None = None  # the table split before item k of "long"/"annual" (k=0: before its section)
    split_left: str = "blank"   # the second part's section column: blank | repeat | none (no such column)
    other_notes: bool = True    # False: no 其他说明的问题 row
    footer: str = "cells"       # cells | paragraph | none
    date: str = "cn"            # 填报日期: cn (2020年3月1日) | iso (2020-03-01) | dots (2020.3.1) | cell (xlsx date)
    goals: str = "side"         # 长期目标 | 年度目标: side (official) | stacked (label, value, label, value) | list
    step_numbers: str = "、"    # 项目实施内容's numbering: 、 (1、) | . (1.) | () (（1）) | none
    empty_steps: int = 3        # blank numbered rows an empty schedule shows (the blank form's slots)
    notes_sheet: bool = False   # (xlsx) a 填报说明 sheet before the form
    hidden_col: int | None = None  # (xlsx) a hidden helper column inserted before this column
    numbers: str = "text"       # (xlsx) money, codes and phones: text | number | noisy | fixed | formula | mixed
    aliases: tuple[tuple[str, str], ...] = ()  # (label, alias typed instead)

    def placement(self, section: str) -> str:
        return dict(self.sections).get(section, "merge")

    def classes(self) -> list[str]:
        """What this style draws away from the official form (for failure messages)."""
        base = ProjectStyle()
        out = [f"{f}={getattr(self, f)!r}" for f in self.__dataclass_fields__ if getattr(self, f) != getattr(base, f)]
        return out


def draw_style(ch: Chooser, record: ProjectRecord, fmt: str) -> ProjectStyle:
    """A style for ``record`` in format ``fmt`` ("xlsx", "docx", or "html" for LibreOffice).

    The first option of every choice is the official form's, so a Hypothesis failure shrinks to it."""
    head = ch.pick(["row", "list", "below", "inline"] if _inline_ok(record) else ["row", "list", "below"])
    kind_cells = 1 if head in ("below", "inline") else ch.pick([1, 2])
    kind_inline = head in ("row", "list") and kind_cells == 1 and ch.flag()
    funds = ch.pick(["grid", "list", "text"])
    funds_unit = ch.pick(["", "万元", "元"] if funds == "text" else ["", "万元"])
    goals = ch.pick(["side", "stacked", "list"])
    sections = tuple((s, ch.pick(["merge", "once", "repeat", "above"])) for s in SECTIONS)
    split: tuple[str, int] | None = None
    if ch.flag():
        which = ch.pick(["long", "annual"])
        n = len(record.long_term_indicators if which == "long" else record.annual_indicators)
        split = (which, ch.number(0, max(0, n - 1)))
    split_left = ch.pick(["blank", "repeat", "none"])
    aliases = tuple((label, ch.pick(alts)) for label, alts in ALIASES.items() if ch.flag())
    # “1.7”: step 1 “7”, or a step “1.7”? No reader can tell; “1.” numbers only steps not starting with a digit
    numberings = ["、", ".", "()", "none"]
    if any(s.content and norm(s.content)[:1].isdigit() for s in record.schedule):
        numberings.remove(".")
    elif fmt == "html" and (not record.schedule or any(s.content is None for s in record.schedule)):
        # LibreOffice Calc (as Excel) stores a slot holding only “1.” as the number 1: whether a bare number
        # in a numbered column is its row's number or a step “1” is a decision for the schema (see the note
        # at the top), so such slots are not drawn for LibreOffice
        numberings.remove(".")
    style = ProjectStyle(
        title=ch.pick(["two_lines", "one_line"]),
        unit_line=ch.pick(["paras", "one_para", "cells"]),
        head=head, kind_inline=kind_inline, kind_mark=ch.pick(TICKS),
        kind_way=ch.pick(["after", "before", "spaced", "replaced"]), kind_cells=kind_cells, funds=funds,
        funds_unit=funds_unit, funds_text=ch.pick(["official", "semicolons", "lines"]),
        # (LibreOffice Calc turns “1,280.5” into a number, which the generator's own text check would flag)
        thousands=fmt != "html" and ch.flag(), sections=sections,
        level1=ch.pick(["merge", "repeat", "blank"]), level2=ch.pick(["repeat", "merge", "blank"]),
        merges=ch.pick(["official", "none", "wide"]),
        blank_cols=tuple(sorted(ch.number(1, W) for _ in range(ch.number(0, 2)))),
        spacers=tuple(sorted({ch.number(0, 40) for _ in range(ch.number(0, 3))})),
        split=split, split_left=split_left, other_notes=not ch.flag(),
        footer=ch.pick(["cells", "paragraph", "none"]),
        date=ch.pick(["cn", "iso", "dots"]), step_numbers=ch.pick(numberings),
        empty_steps=ch.number(0, 3), goals=goals, aliases=aliases)
    if fmt == "xlsx":
        style = replace(style, notes_sheet=ch.flag(), hidden_col=ch.number(1, W) if ch.flag() else None,
                        numbers=ch.pick(["text", "number", "noisy", "fixed", "formula", "mixed"]),
                        date=ch.pick([style.date, "cell"]))
    return style


@st.composite
def styles(draw, record: ProjectRecord, fmt: str) -> ProjectStyle:
    return draw_style(HypothesisChooser(draw), record, fmt)


# -- laying the record out ---------------------------------------------------------------------------
def kind_texts(kind: str | None, mark: str, way: str, cells: int) -> list[str]:
    """项目属性's boxes as this hand ticks them: one text, or one per option (two cells)."""
    parts = []
    for opt in KINDS:
        box = mark if opt == kind else "□"
        if way == "after":
            parts.append(opt + box)
        elif way == "before":
            parts.append(box + opt)
        elif way == "spaced":
            parts.append(f"{opt} {box}")
        else:  # the boxes retyped away, the tick put after the chosen option
            parts.append(opt + (mark if opt == kind else ""))
    return ["　　".join(parts)] if cells == 1 else parts


def date_text(d: dt.date | None, how: str) -> str:
    if d is None:
        return "    年  月  日"
    if how == "iso":
        return d.isoformat()
    if how == "dots":
        return f"{d.year}.{d.month}.{d.day}"
    return f"{d.year}年{d.month}月{d.day}日"


def _digits_number(text: str | None, numbers: str) -> Num | None:
    """A code or phone a spreadsheet stores as a number (when it is all digits and keeps them so)."""
    if numbers == "text" or text is None or not text.isdigit() or text.startswith("0") or len(text) > 15:
        return None
    return Num(int(text))


class _Builder:
    def __init__(self, record: ProjectRecord, style: ProjectStyle) -> None:
        self.rec = record
        self.s = style
        self.alias = dict(style.aliases)
        self.money_k = 0
        self.spacer_rows: list[int] = []  # rows before which a blank row may go (between blocks, items)

    def L(self, label: str) -> str:  # noqa: N802 - the label as this hand typed it
        return self.alias.get(label, label)

    def put(self, t: Table, r: int, c: int, text: str, *, rs: int = 1, cs: int = 1, role: str = "value",
            num: Num | None = None) -> None:
        """One box, merged as printed, or typed in its first cell on a grid without merges."""
        if self.s.merges == "none":
            rs = cs = 1
        elif self.s.merges == "wide" and rs == 1 and cs == 2 and role in ("value", "money"):
            c, cs = c + 1, 1
        t.boxes.append(Box(r, c, rs, cs, text, role, num))

    def section(self, t: Table, label: str, r0: int, r1: int) -> int:
        """The section label over rows r0..r1 as drawn; returns the first row of the section's own content
        (one further down when the label is typed above its rows)."""
        how = self.s.placement(label)
        label = self.L(label)
        if how == "above":
            t.boxes.append(Box(r0, 0, 1, 1, label, "section"))
            return r0 + 1
        if how == "repeat":
            for r in range(r0, r1 + 1):
                t.boxes.append(Box(r, 0, 1, 1, label, "section"))
        elif how == "once":
            t.boxes.append(Box(r0, 0, 1, 1, label, "section"))
        else:
            self.put(t, r0, 0, label, rs=r1 - r0 + 1, role="section")
        return r0

    def rows_of(self, label: str, n: int) -> int:
        """How many rows a section of n content rows takes."""
        return n + (1 if self.s.placement(label) == "above" else 0)

    def money(self, t: Table, r: int, c0: int, c1: int, value: Decimal | None, key: str) -> None:
        self.money_k += 1
        if value is None:
            self.put(t, r, c0, "", cs=c1 - c0 + 1, role="money")
        elif self.s.funds_unit or self.s.thousands:
            self.put(t, r, c0, f"{self.amount(value)}{self.s.funds_unit}", cs=c1 - c0 + 1)
        else:
            self.put(t, r, c0, format_money(value), cs=c1 - c0 + 1, role="money",
                     num=money_cell(value, self.s.numbers, self.money_k))
        t.boxes[-1].key = key

    def amount(self, value: Decimal) -> str:
        return f"{value:,f}" if self.s.thousands else format_money(value)

    # -- blocks -----------------------------------------------------------------------------------
    def head(self, t: Table, r: int) -> int:
        rec, s = self.rec, self.s
        kind = kind_texts(rec.project_kind, s.kind_mark, s.kind_way, s.kind_cells)
        code = (rec.competent_dept_code or "", _digits_number(rec.competent_dept_code, s.numbers))
        phone = (rec.contact_phone or "", _digits_number(rec.contact_phone, s.numbers))
        # 联系电话's alias (电话) is the footer's too; here it is typed as printed, as on 附件1's generator
        name = self.L
        if s.head == "inline":
            cells = [(0, 0, 7, "项目名称", rec.project_name), (1, 0, 3, "项目属性", kind[0]),
                     (1, 4, 5, "主管部门", rec.competent_dept), (1, 6, 7, "主管部门编码", rec.competent_dept_code),
                     (2, 0, 3, "项目单位", rec.project_unit), (2, 4, 5, "项目负责人", rec.project_leader),
                     (2, 6, 7, "联系电话", rec.contact_phone), (3, 0, 7, "项目起止时间", rec.period)]
            for dr, c0, c1, label, value in cells:
                text = f"{label if label == '联系电话' else name(label)}：{value or ''}"
                self.put(t, r + dr, c0, text, cs=c1 - c0 + 1, role="label")
            return r + 4
        if s.head == "row":
            self.put(t, r, 0, name("项目名称"), role="label")
            self.put(t, r, 1, rec.project_name or "", cs=7)
            self.kind_box(t, r + 1, 3, kind)
            for c, (label, (text, num)) in zip((4, 6), ((name("主管部门"), (rec.competent_dept or "", None)),
                                                        (name("主管部门编码"), code)), strict=True):
                self.put(t, r + 1, c, label, role="label")
                self.put(t, r + 1, c + 1, text, num=num)
            self.put(t, r + 2, 0, name("项目单位"), role="label")
            self.put(t, r + 2, 1, rec.project_unit or "", cs=3)
            for c, (label, (text, num)) in zip((4, 6), ((name("项目负责人"), (rec.project_leader or "", None)),
                                                        ("联系电话", phone)), strict=True):
                self.put(t, r + 2, c, label, role="label")
                self.put(t, r + 2, c + 1, text, num=num)
            self.put(t, r + 3, 0, name("项目起止时间"), role="label")
            self.put(t, r + 3, 1, rec.period or "", cs=7)
            return r + 4
        pairs: list[tuple[str, str | list[str], Num | None]] = [
            (name("项目名称"), rec.project_name or "", None), (name("项目属性"), kind, None),
            (name("主管部门"), rec.competent_dept or "", None), (name("主管部门编码"), *code),
            (name("项目单位"), rec.project_unit or "", None), (name("项目负责人"), rec.project_leader or "", None),
            ("联系电话", *phone), (name("项目起止时间"), rec.period or "", None)]
        if s.head == "list":
            for label, text, num in pairs:
                if isinstance(text, list):
                    self.kind_box(t, r, 7, text)
                    r += 1
                    continue
                self.put(t, r, 0, label, role="label")
                self.put(t, r, 1, text, cs=7, num=num)
                r += 1
            return r
        for k in range(0, len(pairs), 4):  # below: four labels a row, each over two columns, values beneath
            for j, (label, text, num) in enumerate(pairs[k: k + 4]):
                c = 2 * j
                value = text[0] if isinstance(text, list) else text
                self.put(t, r, c, label, cs=2, role="label")
                self.put(t, r + 1, c, value, cs=2, num=num)
            r += 2
        return r

    def kind_box(self, t: Table, r: int, c1: int, texts: list[str]) -> None:
        """项目属性's label in column 0 and its boxes up to column c1: beside it, or inline in its cell."""
        if self.s.kind_inline:
            self.put(t, r, 0, f"{self.L('项目属性')}：{texts[0]}", cs=c1 + 1, role="label")
            return
        self.put(t, r, 0, self.L("项目属性"), role="label")
        self.kind(t, r, 1, c1, texts)

    def kind(self, t: Table, r: int, c0: int, c1: int, texts: list[str]) -> None:
        if len(texts) == 1:
            self.put(t, r, c0, texts[0], cs=c1 - c0 + 1)
            return
        self.put(t, r, c0, texts[0])
        self.put(t, r, c0 + 1, texts[1], cs=c1 - c0)

    def funds_grid(self, t: Table, r: int) -> int:
        f = self.rec.funds
        label = "资金总额及构成"
        top = self.section(t, label, r, r + self.rows_of(label, 2) - 1)
        rows = [[("资金总额", 1, 2, 3), ("财政拨款", 4, 5, 5), ("其中：上级财政资金", 6, 7, 7)],
                [("本级财政资金", 1, 2, 3), ("自有资金", 4, 5, 5), ("其他资金", 6, 7, 7)]]
        keys = dict((lab, key) for key, lab in FUNDS)
        for k, row in enumerate(rows):
            for text, c, v0, v1 in row:
                self.put(t, top + k, c, self.L(text), role="label")
                self.money(t, top + k, v0, v1, getattr(f, keys[text]), f"funds.{keys[text]}")
        return top + 2

    def funds_list(self, t: Table, r: int) -> int:
        """资金总额及构成 over six rows, each pair label in its own row, its amount beside it."""
        label = "资金总额及构成"
        top = self.section(t, label, r, r + self.rows_of(label, len(FUNDS)) - 1)
        for k, (key, pair) in enumerate(FUNDS):
            self.put(t, top + k, 1, self.L(pair), role="label")
            self.money(t, top + k, 2, 7, getattr(self.rec.funds, key), f"funds.{key}")
        return top + len(FUNDS)

    def funds_line(self) -> str:
        """资金总额及构成 typed into one cell, as this hand writes it."""
        f, s = self.rec.funds, self.s

        def v(key: str) -> str:
            value = getattr(f, key)
            if value is None:
                return ""
            if s.funds_unit == "元":
                return f"{self.amount(value * 10000)}元"
            return f"{self.amount(value)}{s.funds_unit}"

        lab = {key: self.L(label) for key, label in FUNDS}
        if s.funds_text == "semicolons":  # only what there is
            parts = [f"{lab[k]}：{v(k)}" for k, _ in FUNDS if getattr(f, k) is not None]
            return "；".join(parts)
        if s.funds_text == "lines":
            return "\n".join(f"{lab[k]}：{v(k)}" for k, _ in FUNDS)
        higher = lab["fiscal_higher"]
        higher = higher if higher.startswith("其中") else "其中：" + higher
        return (f"{lab['total']}：{v('total')}　{lab['fiscal']}：{v('fiscal')}（{higher}：{v('fiscal_higher')}；"
                f"{lab['fiscal_local']}：{v('fiscal_local')}）　{lab['own']}：{v('own')}　{lab['other']}：{v('other')}")

    def text_row(self, t: Table, r: int, label: str, value: str | None) -> int:
        self.put(t, r, 0, self.L(label), role="label")
        self.put(t, r, 1, value or "", cs=7)
        return r + 1

    def approval(self, t: Table, r: int) -> int:
        label = "项目立项情况"
        top = self.section(t, label, r, r + self.rows_of(label, 3) - 1)
        rec = self.rec
        fields = (("项目立项的依据", rec.basis), ("项目申报的可行性", rec.feasibility),
                  ("项目申报的必要性", rec.necessity))
        for k, (field, value) in enumerate(fields):
            self.put(t, top + k, 1, self.L(field), role="label")
            self.put(t, top + k, 2, value or "", cs=6)
        return top + 3

    def step_text(self, i: int, content: str | None) -> str:
        how = self.s.step_numbers
        body = content or ""
        if how == "none":
            return body
        number = {"、": f"{i}、", ".": f"{i}.", "()": f"（{i}）"}[how]
        return number + body

    def schedule(self, t: Table, r: int) -> int:
        steps = self.rec.schedule
        # an empty schedule shows the blank form's numbered slots (unnumbered: one blank row)
        n = len(steps) or (max(1, self.s.empty_steps) if self.s.step_numbers != "none" else 1)
        label = "项目实施进度计划"
        top = self.section(t, label, r, r + self.rows_of(label, n + 1) - 1)
        self.put(t, top, 1, self.L("项目实施内容"), cs=5, role="header")
        self.put(t, top, 6, self.L("开始时间"), role="header")
        self.put(t, top, 7, self.L("完成时间"), role="header")
        for i in range(n):
            step = steps[i] if steps else Step()
            row = top + 1 + i
            self.spacer_rows.append(row)
            self.put(t, row, 1, self.step_text(i + 1, step.content), cs=5)
            self.put(t, row, 6, step.start or "")
            self.put(t, row, 7, step.end or "")
        return top + 1 + n

    def goals(self, t: Table, r: int) -> int:
        label = "项目绩效目标"
        how = self.s.goals
        goals = (("长期目标", self.rec.long_term_goal), ("年度目标", self.rec.annual_goal))
        if how != "side":
            n = 4 if how == "stacked" else 2
            top = self.section(t, label, r, r + self.rows_of(label, n) - 1)
            for k, (name, value) in enumerate(goals):
                if how == "stacked":
                    self.put(t, top + 2 * k, 1, self.L(name), cs=7, role="label")
                    self.put(t, top + 2 * k + 1, 1, value or "", cs=7)
                else:
                    self.put(t, top + k, 1, self.L(name), role="label")
                    self.put(t, top + k, 2, value or "", cs=6)
            return top + n
        top = self.section(t, label, r, r + self.rows_of(label, 2) - 1)
        self.put(t, top, 1, self.L("长期目标"), cs=4, role="label")
        self.put(t, top, 5, self.L("年度目标"), cs=3, role="label")
        self.put(t, top + 1, 1, self.rec.long_term_goal or "", cs=4)
        self.put(t, top + 1, 5, self.rec.annual_goal or "", cs=3)
        return top + 2

    def indicator_header(self, t: Table, r: int) -> None:
        for label, c0, c1 in (("一级指标", 1, 1), ("二级指标", 2, 2), ("指标内容", 3, 4), ("指标值", 5, 6),
                              ("备注", 7, 7)):
            self.put(t, r, c0, self.L(label), cs=c1 - c0 + 1, role="header")

    def indicators(self, t: Table, r: int, label: str, items: list[Indicator], *, header: bool = True,
                   section: str = "label", before: Indicator | None = None) -> int:
        """An indicator section from row r: its label (section="label"), or a continuation's blank or
        repeated first column; the header row; the items (one blank row when there are none)."""
        n = max(1, len(items))
        if section == "label":
            top = self.section(t, label, r, r + self.rows_of(label, n + 1) - 1)
        else:
            top = r
            if section == "repeat":
                self.put(t, r, 0, label, rs=n + 1, role="section")
        self.indicator_header(t, top)
        self.indicator_rows(t, top + 1, items, before)
        for i in range(len(items)):
            self.spacer_rows.append(top + 1 + i)
        return top + 1 + n

    def indicator_rows(self, t: Table, r: int, items: list[Indicator], before: Indicator | None) -> None:
        level1, level2 = self.s.level1, ("repeat" if self.s.level1 == "repeat" else self.s.level2)
        n, i = len(items), 0
        while i < n:  # runs of equal 一级指标
            j = i
            while j + 1 < n and items[j + 1].level1 == items[i].level1 and items[i].level1 is not None:
                j += 1
            self._run(t, r, i, j, items[i].level1, 1, level1)
            k = i
            while k <= j:  # runs of equal 二级指标 within it
                m = k
                while m + 1 <= j and items[m + 1].level2 == items[k].level2 and items[k].level2 is not None:
                    m += 1
                self._run(t, r, k, m, items[k].level2, 2, level2)
                k = m + 1
            i = j + 1
        for i, ind in enumerate(items):
            self.put(t, r + i, 3, ind.content or "", cs=2)
            self.put(t, r + i, 5, ind.value or "", cs=2)
            self.put(t, r + i, 7, ind.remark or "")

    def _run(self, t: Table, r: int, i: int, j: int, text: str | None, col: int, how: str) -> None:
        if text is None:
            return
        if how == "repeat":
            for k in range(i, j + 1):
                t.boxes.append(Box(r + k, col, 1, 1, text))
        elif how == "merge" and self.s.merges != "none":
            t.boxes.append(Box(r + i, col, j - i + 1, 1, text))
        else:
            t.boxes.append(Box(r + i, col, 1, 1, text))

    def footer(self) -> list[Table | Para]:
        rec, how = self.rec, self.s.footer
        if how == "none":
            return []
        date = date_text(rec.filled_date, self.s.date)
        items = [("填报人", rec.filled_by), ("联系电话", rec.filled_by_phone), ("单位负责人", rec.unit_head),
                 ("填报日期", None)]
        if how == "paragraph":
            text = "　　　".join(f"{self.L(label)}：{value or ''}" for label, value in items[:3])
            return [Para(f"{text}　　　{self.L('填报日期')}：{date}")]
        t = Table(1, 8, borders=False, main=False)
        for k, (label, value) in enumerate(items):
            t.boxes.append(Box(0, 2 * k, text=f"{self.L(label)}："))
            if label == "填报日期":
                num = Num(rec.filled_date, "yyyy-mm-dd") if self.s.date == "cell" and rec.filled_date else None
                t.boxes.append(Box(0, 2 * k + 1, text=date, num=num))  # type: ignore[arg-type]
            else:
                t.boxes.append(Box(0, 2 * k + 1, text=value or ""))
        return [Para(""), t]

    # -- the whole form ----------------------------------------------------------------------------
    def build(self) -> Form:
        rec, s = self.rec, self.s
        year = "    " if rec.year is None else str(rec.year)
        if s.title == "one_line":
            title = [Para(("" if rec.year is None else f"{rec.year}年度") + "项目支出绩效目标申报表")]
        else:
            title = [Para("项目支出绩效目标申报表"), Para(f"（{year}年度）")]
        unit = f"{self.L('填报单位（盖章）')}：{rec.unit_name or ''}"
        amount_unit = f"{self.L('单位')}：{rec.amount_unit or ''}"
        parts: list[Table | Para] = [Para("附件2"), *title]
        if s.unit_line == "one_para":
            parts.append(Para(f"{unit}{'　' * 12}{amount_unit}"))
        elif s.unit_line == "cells":
            line = Table(1, W, borders=False, main=False)
            self.put(line, 0, 0, unit, cs=5)
            self.put(line, 0, 5, amount_unit, cs=3)
            parts.append(line)
        else:
            parts += [Para(unit), Para(amount_unit)]
        t = Table(0, W)
        r = self.head(t, 0)
        self.spacer_rows.append(r)
        if s.funds == "grid":
            r = self.funds_grid(t, r)
        elif s.funds == "list":
            r = self.funds_list(t, r)
        else:
            r = self.text_row(t, r, "资金总额及构成", self.funds_line())
        self.spacer_rows.append(r)
        r = self.text_row(t, r, "项目概况", rec.overview)
        self.spacer_rows.append(r)
        r = self.approval(t, r)
        self.spacer_rows.append(r)
        r = self.schedule(t, r)
        self.spacer_rows.append(r)
        r = self.goals(t, r)
        tables = [t]
        for which, label, items in (("long", "长期绩效指标", rec.long_term_indicators),
                                    ("annual", "年度绩效指标", rec.annual_indicators)):
            self.spacer_rows.append(r)
            cut = s.split[1] if s.split is not None and s.split[0] == which else None
            if cut is not None and not 0 < cut < len(items):
                cut = 0 if cut == 0 or not items else None
            if cut is None:
                r = self.indicators(t, r, label, items)
                continue
            if cut > 0:
                self.indicators(t, r, label, items[:cut])
                t.rows = r + self.rows_of(label, cut + 1)
                t = Table(0, W)
                # a second part without the section column only where no section follows in it
                left = "blank" if s.split_left == "none" and which != "annual" else s.split_left
                # the second part's first column: blank, the section label again, or no such column
                r = self.indicators(t, 0, label, items[cut:], section="blank" if left == "none" else left,
                                    before=items[cut - 1])
                if left == "none":
                    t.boxes = [replace(b, c=b.c - 1) for b in t.boxes if b.c > 0]
                    t.cols -= 1
            else:  # the page breaks before this section
                t.rows = r
                t = Table(0, W)
                r = self.indicators(t, 0, label, items)
            tables.append(t)
        if s.other_notes:
            self.spacer_rows.append(r)
            width = t.cols
            self.put(t, r, 0, self.L("其他说明的问题"), role="label")
            self.put(t, r, 1, rec.other_notes or "", cs=width - 1)
            r += 1
        t.rows = r
        # spacer rows, where drawn (between blocks and items), bottom up so earlier places stay put
        places = sorted({self.spacer_rows[k % len(self.spacer_rows)] for k in s.spacers}, reverse=True)
        main_rows = tables[0].rows
        for at in places:
            if at < main_rows or len(tables) == 1:
                _insert_row(tables[0], at)
        for k in sorted(s.blank_cols, reverse=True):
            for table in tables:
                _insert_col(table, k)
        if s.hidden_col is not None:  # (one sheet column: a narrower table right of it has no such column)
            for table in tables:
                if s.hidden_col <= table.cols:
                    _insert_col(table, s.hidden_col, helper=True)
        for i, table in enumerate(tables):
            if i:
                parts.append(Para("", page_break=True))
            parts.append(table)
        footer = self.footer()
        if s.hidden_col is not None:  # a sheet hides the column in every row: the unit line's and the footer's
            for part in [*parts, *footer]:
                if isinstance(part, Table) and not part.main and s.hidden_col < part.cols:
                    _insert_col(part, s.hidden_col, helper=True)
        parts += footer
        return Form(parts, notes_sheet=s.notes_sheet, sheet="附件2", notes=NOTES)


def _insert_row(t: Table, k: int) -> None:
    """A blank row inserted before row k: boxes below move down, merges across it grow (as Excel does)."""
    for b in t.boxes:
        if b.r >= k:
            b.r += 1
        elif b.r + b.rs > k:
            b.rs += 1
    t.rows += 1


def build(record: ProjectRecord, style: ProjectStyle) -> Form:
    return _Builder(record, style).build()


def expected(record: ProjectRecord, style: ProjectStyle) -> ProjectRecord:
    """What the printed form in ``style`` shows of ``record``: the record ``formparse.read`` must return."""
    rec = copy.deepcopy(record)
    if not style.other_notes:
        rec.other_notes = None
    if style.footer == "none":
        rec.filled_by = rec.filled_by_phone = rec.unit_head = None
        rec.filled_date = None
    return rec


# -- records -------------------------------------------------------------------------------------------
def _texts(obj: Any):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, list):
        for x in obj:
            yield from _texts(x)
    elif attrs.has(type(obj)):
        for f in attrs.fields(type(obj)):
            if f.name != "warnings":
                yield from _texts(getattr(obj, f.name))


NOT_VALUES = frozenset(KNOWN)
_LABELLED = [norm(label) + ":" for label in KNOWN]


def _inline_ok(rec: ProjectRecord) -> bool:
    """Whether the head block's values can be typed after their labels in one cell: none holds another
    label and a colon (“刘露 主管部门：…” — where one value ends and the next begins, no reader can tell)."""
    values = (rec.project_name, rec.competent_dept, rec.competent_dept_code, rec.project_unit, rec.project_leader,
              rec.contact_phone, rec.period)
    return not any(v is not None and any(lab in norm(v) for lab in _LABELLED) for v in values)


def fits_layouts(rec: ProjectRecord) -> bool:
    """Whether ``rec`` can be laid out by another hand and read back without a guess: no value is exactly
    one of the form's labels (a second copy of that label: which is the label cannot be told; see
    tests/strategies.py ``_layout_records``)."""
    return not any(norm(t).rstrip(":") in NOT_VALUES for t in _texts(rec))


def _layout_projects():
    from tests.strategies_project import project_records

    return project_records.filter(fits_layouts)


layout_projects = st.deferred(_layout_projects)


def _projects() -> list[dict]:
    sys.path.insert(0, str(ROOT / "scripts"))
    from projects import PROJECTS

    return [{k: v for k, v in p.items() if not k.startswith("_")} for p in PROJECTS]


_EXTRA_STEPS = ["前期调研与方案论证", "组织专家评审", "资金拨付", "中期检查", "项目验收", "绩效自评"]
_EXTRA_INDICATORS = [("产出指标", "数量指标", "培训人次", "≥200人次"),
                     ("产出指标", "时效指标", "完成时限", "2020年底前"),
                     ("效益指标", "经济效益指标", "带动投资", "≥500万元"),
                     ("满意度指标", "社会公众或服务对象满意度指标", "群众满意度", "≥90%")]


def random_project(rng: random.Random) -> ProjectRecord:
    """A realistic record: one of the projects in scripts/projects.py, varied by ``rng`` (blank and
    changed amounts, fewer or more schedule and indicator rows, the kind, the footer, the date)."""
    base = rng.choice(_projects())
    rec = contract.from_dict(copy.deepcopy(base))
    for a in attrs.fields(type(rec.funds)):
        roll = rng.random()
        if roll < 0.2:
            setattr(rec.funds, a.name, None)
        elif roll < 0.45:
            cents = rng.randint(0, 10 ** rng.randint(1, 7))
            setattr(rec.funds, a.name, Decimal(cents).scaleb(-rng.choice([0, 0, 1, 2])))
    rec.project_kind = rng.choice([None, *KINDS, *KINDS])
    roll = rng.random()
    if roll < 0.15:
        rec.schedule = []
    elif roll < 0.4:
        rec.schedule = rec.schedule[: rng.randint(1, len(rec.schedule))]
    elif roll < 0.7:
        for text in rng.sample(_EXTRA_STEPS, rng.randint(1, 4)):
            rec.schedule.append(Step(text, f"2020年{rng.randint(1, 6)}月", f"2020年{rng.randint(7, 12)}月"))
    if rng.random() < 0.15 and rec.schedule:
        rec.schedule[0].start = rec.schedule[0].end = None
    for key in ("long_term_indicators", "annual_indicators"):
        items = getattr(rec, key)
        roll = rng.random()
        if roll < 0.1:
            items[:] = []
        elif roll < 0.35:
            del items[rng.randint(1, len(items)):]
        elif roll < 0.6:  # more rows, kept in their groups
            for l1, l2, content, value in rng.sample(_EXTRA_INDICATORS, rng.randint(1, 3)):
                at = max((i + 1 for i, ind in enumerate(items) if ind.level1 == l1), default=len(items))
                items.insert(at, Indicator(l1, l2, content, value, None))
        if rng.random() < 0.3:
            for ind in items:
                if rng.random() < 0.3:
                    ind.remark = rng.choice(["已完成", "含省级补助", "按季度考核"])
    if rng.random() < 0.3:
        rec.other_notes = None if rec.other_notes else "项目资金按进度拨付。"
    if rng.random() < 0.3:
        rec.filled_date = dt.date(2020, rng.randint(1, 12), rng.randint(1, 28))
    elif rng.random() < 0.2:
        rec.filled_date = None
    if rng.random() < 0.2:
        rec.filled_by = rec.filled_by_phone = rec.unit_head = None
    if rng.random() < 0.15:
        rec.year = None
    if rng.random() < 0.2:
        rec.contact_phone = str(rng.randint(13000000000, 13999999999))
    problems = project_domain_problems(rec, KINDS)
    return rec if not problems and fits_layouts(rec) else contract.from_dict(copy.deepcopy(base))


__all__ = ["ALIASES", "KINDS", "ProjectStyle", "build", "date_text", "draw_style", "expected", "fits_layouts",
           "kind_texts", "layout_projects", "random_project", "styles"]
