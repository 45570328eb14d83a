"""``read(path)``: any supported file → the record of the class its schema names (e.g. records.Record)."""

from __future__ import annotations

import datetime as dt
import functools
import re
import types
import typing
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from . import fieldtypes
from .backends import open_grids
from .check import Warning
from .errors import AmbiguousLayout, FormparseError, InvalidValues, NotThisForm, UnsafeFile
from .grid import Cell, Grid
from .limits import DEFAULT, Limits
from .locate import BoxesLoc, FieldLoc, Layout, ListLoc, TableLoc, known_labels, locate, split_items
from .provenance import Provenance, attach, place_of
from .records import MONEY_LIMIT, number_problem
from .schema import Boxes, Schema, Title, as_schemas, bundled_schemas, derived, known_schemas, resolve_for  # noqa: F401
from .text import clean, compact, money_from_number, norm, parse_cn_date, parse_count, parse_money, unnumbered


def _shown(grid: Grid) -> set[str]:
    """The folded texts (up to a trailing colon) of the cells the printed form shows."""
    return {unnumbered(norm(c.text)).rstrip(":") for c in grid.reading_order() if grid.visible(c)}


def fit(grid: Grid, schema: Schema, shown: set[str] | None = None) -> float:
    """How much of a schema's identifying labels a grid holds (0–1): which form a document is.
    ``shown``: the grid's :func:`_shown` texts, when already worked out (one grid is fitted to every schema)."""
    wanted = derived(schema, "identifying_folded", lambda s: frozenset(norm(x) for x in s.identifying_labels()))
    if not wanted:
        return 0.0
    found = _shown(grid) if shown is None else shown
    known = known_labels(schema)
    return len(wanted & found) / len(wanted) + 1e-6 * len(found & known)


def best_layout(grids: list, schema: Schema | Sequence[Schema], path: str) -> tuple[int, Layout]:
    """Locate the form on the grid (sheet) and with the schema that fit best; with several schemas, the
    one that locates. Raises the closest schema's NotThisForm when none does."""
    schemas = [schema] if isinstance(schema, Schema) else list(schema)
    if not grids:
        raise NotThisForm(list(schemas[0].identifying_labels()), form=schemas[0].name, path=path)
    shown = [_shown(g) for g in grids]
    # a sheet the workbook hides (last year's copy, a helper) comes after every visible one: it is read only
    # when no visible sheet holds a form (and then with a warning, see record_from_layout)
    ranked = sorted(((fit(g, s, shown[i]), i, k) for i, g in enumerate(grids) for k, s in enumerate(schemas)),
                    key=lambda x: (grids[x[1]].sheet_hidden, -x[0], x[1], x[2]))
    first_error: NotThisForm | None = None
    for score, i, k in ranked:
        try:
            return i, locate(grids[i], schemas[k])
        except NotThisForm as exc:
            first_error = first_error or exc
        except AmbiguousLayout:
            if score >= 1:
                raise
            # a form without all of this one's identifying labels is not this form, however its labels
            # would have to be assigned
            missing = [x for x in schemas[k].identifying_labels() if norm(x) not in shown[i]]
            first_error = first_error or NotThisForm(missing, form=schemas[k].name, path=path)
    assert first_error is not None
    raise first_error


def _where(loc: FieldLoc, group: str | None = None) -> str:
    label = f"{group} {loc.field.label}" if group else loc.field.label
    return f"{label} ({loc.target.address})"


