"""What a layout schema is made of: its blocks (fields, band, list, table, boxes, matrix, title), their
fields and columns, its rules, and the schema itself; frozen records, built by formparse.schema_toml."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import attrs

from . import _startcache

_startcache.install()  # attrs' generated methods of the classes below: from the cache

__all__ = ["FIELD_TYPES", "Band", "Block", "Boxes", "Column", "Field", "Fields", "Group", "ListBlock", "Matrix", "Pair",
           "Rule", "Schema", "Table", "Title", "value_keys"]

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


@attrs.frozen
class Matrix:
    """Printed row labels × printed column labels, a value at each crossing: ``key.row.column`` (money
    by source × stage, scores by indicator × measure). Rows are :class:`Field` s whose type is unused;
    each column's ``type`` types its values."""

    key: str
    rows: tuple[Field, ...]
    columns: tuple[Field, ...]
    label: str | None = None  # the section label left of (or above) the matrix, when the form prints one
    optional: bool = False
    aliases: tuple[str, ...] = ()  # of the section label


@attrs.frozen
class Rule:
    """One declarative check of a form (``[[rules]]`` in its schema file): see docs/schema.md."""

    kind: str  # sum, compare, required, phone, date, python
    key: str = ""  # sum: the total; compare: the left side; required/phone/date: the value; python: module:name
    parts: tuple[str, ...] = ()  # sum: the parts
    other: str = ""  # compare: the right side; required: the key that makes ``key`` required ("if")
    op: str = "<="  # compare
    tolerance: Decimal = Decimal(0)  # sum
    code: str = ""  # the warning's code (default: the kind)
    label: str | None = None  # the warning's label (default: the form's labels of ``key``)
    message: str | None = None  # the warning's message, with {value}, {total}, {sum}, {left}, {right}


Block = Title | Fields | Band | ListBlock | Table | Boxes | Matrix


@attrs.frozen
class Schema:
    id: str
    name: str
    blocks: tuple[Block, ...]
    # "module:Class" of the attrs record the located values are structured into; None: a record class
    # generated from the schema (formparse.generic)
    record: str | None = None
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
    # the form's declarative checks (``[[rules]]``), run by formparse.rules after ``rules`` (Python)
    checks: tuple[Rule, ...] = ()
    # the blank form to fill when no template is given (a path; relative ones are beside the schema file)
    template: str | None = None
    # the file the schema was read from, and its text (a generated record class is rebuilt from them)
    source: str = attrs.field(default="", eq=False, repr=False)
    text: str = attrs.field(default="", eq=False, repr=False)

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
            elif isinstance(block, Matrix):
                if block.label:
                    yield block.label
                yield from (f.label for f in (*block.rows, *block.columns) if not f.optional)



def value_keys(schema: Schema) -> Iterator[tuple[str, str]]:
    """(key, where in the schema) of every value the schema's blocks give a record."""
    for i, block in enumerate(schema.blocks):
        at = f"blocks[{i}]"
        if isinstance(block, Title):
            yield block.key, at
        elif isinstance(block, Fields):
            yield from ((f.key, f"{at}.fields[{k}].key") for k, f in enumerate(block.fields))
        elif isinstance(block, Band):
            yield from ((f"{g.key}.{f.key}", f"{at}.groups[{j}].fields[{k}].key")
                        for j, g in enumerate(block.groups) for k, f in enumerate(g.fields))
        elif isinstance(block, ListBlock):
            yield block.key, f"{at}.key"
            if block.intro:
                yield block.intro, f"{at}.intro"
        elif isinstance(block, Table | Boxes | Matrix):
            yield block.key, f"{at}.key"



def all_labels(schema: Schema) -> Iterator[str]:
    """Every label and alias the schema's blocks print (the labels ``identify`` may name)."""
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
        elif isinstance(block, Matrix):
            if block.label:
                yield block.label
                yield from block.aliases
            for f in (*block.rows, *block.columns):
                yield from f.labels
