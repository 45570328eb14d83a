"""Records ⇄ the contract JSON (``formparse parse`` output), through one cattrs converter.

Money is a JSON string of plain decimal digits; dates are ISO strings; blanks are null.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.preconf.json import make_converter

from .records import Record
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


converter = make_converter(forbid_extra_keys=False)
converter.register_unstructure_hook(Decimal, format_money)
converter.register_structure_hook(Decimal, _money_from_json)
converter.register_structure_hook(int, _count_from_json)
converter.register_structure_hook(str, _text_from_json)
converter.register_unstructure_hook(dt.date, lambda d: d.isoformat())
converter.register_structure_hook(dt.date, lambda v, _: dt.date.fromisoformat(v))
# Last, so the hooks above are in place when these are generated. Warnings ride along on a read
# record but are not part of the contract's JSON.
converter.register_unstructure_hook(
    Record, make_dict_unstructure_fn(Record, converter, warnings=override(omit=True)))
converter.register_structure_hook(Record, make_dict_structure_fn(Record, converter, warnings=override(omit=True)))


def to_dict(record: Record) -> dict[str, Any]:
    """The contract's JSON object for ``record`` (keys in the contract's order)."""
    data: dict[str, Any] = converter.unstructure(record)
    return data


def from_dict(data: dict[str, Any]) -> Record:
    """A record from the contract's JSON object; a wrong value raises ValueError naming its path."""
    data = dict(data)
    data.pop("schema", None)
    try:
        return converter.structure(data, Record)
    except cattrs.BaseValidationError as exc:
        problems = cattrs.transform_error(exc)
        raise ValueError("; ".join(problems)) from exc


def dumps(record: Record, *, indent: int | None = 2) -> str:
    return json.dumps(to_dict(record), ensure_ascii=False, indent=indent)


def loads(text: str) -> Record:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("the JSON must be an object")
    return from_dict(data)