def read_value(kind: str, text: str, native: Any, field: Any = None) -> Any:
    """A located cell's value as its field type wants it. Raises ValueError (in Chinese) when it is not one.

    A spreadsheet number counts as what the sheet shows: its 15 significant digits under the cell's
    number format (the back-end's ``text``), so 1865.4000000001 in a 0.00 cell is 1865.40."""
    if kind == "money":
        if isinstance(native, int | float) and not isinstance(native, bool):
            try:
                shown = parse_money(text)
            except ValueError:
                shown = None
            return _in_domain(kind, shown if shown is not None else money_from_number(native), text)
        return _in_domain(kind, parse_money(text), text)
    if kind == "count":
        if isinstance(native, int | float) and not isinstance(native, bool):
            if float(native).is_integer() and native >= 0:
                return _in_domain(kind, int(native), text)
            raise ValueError(f"“{text}”不是人数")
        return _in_domain(kind, parse_count(text), text)
    if kind == "choice":
        return fieldtypes.parse_choice(text, field.options)
    if kind == "date":
        if isinstance(native, dt.datetime):
            return native.date()
        if isinstance(native, dt.date):
            return native
        return fieldtypes.parse_date(text, precision=field.precision)
    if kind == "pairs":
        pairs = [(p.key, p.labels) for p in field.pairs]
        amounts = fieldtypes.parse_pairs(text, pairs, unit=field.unit)
        return {k: _in_domain("money", v, text) for k, v in amounts.items()}
    return clean(text)


class _Values:
    """Turns located cells into typed values, collecting every problem instead of stopping at one."""

    def __init__(self, layout: Layout, schema: Schema) -> None:
        self.layout = layout
        self.problems: list[str] = list(layout.problems)
        self.groups = _group_labels(schema)
        self.failed: set[str] = set()  # the keys whose cell could not be read

    def raw(self, loc: FieldLoc) -> tuple[str, Any]:
        if loc.cell is None:
            return loc.inline_text or "", None
        if loc.more and loc.field.type == "text":  # a text typed as several paragraphs under its heading
            return "\n".join(c.text for c in (loc.cell, *loc.more)), None
        if loc.more:  # a choice's options each in a cell of its own: read together
            return "　　".join(c.text for c in (loc.cell, *loc.more)), None
        return loc.cell.text, loc.cell.value

    def get(self, key: str) -> Any:
        loc = self.layout.fields.get(key)
        if loc is None:
            return None
        text, native = self.raw(loc)
        try:
            return read_value(loc.field.type, text, native, loc.field)
        except ValueError as exc:
            self.problems.append(f"{_where(loc, self.groups.get(key))}：{exc}")
            self.failed.add(key)
            return None

    def label_of(self, key: str) -> str | None:
        loc = self.layout.fields.get(key)
        if loc is None:
            return None
        group = self.groups.get(key)
        return f"{group} {loc.field.label}" if group else loc.field.label


def _in_domain(kind: str, value: Any, text: str) -> Any:
    """``value`` if a record can hold it (records.number_problem); ValueError naming the text otherwise."""
    problem = number_problem(kind, value)
    if (problem and kind == "money" and isinstance(value, Decimal) and value.is_finite()
            and value.as_tuple().exponent < 0 and abs(value) < MONEY_LIMIT):
        # zeros a number format shows after the point (100000000000 in a 0.0000 cell) are not digits of
        # the amount: without them it may be in the domain
        trimmed = value.normalize()
        if trimmed.as_tuple().exponent > 0:
            trimmed = trimmed.quantize(Decimal(1))
        if number_problem(kind, trimmed) is None:
            return trimmed
    if problem:
        shown = text.strip()
        raise ValueError(f"“{shown if len(shown) <= 24 else shown[:20] + '…'}”：{problem}")
    return value


def _group_labels(schema: Schema) -> dict[str, str]:
    """“group.field” → the group's label, for the fields of banded groups."""
    return derived(schema, "group_labels", lambda s: {f"{g.key}.{f.key}": g.label for b in s.blocks
                                                      for g in getattr(b, "groups", ()) for f in g.fields})


