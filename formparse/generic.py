"""Records for a form that has no Python record class: attrs classes generated from its layout schema.

A schema whose ``record`` is unset (a drafted one, or a bureau's own form) still reads into a real record:

* one attrs class per schema (made once, cached by the schema's id and text), nested as the keys nest
  (``basic.staff`` → ``record.basic.staff``), fields typed by the schema: ``money`` → Decimal, ``count`` →
  int, ``date`` → datetime.date, ``choice``/``text``/``phone``/``code`` → str, the title's year → int;
* a list → ``list[str]`` (its intro a str), a table → a list of row records (one str per column), review
  boxes → a list of review records, a matrix → a record per printed row holding a value per printed column
  (``funds.total.executed``);
* the class's ``schema_id`` tags its JSON (``"schema": "<id>"`` first, as 附件2's), so
  :func:`formparse.contract.to_dict` / ``from_dict`` take it with the same strict checks as every record;
* records pickle (a batch's workers send them back) by their schema and values, not by class name.

:func:`json_schema` is the JSON Schema of such a record, made from the layout schema alone.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, cast

import attrs

from . import _startcache
from .schema import Band, Boxes, Field, Fields, ListBlock, Matrix, Schema, Table, Title, known_schemas, resolve_for

_startcache.install()  # attrs' generated methods of the classes below: from the cache

# Python type of each field type's value.
TYPES: dict[str, type] = {"text": str, "phone": str, "code": str, "count": int, "money": Decimal, "choice": str,
                          "date": dt.date}


class GenericRecord:
    """Base of every generated record class: item access by dotted key, pickling by schema."""

    __formparse_schema__: Schema
    __formparse_path__: str = ""

    def __getitem__(self, key: str) -> Any:
        """``record["funds.total.executed"]``: the value at a dotted key."""
        value: Any = self
        for part in key.split("."):
            try:
                value = getattr(value, part)
            except AttributeError:
                raise KeyError(key) from None
        return value

    def source(self, path: str) -> Any:
        """Where the value at ``path`` stood (``rec.source("funds.total.executed")``): a
        formparse.provenance.Source (see formparse.provenance.source)."""
        from .provenance import source

        return source(self, path)

    def __reduce__(self) -> tuple[Any, ...]:
        values = {f.name: getattr(self, f.name) for f in attrs.fields(cast(Any, type(self)))}
        return (_rebuild, (self.__formparse_schema__, type(self).__formparse_path__, values))


def _rebuild(schema: Schema, path: str, values: dict[str, Any]) -> Any:
    return classes(schema)[path](**values)


def _camel(text: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", text)
    name = "".join(w[:1].upper() + w[1:] for w in words) or "Form"
    return name if name[0].isalpha() else "Form" + name


_CLASSES: dict[tuple[str, str], dict[str, type]] = {}


def classes(schema: Schema) -> dict[str, type]:
    """Every class generated for ``schema``, by its path in the record ("" is the record itself)."""
    key = (schema.id, schema.text or repr(schema))
    hit = _CLASSES.get(key)
    if hit is None:
        if len(_CLASSES) > 256:
            _CLASSES.clear()
        hit = _CLASSES[key] = _Builder(schema).build()
    return hit


# JSON tag → the class of the schema with that id used last (a JSON names its form by id alone)
_LATEST: dict[str, type] = {}


def record_class(schema: Schema) -> type:
    """The attrs record class of a schema without a Python one (generated, cached)."""
    cls = _LATEST[schema.id] = classes(schema)[""]
    return cls


def record_type(schema: Schema) -> type:
    """The class a schema's records are: the one it names, or the generated one."""
    return resolve_for(schema, "record", schema.record) if schema.record is not None else record_class(schema)


def is_generic(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, GenericRecord) and cls.__formparse_path__ == ""


def class_for_tag(tag: str, extra: list[Schema] | tuple[Schema, ...] = ()) -> type | None:
    """The generated record class whose JSON carries ``"schema": tag``: of a schema given, of one whose class
    this process has made, or of a ``FORMPARSE_SCHEMAS`` one."""
    for schema in extra:
        if schema.id == tag and schema.record is None:
            return record_class(schema)
    if tag in _LATEST:
        return _LATEST[tag]
    for schema in known_schemas():
        if schema.id == tag and schema.record is None:
            return record_class(schema)
    return None


# -- the tree of a schema's values --------------------------------------------------------------------

@attrs.define
class _Leaf:
    type: Any
    default: Any = None
    factory: bool = False  # default is attrs.Factory(list)
    label: str = ""
    field: Field | None = None
    item: Any = None  # a list's item schema, for the JSON Schema


