"""A layout schema read from TOML text: every key checked, every error naming the key and its line."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from .errors import SchemaError
from .schema_blocks import (
    FIELD_TYPES,
    Band,
    Block,
    Boxes,
    Column,
    Field,
    Fields,
    Group,
    ListBlock,
    Matrix,
    Pair,
    Rule,
    Schema,
    Table,
    Title,
    all_labels,
    value_keys,
)
from .text import norm


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
    elif kind == "matrix":
        m_rows = tuple(_field(f) for f in r.sub("rows"))
        m_cols = tuple(_field(f) for f in r.sub("columns"))
        for part, items in (("rows", m_rows), ("columns", m_cols)):
            seen: set[str] = set()
            for n, one in enumerate(items):
                if one.key in seen:
                    raise SchemaError(f"{r.where}.{part}[{n}].key is given twice: {one.key}", path=r.source)
                seen.add(one.key)
        block = Matrix(key=r.get("key", str), rows=m_rows, columns=m_cols, label=r.get("label", str, None),
                       optional=r.get("optional", bool, False), aliases=r.strings("aliases"))
    else:
        raise SchemaError(f"{r.where}.kind must be title, fields, band, list, table, boxes or matrix, not {kind!r}",
                          path=r.source)
    r.done()
    return block


RULE_KINDS = ("sum", "compare", "required", "phone", "date", "python")
COMPARISONS = ("<=", "<", ">=", ">", "==", "!=")


def _rule(r: _Reader) -> Rule:
    kind = r.get("kind", str)
    if kind not in RULE_KINDS:
        raise SchemaError(f"{r.where}.kind must be one of {', '.join(RULE_KINDS)}, not {kind!r}", path=r.source)
    raw_tol = r.get("tolerance", (str, int, float), 0)
    try:
        tolerance = Decimal(str(raw_tol))
    except InvalidOperation:
        tolerance = Decimal(-1)
    if not tolerance.is_finite() or tolerance < 0:
        raise SchemaError(f"{r.where}.tolerance must be a non-negative number, not {raw_tol!r}", path=r.source)
    if kind == "sum":
        rule = Rule(kind, key=r.get("total", str), parts=r.strings("parts"), tolerance=tolerance)
        if not rule.parts:
            raise SchemaError(f"missing key {r.where}.parts", path=r.source)
    elif kind == "compare":
        rule = Rule(kind, key=r.get("left", str), other=r.get("right", str), op=r.get("op", str, "<="))
        if rule.op not in COMPARISONS:
            raise SchemaError(f"{r.where}.op must be one of {' '.join(COMPARISONS)}, not {rule.op!r}", path=r.source)
    elif kind == "required":
        rule = Rule(kind, key=r.get("key", str), other=r.get("if", str, ""))
    elif kind == "python":  # what cannot be written so: ``function(record, cells) -> [Warning]``
        rule = Rule(kind, key=r.get("function", str))
        if not re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", rule.key):
            raise SchemaError(f"{r.where}.function must be written module:name, not {rule.key!r}", path=r.source)
    else:
        rule = Rule(kind, key=r.get("key", str))
    rule = attrs.evolve(rule, code=r.get("code", str, kind), label=r.get("label", str, None),
                        message=r.get("message", str, None))
    r.done()
    return rule


# A key path at the start of a message (“blocks[3].fields[0].type must be …”, “unknown key blocks[2].lable”).
_KEY_IN_MESSAGE = re.compile(
    r"^(?:missing key |unknown key )?([A-Za-z_]\w*(?:\[\d+\])?(?:\.[A-Za-z_]\w*(?:\[\d+\])?)*)")


def key_line(text: str, key: str) -> int | None:
    """The line (1-based) of a TOML text where ``key`` (a path such as ``blocks[3].fields[2].type``) is
    written, or of the nearest enclosing table or item that is; None when not found."""
    lines = text.splitlines()
    parts = re.findall(r"([A-Za-z_]\w*)(?:\[(\d+)\])?", key)
    lo, hi = 0, len(lines)
    found: int | None = None
    after_header = False
    for depth, (name, index) in enumerate(parts):
        header = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]\s*(#.*)?$")
        if depth == 0 and index and any(header.match(x) for x in lines):
            starts = [k for k, x in enumerate(lines) if header.match(x)]
            n = int(index)
            if n >= len(starts):
                return found
            lo = starts[n]
            hi = next((k for k in range(lo + 1, len(lines)) if re.match(r"^\s*\[", lines[k])), len(lines))
            found = lo + 1
            after_header = True
            continue
        # a key of a [[table]] begins its line; one inside an inline table follows “{”, “,” or a space
        assign = re.compile(rf"^\s*{re.escape(name)}\s*=" if after_header or depth == 0
                            else rf"(^|[{{,\s]){re.escape(name)}\s*=")
        after_header = False
        at = next((k for k in range(lo, hi) if assign.search(lines[k])), None)
        if at is None:
            return found
        found = at + 1
        if not index:
            lo = at
            continue
        # the n-th inline table of the array that begins here
        n, seen = int(index), -1
        for k in range(at, hi):
            seen += lines[k].count("{") if k > at else lines[k].split("=", 1)[1].count("{")
            if seen >= n:
                lo, found = k, k + 1
                break
        else:
            return found
    return found


def parse_schema(text: str, *, source: str = "<schema>") -> Schema:
    """Build a :class:`Schema` from TOML text. Raises SchemaError naming the offending key and its line."""
    try:
        return _parse_schema(text, source)
    except SchemaError as exc:
        m = _KEY_IN_MESSAGE.match(exc.message)
        key = m.group(1) if m else ""
        if exc.message.startswith("missing key "):  # where it is missing from: its table or item
            key = re.sub(r"\.?[A-Za-z_]\w*$", "", key)
        line = key_line(text, key) if key else None
        if line is not None and "第" not in exc.message:
            exc.message = f"{exc.message}（第 {line} 行 / line {line}）"
            exc.args = (f"{exc.path}: {exc.message}" if exc.path else exc.message,)
        raise


def _parse_schema(text: str, source: str) -> Schema:
    import tomllib  # (here: a process whose schemas come from the start-up cache never needs it)

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
    record = top.get("record", str, None)
    if record == "formparse.draft:DraftRecord":  # drafts of before: the generated record is what they meant
        record = None
    raw_rules = top.data.get("rules")
    rules = None
    checks: tuple[Rule, ...] = ()
    if isinstance(raw_rules, list):
        checks = tuple(_rule(x) for x in top.sub("rules"))
    else:
        rules = top.get("rules", str, None)
    domain = top.get("domain", str, None)
    for name, ref in (("record", record), ("rules", rules), ("domain", domain)):
        if ref is not None and not re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", ref):
            raise SchemaError(f"{name} must be written module:name, not {ref!r}", path=source)
    schema = Schema(id=top.get("id", str), name=top.get("name", str),
                    blocks=tuple(_block(b) for b in top.sub("blocks")), record=record, rules=rules, domain=domain,
                    identify=top.strings("identify"), notes=tuple(notes),
                    table=top.get("table", str, None), identity=top.strings("identity") or ("unit_name", "year"),
                    checks=checks, template=top.get("template", str, None), source=source, text=text)
    top.done()
    _unique_keys(schema)
    known = {norm(label) for label in all_labels(schema)}
    for label in schema.identify:
        if norm(label) not in known:
            raise SchemaError(f"identify names a label no block has: {label}", path=source)
    return schema



def _item_keys(schema: Schema) -> Iterator[tuple[str, str]]:
    """(key, where) of a table's columns and a matrix's rows and columns (the names inside its items)."""
    for i, block in enumerate(schema.blocks):
        if isinstance(block, Table):
            yield from ((c.key, f"blocks[{i}].columns[{k}].key") for k, c in enumerate(block.columns))
        elif isinstance(block, Matrix):
            yield from ((r.key, f"blocks[{i}].rows[{k}].key") for k, r in enumerate(block.rows))
            yield from ((c.key, f"blocks[{i}].columns[{k}].key") for k, c in enumerate(block.columns))


def _unique_keys(schema: Schema) -> None:
    """No value's key is given twice, nor both a value and the parent of others (“a” and “a.b”); every key
    a name a record's field can have."""
    for key, where in _item_keys(schema):
        if not key.isidentifier() or keyword.iskeyword(key):
            raise SchemaError(f"{where} must be a name (letters, digits, _; not a Python keyword), not {key!r}",
                              path=schema.source)
    seen: dict[str, str] = {}
    for key, where in value_keys(schema):
        bad = next((p for p in key.split(".") if not p.isidentifier() or keyword.iskeyword(p)), None)
        if bad is not None:
            raise SchemaError(f"{where} must be a name (letters, digits, _; not a Python keyword), not {key!r}",
                              path=schema.source)
        if key.split(".")[0] in ("schema", "warnings", "provenance"):
            raise SchemaError(f"{where} must not be {key.split('.')[0]!r} (the JSON's form tag, a record's "
                              "warnings and provenance have these names)", path=schema.source)
        if key in seen:
            raise SchemaError(f"{where} is given twice: {key} (also {seen[key]})", path=schema.source)
        seen[key] = where
    for key, where in seen.items():
        head = key.rpartition(".")[0]
        while head:
            if head in seen:
                raise SchemaError(f"{where} {key} is inside {head}, which is a value ({seen[head]})",
                                  path=schema.source)
            head = head.rpartition(".")[0]