def _list_items(loc: ListLoc, places: dict[str, list[Cell]] | None = None) -> tuple[str | None, list[str]]:
    """The list's intro and items; ``places`` (when given) gets the cell each item was read from."""
    marker = loc.block.marker_re
    intro_text = loc.intro.text if loc.intro is not None else ""
    head, items = split_items(intro_text.replace("\r", ""), marker)
    intro = clean(head)
    out = [clean(t) for t in items]
    src: list[Cell | None] = [loc.intro] * len(out)
    marked = bool(items)
    for cell in loc.slots:
        before, parts = split_items(cell.text.replace("\r", ""), marker)
        marked = marked or bool(parts)
        out.append(clean(before))
        out.extend(clean(t) for t in parts)
        src.extend([cell] * (1 + len(parts)))
    kept = [(g, c) for g, c in ((re.sub(r"^[、\s]+", "", g), c) for g, c in zip(out, src, strict=True) if g) if g]
    cleaned, where = [g for g, _c in kept], [c for _g, c in kept]
    if not marked:
        cleaned, where = _plainly_numbered_from(cleaned, where)
    if places is not None:
        if loc.block.intro and loc.intro is not None:
            places[loc.block.intro] = [loc.intro]
        for i, cell in enumerate(where):
            if cell is not None:
                places[f"{loc.block.key}[{i}]"] = [cell]
    return intro, cleaned


# A line numbered plainly instead of with the list's marker (“1、…”, “2.…”, “（3）…”): its number.
_PLAIN_NUMBER = re.compile(r"^\s*(?:[(（]\s*([0-9０-９]{1,2})\s*[)）]|([0-9０-９]{1,2})\s*[、.．](?![0-9０-９]))\s*")


def _plainly_numbered(items: list[str]) -> list[str]:
    """Items a copy numbered 1、2、3… (each in its line or cell) instead of with the marker: without the
    numbers, one item per number. Left as typed unless the numbers run 1, 2, 3 … from the first line."""
    return _plainly_numbered_from(items, [None] * len(items))[0]


def _plainly_numbered_from(items: list[str], cells: list[Cell | None]) -> tuple[list[str], list[Cell | None]]:
    """:func:`_plainly_numbered`, keeping with each item the cell its first line came from."""
    lines = [(line, cell) for item, cell in zip(items, cells, strict=True) for line in item.split("\n")]
    out: list[list[str]] = []
    first: list[Cell | None] = []
    for line, cell in lines:
        m = _PLAIN_NUMBER.match(line)
        n = int(unicodedata.normalize("NFKC", m.group(1) or m.group(2))) if m else None
        if n == len(out) + 1:
            out.append([line[m.end():]])
            first.append(cell)
        elif out and n is None:
            out[-1].append(line)
        else:
            return items, cells
    if not out:
        return items, cells
    cleaned = [(clean("\n".join(lines)), cell) for lines, cell in zip(out, first, strict=True)]
    kept = [(g, c) for g, c in cleaned if g]
    return [g for g, _c in kept], [c for _g, c in kept]


# The printed number a numbered column's cell begins with (“1、”, “2.”, “（3）”).
ITEM_NUMBER = re.compile(r"^\s*(?:[(（]\s*[0-9０-９]+\s*[)）]|[0-9０-９]+\s*、|[0-9０-９]+\s*[.．](?![0-9０-９]))\s*")


