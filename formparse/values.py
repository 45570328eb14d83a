"""The values of a located form: every field's cell as its type wants it, lists and tables item by item,
review boxes, as one mapping nested by the schema's keys (and where each value was read: provenance).

Part of the read (:mod:`formparse.reader`), which builds the record from this mapping."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from decimal import Decimal
from typing import Any

from . import fieldtypes
from ._startcache import lazy_re
from .grid import Cell
from .locate import BoxesLoc, FieldLoc, Layout, ListLoc, TableLoc, split_items
from .records import MONEY_LIMIT, number_problem
from .schema import Boxes, Schema, derived
from .text import clean, compact, money_from_number, parse_cn_date, parse_count, parse_money


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
            and value.as_tuple().exponent < 0 and abs(value) < MONEY_LIMIT):  # type: ignore[operator]
        # zeros a number format shows after the point (100000000000 in a 0.0000 cell) are not digits of
        # the amount: without them it may be in the domain
        trimmed = value.normalize()
        if trimmed.as_tuple().exponent > 0:  # type: ignore[operator]
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
        for i, at in enumerate(where):
            if at is not None:
                places[f"{loc.block.key}[{i}]"] = [at]
    return intro, cleaned


# A line numbered plainly instead of with the list's marker (“1、…”, “2.…”, “（3）…”): its number.
_PLAIN_NUMBER = lazy_re(r"^\s*(?:[(（]\s*([0-9０-９]{1,2})\s*[)）]|([0-9０-９]{1,2})\s*[、.．](?![0-9０-９]))\s*")


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
            out.append([line[m.end():]])  # type: ignore[union-attr]
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
ITEM_NUMBER = lazy_re(r"^\s*(?:[(（]\s*[0-9０-９]+\s*[)）]|[0-9０-９]+\s*、|[0-9０-９]+\s*[.．](?![0-9０-９]))\s*")


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
    ``indicators[3].value``, ``reviews[0].opinion``) → the cells it was read from (see formparse.provenance)."""
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
