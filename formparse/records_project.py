"""The record of one 附件2 《项目支出绩效目标申报表》 (one budget project), and its valid domain.

As with 附件1 (:mod:`formparse.records`), the classes are mutable ``attrs.define`` classes whose
fields default to blank (None); money is :class:`~decimal.Decimal` in the form's unit (万元), dates
are :class:`datetime.date`. The nesting mirrors the contract JSON (project-2020.schema.json), so one
generic cattrs structure/unstructure gives the contract's object (see :mod:`formparse.contract`).

The valid domain (what :func:`project_domain_problems` checks):

* text, money, year and indicators as for 附件1 (:func:`formparse.records.domain_problems`);
* ``project_kind``: None or one of the printed options (新增项目, 延续项目);
* a schedule step has at least one of content, start, end, and its content does not begin with the
  form's step numbering (“1、”), because the reader takes that numbering off;
* ``competent_dept_code`` and the phones are text as written (digits are never turned into a number);
* a value written after its label in one line (unit_name, amount_unit and the footer's filled_by,
  filled_by_phone, unit_head) has no colon and no line break;
* the footer's ``filled_date`` is a date or None;
* no text begins with one of the form's labels followed by a colon (when the labels are given).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from . import _startcache
from ._startcache import lazy_re
from .records import INDICATOR_HEADER, Indicator, _money_problem, _text_problem
from .text import norm

_startcache.install()  # attrs' generated methods of the classes below: from the cache

Money = Decimal | None

PROJECT_KINDS = ("新增项目", "延续项目")
# How the blank form numbers the rows of 项目实施进度计划 (“1、”, “2.”, “（3）”): the reader takes it off.
STEP_NUMBER = lazy_re(r"^\s*(?:[(（]\s*[0-9０-９]+\s*[)）]|[0-9０-９]+\s*[、.．](?![0-9０-９]))")


@attrs.define
class Funds:
    """资金总额及构成 (万元)."""

    total: Money = None  # 资金总额
    fiscal: Money = None  # 财政拨款
    fiscal_higher: Money = None  # 其中：上级财政资金
    fiscal_local: Money = None  # 本级财政资金
    own: Money = None  # 自有资金
    other: Money = None  # 其他资金


@attrs.define
class Step:
    """One row of 项目实施进度计划; the times are text as written (“2020年3月”)."""

    content: str | None = None  # 项目实施内容
    start: str | None = None  # 开始时间
    end: str | None = None  # 完成时间


@attrs.define
class ProjectRecord:
    """One 附件2 《项目支出绩效目标申报表》."""

    # The id of the layout schema; the contract JSON names it first ("schema": "project-2020").
    schema_id: ClassVar[str] = "project-2020"

    year: int | None = None  # （2020年度）
    unit_name: str | None = None  # 填报单位（盖章）
    amount_unit: str | None = None  # 单位：
    project_name: str | None = None  # 项目名称
    project_kind: str | None = None  # 项目属性: the ticked box
    competent_dept: str | None = None  # 主管部门
    competent_dept_code: str | None = None  # 主管部门编码, as written
    project_unit: str | None = None  # 项目单位
    project_leader: str | None = None  # 项目负责人
    contact_phone: str | None = None  # 联系电话, as written
    period: str | None = None  # 项目起止时间, as written
    funds: Funds = attrs.Factory(Funds)  # 资金总额及构成
    overview: str | None = None  # 项目概况
    basis: str | None = None  # 项目立项的依据
    feasibility: str | None = None  # 项目申报的可行性
    necessity: str | None = None  # 项目申报的必要性
    schedule: list[Step] = attrs.Factory(list)  # 项目实施进度计划
    long_term_goal: str | None = None  # 项目绩效目标 — 长期目标
    annual_goal: str | None = None  # 项目绩效目标 — 年度目标
    long_term_indicators: list[Indicator] = attrs.Factory(list)  # 长期绩效指标
    annual_indicators: list[Indicator] = attrs.Factory(list)  # 年度绩效指标
    other_notes: str | None = None  # 其他说明的问题
    filled_by: str | None = None  # 填报人
    filled_by_phone: str | None = None  # 联系电话 after 填报人
    unit_head: str | None = None  # 单位负责人
    filled_date: dt.date | None = None  # 填报日期
    # What read() found worth a look; not part of the record's value or its JSON.
    warnings: list[Any] = attrs.field(factory=list, eq=False, repr=False)
    # Where each value stood in the file read (formparse.provenance.Provenance); not part of the value or JSON.
    provenance: Any = attrs.field(default=None, eq=False, repr=False)

    def source(self, path: str) -> Any:
        """Where the value at ``path`` stood (``rec.source("income.total")``): a formparse.provenance.Source
        with file, position, sheet, address and the text shown there. KeyError for a value not read."""
        from .provenance import source

        return source(self, path)


TEXT_FIELDS = ("unit_name", "amount_unit", "project_name", "competent_dept", "competent_dept_code",
               "project_unit", "project_leader", "contact_phone", "period", "overview", "basis", "feasibility",
               "necessity", "long_term_goal", "annual_goal", "other_notes", "filled_by", "filled_by_phone",
               "unit_head")
ONE_LINE_FIELDS = ("unit_name", "amount_unit", "filled_by", "filled_by_phone", "unit_head")


def _indicator_problems(where: str, indicators: list[Indicator]) -> list[str | None]:
    out: list[str | None] = []
    seen_level1 = False
    run: tuple[str | None, bool] = (None, False)  # (level1 of the current run, a level2 seen in it)
    for i, ind in enumerate(indicators):
        at = f"{where}[{i}]"
        if not isinstance(ind, Indicator):
            out.append(f"{at}: must be an Indicator")
            continue
        for f in ("level1", "level2", "content", "value", "remark"):
            out.append(_text_problem(f"{at}.{f}", getattr(ind, f)))
        for f in ("level1", "level2"):
            v = getattr(ind, f)
            if isinstance(v, str) and re.search(r"\s", v):
                out.append(f"{at}.{f}: must not contain white space")
        if (ind.level1, ind.level2, ind.content, ind.value, ind.remark) == INDICATOR_HEADER:
            out.append(f"{at}: is the header row of the table")
        if ind.content is None and ind.value is None and ind.remark is None:
            out.append(f"{at}: content, value and remark are all blank")
        if ind.level1 is None and seen_level1:
            out.append(f"{at}.level1: blank after a filled one (it would take the value above)")
        seen_level1 = seen_level1 or ind.level1 is not None
        if i == 0 or ind.level1 != run[0]:
            run = (ind.level1, False)
        if ind.level2 is None and run[1]:
            out.append(f"{at}.level2: blank after a filled one in its group")
        run = (run[0], run[1] or ind.level2 is not None)
    return out


def _all_texts(record: ProjectRecord) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = [(n, getattr(record, n)) for n in TEXT_FIELDS]
    out += [(f"schedule[{i}].{f}", getattr(s, f)) for i, s in enumerate(record.schedule) if isinstance(s, Step)
            for f in ("content", "start", "end")]
    for key in ("long_term_indicators", "annual_indicators"):
        out += [(f"{key}[{i}].{f}", getattr(ind, f)) for i, ind in enumerate(getattr(record, key))
                if isinstance(ind, Indicator) for f in ("level1", "level2", "content", "value", "remark")]
    return out


def project_domain_problems(record: ProjectRecord, kinds: tuple[str, ...] = PROJECT_KINDS,
                            labels: tuple[str, ...] = ()) -> list[str]:
    """Everything in ``record`` outside the valid domain (see the module docstring); [] if none.

    ``kinds`` are the options printed for 项目属性 (the schema's, when known); ``labels`` the form's
    printed labels, when known: no text may begin with one followed by a colon (that is how a label
    with an inline value is written, so such text could not be told from one).
    """
    out: list[str | None] = []
    folded_labels = [norm(label) + ":" for label in labels]
    for where, v in _all_texts(record):
        if isinstance(v, str) and any(norm(v).startswith(lab) for lab in folded_labels):
            out.append(f"{where}: begins like a label of the form followed by a colon")
    for name in TEXT_FIELDS:
        out.append(_text_problem(name, getattr(record, name)))
    for name in ONE_LINE_FIELDS:
        v = getattr(record, name)
        if isinstance(v, str) and re.search(r"[:：\n]", v):
            out.append(f"{name}: a value written after its label must be one line without a colon")
    if record.year is not None and not (isinstance(record.year, int) and not isinstance(record.year, bool)
                                        and 1000 <= record.year <= 9999):
        out.append("year: must be a four-digit year")
    if record.project_kind is not None and record.project_kind not in kinds:
        out.append(f"project_kind: must be one of {', '.join(kinds)} or None")
    for f in attrs.fields(Funds):
        out.append(_money_problem(f"funds.{f.name}", getattr(record.funds, f.name)))
    for i, step in enumerate(record.schedule):
        where = f"schedule[{i}]"
        if not isinstance(step, Step):
            out.append(f"{where}: must be a Step")
            continue
        for name in ("content", "start", "end"):
            out.append(_text_problem(f"{where}.{name}", getattr(step, name)))
        if step.content is None and step.start is None and step.end is None:
            out.append(f"{where}: content, start and end are all blank")
        if isinstance(step.content, str) and STEP_NUMBER.match(step.content):
            out.append(f"{where}.content: begins with a step number (the reader takes it off)")
    out += _indicator_problems("long_term_indicators", record.long_term_indicators)
    out += _indicator_problems("annual_indicators", record.annual_indicators)
    if record.filled_date is not None and (not isinstance(record.filled_date, dt.date)
                                           or isinstance(record.filled_date, dt.datetime)):
        out.append("filled_date: must be a datetime.date or None")
    return [p for p in out if p]


def domain_problems(record: ProjectRecord, offices: tuple[str, ...] = (), labels: tuple[str, ...] = ()) -> list[str]:
    """The schema's domain hook (``domain = "…:domain_problems"``): this form has no review offices."""
    return project_domain_problems(record, PROJECT_KINDS, labels)
