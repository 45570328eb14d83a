"""``read(path)``: any supported file → one :class:`~formparse.records.Record`."""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from .backends import open_grids
from .check import LABELS, Warning, check
from .errors import FormparseError, InvalidValues, NotThisForm, UnsafeFile
from .grid import Cell
from .limits import DEFAULT, Limits
from .locate import BoxesLoc, FieldLoc, Layout, ListLoc, TableLoc, locate, score, split_items
from .records import BasicInfo, Expenditure, Income, Indicator, Record, Review, ThreePublic, number_problem
from .schema import Boxes, Schema, derived, load_schema
from .text import clean, compact, money_from_number, parse_cn_date, parse_count, parse_money


def best_layout(grids: list, schema: Schema, path: str) -> tuple[int, Layout]:
    """Locate the form on the grid (sheet) that holds most of its labels."""
    if not grids:
        raise NotThisForm(list(schema.required_labels()), form=schema.name, path=path)
    ranked = sorted(range(len(grids)), key=lambda i: -score(grids[i], schema)) if len(grids) > 1 else [0]
    first_error: NotThisForm | None = None
    for i in ranked:
        try:
            return i, locate(grids[i], schema)
        except NotThisForm as exc:
            first_error = first_error or exc
    assert first_error is not None
    raise first_error


def _where(loc: FieldLoc, group: str | None = None) -> str:
    label = f"{group} {loc.field.label}" if group else loc.field.label
    return f"{label} ({loc.target.address})"


class _Values:
    """Turns located cells into typed values, collecting every problem instead of stopping at one."""

    def __init__(self, layout: Layout, schema: Schema) -> None:
        self.layout = layout
        self.problems: list[str] = []
        self.groups = _group_labels(schema)

    def raw(self, loc: FieldLoc) -> tuple[str, Any]:
        if loc.cell is None:
            return loc.inline_text or "", None
        return loc.cell.text, loc.cell.value

    def get(self, key: str) -> Any:
        loc = self.layout.fields.get(key)
        if loc is None:
            return None
        text, native = self.raw(loc)
        kind = loc.field.type
        try:
            if kind == "money":
                money = money_from_number(native) if isinstance(native, int | float) else parse_money(text)
                return _in_domain(kind, money, text)
            if kind == "count":
                if isinstance(native, int | float):
                    if float(native).is_integer() and native >= 0:
                        return _in_domain(kind, int(native), text)
                    raise ValueError(f"“{text}”不是人数")
                return _in_domain(kind, parse_count(text), text)
        except ValueError as exc:
            self.problems.append(f"{_where(loc, self.groups.get(key))}：{exc}")
            return None
        return clean(text)

    def label_of(self, key: str) -> str | None:
        loc = self.layout.fields.get(key)
        if loc is None:
            return None
        group = self.groups.get(key)
        return f"{group} {loc.field.label}" if group else loc.field.label

    def money(self, key: str) -> Decimal | None:
        value = self.get(key)
        return value if isinstance(value, Decimal) else None


def _in_domain(kind: str, value: Any, text: str) -> Any:
    """``value`` if a record can hold it (records.number_problem); ValueError naming the text otherwise."""
    problem = number_problem(kind, value)
    if problem:
        shown = text.strip()
        raise ValueError(f"“{shown if len(shown) <= 24 else shown[:20] + '…'}”：{problem}")
    return value


def _group_labels(schema: Schema) -> dict[str, str]:
    """“group.field” → the group's label, for the fields of banded groups."""
    return derived(schema, "group_labels", lambda s: {f"{g.key}.{f.key}": g.label for b in s.blocks
                                                      for g in getattr(b, "groups", ()) for f in g.fields})


def _goals(loc: ListLoc) -> tuple[str | None, list[str]]:
    marker = loc.block.marker_re
    intro_text = loc.intro.text if loc.intro is not None else ""
    head, items = split_items(intro_text.replace("\r", ""), marker)
    intro = clean(head)
    goals = [clean(t) for t in items]
    for cell in loc.slots:
        before, parts = split_items(cell.text.replace("\r", ""), marker)
        goals.append(clean(before))
        goals.extend(clean(t) for t in parts)
    cleaned = [re.sub(r"^[、\s]+", "", g) for g in goals if g]
    return intro, [g for g in cleaned if g]


def _indicators(loc: TableLoc, layout: Layout, cells: dict[str, str] | None = None) -> list[Indicator]:
    grid = layout.grid
    cols = loc.block.columns
    carried: dict[str, str | None] = {c.key: None for c in cols}
    group_key = next((c.key for c in cols if c.carry == "down"), None)
    out: list[Indicator] = []
    where = [(col, loc.columns[col.key].col if col.key in loc.columns else None) for col in cols]
    for r in loc.rows:
        values: dict[str, str | None] = {}
        new_group = False
        line = grid.rows[r]
        for col, c in where:
            cell: Cell | None = line[c] if c is not None and c < len(line) else None
            fresh = cell is not None and cell.row == r and not cell.blank
            text = (compact if col.compact else clean)(cell.text) if fresh and cell is not None else None
            if col.carry is None:
                values[col.key] = text
                continue
            if text is not None:
                carried[col.key] = text
                if col.key == group_key:
                    new_group = True
            elif col.carry == "group" and new_group:
                carried[col.key] = None
            values[col.key] = carried[col.key]
        if all(values.get(k) is None for k in loc.block.required_any):
            continue
        if cells is not None:
            for key, header in loc.columns.items():
                cell = line[header.col] if header.col < len(line) else None
                if cell is not None:
                    cells[f"indicators[{len(out)}].{key}"] = cell.address
        out.append(Indicator(**values))
    return out


