"""A located mapping as a record: attrs classes built from mappings, lists item by item, ``X | None``.

Part of the read (:mod:`formparse.reader`). cattrs only for a type this does not know (imported then: a read
of the bundled forms never needs it, which keeps ``formparse parse`` quick to start)."""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from decimal import Decimal
from typing import Any

import attrs

# The types a located value already has (the field types make them); they are taken as they are.
_EXACT = (Decimal, dt.date, str, int, Any)


def structure(value: Any, tp: Any) -> Any:
    """``value`` (a located mapping, list or value) as type ``tp``: attrs classes built from mappings, lists
    item by item, ``X | None``, and a mapping class (a drafted schema's record) from the mapping; values of
    the exact types as they are. Any other type goes to cattrs (imported then: a read of the bundled forms
    never needs it, which keeps ``formparse parse`` quick to start).

    (The type is looked at once per process: :func:`_builder` makes a function per type, kept by type.)"""
    try:
        build = _BUILDERS[tp]
    except KeyError:
        if len(_BUILDERS) > 4096:  # generated record classes come and go (formparse.generic keeps 256 schemas')
            _BUILDERS.clear()
        build = _BUILDERS[tp] = _builder(tp)
    except TypeError:  # a type that cannot be a dict key (Annotated with unhashable metadata): no builder
        return _structure(value, tp)
    return build(value)


_BUILDERS: dict[Any, Any] = {}


def _builder(tp: Any) -> Any:
    """The function :func:`structure` applies to a value of type ``tp`` (what :func:`_structure` does, with
    the questions about the type answered once)."""
    optional = _optional(tp)
    origin = typing.get_origin(tp)

    def fallback(value: Any) -> Any:
        return None if value is None and optional else _fallback().structure(value, tp)

    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) != 1:
            return fallback
        inner = args[0]
        return lambda value: None if value is None and optional else structure(value, inner)
    if tp in _EXACT:
        return lambda value: value
    if isinstance(tp, type) and attrs.has(tp):
        fields = [(f.alias, f.name, f.type) for f in attrs.fields(attrs.resolve_types(tp)) if f.init]

        def build(value: Any) -> Any:
            if not isinstance(value, dict):
                return fallback(value)
            return tp(**{alias: structure(value[name], ftype) for alias, name, ftype in fields if name in value})

        return build
    if origin is list:
        (item,) = typing.get_args(tp) or (Any,)
        return lambda value: [structure(v, item) for v in value] if isinstance(value, list) else fallback(value)
    if isinstance(tp, type) and issubclass(tp, dict) and not typing.get_args(tp):
        return lambda value: tp(value) if isinstance(value, dict) else fallback(value)
    return fallback


def _structure(value: Any, tp: Any) -> Any:
    """:func:`structure` without the per-type builders (the reference they are held to)."""
    if value is None and _optional(tp):
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return _structure(value, args[0])
    elif tp in _EXACT:
        return value
    elif isinstance(tp, type) and attrs.has(tp) and isinstance(value, dict):
        fields = attrs.fields(attrs.resolve_types(tp))
        return tp(**{f.alias: _structure(value[f.name], f.type) for f in fields if f.init and f.name in value})
    elif origin is list and isinstance(value, list):
        (item,) = typing.get_args(tp) or (Any,)
        return [_structure(v, item) for v in value]
    elif isinstance(tp, type) and issubclass(tp, dict) and isinstance(value, dict) and not typing.get_args(tp):
        return tp(value)
    return _fallback().structure(value, tp)


def _optional(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in typing.get_args(tp)


@functools.cache
def _fallback() -> Any:
    import cattrs

    converter = cattrs.Converter()
    for exact in (Decimal, dt.date, str, int):
        converter.register_structure_hook(exact, lambda value, _type: value)
    return converter