def _items(loc: TableLoc, layout: Layout, cells: dict[str, str] | None = None,
           places: dict[str, list[Cell]] | None = None) -> list[dict[str, str | None]]:
    """The table's items as {column key: text}: blank or merged cells carried down where the schema says.
    ``places`` (when given) gets the cell each value was typed in (for a value carried down, the cell above)."""
    grid = layout.grid
    cols = loc.block.columns
    carried: dict[str, str | None] = {c.key: None for c in cols}
    carried_from: dict[str, Cell | None] = {c.key: None for c in cols}
    group_key = next((c.key for c in cols if c.carry == "down"), None)
    out: list[dict[str, str | None]] = []
    for r in loc.rows:
        values: dict[str, str | None] = {}
        new_group = False
        where: dict[str, Cell] = {}
        shown_at: dict[str, Cell] = {}  # a value carried down: the cell it was typed in
        for col in cols:
            cell = loc.cell(grid, r, col.key)
            if cell is not None:
                where[col.key] = cell
            fresh = cell is not None and cell.row == r and not cell.blank
            text = (compact if col.compact else clean)(cell.text) if fresh and cell is not None else None
            if col.numbered and text is not None:
                text = clean(ITEM_NUMBER.sub("", text, count=1))
            if col.carry is None:
                values[col.key] = text
                continue
            if text is not None:
                if col.key == group_key and text != carried[col.key]:
                    new_group = True
                carried[col.key] = text
                carried_from[col.key] = cell
            elif col.carry == "group" and new_group:
                carried[col.key] = None
                carried_from[col.key] = None
            values[col.key] = carried[col.key]
            if carried[col.key] is not None and (typed := carried_from[col.key]) is not None:
                shown_at[col.key] = typed
        if all(values.get(k) is None for k in loc.block.required_any):
            continue
        if cells is not None:
            for key, cell in where.items():
                cells[f"{loc.block.key}[{len(out)}].{key}"] = cell.address
        if places is not None:
            for key, cell in {**where, **shown_at}.items():
                places[f"{loc.block.key}[{len(out)}].{key}"] = [cell]
        out.append(values)
    return out


_DATE_TAIL = re.compile(r"(\d{4})?\s*年\s*(\d{1,2})?\s*月\s*(\d{1,2})?\s*日\s*$")


@functools.lru_cache(maxsize=64)
def _prompt(prompt: str) -> re.Pattern[str]:
    body = prompt.rstrip("：:")
    return re.compile(r"\s*".join(map(re.escape, body)) + r"\s*[：:]")


def _review(box_text: str, block: Boxes, office: str, where: str, problems: list[str]) -> dict[str, Any]:
    p_op, p_rev, p_head = (_prompt(block.prompts[k]) for k in ("opinion", "reviewer", "head"))
    m_op, m_rev, m_head = p_op.search(box_text), p_rev.search(box_text), p_head.search(box_text)
    ends = sorted(m.start() for m in (m_rev, m_head) if m)

    def between(m: re.Match[str] | None, stop: int | None) -> str:
        if m is None:
            return ""
        return box_text[m.end() : stop if stop is not None else len(box_text)]

    opinion_stop = next((e for e in ends if m_op is None or e > m_op.end()), None)
    opinion = between(m_op, opinion_stop) if m_op else box_text[: ends[0] if ends else len(box_text)]
    reviewer = between(m_rev, m_head.start() if m_head and m_rev and m_head.start() >= m_rev.end() else None)
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
    return {"office": office, "opinion": clean(opinion), "reviewer": clean(reviewer), "head": clean(tail),
            "date": date}


def _box_values(loc: BoxesLoc, problems: list[str]) -> list[dict[str, Any]]:
    out = []
    for box in loc.boxes:
        text = "\n".join(c.text for c in box.cells).replace("\r", "")
        where = box.cells[0].address if box.cells else box.label.address
        out.append(_review(text, loc.block, box.office, where, problems))
    return out


def _put(mapping: dict[str, Any], key: str, value: Any) -> None:
    """``mapping["a"]["b"] = value`` for the key “a.b”."""
    *parents, last = key.split(".")
    for part in parents:
        mapping = mapping.setdefault(part, {})
    mapping[last] = value


