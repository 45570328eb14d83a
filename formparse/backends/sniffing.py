"""Whether a file is an OOXML package we can write to, without raising."""

from __future__ import annotations

from ..errors import FormparseError


def ooxml_kind(path: str) -> str | None:
    from . import sniff

    try:
        return sniff(path)
    except FormparseError:
        return None
