"""A form's declarative checks (``[[rules]]`` in its schema file), giving the same cell-named warnings
(:class:`formparse.check.Warning`) as 附件1's Python rules.

Kinds (keys are the record's dotted keys; ``*`` stands for any one key or list position, the same one on
both sides of a rule: ``funds.*.executed`` ≤ ``funds.*.annual`` checks each printed row of a matrix):

* ``sum``: ``total`` equals the sum of ``parts`` within ``tolerance`` (the parts given; none given: no check);
* ``compare``: ``left`` ``op`` ``right`` (``<=``, ``<``, ``>=``, ``>``, ``==``, ``!=``), when both are given;
* ``required``: ``key`` is filled (with ``if``: whenever that key is);
* ``phone``: ``key`` is a mobile number or a landline with its area code;
* ``date``: ``key`` (text) is a date (2020年3月1日, 2020-03-01, 2020.3);
* ``python``: ``function = "module:name"``, called as ``name(record, cells)`` for its warnings (what cannot
  be written as data: 附件1's 成本指标 against the budget, the title's year against today).

Every rule may set ``code``, ``label`` and ``message`` (see docs/schema.md).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, cast

from .check import _LANDLINE, _MOBILE, Warning, _fmt
from .schema import Rule, Schema
from .text import parse_cn_date

_OPS = {"<=": lambda a, b: a <= b, "<": lambda a, b: a < b, ">=": lambda a, b: a >= b, ">": lambda a, b: a > b,
        "==": lambda a, b: a == b, "!=": lambda a, b: a != b}
_BROKEN = {"<=": "超过", "<": "不小于", ">=": "小于", ">": "不大于", "==": "不等于", "!=": "等于"}
_MISSING = object()


def _get(record: Any, key: str) -> Any:
    value: Any = record
    for part, index in _path(key):
        if index is not None:
            if not isinstance(value, list) or index >= len(value):
                return _MISSING
            value = value[index]
        else:
            value = getattr(value, part, _MISSING)
            if value is _MISSING:
                return _MISSING
    return value


@functools.lru_cache(maxsize=4096)
def _path(key: str) -> tuple[tuple[str, int | None], ...]:
    """A dotted key's steps: (field name, None) or (“[3]”, 3) for a list position (worked out once per key)."""
    return tuple((part, int(part[1:-1]) if part.startswith("[") else None) for part in _STEP.findall(key))


_STEP = re.compile(r"[^.\[\]]+|\[\d+\]")


def value_at(record: Any, key: str) -> Any:
    """The value at ``key`` (``income.total``, ``indicators[2].value``) in ``record``; None where there is none."""
    value = _get(record, key)
    return None if value is _MISSING else value


def _names(value: Any) -> list[str]:
    """What ``*`` may stand for under ``value``: its fields, or its list positions."""
    if isinstance(value, list):
        return [f"[{i}]" for i in range(len(value))]
    fields = getattr(type(value), "__attrs_attrs__", None)
    return [f.name for f in fields if f.name not in ("warnings", "provenance")] if fields is not None else []


def expand(record: Any, keys: list[str]) -> Iterator[list[str]]:
    """The concrete keys of ``keys`` for each thing ``*`` stands for (the first ``*`` of the first key)."""
    first = next((k for k in keys if "*" in k), None)
    if first is None:
        yield keys
        return
    head = first[: first.index("*")].rstrip(".")
    parent = _get(record, head) if head else record
    for name in _names(parent):
        if name.startswith("["):
            yield from expand(record, [k.replace(".*", name, 1).replace("*", name, 1) for k in keys])
        else:
            yield from expand(record, [k.replace("*", name, 1) for k in keys])


def _labels(schema: Schema) -> dict[str, str]:
    from .generic import tree_of

    out: dict[str, str] = {}
    for key, leaf in tree_of(schema):
        if isinstance(leaf, dict):
            out.update({f"{key}.{k}": v.label for k, v in leaf.items()})
        else:
            out[key] = leaf.label
    return out


def _cell(cells: dict[str, str], key: str) -> str | None:
    return cells.get(key) or cells.get(re.sub(r"\[(\d+)\]\.", r"[\1].", key))


