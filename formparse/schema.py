"""Layout schemas: TOML data describing where a form's fields are, validated when loaded."""

from __future__ import annotations

import functools
import importlib
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, cast

import attrs

from .errors import SchemaError
from .text import norm

FIELD_TYPES = ("text", "phone", "code", "count", "money", "choice", "pairs", "date")


@attrs.frozen
class Pair:
    """One amount of a ``pairs`` field (资金总额：300万元 …): its key and printed label."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@attrs.frozen
class Field:
    key: str
    label: str
    type: str = "text"
    aliases: tuple[str, ...] = ()
    optional: bool = False
    options: tuple[str, ...] = ()  # choice: the printed options
    box: str = "after"  # choice: where the check box is printed, "after" or "before" its option
    pairs: tuple[Pair, ...] = ()  # pairs: the amounts printed under this one label
    unit: str = "万元"  # pairs: the unit the amounts are in
    precision: str = "day"  # date: "day" or "month"

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@attrs.frozen
class Column:
    key: str
    label: str
    carry: str | None = None
    compact: bool = False
    merge: bool = False
    optional: bool = False
    aliases: tuple[str, ...] = ()
    numbered: bool = False  # cells begin with the row's printed number (“1、”), taken off and put back

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@attrs.frozen
class Group:
    key: str
    label: str
    fields: tuple[Field, ...]
    aliases: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@attrs.frozen
class Title:
    key: str
    pattern: re.Pattern[str]
    text: str
    blank: str
    # the year on its own line under the title (“（2020年度）”): its pattern and how it is written
    year_pattern: re.Pattern[str] | None = None
    year_text: str | None = None
    year_blank: str | None = None


@attrs.frozen
class Fields:
    fields: tuple[Field, ...]
    section: str | None = None
    optional: bool = False  # the whole block may be left out of a copy (its labels then give a warning)
    section_aliases: tuple[str, ...] = ()
    value: str = "right"  # where a value lies when it could be right of or below its label


@attrs.frozen
class Band:
    groups: tuple[Group, ...]
    optional: bool = False


@attrs.frozen
class ListBlock:
    key: str
    label: str
    intro: str | None
    marker: str
    optional: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def marker_re(self) -> re.Pattern[str]:
        """A line that starts an item: the marker with any number, a stray '、' after it."""
        head, _, tail = self.marker.partition("{n}")
        tail = tail.rstrip("：:")
        return re.compile(
            rf"^\s*{re.escape(head)}\s*[0-9０-９一二三四五六七八九十]+\s*{re.escape(tail)}\s*[：:、.．]\s*、?\s*"
        )


@attrs.frozen
class Table:
    key: str
    label: str
    columns: tuple[Column, ...]
    required_any: tuple[str, ...]
    prefill: tuple[tuple[str, tuple[str, ...]], ...] = ()
    optional: bool = False
    aliases: tuple[str, ...] = ()
    slots: int = 1  # how many empty item rows the blank form prints


@attrs.frozen
class Boxes:
    key: str
    label: str
    office_suffix: str
    offices: tuple[str, ...]
    prompts: dict[str, str]
    optional: bool = False
    aliases: tuple[str, ...] = ()


Block = Title | Fields | Band | ListBlock | Table | Boxes


@attrs.frozen
class Schema:
    id: str
    name: str
    blocks: tuple[Block, ...]
    # "module:Class" of the attrs record the located values are structured into
    record: str = "formparse.records:Record"
    # "module:function" checking a read record (sums, budgets …): ``rules(record, cells) -> [Warning]``
    rules: str | None = None
    # "module:function" listing what a record holds that the form cannot carry back:
    # ``domain(record, offices, labels) -> [problem]`` (the writer refuses such a record)
    domain: str | None = None
    # The labels that tell this form from any other document: a file without one of them is refused as
    # not this form (NotThisForm). Empty: every required label of a required block identifies.
    identify: tuple[str, ...] = ()
    # Printed texts that carry no value (e.g. “附件1”), as regular expressions on the folded text: the
    # coverage check counts them as read.
    notes: tuple[re.Pattern[str], ...] = ()
    # the name of the form's own table in `formparse convert` outputs (its lists get <table>_<key>)
    table: str | None = None
    # the record fields that make two files the same submission (a batch reports the second as a duplicate)
    identity: tuple[str, ...] = ("unit_name", "year")

    def identifying_labels(self) -> tuple[str, ...]:
        return self.identify or tuple(self.required_labels())

    def required_labels(self) -> Iterator[str]:
        for block in self.blocks:
            if getattr(block, "optional", False):
                continue
            if isinstance(block, Fields):
                if block.section:
                    yield block.section
                yield from (f.label for f in block.fields if not f.optional)
            elif isinstance(block, Band):
                for g in block.groups:
                    yield g.label
                    yield from (f.label for f in g.fields if not f.optional)
            elif isinstance(block, ListBlock | Boxes):
                yield block.label
            elif isinstance(block, Table):
                yield block.label
                yield from (c.label for c in block.columns if not c.optional)


class _Reader:
    """Takes values out of a TOML table, naming the full key in every error."""

    def __init__(self, data: Any, where: str, source: str) -> None:
        if not isinstance(data, dict):
            raise SchemaError(f"{where} must be a table", path=source)
        self.data = data
        self.where = where
        self.source = source
        self.used: set[str] = set()

    def _key(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        self.used.add(name)
        if name not in self.data:
            if default is ...:
                raise SchemaError(f"missing key {self._key(name)}", path=self.source)
            return default
        value = self.data[name]
        if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
            raise SchemaError(f"{self._key(name)} has the wrong type or is empty: {value!r}", path=self.source)
        return value

    def strings(self, name: str) -> tuple[str, ...]:
        values = self.get(name, list, [])
        for i, v in enumerate(values):
            if not isinstance(v, str) or not v.strip():
                raise SchemaError(f"{self._key(name)}[{i}] must be a non-empty string", path=self.source)
        return tuple(values)

    def sub(self, name: str) -> list[_Reader]:
        items = self.get(name, list)
        if not items:
            raise SchemaError(f"{self._key(name)} must not be empty", path=self.source)
        return [_Reader(item, f"{self._key(name)}[{i}]", self.source) for i, item in enumerate(items)]

    def done(self) -> None:
        extra = sorted(set(self.data) - self.used)
        if extra:
            raise SchemaError(f"unknown key {self._key(extra[0])}", path=self.source)


def _field(r: _Reader) -> Field:
    kind = r.get("type", str, "text")
    if kind not in FIELD_TYPES:
        raise SchemaError(f"{r.where}.type must be one of {', '.join(FIELD_TYPES)}, not {kind!r}", path=r.source)
    pairs: list[Pair] = []
    if kind == "pairs":
        for p in r.sub("pairs"):
            pairs.append(Pair(key=p.get("key", str), label=p.get("label", str), aliases=p.strings("aliases")))
            p.done()
    f = Field(
        key=r.get("key", str),
        label=r.get("label", str),
        type=kind,
        aliases=r.strings("aliases"),
        optional=r.get("optional", bool, False),
        options=r.strings("options"),
        box=r.get("box", str, "after"),
        pairs=tuple(pairs),
        unit=r.get("unit", str, "万元"),
        precision=r.get("precision", str, "day"),
    )
    if kind == "choice" and not f.options:
        raise SchemaError(f"{r.where}.options must list the printed options of a choice", path=r.source)
    if f.box not in ("after", "before"):
        raise SchemaError(f"{r.where}.box must be 'after' or 'before'", path=r.source)
    if f.precision not in ("day", "month"):
        raise SchemaError(f"{r.where}.precision must be 'day' or 'month'", path=r.source)
    r.done()
    return f


def _block(r: _Reader) -> Block:
    kind = r.get("kind", str)
    block: Block
    if kind == "title":
        raw = r.get("pattern", str)
        try:
            pattern = re.compile(raw)
        except re.error as exc:
            raise SchemaError(f"{r.where}.pattern is not a regular expression: {exc}", path=r.source) from exc
        key = r.get("key", str)
        if key not in pattern.groupindex:
            raise SchemaError(f"{r.where}.pattern needs a group named {key}", path=r.source)
        year = r.get("year", dict, None)
        year_pattern = year_text = year_blank = None
        if year is not None:
            y = _Reader(year, f"{r.where}.year", r.source)
            try:
                year_pattern = re.compile(y.get("pattern", str))
            except re.error as exc:
                raise SchemaError(f"{y.where}.pattern is not a regular expression: {exc}", path=r.source) from exc
            if key not in year_pattern.groupindex:
                raise SchemaError(f"{y.where}.pattern needs a group named {key}", path=r.source)
            year_text, year_blank = y.get("text", str), y.get("blank", str)
            y.done()
        block = Title(key=key, pattern=pattern, text=r.get("text", str), blank=r.get("blank", str),
                      year_pattern=year_pattern, year_text=year_text, year_blank=year_blank)
    elif kind == "fields":
        block = Fields(fields=tuple(_field(f) for f in r.sub("fields")), section=r.get("section", str, None),
                       optional=r.get("optional", bool, False), section_aliases=r.strings("section_aliases"),
                       value=r.get("value", str, "right"))
        if block.value not in ("right", "below"):
            raise SchemaError(f"{r.where}.value must be 'right' or 'below'", path=r.source)
    elif kind == "band":
        groups = []
        for g in r.sub("groups"):
            groups.append(Group(key=g.get("key", str), label=g.get("label", str), aliases=g.strings("aliases"),
                                fields=tuple(_field(f) for f in g.sub("fields"))))
            g.done()
        block = Band(groups=tuple(groups), optional=r.get("optional", bool, False))
    elif kind == "list":
        marker = r.get("marker", str)
        if "{n}" not in marker:
            raise SchemaError(f"{r.where}.marker must contain {{n}}", path=r.source)
        block = ListBlock(key=r.get("key", str), label=r.get("label", str), intro=r.get("intro", str, None),
                          marker=marker, optional=r.get("optional", bool, False), aliases=r.strings("aliases"))
    elif kind == "table":
        columns = []
        for c in r.sub("columns"):
            carry = c.get("carry", str, None)
            if carry not in (None, "down", "group"):
                raise SchemaError(f"{c.where}.carry must be 'down' or 'group'", path=r.source)
            columns.append(Column(key=c.get("key", str), label=c.get("label", str), carry=carry,
                                  compact=c.get("compact", bool, False), merge=c.get("merge", bool, False),
                                  optional=c.get("optional", bool, False), aliases=c.strings("aliases"),
                                  numbered=c.get("numbered", bool, False)))
            c.done()
        keys = {c.key for c in columns}
        required_any = r.strings("required_any")
        for k in required_any:
            if k not in keys:
                raise SchemaError(f"{r.where}.required_any names no column: {k}", path=r.source)
        prefill = []
        for i, item in enumerate(r.get("prefill", list, [])):
            ok = (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
                  and isinstance(item[1], list) and all(isinstance(s, str) for s in item[1]))
            if not ok:
                raise SchemaError(f"{r.where}.prefill[{i}] must be [level1, [level2, ...]]", path=r.source)
            prefill.append((item[0], tuple(item[1])))
        block = Table(key=r.get("key", str), label=r.get("label", str), columns=tuple(columns),
                      required_any=required_any, prefill=tuple(prefill), optional=r.get("optional", bool, False),
                      aliases=r.strings("aliases"), slots=r.get("slots", int, 1))
    elif kind == "boxes":
        prompts = r.get("prompts", dict)
        for name in ("opinion", "reviewer", "head"):
            if not isinstance(prompts.get(name), str):
                raise SchemaError(f"{r.where}.prompts.{name} is missing", path=r.source)
        block = Boxes(key=r.get("key", str), label=r.get("label", str), office_suffix=r.get("office_suffix", str),
                      offices=r.strings("offices"), prompts=dict(prompts), optional=r.get("optional", bool, False),
                      aliases=r.strings("aliases"))
    else:
        raise SchemaError(f"{r.where}.kind must be title, fields, band, list, table or boxes, not {kind!r}",
                          path=r.source)
    r.done()
    return block


def parse_schema(text: str, *, source: str = "<schema>") -> Schema:
    """Build a :class:`Schema` from TOML text. Raises SchemaError naming the offending key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemaError(f"not valid TOML: {exc}", path=source) from exc
    top = _Reader(data, "", source)
    notes = []
    for i, raw in enumerate(top.strings("notes")):
        try:
            notes.append(re.compile(raw))
        except re.error as exc:
            raise SchemaError(f"notes[{i}] is not a regular expression: {exc}", path=source) from exc
    record = top.get("record", str, "formparse.records:Record")
    rules = top.get("rules", str, None)
    domain = top.get("domain", str, None)
    for name, ref in (("record", record), ("rules", rules), ("domain", domain)):
        if ref is not None and not re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", ref):
            raise SchemaError(f"{name} must be written module:name, not {ref!r}", path=source)
    schema = Schema(id=top.get("id", str), name=top.get("name", str),
                    blocks=tuple(_block(b) for b in top.sub("blocks")), record=record, rules=rules, domain=domain,
                    identify=top.strings("identify"), notes=tuple(notes),
                    table=top.get("table", str, None), identity=top.strings("identity") or ("unit_name", "year"))
    top.done()
    known = {norm(label) for label in _all_labels(schema)}
    for label in schema.identify:
        if norm(label) not in known:
            raise SchemaError(f"identify names a label no block has: {label}", path=source)
    return schema


