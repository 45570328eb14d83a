"""Records → tidy tables: ``forms`` (one row per file) and one table per repeating section.

One column list drives every output (pandas, Parquet, CSV, Excel), so they cannot disagree.
Money is exact: Arrow ``decimal128`` in Parquet (pandas frames: see :meth:`formparse.batch.Batch.frames`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from .records import RIDERS, Expenditure, Income, Record, ThreePublic
from .schema import Band, Boxes, Fields, ListBlock, Matrix, Schema, Table, bundled_schemas, derived, load_schema

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

MONEY_PRECISION, MONEY_SCALE = 38, 8
FIRST_FORM = "dept-overall-2020"  # 附件1: its tables keep the names and columns they always had


@attrs.frozen
class Column:
    name: str
    kind: str  # text, int, money, date
    label: str  # the form's own label, for Chinese headers


def _form_columns(schema: Schema) -> list[Column]:
    labels: dict[str, str] = {}
    for block in schema.blocks:
        if isinstance(block, Fields):
            for f in block.fields:
                labels[f.key.replace(".", "_")] = f.label
        elif isinstance(block, Band):
            for g in block.groups:
                for f in g.fields:
                    labels[f"{g.key}_{f.key}"] = f"{g.label} {f.label}"
    cols = [Column("file", "text", "文件"), Column("position", "text", "位置"), Column("schema", "text", "表式"),
            Column("year", "int", "年度")]
    for name, kind, fallback in _record_scalars():
        cols.append(Column(name, kind, labels.get(name, fallback)))
    return _unit_second(cols)


def _unit_second(cols: list[Column]) -> list[Column]:
    """``file`` then ``unit_name`` first, as in every child table: the columns that say whose row it is
    (a printed sheet repeats them on each page width)."""
    unit = [c for c in cols if c.name == "unit_name"]
    return [cols[0], *unit, *(c for c in cols[1:] if c.name != "unit_name")]


def _record_scalars() -> Iterator[tuple[str, str, str]]:
    """Every scalar field of a record, flattened: (snake_case path joined with _, kind, label)."""
    yield "unit_name", "text", "填报单位"
    yield "amount_unit", "text", "单位"
    for a in ("staff_quota", "staff_actual"):
        yield f"basic_info_{a}", "int", a
    for a in ("contact_person", "contact_phone"):
        yield f"basic_info_{a}", "text", a
    yield "functions", "text", "单位职能概述"
    for part, cls in (("income", Income), ("expenditure", Expenditure), ("three_public", ThreePublic)):
        for f in attrs.fields(cls):
            yield f"{part}_{f.name}", "money", f"{part}_{f.name}"
    yield "goals_intro", "text", "目标引言"
    yield "filled_by", "text", "填报人"
    yield "filled_by_phone", "text", "填报人联系电话"


def columns(schema: Schema | None = None, *, cells: bool = False) -> dict[str, list[Column]]:
    """The columns of every table, in order: 附件1's, every other bundled form's, the user's forms' (given to
    the batch or convert being run, or in ``FORMPARSE_SCHEMAS`` folders), then problems (``cells=True``: the
    provenance table ``cells`` before problems, one row per value read)."""
    out = _first_columns(schema or load_schema())
    problems = out.pop("problems")
    for other in [*bundled_schemas(), *extra_schemas()]:
        if other.id != FIRST_FORM:
            out.update(generic_columns(other))
    if cells:
        out["cells"] = list(CELLS)
    out["problems"] = problems
    return out


# The provenance table (formparse.provenance.cell_rows): where each value read stood.
CELLS = (Column("file", "text", "文件"), Column("position", "text", "位置"), Column("path", "text", "字段"),
         Column("sheet", "text", "工作表"), Column("address", "text", "单元格"), Column("text", "text", "显示内容"))


def table_names(cells: bool = False) -> tuple[str, ...]:
    """Every table's name, in order (:data:`TABLES` and the user's forms' tables; ``cells``: the provenance
    table before problems)."""
    names = tuple(columns()) if extra_schemas() else TABLES
    return names if not cells else (*names[:-1], "cells", names[-1])


_USING: list[list[Schema]] = []


@contextlib.contextmanager
def using(schemas: Iterable[Schema]) -> Iterator[None]:
    """The user's forms whose tables the outputs made inside this block have (besides the bundled ones)."""
    _USING.append(list(schemas))
    try:
        yield
    finally:
        _USING.pop()


