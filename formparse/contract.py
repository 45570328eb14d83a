"""Records ⇄ the contract JSON (``formparse parse`` output): JSON → record through one cattrs converter.

Record → JSON is a walk over the record's attrs fields (:func:`to_dict`), the same as the converter's
unstructuring (``tests/test_contract.py`` holds the two equal), so a ``formparse parse`` never imports
cattrs, which cost a good part of its start.

Money is a JSON string of plain decimal digits; dates are ISO strings; blanks are null.

Every form's record class is listed in :data:`RECORD_TYPES`. A class with a ``schema_id`` class
variable is *tagged*: its JSON begins with ``"schema": <id>`` and :func:`from_dict` picks the class
by that tag. 附件1's :class:`~formparse.records.Record` predates tags, so its JSON has none (its
output stays as it always was) and an object without a ``"schema"`` key is a 附件1 record.
Reading is strict: an unknown key is an error, never silently dropped (a misspelt ``genral_budget`` would
otherwise leave 一般公共预算 blank in the filled form).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import types
import typing
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from .records import RIDERS, Record
from .records_project import ProjectRecord
from .text import format_money


def _money_from_json(value: Any, _: type) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"money must be a decimal string, not {value!r}")
    try:
        d = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not a decimal: {value!r}") from exc
    if not d.is_finite():
        raise ValueError(f"not a finite decimal: {value!r}")
    return d


def _count_from_json(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"must be an integer, not {value!r}")
    return value


def _text_from_json(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {value!r}")
    return value


# The record class of every form; the first is the one an untagged JSON object is.
RECORD_TYPES: tuple[type, ...] = (Record, ProjectRecord)
AnyRecord = Record | ProjectRecord


@functools.cache
def converter() -> Any:
    """The cattrs converter of the contract (made on first use: reading JSON needs it, writing it does not)."""
    from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
    from cattrs.preconf.json import make_converter

    conv = make_converter(forbid_extra_keys=True)
    conv.register_unstructure_hook(Decimal, format_money)
    conv.register_structure_hook(Decimal, _money_from_json)
    conv.register_structure_hook(int, _count_from_json)
    conv.register_structure_hook(str, _text_from_json)
    conv.register_unstructure_hook(dt.date, lambda d: d.isoformat())
    conv.register_structure_hook(dt.date, lambda v, _: dt.date.fromisoformat(v))
    # Warnings ride along on a read record but are not part of the contract's JSON. Each function is made
    # the first time it is needed (then cached by the converter), not at once for every record class.
    conv.register_unstructure_hook_factory(
        lambda cls: cls in RECORD_TYPES,
        lambda cls: make_dict_unstructure_fn(cls, conv, warnings=override(omit=True),
                                             provenance=override(omit=True)))
    conv.register_structure_hook_factory(
        lambda cls: cls in RECORD_TYPES,
        lambda cls: make_dict_structure_fn(cls, conv, warnings=override(omit=True),
                                           provenance=override(omit=True)))
    # records generated from a user's schema (formparse.generic): the same, tagged with their schema's id
    conv.register_unstructure_hook_factory(
        _generic, lambda cls: make_dict_unstructure_fn(cls, conv, warnings=override(omit=True),
                                                       provenance=override(omit=True)))
    conv.register_structure_hook_factory(
        _generic, lambda cls: make_dict_structure_fn(cls, conv, warnings=override(omit=True),
                                                     provenance=override(omit=True)))
    return conv


def _plain(value: Any) -> Any:
    """A record's value as JSON holds it: attrs objects as objects in field order (warnings and provenance
    left out), money as plain decimal digits, dates as ISO strings."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if attrs.has(type(value)):
        return {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(type(value)) if f.name not in RIDERS}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    raise TypeError(f"no JSON for {type(value).__name__}")


def _generic(cls: Any) -> bool:
    """A record class generated from a schema (formparse.generic): tagged with its schema's id."""
    from .generic import is_generic

    return is_generic(cls)


def _tag(cls: type) -> str | None:
    tag = getattr(cls, "schema_id", None)
    return tag if isinstance(tag, str) else None


# 附件1's schema id: an object tagged with it is a 附件1 record too (its JSON is printed untagged).
_UNTAGGED_IDS = {Record: "dept-overall-2020"}
_BY_TAG: dict[str | None, type] = {_tag(cls): cls for cls in RECORD_TYPES}
_BY_TAG.update({sid: cls for cls, sid in _UNTAGGED_IDS.items()})