def _all_labels(schema: Schema) -> Iterator[str]:
    for block in schema.blocks:
        if isinstance(block, Fields):
            if block.section:
                yield block.section
                yield from block.section_aliases
            for f in block.fields:
                yield from f.labels
                for p in f.pairs:
                    yield from p.labels
        elif isinstance(block, Band):
            for g in block.groups:
                yield from g.labels
                for f in g.fields:
                    yield from f.labels
        elif isinstance(block, ListBlock | Boxes):
            yield block.label
            yield from block.aliases
        elif isinstance(block, Table):
            yield block.label
            yield from block.aliases
            for c in block.columns:
                yield from c.labels


def resolve(ref: str) -> Any:
    """The object a schema names as ``module:name`` (its record class, its rules)."""
    module, _, name = ref.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise SchemaError(f"cannot import {ref}: {exc}") from exc


def data_dir(name: str) -> Path:
    """A bundled data folder: inside the installed package, or at the top of a source checkout."""
    packaged = resources.files("formparse") / "_data" / name
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent / ("schemas" if name == "schemas" else "samples/templates")
    return checkout


_DERIVED: dict[tuple[int, str], tuple[Schema, Any]] = {}
T = TypeVar("T")


def derived(schema: Schema, name: str, make: Callable[[Schema], T]) -> T:
    """``make(schema)``, computed once per schema object and name (a schema never changes; schemas hold
    dicts, so they cannot be keys of a cache themselves)."""
    hit = _DERIVED.get((id(schema), name))
    if hit is None or hit[0] is not schema:
        if len(_DERIVED) > 256:
            _DERIVED.clear()
        hit = _DERIVED[(id(schema), name)] = (schema, make(schema))
    return cast(T, hit[1])


