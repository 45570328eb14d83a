"""``read(path)``: any supported file → the record of the class its schema names (e.g. records.Record)."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import cattrs

from . import fieldtypes
from .backends import open_grids
from .check import Warning
from .errors import AmbiguousLayout, FormparseError, InvalidValues, NotThisForm, UnsafeFile
from .grid import Cell, Grid
from .limits import DEFAULT, Limits
from .locate import BoxesLoc, FieldLoc, Layout, ListLoc, TableLoc, known_labels, locate, split_items
from .records import MONEY_LIMIT, number_problem
from .schema import Boxes, Schema, Title, bundled_schemas, derived, resolve
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
    ranked = sorted(((fit(g, s, shown[i]), i, k) for i, g in enumerate(grids) for k, s in enumerate(schemas)),
                    key=lambda x: (-x[0], x[1], x[2]))
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


def _list_items(loc: ListLoc) -> tuple[str | None, list[str]]:
    marker = loc.block.marker_re
    intro_text = loc.intro.text if loc.intro is not None else ""
    head, items = split_items(intro_text.replace("\r", ""), marker)
    intro = clean(head)
    out = [clean(t) for t in items]
    marked = bool(items)
    for cell in loc.slots:
        before, parts = split_items(cell.text.replace("\r", ""), marker)
        marked = marked or bool(parts)
        out.append(clean(before))
        out.extend(clean(t) for t in parts)
    cleaned = [g for g in (re.sub(r"^[、\s]+", "", g) for g in out if g) if g]
    return intro, cleaned if marked else _plainly_numbered(cleaned)


# A line numbered plainly instead of with the list's marker (“1、…”, “2.…”, “（3）…”): its number.
_PLAIN_NUMBER = re.compile(r"^\s*(?:[(（]\s*([0-9０-９]{1,2})\s*[)）]|([0-9０-９]{1,2})\s*[、.．](?![0-9０-９]))\s*")


def _plainly_numbered(items: list[str]) -> list[str]:
    """Items a copy numbered 1、2、3… (each in its line or cell) instead of with the marker: without the
    numbers, one item per number. Left as typed unless the numbers run 1, 2, 3 … from the first line."""
    lines = [line for item in items for line in item.split("\n")]
    out: list[list[str]] = []
    for line in lines:
        m = _PLAIN_NUMBER.match(line)
        n = int(unicodedata.normalize("NFKC", m.group(1) or m.group(2))) if m else None
        if n == len(out) + 1:
            out.append([line[m.end():]])
        elif out and n is None:
            out[-1].append(line)
        else:
            return items
    cleaned = [clean("\n".join(lines)) for lines in out]
    return [g for g in cleaned if g] if out else items


# The printed number a numbered column's cell begins with (“1、”, “2.”, “（3）”).
ITEM_NUMBER = re.compile(r"^\s*(?:[(（]\s*[0-9０-９]+\s*[)）]|[0-9０-９]+\s*、|[0-9０-９]+\s*[.．](?![0-9０-９]))\s*")


def _items(loc: TableLoc, layout: Layout, cells: dict[str, str] | None = None) -> list[dict[str, str | None]]:
    """The table's items as {column key: text}: blank or merged cells carried down where the schema says."""
    grid = layout.grid
    cols = loc.block.columns
    carried: dict[str, str | None] = {c.key: None for c in cols}
    group_key = next((c.key for c in cols if c.carry == "down"), None)
    out: list[dict[str, str | None]] = []
    for r in loc.rows:
        values: dict[str, str | None] = {}
        new_group = False
        where: dict[str, Cell] = {}
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
            elif col.carry == "group" and new_group:
                carried[col.key] = None
            values[col.key] = carried[col.key]
        if all(values.get(k) is None for k in loc.block.required_any):
            continue
        if cells is not None:
            for key, cell in where.items():
                cells[f"{loc.block.key}[{len(out)}].{key}"] = cell.address
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


def values_from_layout(layout: Layout, schema: Schema) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """The located values as a mapping nested by the schema's keys; where each came from; what is wrong."""
    v = _Values(layout, schema)
    mapping: dict[str, Any] = {}
    cells = {key: loc.target.address for key, loc in layout.fields.items()}
    for key in layout.fields:
        _put(mapping, key, v.get(key))
    if layout.title is not None:
        mapping[layout.title.block.key] = layout.title.year
        where = layout.title.year_cell or layout.title.cell
        cells[layout.title.block.key] = where.address
    for lst in layout.lists:
        intro, items = _list_items(lst)
        if lst.block.intro:
            mapping[lst.block.intro] = intro
        mapping[lst.block.key] = items
    for table in layout.tables:
        mapping[table.block.key] = _items(table, layout, cells)
        cells[table.block.key] = table.label.address
    for boxes in layout.boxes:
        mapping[boxes.block.key] = _box_values(boxes, v.problems)
    return mapping, cells, v.problems