def to_dict(record: AnyRecord) -> dict[str, Any]:
    """The contract's JSON object for ``record`` (keys in the contract's order)."""
    if type(record) not in RECORD_TYPES and not _generic(type(record)):
        raise TypeError(f"not a form record: {type(record).__name__}")
    data: dict[str, Any] = _plain(record)
    tag = _tag(type(record))
    return data if tag is None else {"schema": tag, **data}


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def _type_problem(value: Any, tp: Any) -> str | None:
    """Why ``value`` (decoded JSON) cannot be ``tp``, or None when it can (attrs classes and lists aside)."""
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        tp = next(a for a in args if a is not type(None))
    if value is None:
        return "不能为空 / must not be null"
    if tp is Decimal:
        try:
            _money_from_json(value, Decimal)
        except ValueError:
            if isinstance(value, float):  # a JSON number with a fraction: a float, which money never is
                return (f"金额应写成字符串 \"{value!r}\"，不是数字 / money is a string: \"{value!r}\", "
                        "not a number")
            return "金额应为十进制数字的字符串，如 \"373.51\" / money must be a decimal string"
    elif tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            return "应为整数 / must be an integer"
    elif tp is str:
        if not isinstance(value, str):
            return "应为字符串 / must be a string"
    elif tp is dt.date:
        try:
            dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            return "应为 ISO 日期字符串，如 \"2020-03-01\" / must be an ISO date string"
    return None