def extra_schemas() -> list[Schema]:
    """The user's forms with tables of their own: those of ``FORMPARSE_SCHEMAS`` and of :func:`using`, each
    id once, none a bundled one."""
    import os

    from .schema import SCHEMA_PATH_ENV, folder_schemas

    given = [s for group in _USING for s in group]
    if os.environ.get(SCHEMA_PATH_ENV):
        try:
            given += folder_schemas()
        except Exception:  # a bad file there is reported when it is read; the tables go on without it
            pass
    bundled = {s.id for s in bundled_schemas()}
    out: dict[str, Schema] = {}
    for s in given:
        if s.id not in bundled:
            out.setdefault(s.id, s)
    return list(out.values())


# Whose row a child row is: its file and unit, and where in the file its form is (a packet holds several
# forms; joins go by file and position).
CHILD_KEY = (Column("file", "text", "文件"), Column("unit_name", "text", "填报单位"),
             Column("position", "text", "位置"))


def _first_columns(schema: Schema) -> dict[str, list[Column]]:
    # worked out once per schema, as generic_columns (a batch asks for them for every file it writes)
    return {name: list(cols) for name, cols in derived(schema, "first_columns", _make_first_columns).items()}


def _make_first_columns(schema: Schema) -> dict[str, list[Column]]:
    key = list(CHILD_KEY)
    return {
        "forms": _form_columns(schema),
        "goals": [*key, Column("n", "int", "序号"), Column("text", "text", "绩效目标")],
        "indicators": [*key, Column("n", "int", "序号"), Column("level1", "text", "一级指标"),
                       Column("level2", "text", "二级指标"), Column("content", "text", "指标内容"),
                       Column("value", "text", "指标值"), Column("remark", "text", "备注")],
        "reviews": [*key, Column("office", "text", "审核科室"), Column("opinion", "text", "审核意见"),
                    Column("reviewer", "text", "审核人"), Column("head", "text", "科室负责人"),
                    Column("date", "date", "审核日期")],
        "problems": [Column("file", "text", "文件"), Column("kind", "text", "问题类型"),
                     Column("message", "text", "说明")],
    }


def check_money(value: Decimal | None, where: str) -> None:
    """Money must fit the tables' decimal type exactly; raises ValueError otherwise."""
    if value is None:
        return
    exp = value.as_tuple().exponent
    digits = len(value.as_tuple().digits)
    if not isinstance(exp, int) or -exp > MONEY_SCALE or digits - min(0, exp) > MONEY_PRECISION:
        raise ValueError(f"{where} {value} 超出汇总表的精度（最多 {MONEY_SCALE} 位小数）")


def record_rows(file: str, record: Any, schema_id: str = FIRST_FORM, position: str = ""
                ) -> dict[str, list[dict[str, Any]]]:
    """The rows one record contributes to each table (``position``: where in a packet file the form is).
    Raises ValueError if money does not fit."""
    if not isinstance(record, Record):
        from .schema import schema_for

        return generic_rows(file, record, schema_for(record), position)
    form: dict[str, Any] = {"file": file, "position": position or None, "schema": schema_id, "year": record.year,
                            "unit_name": record.unit_name, "amount_unit": record.amount_unit}
    for a in ("staff_quota", "staff_actual", "contact_person", "contact_phone"):
        form[f"basic_info_{a}"] = getattr(record.basic_info, a)
    form["functions"] = record.functions
    for part in ("income", "expenditure", "three_public"):
        group = getattr(record, part)
        for f in attrs.fields(type(group)):
            value = getattr(group, f.name)
            check_money(value, f"{part}.{f.name}")
            form[f"{part}_{f.name}"] = value
    form["goals_intro"] = record.goals_intro
    form["filled_by"], form["filled_by_phone"] = record.filled_by, record.filled_by_phone
    key = {"file": file, "unit_name": record.unit_name, "position": position or None}
    return {
        "forms": [form],
        "goals": [{**key, "n": n, "text": g} for n, g in enumerate(record.goals, 1)],
        "indicators": [{**key, "n": n, **attrs.asdict(ind)} for n, ind in enumerate(record.indicators, 1)],
        "reviews": [{**key, **attrs.asdict(rv)} for rv in record.reviews],
    }


