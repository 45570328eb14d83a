"""``read(path)``: any supported file → the record of the class its schema names (e.g. records.Record)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from . import _startcache
from ._startcache import lazy_re
from .backends import open_grids
from .check import Warning
from .errors import AmbiguousLayout, FormparseError, InvalidValues, NotThisForm, UnsafeFile
from .grid import Cell, Grid
from .limits import DEFAULT, Limits
from .locate import Layout, known_labels, locate
from .provenance import Provenance, attach, place_of
from .schema import Boxes, Schema, Title, as_schemas, bundled_schemas, derived, known_schemas, resolve_for  # noqa: F401

# (the read's two other parts, re-exported under their names here as before the split)
from .structuring import _EXACT, _fallback, _optional, _structure, structure  # noqa: F401
from .text import norm, unnumbered
from .values import (  # noqa: F401
    ITEM_NUMBER,
    _box_values,
    _group_labels,
    _in_domain,
    _items,
    _list_items,
    _plainly_numbered,
    _plainly_numbered_from,
    _prompt,
    _put,
    _review,
    _Values,
    _where,
    read_value,
    values_from_layout,
)

_startcache.install()  # attrs' generated methods of the classes below: from the cache


def _shown(grid: Grid) -> set[str]:
    """The folded texts (up to a trailing colon) of the cells the printed form shows."""
    anchors = grid.own_anchors  # (the reading order, row by row, without a generator)
    if not grid.hidden_rows and not grid.hidden_cols:  # (every cell shown: no question per cell)
        return {_shown_text(c.text) for r in range(len(grid.rows)) for c in anchors(r)}
    return {_shown_text(c.text) for r in range(len(grid.rows)) for c in anchors(r) if grid.visible(c)}


@functools.lru_cache(maxsize=8192)
def _shown_text(text: str) -> str:
    """A cell's text as :func:`_shown` compares it (kept per text: a template's labels recur in every file)."""
    return unnumbered(norm(text)).rstrip(":")


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


# What a back-end shows for a symbol-font character it does not know (formparse.backends.symbols.UNKNOWN).
UNKNOWN_SYMBOL = "\ufffd"


# A problem as the reader words it: “label (cell)：message”.
_PROBLEM = lazy_re(r"^(?P<label>.*?) \((?P<cell>[^()（）]*)\)：(?P<message>.*)$", re.S)
_MISSING_LABEL = lazy_re(r"^找不到标签“(?P<label>.*)”$", re.S)
# The code of a problem in a partial record (``read(path, partial=True)``): what InvalidValues would list.
ERROR = "error"


def _may_show_unknown_symbol(grid: Grid) -> bool:
    """Whether any cell's text holds :data:`UNKNOWN_SYMBOL` (one search of the texts joined, not one per cell)."""
    return UNKNOWN_SYMBOL in "\n".join([c.text for c in grid.reading_order()])


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
    for address, message in layout.grid.doubts:
        key = by_address.get(address, "")
        loc = layout.fields.get(key)
        rec.warnings.append(Warning("merged-text", loc.field.label if loc else "单元格", address, message))
    for address, message in layout.grid.clipped:
        loc = layout.fields.get(by_address.get(address, ""))
        rec.warnings.append(Warning("clipped-text", loc.field.label if loc else "单元格", address, message))
    if layout.grid.sheet_hidden:
        sheet = _sheet_name(layout.grid)
        rec.warnings.append(Warning("hidden-sheet", "隐藏的工作表", sheet or None,
                                    f"表格读自隐藏的工作表“{sheet}”：报送人打开文件时看不到这张表，"
                                    "请核对它是否就是本次报送的内容"))
    rec.warnings += stand_in_warnings(layout)
    for unread in layout.unread:
        rec.warnings.append(Warning("unread", "未读取的内容", unread.address,
                                    f"“{unread.text.strip()}”没有对应的栏目，未读取"))
    for cell in layout.grid.reading_order() if _may_show_unknown_symbol(layout.grid) else ():
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
    grids: list[Grid] = []
    try:
        grids = open_grids(path, limits or DEFAULT, password)
        _, layout = best_layout(grids, candidates, path)
        return record_from_layout(layout, layout.schema, partial=partial)  # type: ignore[arg-type]
    except (NotThisForm, InvalidValues) as exc:
        _hinted(exc, grids)
        raise
    except FormparseError:
        raise
    except (MemoryError, RecursionError) as exc:
        raise UnsafeFile(f"文件过大或结构过深，无法安全读取 ({type(exc).__name__})", path=path) from exc


def _hinted(exc: FormparseError, grids: Sequence[Grid]) -> None:
    """A refusal with what the file shows that would explain it (``Grid.hints``: texts printed over one
    another in a PDF) added to its message, once."""
    hints = list(dict.fromkeys(h for g in grids for h in g.hints))
    if hints and not any(h in exc.message for h in hints):
        exc.amend("；".join([exc.message, *hints]))


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
    matchers = [t.pattern.match for t in titles]
    for cell in grid.reading_order():
        folded = norm(cell.text)
        if not folded:
            continue
        for match in matchers:  # (a loop, not any() over a generator: this runs for every cell of every file)
            if match(folded):
                break
        else:
            continue
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
            rec = record_from_layout(layout, layout.schema, partial=partial)  # type: ignore[arg-type]
        except FormparseError as exc:
            if where:
                exc.message = f"{where}：{exc.message}"
                exc.args = (f"{path}: {exc.message}",)
            if isinstance(exc, NotThisForm | InvalidValues):
                _hinted(exc, [part])
            raise
        if getattr(rec, "provenance", None) is not None and where:
            rec.provenance.position = where
        out.append(Found(rec, layout.schema.id, where or "全文"))  # type: ignore[union-attr]
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