def _walk(value: Any, tp: Any, path: str, bad: list[str]) -> None:
    """Every key and value of ``value`` checked against ``tp``; each problem appended to ``bad``."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and value is None and type(None) in typing.get_args(tp):
        return
    if attrs.has(tp):
        if not isinstance(value, dict):
            bad.append(f"{path} = {_shown(value)}：应为对象 / must be an object")
            return
        fields = {f.name: f for f in attrs.fields(attrs.resolve_types(tp)) if f.name not in RIDERS}
        allowed = set(fields) | ({"schema"} if tp is Record else set())
        for key, item in value.items():
            if key not in allowed:
                import difflib

                close = difflib.get_close_matches(str(key), sorted(fields), n=1, cutoff=0.6)
                hint = f"（{key} → {close[0]}?）" if close else f"（可用的键 / known keys: {', '.join(fields)}）"
                bad.append(f"{path}.{key} = {_shown(item)}：未知的键 / unknown key {hint}")
            elif key in fields:
                _walk(item, fields[key].type, f"{path}.{key}", bad)
        return
    if typing.get_origin(tp) is list:
        if not isinstance(value, list):
            bad.append(f"{path} = {_shown(value)}：应为数组 / must be an array")
            return
        (item_tp,) = typing.get_args(tp)
        for i, item in enumerate(value):
            _walk(item, item_tp, f"{path}[{i}]", bad)
        return
    problem = _type_problem(value, tp)
    if problem:
        bad.append(f"{path} = {_shown(value)}：{problem}")


def from_dict(data: dict[str, Any], cls: type | None = None) -> Any:
    """A record from the contract's JSON object, strictly: unknown or misspelt keys and wrong types
    raise one ValueError listing every bad path with its value (and the key meant, where one is close).

    ``cls`` is the record class wanted; without it the object's ``"schema"`` tag chooses (none: 附件1).
    """
    return _from_dict(data, cls, [])


def _from_dict(data: dict[str, Any], cls: type | None, bad: list[str]) -> Any:
    """from_dict, with the problems already found in the text (``bad``: duplicate keys) listed first."""
    data = dict(data)
    tag = data.pop("schema", None)
    known = ", ".join(t for t in _BY_TAG if t)
    if cls is None:
        if tag is not None and tag not in _BY_TAG:
            from .generic import class_for_tag

            cls = class_for_tag(tag) if isinstance(tag, str) else None
            if cls is None:
                raise ValueError(f"$.schema = {_shown(tag)}：不认识的表式（可用 / known: {known}；自己的表式请用 "
                                 "--schema 给出它的 .toml）/ unknown form (give its schema file with --schema)")
        else:
            cls = _BY_TAG.get(tag, RECORD_TYPES[0])
    elif tag is not None and _BY_TAG.get(tag) is not cls and not (_generic(cls) and _tag(cls) == tag):
        raise ValueError(f"$.schema = {_shown(tag)}：不是 {cls.__name__} 的表式 / is not a {cls.__name__}")
    _walk(data, cls, "$", bad)
    if bad:
        raise ValueError(f"{len(bad)} 处不符合约定 / {len(bad)} problem(s):\n  " + "\n  ".join(bad))
    import cattrs

    try:
        return converter().structure(data, cls)
    except cattrs.BaseValidationError as exc:  # what the walk above does not know of
        problems = cattrs.transform_error(exc)
        raise ValueError("; ".join(problems)) from exc


def dumps(record: AnyRecord, *, indent: int | None = 2) -> str:
    return json.dumps(to_dict(record), ensure_ascii=False, indent=indent)


class _Object(dict[str, Any]):
    """A decoded JSON object that remembers the keys it had twice: (key, the value dropped)."""

    twice: list[tuple[str, Any]]


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object()
    obj.twice = []
    for key, value in pairs:
        if key in obj:
            obj.twice.append((key, obj[key]))
        obj[key] = value
    return obj


def _keys_twice(value: Any, path: str, bad: list[str]) -> None:
    if isinstance(value, _Object):
        for key, first in value.twice:
            bad.append(f"{path}.{key} = {_shown(value[key])}：键重复出现，前一个值为 {_shown(first)} / "
                       "duplicate key (which one is meant?)")
        for key, item in value.items():
            _keys_twice(item, f"{path}.{key}", bad)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _keys_twice(item, f"{path}[{i}]", bad)


_JSON_WORDS = {  # json's messages, in the clerk's words
    "Expecting property name enclosed in double quotes": "应为用双引号括起的键名",
    "Expecting ':' delimiter": "键名后应为冒号 :",
    "Expecting ',' delimiter": "缺少逗号 ,",
    "Expecting value": "缺少值（或有多余的字符）",
    "Unterminated string starting at": "字符串缺少结尾的双引号",
    "Invalid control character at": "字符串中有控制字符（换行应写作 \\n）",
    "Invalid \\escape": "无效的转义 \\",
    "Extra data": "JSON 结束后还有多余的内容",
}


def _syntax_error(text: str, exc: json.JSONDecodeError) -> ValueError:
    zh = next((words for en, words in _JSON_WORDS.items() if exc.msg.startswith(en)), exc.msg)
    en, pos = exc.msg, exc.pos
    before = text[:exc.pos].rstrip()
    if before.endswith(",") and text[exc.pos:exc.pos + 1] in "}]":
        zh, en, pos = "多余的逗号（最后一项后面不能有逗号）", "a trailing comma", len(before) - 1
    line_no = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    lines = text.splitlines()
    near = lines[line_no - 1].strip()[:60] if line_no <= len(lines) else ""
    return ValueError(f"JSON 语法错误，第 {line_no} 行第 {col} 列：{zh}" + (f"；该行：{near}" if near else "")
                      + f" / JSON syntax error at line {line_no} column {col}: {en}")


def loads(text: str, cls: type | None = None) -> Any:
    """A record from the contract's JSON text, strictly (see :func:`from_dict`); a key given twice is an
    error too (JSON would keep the last in silence). A UTF-8 BOM (Windows Notepad's) is allowed.

    Raises ValueError, in Chinese and English: a syntax error with its line and column, or every bad
    path with its value."""
    text = text.removeprefix("\ufeff")
    try:
        data = json.loads(text, object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        raise _syntax_error(text, exc) from None
    if not isinstance(data, dict):
        kind = {list: "数组 […] / an array", str: "字符串 / a string"}.get(type(data), f"{_shown(data)}")
        hint = "（formparse parse --all 的输出是数组：请一次填一条记录）" if isinstance(data, list) else ""
        raise ValueError(f"JSON 的最外层应为一个对象 {{…}}（一条记录），而这里是 {kind}{hint} / "
                         "the JSON must be one object (a record)")
    bad: list[str] = []
    _keys_twice(data, "$", bad)
    return _from_dict(data, cls, bad)


def json_schema_of(schema: Any) -> dict[str, Any]:
    """The contract's JSON Schema of a form with a Python record class (附件1, 附件2: the shipped files)."""
    from pathlib import Path

    from .errors import SchemaError

    shipped = Path(__file__).resolve().parent.parent / "tests" / "contract" / f"{schema.id}.schema.json"
    if not shipped.is_file():
        raise SchemaError(f"{schema.id} 的记录类由 Python 写成，没有生成的约定 / its record class is "
                          "Python's: no generated JSON Schema", path=schema.source or schema.id)
    loaded: dict[str, Any] = json.loads(shipped.read_text(encoding="utf-8"))
    return loaded