def values_from_layout(layout: Layout, schema: Schema, places: dict[str, list[Cell]] | None = None,
                       failed: set[str] | None = None) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """The located values as a mapping nested by the schema's keys; where each came from; what is wrong.

    ``places`` (when given) receives every value's record path (``income.total``, ``goals[0]``,
    ``indicators[3].value``, ``reviews[0].opinion``) → the cells it was read from (see formparse.provenance);
    ``failed`` (when given) the keys of the fields whose cell could not be read."""
    v = _Values(layout, schema)
    if failed is not None:
        v.failed = failed
    mapping: dict[str, Any] = {}
    cells = {key: loc.target.address for key, loc in layout.fields.items()}
    for key in layout.fields:
        _put(mapping, key, v.get(key))
    if layout.title is not None:
        mapping[layout.title.block.key] = layout.title.year
        where = layout.title.year_cell or layout.title.cell
        cells[layout.title.block.key] = where.address
    for lst in layout.lists:
        intro, items = _list_items(lst, places)
        if lst.block.intro:
            mapping[lst.block.intro] = intro
        mapping[lst.block.key] = items
    for table in layout.tables:
        mapping[table.block.key] = _items(table, layout, cells, places)
        cells[table.block.key] = table.label.address
    for boxes in layout.boxes:
        mapping[boxes.block.key] = _box_values(boxes, v.problems)
    if places is not None:
        _field_places(layout, places)
    return mapping, cells, v.problems


# The types a located value already has (the field types make them); they are taken as they are.
_EXACT = (Decimal, dt.date, str, int, Any)


def structure(value: Any, tp: Any) -> Any:
    """``value`` (a located mapping, list or value) as type ``tp``: attrs classes built from mappings, lists
    item by item, ``X | None``, and a mapping class (a drafted schema's record) from the mapping; values of
    the exact types as they are. Any other type goes to cattrs (imported then: a read of the bundled forms
    never needs it, which keeps ``formparse parse`` quick to start)."""
    if value is None and _optional(tp):
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return structure(value, args[0])
    elif tp in _EXACT:
        return value
    elif isinstance(tp, type) and attrs.has(tp) and isinstance(value, dict):
        fields = attrs.fields(attrs.resolve_types(tp))
        return tp(**{f.alias: structure(value[f.name], f.type) for f in fields if f.init and f.name in value})
    elif origin is list and isinstance(value, list):
        (item,) = typing.get_args(tp) or (Any,)
        return [structure(v, item) for v in value]
    elif isinstance(tp, type) and issubclass(tp, dict) and isinstance(value, dict) and not typing.get_args(tp):
        return tp(value)
    return _fallback().structure(value, tp)