def _shown(value: Any) -> str:
    if isinstance(value, Decimal):
        return _fmt(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def rule_function(rule: Rule) -> Any:
    from .schema import resolve

    return resolve(rule.key)


def field_labels(schema: Schema) -> dict[str, str]:
    """Every value's key (``income.total``, ``indicators.value``) → the form's label of it."""
    from .schema import derived

    return derived(schema, "rule_labels", _labels)


def check_rules(record: Any, schema: Schema, cells: dict[str, str], *, unread: set[str] | frozenset[str] = frozenset()
                ) -> list[Warning]:
    """The warnings of ``schema.checks`` for ``record`` (``cells``: key → cell address, as the reader knows).

    ``unread``: the keys of a partial record's values that were not read (None for that, not because the form
    leaves them empty): a check involving one of them says nothing — a total is not compared with the sum of
    parts some of which were not read, and a value not read is not reported blank (its error says so)."""
    if not schema.checks:
        return []
    labels = field_labels(schema)
    out: list[Warning] = []
    for k, rule in enumerate(schema.checks):
        if rule.kind == "python":
            from .schema import resolve_for

            resolve_for(schema, f"rules[{k}].function", rule.key)  # an error names the file, key and line
        out += _one(rule, record, labels, cells, unread)
    return out


def _any_unread(keys: list[str], unread: set[str] | frozenset[str]) -> bool:
    return bool(unread) and any(k in unread or re.sub(r"\[\d+\]", "", k) in unread for k in keys)


def _label(rule: Rule, labels: dict[str, str], key: str) -> str:
    return rule.label or labels.get(re.sub(r"\[\d+\]", "", key), key)


def _one(rule: Rule, record: Any, labels: dict[str, str], cells: dict[str, str],
         unread: set[str] | frozenset[str] = frozenset()) -> Iterator[Warning]:
    def warn(key: str, message: str, **values: Any) -> Warning:
        text = rule.message.format(**{k: _shown(v) for k, v in values.items()}) if rule.message else message
        return Warning(rule.code, _label(rule, labels, key), _cell(cells, key), text)

    if rule.kind == "python":
        yield from rule_function(rule)(record, cells)
        return
    if rule.kind == "sum":
        for keys in expand(record, [rule.key, *rule.parts]):
            if _any_unread(keys, unread):
                continue
            total, *parts = (cast(Any, _get(record, k)) for k in keys)
            present = [p for p in parts if isinstance(p, Decimal | int) and p is not _MISSING]
            if not isinstance(total, Decimal | int) or not present:
                continue
            s = Decimal(sum(present, Decimal(0)))
            if abs(s - total) > rule.tolerance:
                names = "、".join(_label(Rule("sum"), labels, k) for k in keys[1:])
                yield warn(keys[0], f"{_shown(total)} ≠ {names}之和 {_shown(s)}", total=total, sum=s)
    elif rule.kind == "compare":
        for left_key, right_key in expand(record, [rule.key, rule.other]):
            if _any_unread([left_key, right_key], unread):
                continue
            left, right = _get(record, left_key), _get(record, right_key)
            if left is None or right is None or left is _MISSING or right is _MISSING:
                continue
            try:
                ok = _OPS[rule.op](left, right)
            except TypeError:
                continue
            if not ok:
                other = _label(Rule("compare"), labels, right_key)
                yield warn(left_key, f"{_shown(left)} {_BROKEN[rule.op]} {other} {_shown(right)}",
                           left=left, right=right)
    elif rule.kind == "required":
        keys = [rule.key, rule.other] if rule.other else [rule.key]
        for pair in expand(record, keys):
            if _any_unread(pair[:1], unread):
                continue
            value = _get(record, pair[0])
            if len(pair) > 1 and _get(record, pair[1]) in (None, _MISSING, "", []):
                continue
            if value in (None, "", []):
                yield warn(pair[0], "必填项为空", value="")
    else:
        for (key,) in expand(record, [rule.key]):
            value = _get(record, key)
            if not isinstance(value, str):
                continue
            if rule.kind == "phone":
                digits = re.sub(r"[\s\u3000]", "", value)
                if not (_MOBILE.match(digits) or _LANDLINE.match(digits)):
                    yield warn(key, f"“{value}”不像电话号码（11位手机号或带区号的固定电话）", value=value)
            elif rule.kind == "date" and not _is_date(value):
                yield warn(key, f"“{value}”不是日期（如 2020年3月1日）", value=value)


def _is_date(text: str) -> bool:
    from . import fieldtypes

    for precision in ("day", "month"):
        try:
            if fieldtypes.parse_date(text, precision=precision) is not None:
                return True
        except ValueError:
            pass
    try:
        return parse_cn_date(text) is not None
    except ValueError:
        return False