class _Builder:
    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.tree: dict[str, Any] = {}
        self.made: dict[str, type] = {}
        self.name = _camel(schema.id)

    def put(self, key: str, leaf: Any) -> None:
        node = self.tree
        *parents, last = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = leaf

    def build(self) -> dict[str, type]:
        for key, leaf in tree_of(self.schema):
            self.put(key, leaf)
        top = self.make("", self.tree, top=True)
        top.schema_id = self.schema.id  # type: ignore[attr-defined]
        return self.made

    def make(self, path: str, node: dict[str, Any], top: bool = False) -> type:
        fields: dict[str, Any] = {}
        for name, sub in node.items():
            at = f"{path}.{name}" if path else name
            if isinstance(sub, dict):
                cls = self.make(at, sub)
                fields[name] = attrs.field(type=cls, default=attrs.Factory(cls))
            elif isinstance(sub, _Leaf) and isinstance(sub.type, dict):  # a list of row records
                cls = self.make(at + "[]", sub.type)
                fields[name] = attrs.field(type=list[cls], default=attrs.Factory(list))  # type: ignore[valid-type]
            elif sub.factory:
                fields[name] = attrs.field(type=sub.type, default=attrs.Factory(list))
            else:
                fields[name] = attrs.field(type=sub.type | None, default=None)
        if top:
            fields["warnings"] = attrs.field(type=list[Any], factory=list, eq=False, repr=False)
            # where each value stood in the file read (formparse.provenance), as on 附件1/附件2's records
            fields["provenance"] = attrs.field(type=Any, default=None, eq=False, repr=False)
        suffix = "Record" if top else "_" + _camel(path.replace("[]", "_item").replace(".", " "))
        cls = attrs.make_class(self.name + suffix, fields, bases=(GenericRecord,), slots=True)
        setattr(cls, "__formparse_schema__", self.schema)  # noqa: B010 - a class made at run time
        setattr(cls, "__formparse_path__", path)  # noqa: B010
        cls.__module__ = __name__
        self.made[path] = cls
        return cls


def _leaf(f: Field) -> Any:
    if f.type == "pairs":
        return {p.key: _Leaf(Decimal, label=f"{f.label} {p.label}") for p in f.pairs}
    return _Leaf(TYPES.get(f.type, str), label=f.label, field=f)


def tree_of(schema: Schema) -> list[tuple[str, Any]]:
    """(dotted key, leaf or subtree) of every value of a schema's record, in the form's order."""
    out: list[tuple[str, Any]] = []
    for block in schema.blocks:
        if isinstance(block, Title):
            out.append((block.key, _Leaf(int, label="年度")))
        elif isinstance(block, Fields):
            out += [(f.key, _leaf(f)) for f in block.fields]
        elif isinstance(block, Band):
            out += [(f"{g.key}.{f.key}", _leaf(attrs.evolve(f, label=f"{g.label} {f.label}")))
                    for g in block.groups for f in g.fields]
        elif isinstance(block, ListBlock):
            if block.intro:
                out.append((block.intro, _Leaf(str, label=f"{block.label} 引言")))
            out.append((block.key, _Leaf(list[str], factory=True, label=block.label, item=str)))
        elif isinstance(block, Table):
            row = {c.key: _Leaf(str, label=c.label) for c in block.columns}
            out.append((block.key, _Leaf(row, factory=True, label=block.label)))
        elif isinstance(block, Boxes):
            row = {"office": _Leaf(str, label="科室"), "opinion": _Leaf(str, label=block.prompts["opinion"]),
                   "reviewer": _Leaf(str, label=block.prompts["reviewer"]),
                   "head": _Leaf(str, label=block.prompts["head"]), "date": _Leaf(dt.date, label="日期")}
            out.append((block.key, _Leaf(row, factory=True, label=block.label)))
        elif isinstance(block, Matrix):
            for r in block.rows:
                for c in block.columns:
                    out.append((f"{block.key}.{r.key}.{c.key}",
                                _leaf(attrs.evolve(c, key=c.key, label=f"{r.label} {c.label}"))))
    return out


# -- JSON Schema -----------------------------------------------------------------------------------

_DEFS = {
    "money": {"type": ["string", "null"], "pattern": "^-?[0-9]+(\\.[0-9]+)?$"},
    "text": {"type": ["string", "null"], "minLength": 1},
    "count": {"type": ["integer", "null"], "minimum": 0},
    "date": {"type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
}


def _json_leaf(leaf: _Leaf) -> dict[str, Any]:
    f = leaf.field
    if f is not None and f.type == "choice":
        out: dict[str, Any] = {"enum": [*f.options, None]}
    elif leaf.type is Decimal:
        out = {"$ref": "#/$defs/money"}
    elif leaf.type is int:
        out = {"$ref": "#/$defs/count"} if f is not None else {"type": ["integer", "null"]}
    elif leaf.type is dt.date:
        out = {"$ref": "#/$defs/date"}
    elif leaf.factory and leaf.item is str:
        out = {"type": "array", "items": {"type": "string", "minLength": 1}}
    elif isinstance(leaf.type, dict):
        out = {"type": "array", "items": _json_object(leaf.type)}
    else:
        out = {"$ref": "#/$defs/text"}
    if leaf.label:
        out["description"] = leaf.label
    return out


def _json_object(node: dict[str, Any]) -> dict[str, Any]:
    props = {name: _json_object(sub) if isinstance(sub, dict) else _json_leaf(sub) for name, sub in node.items()}
    return {"type": "object", "additionalProperties": False, "required": list(props), "properties": props}


def json_schema(schema: Schema) -> dict[str, Any]:
    """The JSON Schema (2020-12) of the JSON ``formparse parse`` prints for this form (a generated record)."""
    tree: dict[str, Any] = {}
    for key, leaf in tree_of(schema):
        node = tree
        *parents, last = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = leaf
    body = _json_object(tree)
    body["properties"] = {"schema": {"const": schema.id, "description": "the layout schema's id"},
                          **body["properties"]}
    body["required"] = ["schema", *body["required"]]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"{schema.id}.schema.json",
            "title": f"{schema.name} — one parsed form",
            "description": f"The JSON that `formparse parse --schema {schema.id}.toml FILE` prints. Money is a "
                           "decimal written as a JSON string; a blank cell is null, never \"\".",
            "$defs": _DEFS, **body}