_STRUCTURE = cattrs.Converter()
for _exact in (Decimal, dt.date, str, int):
    _STRUCTURE.register_structure_hook(_exact, lambda value, _type: value)


# What a back-end shows for a symbol-font character it does not know (formparse.backends.symbols.UNKNOWN).
UNKNOWN_SYMBOL = "\ufffd"


def record_from_layout(layout: Layout, schema: Schema) -> Any:
    """The record a located grid holds (of the class the schema names). Raises InvalidValues listing every
    bad cell, every required label that is missing and every label without a value cell."""
    mapping, cells, problems = values_from_layout(layout, schema)
    if problems:
        raise InvalidValues(problems, path=layout.grid.source)
    rec = _STRUCTURE.structure(mapping, resolve(schema.record))
    rules = resolve(schema.rules) if schema.rules else None
    rec.warnings = list(rules(rec, cells)) if rules is not None else []
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
    for unread in layout.unread:
        rec.warnings.append(Warning("unread", "未读取的内容", unread.address,
                                    f"“{unread.text.strip()}”没有对应的栏目，未读取"))
    for cell in layout.grid.reading_order():
        if UNKNOWN_SYMBOL in cell.text and layout.grid.visible(cell):
            text = cell.text.strip()[:30]
            rec.warnings.append(Warning("symbol", "无法识别的符号", cell.address,
                                        f"“{text}”中有符号字体的字符无法识别，显示为 {UNKNOWN_SYMBOL}"))
    return rec


def read(path: str | Path, *, schema: Schema | None = None, schemas: Sequence[Schema] = (),
         limits: Limits | None = None, password: str | None = None) -> Any:
    """Read one filled-in form (.xlsx, .docx, legacy .xls/.doc …) into the record of the form it is.

    The bundled schemas (附件1, 附件2, …) and any ``schemas`` the caller adds are tried, the one whose
    identifying labels the document holds first; ``schema`` reads it as that form only. The record's
    class says which form it is (``formparse.schema_for``; a tagged record's JSON names it).

    Args:
        limits: the safety limits to read under (default :data:`formparse.limits.DEFAULT`).
        password: opens a password-protected file (needs msoffcrypto-tool).

    Raises:
        UnreadableFile: the file cannot be opened as a document (EncryptedFile: it has a password).
        UnsafeFile: the file exceeds a safety limit.
        NotThisForm: the document is none of the forms (the closest one's missing labels are listed).
        InvalidValues: cells whose content does not fit their label (each named with its cell).
    """
    candidates = [schema] if schema is not None else [*schemas, *bundled_schemas()]
    path = str(path)
    try:
        grids = open_grids(path, limits or DEFAULT, password)
        _, layout = best_layout(grids, candidates, path)
        return record_from_layout(layout, layout.schema)
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


def read_all(path: str | Path, *, schemas: Sequence[Schema] = (), limits: Limits | None = None,
             password: str | None = None) -> list[Found]:
    """Every form a file holds, in order: one per sheet, and in a sheet or document one per title of a
    known form (a packet of 附件1 and several 附件2). Each part is read as :func:`read` reads a file.

    Raises what :func:`read` raises for the first part that fails (naming its place)."""
    candidates = [*schemas, *bundled_schemas()]
    path = str(path)
    found: list[Found] = []
    try:
        grids = open_grids(path, limits or DEFAULT, password)
        for grid in grids:
            parts = _parts(grid, candidates)
            for k, (start, stop) in enumerate(parts):
                part = grid if len(parts) == 1 else grid.slice(start, stop)
                if len(grids) > 1 and fit(part, max(candidates, key=lambda s: fit(part, s))) == 0:
                    continue  # a sheet with no form on it (填报说明)
                where = _sheet_name(part) if len(grids) > 1 else ""
                if len(parts) > 1:
                    where = (where + " " if where else "") + f"第{k + 1}份（{_first(part)} 起）"
                try:
                    _, layout = best_layout([part], candidates, path)
                    rec = record_from_layout(layout, layout.schema)
                except FormparseError as exc:
                    if where:
                        exc.message = f"{where}：{exc.message}"
                        exc.args = (f"{path}: {exc.message}",)
                    raise
                found.append(Found(rec, layout.schema.id, where or "全文"))
    except FormparseError:
        raise
    except (MemoryError, RecursionError) as exc:
        raise UnsafeFile(f"文件过大或结构过深，无法安全读取 ({type(exc).__name__})", path=path) from exc
    if not found:
        raise NotThisForm(list(candidates[0].identifying_labels()), form=candidates[0].name, path=path)
    return found


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