def arrow_schemas(schema: Schema | None = None, *, cells: bool = False) -> dict[str, pa.Schema]:
    import pyarrow as pa

    types = {"text": pa.string(), "int": pa.int64(), "money": pa.decimal128(MONEY_PRECISION, MONEY_SCALE),
             "date": pa.date32()}
    return {t: pa.schema([pa.field(c.name, types[c.kind]) for c in cols])
            for t, cols in columns(schema, cells=cells).items()}


def to_arrow(table: str, rows: list[dict[str, Any]], schema: Schema | None = None) -> pa.Table:
    import pyarrow as pa

    return pa.Table.from_pylist(rows, schema=arrow_schemas(schema)[table])


def to_frame(table: str, rows: list[dict[str, Any]], schema: Schema | None = None) -> pd.DataFrame:
    """A DataFrame with Arrow-backed columns (money as exact ``decimal128``)."""
    import pandas as pd

    return to_arrow(table, rows, schema).to_pandas(types_mapper=pd.ArrowDtype)


# Text that a spreadsheet or CSV reader would take as a formula (OWASP: CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text made safe for Excel/CSV: a leading formula character gets a ' before it."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def plain(value: Any) -> Any:
    """A cell value for CSV: Decimal as digits, dates as ISO, None as empty."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def iter_rows(table: str, rows: Iterable[dict[str, Any]], schema: Schema | None = None) -> Iterator[list[Any]]:
    names = [c.name for c in (CELLS if table == "cells" else columns(schema)[table])]
    for row in rows:
        yield [row.get(n) for n in names]


# -- any other form: tables derived from its schema and record class ---------------------------------

_KINDS = {str: "text", int: "int", Decimal: "money", dt.date: "date"}


def _plain_type(tp: Any) -> Any:
    import typing

    args = [a for a in typing.get_args(tp) if a is not type(None)]
    return args[0] if typing.get_origin(tp) in (typing.Union, __import__("types").UnionType) and args else tp


def _labels(schema: Schema) -> dict[str, str]:
    """Record path (a.b) → the form's printed label, for the headers."""
    out: dict[str, str] = {}
    for block in schema.blocks:
        if isinstance(block, Fields):
            for f in block.fields:
                out[f.key] = f.label
                for p in f.pairs:
                    out[f"{f.key}.{p.key}"] = f"{f.label} {p.label}"
        elif isinstance(block, Band):
            for g in block.groups:
                for f in g.fields:
                    out[f"{g.key}.{f.key}"] = f"{g.label} {f.label}"
        elif isinstance(block, Table):
            out[block.key] = block.label
            for c in block.columns:
                out[f"{block.key}[].{c.key}"] = c.label
        elif isinstance(block, ListBlock | Boxes):
            out[block.key] = block.label
        elif isinstance(block, Matrix):
            out[block.key] = block.label or "、".join(r.label for r in block.rows)
            for mc in block.columns:
                out[f"{block.key}[].{mc.key}"] = mc.label
    return out


_MATRIX_KINDS = {"money": "money", "count": "int", "date": "date"}


def _matrices(schema: Schema) -> list[Matrix]:
    return [b for b in schema.blocks if isinstance(b, Matrix)]


def _main_table(schema: Schema) -> str:
    return schema.table or schema.id.replace("-", "_")


def _walk_fields(cls: type, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, type) of every field of an attrs record, nested records flattened, lists whole."""
    for f in attrs.fields(attrs.resolve_types(cls)):
        if f.name in RIDERS:
            continue
        tp = _plain_type(f.type)
        if attrs.has(tp):
            yield from _walk_fields(tp, f"{prefix}{f.name}.")
        else:
            yield f"{prefix}{f.name}", tp


def generic_columns(schema: Schema) -> dict[str, list[Column]]:
    """One table for the form's scalar values (nested ones flattened), one per list in its record (worked out
    once per schema: a batch asks for every table's columns for each record it writes)."""
    return {name: list(cols) for name, cols in derived(schema, "table_columns", _generic_columns).items()}