_DATE_TAIL = re.compile(r"(\d{4})?\s*年\s*(\d{1,2})?\s*月\s*(\d{1,2})?\s*日\s*$")


@functools.lru_cache(maxsize=64)
def _prompt(prompt: str) -> re.Pattern[str]:
    body = prompt.rstrip("：:")
    return re.compile(r"\s*".join(map(re.escape, body)) + r"\s*[：:]")


def _review(box_text: str, block: Boxes, office: str, where: str, problems: list[str]) -> Review:
    p_op, p_rev, p_head = (_prompt(block.prompts[k]) for k in ("opinion", "reviewer", "head"))
    m_op, m_rev, m_head = p_op.search(box_text), p_rev.search(box_text), p_head.search(box_text)
    ends = sorted(m.start() for m in (m_rev, m_head) if m)

    def between(m: re.Match[str] | None, stop: int | None) -> str:
        if m is None:
            return ""
        return box_text[m.end() : stop if stop is not None else len(box_text)]

    opinion_stop = next((e for e in ends if m_op is None or e > m_op.end()), None)
    opinion = between(m_op, opinion_stop) if m_op else box_text[: ends[0] if ends else len(box_text)]
    reviewer = between(m_rev, m_head.start() if m_head and m_rev and m_head.start() > m_rev.end() else None)
    tail = between(m_head, None) if m_head else ""
    date = None
    dm = _DATE_TAIL.search(tail if m_head else reviewer)
    if dm:
        if m_head:
            tail = tail[: dm.start()]
        else:
            reviewer = reviewer[: dm.start()]
        if dm.group(1) or dm.group(2) or dm.group(3):
            try:
                date = parse_cn_date(dm.group(0))
                if date is None:
                    raise ValueError
            except ValueError:
                problems.append(f"{office}审核日期 ({where})：“{dm.group(0).strip()}”不是完整的日期")
    return Review(office=office, opinion=clean(opinion), reviewer=clean(reviewer), head=clean(tail), date=date)


def _reviews(loc: BoxesLoc, problems: list[str]) -> list[Review]:
    out = []
    for box in loc.boxes:
        text = "\n".join(c.text for c in box.cells).replace("\r", "")
        where = box.cells[0].address if box.cells else box.label.address
        out.append(_review(text, loc.block, box.office, where, problems))
    return out


def record_from_layout(layout: Layout, schema: Schema) -> Record:
    """The record a located grid holds. Raises InvalidValues listing every bad cell."""
    v = _Values(layout, schema)
    rec = Record(
        year=layout.title.year if layout.title else None,
        unit_name=v.get("unit_name"),
        amount_unit=v.get("amount_unit"),
        basic_info=BasicInfo(
            staff_quota=v.get("basic_info.staff_quota"),
            staff_actual=v.get("basic_info.staff_actual"),
            contact_person=v.get("basic_info.contact_person"),
            contact_phone=v.get("basic_info.contact_phone"),
        ),
        functions=v.get("functions"),
        income=Income(*(v.money(f"income.{a.name}") for a in Income.__attrs_attrs__)),
        expenditure=Expenditure(*(v.money(f"expenditure.{a.name}") for a in Expenditure.__attrs_attrs__)),
        three_public=ThreePublic(*(v.money(f"three_public.{a.name}") for a in ThreePublic.__attrs_attrs__)),
        filled_by=v.get("filled_by"),
        filled_by_phone=v.get("filled_by_phone"),
    )
    cells = {key: loc.target.address for key, loc in layout.fields.items()}
    for lst in layout.lists:
        rec.goals_intro, rec.goals = _goals(lst)
    for table in layout.tables:
        rec.indicators = _indicators(table, layout, cells)
        cells["indicators"] = table.label.address
    for boxes in layout.boxes:
        rec.reviews = _reviews(boxes, v.problems)
    if layout.title is not None:
        cells["year"] = layout.title.cell.address
    if v.problems:
        raise InvalidValues(v.problems, path=layout.grid.source)
    rec.warnings = check(rec, cells)
    by_address = {address: key for key, address in cells.items()}
    for address, message in layout.grid.notes:
        key = by_address.get(address, "")
        label = LABELS.get(key) or v.label_of(key) or "公式"
        rec.warnings.append(Warning("formula", label, address, message))
    return rec


def read(path: str | Path, *, schema: Schema | None = None, limits: Limits | None = None,
         password: str | None = None) -> Record:
    """Read one filled-in form (.xlsx or .docx) into a record.

    Args:
        limits: the safety limits to read under (default :data:`formparse.limits.DEFAULT`).
        password: opens a password-protected file (needs msoffcrypto-tool).

    Raises:
        UnreadableFile: the file cannot be opened as a document (EncryptedFile: it has a password).
        UnsafeFile: the file exceeds a safety limit.
        NotThisForm: the document lacks the form's labels (they are listed).
        InvalidValues: cells whose content does not fit their label (each named with its cell).
    """
    schema = schema or load_schema()
    path = str(path)
    try:
        grids = open_grids(path, limits or DEFAULT, password)
        _, layout = best_layout(grids, schema, path)
        return record_from_layout(layout, schema)
    except FormparseError:
        raise
    except (MemoryError, RecursionError) as exc:
        raise UnsafeFile(f"文件过大或结构过深，无法安全读取 ({type(exc).__name__})", path=path) from exc