@functools.lru_cache(maxsize=16)
def load_schema(schema_id: str = "dept-overall-2020") -> Schema:
    """Load a bundled schema by id (once per process: schemas are immutable)."""
    path = data_dir("schemas") / f"{schema_id}.toml"
    if not path.is_file():
        raise SchemaError(f"no bundled schema named {schema_id!r}", path=str(path))
    return parse_schema(path.read_text(encoding="utf-8"), source=str(path))


@functools.cache
def _bundled_ids() -> tuple[str, ...]:
    # the shipped folder does not change while a process runs (listing it cost ~45 µs of every read)
    return tuple(p.stem for p in sorted(data_dir("schemas").glob("*.toml")))


def bundled_schemas() -> list[Schema]:
    """Every schema shipped with formparse (each file in ``schemas/``), in name order."""
    return [load_schema(i) for i in _bundled_ids()]


def load_schema_file(path: str | Path) -> Schema:
    """A schema from a TOML file of the caller's (``--schema FILE``)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SchemaError(f"cannot read the schema: {exc.strerror or exc}", path=str(path)) from exc
    return parse_schema(text, source=str(path))


def schema_for(record: Any, extra: Iterable[Schema] = ()) -> Schema:
    """The schema whose record class ``record`` is (to fill a record into its own form)."""
    for schema in [*extra, *bundled_schemas()]:
        if type(record) is resolve(schema.record):
            return schema
    raise SchemaError(f"no schema has records of class {type(record).__name__}")