def _optional(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in typing.get_args(tp)


@functools.cache
def _fallback() -> Any:
    import cattrs

    converter = cattrs.Converter()
    for exact in (Decimal, dt.date, str, int):
        converter.register_structure_hook(exact, lambda value, _type: value)
    return converter


def _field_places(layout: Layout, places: dict[str, list[Cell]]) -> None:
    """The cells of the scalar fields, the title's year and the review boxes (lists and tables add theirs)."""
    items = dict(places)  # the form's order: its fields first
    places.clear()
    for key, loc in layout.fields.items():
        shown = [loc.cell, *loc.more] if loc.cell is not None else [loc.label]
        if loc.field.type == "pairs":  # several amounts typed in one cell: each of them stood there
            for pair in loc.field.pairs:
                places[f"{key}.{pair.key}"] = shown
        else:
            places[key] = shown
    if layout.title is not None:
        places[layout.title.block.key] = [layout.title.year_cell or layout.title.cell]
    places.update(items)
    for boxes in layout.boxes:
        for i, box in enumerate(boxes.boxes):
            shown = list(box.cells) or [box.label]
            for part in ("office", "opinion", "reviewer", "head", "date"):
                places[f"{boxes.block.key}[{i}].{part}"] = [box.label] if part == "office" else shown


# What a back-end shows for a symbol-font character it does not know (formparse.backends.symbols.UNKNOWN).
UNKNOWN_SYMBOL = "\ufffd"


# A problem as the reader words it: “label (cell)：message”.
_PROBLEM = re.compile(r"^(?P<label>.*?) \((?P<cell>[^()（）]*)\)：(?P<message>.*)$", re.S)
_MISSING_LABEL = re.compile(r"^找不到标签“(?P<label>.*)”$", re.S)
# The code of a problem in a partial record (``read(path, partial=True)``): what InvalidValues would list.
ERROR = "error"


def problem_warning(problem: str) -> Warning:
    """One of InvalidValues' problems as a warning of code :data:`ERROR`, its label and cell apart (a problem
    “label (cell)：message” reads the same as the warning's ``str``; any other is kept whole as the message)."""
    m = _PROBLEM.match(problem)
    if m:
        return Warning(ERROR, m["label"], m["cell"], m["message"])
    m = _MISSING_LABEL.match(problem)
    if m:
        return Warning(ERROR, m["label"], None, problem)
    label, colon, message = problem.partition("：")
    return Warning(ERROR, label, None, message) if colon else Warning(ERROR, "", None, problem)


def _without_none(value: Any) -> Any:
    """A mapping without its None values (a nested part that could not be read — the amounts typed in one
    cell — takes its record's default, every amount None)."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def stand_in_warnings(layout: Layout) -> list[Warning]:
    """A heading worded otherwise (“项目资金申请” 用作 “资金总额及构成”), its block placed by its member labels:
    a warning of code ``heading-reworded`` naming the cell."""
    return [Warning("heading-reworded", stand.label, stand.cell.address,
                    f"“{' '.join(stand.cell.text.split())}” 用作 “{stand.label}”（按其下各栏的标签定位）")
            for stand in layout.stand_ins]


def unread_keys(schema: Schema, record: Any, problems: list[str], failed: set[str]) -> set[str]:
    """The keys of a partial record's values left None because they were not read: the fields whose cell
    could not be read (``failed``), and those still None that a problem names — a label not found or without
    a value cell — by their label (“基本支出”), with their group's (“年度支出预算 基本支出”), or their group's
    alone (the heading not found)."""
    from .rules import field_labels, value_at

    named = set()
    for problem in problems:
        m = _PROBLEM.match(problem) or _MISSING_LABEL.match(problem)
        if m:
            named.add(norm(m["label"]))
    named.discard("")
    groups = _group_labels(schema)
    out = set(failed)
    for key, label in field_labels(schema).items():
        group = groups.get(key)
        names = {norm(label), norm(label.removeprefix(f"{group} ")) if group else "", norm(group or "")}
        if names & named and value_at(record, key) is None:
            out.add(key)
    return out


def record_from_layout(layout: Layout, schema: Schema, *, partial: bool = False) -> Any:
    """The record a located grid holds (of the class the schema names). Raises InvalidValues listing every
    bad cell, every required label that is missing and every label without a value cell — or, ``partial``,
    returns the record with those fields None and each problem as a warning of code ``"error"`` (first); its
    checks then say nothing of the values left None for that (a total is not compared with parts not read)."""
    places: dict[str, list[Cell]] = {}
    failed: set[str] = set()
    mapping, cells, problems = values_from_layout(layout, schema, places, failed)
    if problems and not partial:
        raise InvalidValues(problems, path=layout.grid.source)
    if problems:
        mapping = _without_none(mapping)
    from .generic import record_type

    rec: Any = structure(mapping, record_type(schema))
    attach(rec, Provenance(layout.grid.source, "", {path: place_of(shown) for path, shown in places.items()}))
    rules = resolve_for(schema, "rules", schema.rules) if schema.rules else None
    rec.warnings = [problem_warning(p) for p in problems]
    not_read = unread_keys(schema, rec, problems, failed) if problems else set()
    checked = list(rules(rec, cells)) if rules is not None else []
    if schema.checks:
        from .rules import check_rules

        checked += check_rules(rec, schema, cells, unread=not_read)
    if not_read:  # (a check written in Python cannot be told: what it says of a value not read is left out)
        at = {cells[k] for k in not_read if k in cells}
        checked = [w for w in checked if w.cell is None or w.cell not in at]
    rec.warnings += checked
    groups = _group_labels(schema)
    by_address = {address: key for key, address in cells.items()}
    for address, message in layout.grid.notes:
        key = by_address.get(address, "")
        loc = layout.fields.get(key)
        label = (f"{groups[key]} {loc.field.label}" if key in groups and loc
                 else loc.field.label if loc else "公式")
        rec.warnings.append(Warning("formula", label, address, message))
    for label in layout.absent:
        rec.warnings.append(Warning("absent", label, None, "本表没有这一部分，按未填写处理"))
    for address, message in layout.grid.unread_marks:
        rec.warnings.append(Warning("check-box", "复选框", address, message))
    if layout.grid.sheet_hidden:
        sheet = _sheet_name(layout.grid)
        rec.warnings.append(Warning("hidden-sheet", "隐藏的工作表", sheet or None,
                                    f"表格读自隐藏的工作表“{sheet}”：报送人打开文件时看不到这张表，"
                                    "请核对它是否就是本次报送的内容"))
    rec.warnings += stand_in_warnings(layout)
    for unread in layout.unread:
        rec.warnings.append(Warning("unread", "未读取的内容", unread.address,
                                    f"“{unread.text.strip()}”没有对应的栏目，未读取"))
    for cell in layout.grid.reading_order():
        if UNKNOWN_SYMBOL in cell.text and layout.grid.visible(cell):
            text = cell.text.strip()[:30]
            rec.warnings.append(Warning("symbol", "无法识别的符号", cell.address,
                                        f"“{text}”中有符号字体的字符无法识别，显示为 {UNKNOWN_SYMBOL}"))
    return rec


def read(path: str | Path, *, schema: Schema | str | Path | None = None, schemas: Sequence[Schema | str | Path] = (),
         limits: Limits | None = None, password: str | None = None, partial: bool = False) -> Any:
    """Read one filled-in form (.xlsx, .docx, legacy .xls/.doc …) into the record of the form it is.

    The bundled schemas (附件1, 附件2, …), those of the ``FORMPARSE_SCHEMAS`` folders and any ``schemas``
    the caller adds (Schema objects, schema files or ids) are tried, the one whose identifying labels the
    document holds first; ``schema`` reads it as that form only. The record's class says which form it is
    (``formparse.schema_for``; a tagged record's JSON names it). A schema without a Python record class
    reads into a record class generated from it (:mod:`formparse.generic`).

    Args:
        limits: the safety limits to read under (default :data:`formparse.limits.DEFAULT`).
        password: opens a password-protected file (needs msoffcrypto-tool).
        partial: return what could be read instead of raising InvalidValues: the fields that could not be
            read are None, and every problem InvalidValues would list is a warning of code ``"error"``
            (label and cell apart) at the start of ``record.warnings``. A document that is no form at all
            still raises NotThisForm, and an ambiguous layout AmbiguousLayout.

    Raises:
        UnreadableFile: the file cannot be opened as a document (EncryptedFile: it has a password).
        UnsafeFile: the file exceeds a safety limit.
        NotThisForm: the document is none of the forms (the closest one's missing labels are listed).
        InvalidValues: cells whose content does not fit their label (each named with its cell).
    """
    candidates = as_schemas([schema]) if schema is not None else [*as_schemas(schemas), *known_schemas()]
    path = str(path)
    try:
        grids = open_grids(path, limits or DEFAULT, password)
        _, layout = best_layout(grids, candidates, path)
        return record_from_layout(layout, layout.schema, partial=partial)
    except FormparseError:
        raise
    except (MemoryError, RecursionError) as exc:
        raise UnsafeFile(f"文件过大或结构过深，无法安全读取 ({type(exc).__name__})", path=path) from exc


@attrs.frozen
class Found:
    """One form of a file that may hold several (a packet): its record, which form, and where it is."""

    record: Any
    schema: str  # the schema id
    where: str  # the sheet, or the part of the document (“第2份，第31行起”)


def _parts(grid: Grid, schemas: Sequence[Schema]) -> list[tuple[int, int]]:
    """Where the forms of one sheet or document begin and end: at each title of a known form (with a
    printed note of the schemas, such as “附件2”, just above it)."""
    starts: list[int] = []
    titles = [s.blocks[0] for s in schemas if s.blocks and isinstance(s.blocks[0], Title)]
    for cell in grid.reading_order():
        folded = norm(cell.text)
        if folded and any(t.pattern.match(folded) for t in titles):
            r = cell.row
            for above in range(r - 1, max(-1, r - 1 - ATTACHMENT_REACH), -1):
                line = [c for c in grid.own_anchors(above) if not c.blank]
                if len(line) == 1 and any(n.search(norm(line[0].text)) for s in schemas for n in s.notes):
                    r = above
                    break
            if not starts or r > starts[-1]:
                starts.append(r)
    if not starts:
        return [(0, len(grid))]
    starts[0] = 0
    return list(zip(starts, [*starts[1:], len(grid)], strict=True))


# How many lines above a form's title its “附件N” line may be printed.
ATTACHMENT_REACH = 2


def read_all(path: str | Path, *, schemas: Sequence[Schema | str | Path] = (), limits: Limits | None = None,
             password: str | None = None, partial: bool = False) -> list[Found]:
    """Every form a file holds, in order: one per sheet, and in a sheet or document one per title of a
    known form (a packet of 附件1 and several 附件2). Each part is read as :func:`read` reads a file
    (``partial`` as there).
    Sheets the workbook hides are read only when no visible sheet holds a form (a hidden copy of last year's
    form is not a form of this file); each form read from one carries a ``hidden-sheet`` warning.

    Raises what :func:`read` raises for the first part that fails (naming its place)."""
    candidates = [*as_schemas(schemas), *known_schemas()]
    path = str(path)
    found: list[Found] = []
    try:
        grids = open_grids(path, limits or DEFAULT, password)
        for grid in grids:
            if not grid.sheet_hidden:
                found.extend(_forms_of(grid, candidates, path, several=len(grids) > 1, partial=partial))
        if not found:  # hidden sheets count only when no visible one holds a form (copies, old years)
            for grid in grids:
                if grid.sheet_hidden:
                    found.extend(_forms_of(grid, candidates, path, several=len(grids) > 1, partial=partial))
    except FormparseError:
        raise
    except (MemoryError, RecursionError) as exc:
        raise UnsafeFile(f"文件过大或结构过深，无法安全读取 ({type(exc).__name__})", path=path) from exc
    if not found:
        raise NotThisForm(list(candidates[0].identifying_labels()), form=candidates[0].name, path=path)
    return found


def _forms_of(grid: Grid, candidates: Sequence[Schema], path: str, *, several: bool,
              partial: bool = False) -> list[Found]:
    """The forms of one sheet or document (``several``: one of several sheets), each read as read() reads."""
    out = []
    parts = _parts(grid, candidates)
    for k, (start, stop) in enumerate(parts):
        part = grid if len(parts) == 1 else grid.slice(start, stop)
        if several and fit(part, max(candidates, key=lambda s: fit(part, s))) == 0:
            continue  # a sheet with no form on it (填报说明)
        where = _sheet_name(part) if several else ""
        if len(parts) > 1:
            where = (where + " " if where else "") + f"第{k + 1}份（{_first(part)} 起）"
        try:
            _, layout = best_layout([part], candidates, path)
            rec = record_from_layout(layout, layout.schema, partial=partial)
        except FormparseError as exc:
            if where:
                exc.message = f"{where}：{exc.message}"
                exc.args = (f"{path}: {exc.message}",)
            raise
        if getattr(rec, "provenance", None) is not None and where:
            rec.provenance.position = where
        out.append(Found(rec, layout.schema.id, where or "全文"))
    return out


def _first(grid: Grid) -> str:
    for cell in grid.reading_order():
        if cell.address:
            return cell.address
    return "开头"


def _sheet_name(grid: Grid) -> str:
    for cell in grid.reading_order():
        if "!" in cell.address:
            return cell.address.split("!", 1)[0]
    return ""