def _generic_columns(schema: Schema) -> dict[str, list[Column]]:
    import typing

    labels, main = _labels(schema), _main_table(schema)
    key = list(CHILD_KEY)
    from .generic import record_type

    forms = [Column("file", "text", "文件"), Column("position", "text", "位置"), Column("schema", "text", "表式")]
    out: dict[str, list[Column]] = {main: forms}
    matrices = _matrices(schema)
    for path, tp in _walk_fields(record_type(schema)):
        m = next((m for m in matrices if path.startswith(m.key + ".")), None)
        if m is not None:  # a matrix: a child table, one row per printed row
            name = f"{main}_{m.key.replace('.', '_')}"
            if name not in out:
                out[name] = [*key, Column("n", "int", "序号"), Column("row", "text", "行"),
                             Column("label", "text", labels.get(m.key, m.key)),
                             *(Column(mc.key, _MATRIX_KINDS.get(mc.type, "text"), mc.label) for mc in m.columns)]
            continue
        if typing.get_origin(tp) is list:
            (item,) = typing.get_args(tp)
            name = f"{main}_{path}"
            cols = [*key, Column("n", "int", "序号")]
            if attrs.has(item):
                cols += [Column(p.replace(".", "_"), _KINDS.get(t, "text"), labels.get(f"{path}[].{p}", p))
                         for p, t in _walk_fields(item)]
            else:
                cols.append(Column("text", "text", labels.get(path, path)))
            out[name] = cols
        else:
            forms.append(Column(path.replace(".", "_"), _KINDS.get(tp, "text"), labels.get(path, path)))
    if schema.id not in {s.id for s in bundled_schemas()}:
        # a form of one's own printing a label twice (联系电话 after two people): each header distinct
        for cols in out.values():
            seen: set[str] = set()
            for k, col in enumerate(cols):
                if col.label in seen:
                    cols[k] = attrs.evolve(col, label=f"{col.label}（{col.name}）")
                seen.add(cols[k].label)
    out[main] = _unit_second(forms)
    return out


def generic_rows(file: str, record: Any, schema: Schema, position: str = "") -> dict[str, list[dict[str, Any]]]:
    import typing

    main = _main_table(schema)
    form: dict[str, Any] = {"file": file, "position": position or None, "schema": schema.id}
    out: dict[str, list[dict[str, Any]]] = {main: [form]}
    unit = getattr(record, "unit_name", None)

    def get(obj: Any, path: str) -> Any:
        for part in path.split("."):
            obj = getattr(obj, part)
        return obj

    matrices = _matrices(schema)
    for m in matrices:
        rows = out.setdefault(f"{main}_{m.key.replace('.', '_')}", [])
        for n, mr in enumerate(m.rows, 1):
            line: dict[str, Any] = {"file": file, "unit_name": unit, "position": position or None, "n": n,
                                    "row": mr.key, "label": mr.label}
            for mc in m.columns:
                value = get(record, f"{m.key}.{mr.key}.{mc.key}")
                if isinstance(value, Decimal):
                    check_money(value, f"{m.key}.{mr.key}.{mc.key}")
                line[mc.key] = value
            rows.append(line)
    for path, tp in _walk_fields(type(record)):
        if any(path.startswith(m.key + ".") for m in matrices):
            continue
        value = get(record, path)
        if typing.get_origin(tp) is list:
            rows = out.setdefault(f"{main}_{path}", [])
            for n, item in enumerate(value, 1):
                row: dict[str, Any] = {"file": file, "unit_name": unit, "position": position or None, "n": n}
                if attrs.has(type(item)):
                    for p, _t in _walk_fields(type(item)):
                        row[p.replace(".", "_")] = get(item, p)
                else:
                    row["text"] = item
                rows.append(row)
        else:
            if isinstance(value, Decimal):
                check_money(value, path)
            form[path.replace(".", "_")] = value
    return out


def table_titles_zh() -> dict[str, str]:
    """Chinese sheet names of the other forms' tables: the form's name, and each list's printed label."""
    out: dict[str, str] = {}
    for schema in [*bundled_schemas(), *extra_schemas()]:
        if schema.id == FIRST_FORM:
            continue
        labels, main = _labels(schema), _main_table(schema)
        short = schema.name.split()[-1] if schema.name.split() else schema.id
        out[main] = short[:31]
        for name in generic_columns(schema):
            if name != main:
                out[name] = labels.get(name[len(main) + 1:], name)[:31]
    return out


TABLES = tuple(columns())
