"""Submissions rewritten part by part, as the documented XML says other tools and settings write them:
a bundled sample opened as a zip, some parts edited or added, saved under a new name."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import formparse
from tests.conftest import EXPECTED, numeric


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def rewrite(src: Path, dst: Path, edit: Callable[[str, bytes], bytes | None] | None = None,
            add: Mapping[str, bytes] = {}) -> Path:
    """``src`` with each part passed through ``edit`` (None drops the part) and ``add`` written too."""
    out = {}
    for name, data in parts_of(src).items():
        new = edit(name, data) if edit is not None else data
        if new is not None:
            out[name] = new
    out.update(add)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in out.items():
            zf.writestr(name, data)
    return dst


def expected(stem: str) -> dict:
    return numeric(json.loads((EXPECTED / f"{stem}.json").read_text(encoding="utf-8")))


def read_numeric(path: Path) -> dict:
    return numeric(formparse.to_dict(formparse.read(path)))


# A text element's content in SpreadsheetML and WordprocessingML (<t>, <w:t>, with or without attributes).
TEXT = re.compile(rb"(<(?:w:)?t(?: [^>]*)?>)([^<]+)(</(?:w:)?t>)")
