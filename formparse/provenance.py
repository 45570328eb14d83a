"""Where every value of a read record stood: its file, which form of the file, sheet, cell and shown text.

:func:`formparse.reader.record_from_layout` attaches a :class:`Provenance` to every record it makes
(``rec.provenance``), keyed by the record's field paths as :mod:`formparse.check` names them:
``income.total``, ``goals[0]``, ``indicators[3].value``, ``reviews[1].opinion``, ``funds.fiscal``.
``rec.source("income.total")`` (or :func:`source` for any record) gives one :class:`Source`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import attrs

from . import _startcache

_startcache.install()  # attrs' generated methods of the classes below: from the cache

# One path's place: (sheet, address as the user sees it, the text shown there).
Place = tuple[str, str, str]


@attrs.frozen
class Source:
    """Where one value was read: ``file`` and ``position`` (which form of a packet, "" for the only one),
    ``sheet`` ("" in a Word document), ``address`` as the user sees it (``F8``, ``表1第3行第4列``) and
    ``text``, the text the cell shows (the whole cell: a value may be a part of it, e.g. one goal of several
    typed in one cell, or a value typed after its label)."""

    file: str
    position: str
    sheet: str
    address: str
    text: str

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.address}" if self.sheet else self.address
        return f"{self.file} {self.position} {where}".replace("  ", " ").strip()


@attrs.define
class Provenance:
    """Every value's place in one form: path → (sheet, address, shown text); picklable and small."""

    file: str = ""
    position: str = ""
    places: dict[str, Place] = attrs.Factory(dict)

    def source(self, path: str) -> Source:
        """The Source of the value at ``path`` (``income.total``, ``indicators[3].value``); KeyError if
        the form has no such value (a field the copy left out, an item past the last)."""
        sheet, address, text = self.places[path]
        return Source(self.file, self.position, sheet, address, text)

    def __iter__(self) -> Iterator[str]:
        return iter(self.places)

    def __len__(self) -> int:
        return len(self.places)


def split_address(address: str) -> tuple[str, str]:
    """A back-end's address as (sheet, address): ``附件1!F8`` → (``附件1``, ``F8``); ``表1第3行第4列`` → ("", …)."""
    sheet, bang, rest = address.rpartition("!")
    return (sheet, rest) if bang else ("", address)


def place_of(cells: list[Any]) -> Place:
    """The place of a value read from ``cells`` (grid cells; the first names the address): their text joined."""
    first = cells[0]
    sheet, bang, rest = first.address.rpartition("!")  # (split_address, written out: ~90 values a form)
    if not bang:
        sheet, rest = "", first.address
    return sheet, rest, first.text if len(cells) == 1 else "\n".join([c.text for c in cells])


def attach(record: Any, provenance: Provenance) -> None:
    """Give ``record`` its provenance (records without a ``provenance`` attribute are left as they are)."""
    try:
        record.provenance = provenance
    except AttributeError:
        pass


def provenance_of(record: Any) -> Provenance:
    """The record's Provenance (an empty one for a record not read from a file)."""
    prov = getattr(record, "provenance", None)
    return prov if isinstance(prov, Provenance) else Provenance()


def source(record: Any, path: str) -> Source:
    """Where the value at ``path`` of a read record stood: ``source(rec, "income.total")``."""
    return provenance_of(record).source(path)


_INDEX = re.compile(r"\[(\d+)\]")


def value_at(record: Any, path: str) -> Any:
    """The record's value at a provenance path (``indicators[3].value`` → rec.indicators[3].value)."""
    obj = record
    for part in path.split("."):
        name, *indexes = _INDEX.split(part)
        if name:
            obj = obj[name] if isinstance(obj, dict) else getattr(obj, name)
        for i in indexes:
            if i:
                obj = obj[int(i)]
    return obj


CELL_COLUMNS = ("file", "position", "path", "sheet", "address", "text")


def cell_rows(file: str, record: Any, position: str = "") -> list[dict[str, Any]]:
    """The ``cells`` table's rows for one record: one per value read (file, position, path, sheet, address,
    shown text), in the order the values were read."""
    prov = provenance_of(record)
    return [{"file": file, "position": position or None, "path": path, "sheet": sheet or None, "address": address,
             "text": text} for path, (sheet, address, text) in prov.places.items()]


def cells_frame(outcomes: Any) -> Any:
    """The ``cells`` DataFrame of a batch's outcomes (Arrow strings): one row per value read."""
    from .errors import shown, without_surrogates

    rows = [{k: (shown(v) if k == "file" else without_surrogates(v)) if isinstance(v, str) else v
             for k, v in row.items()}
            for o in outcomes for where, record in o.forms() for row in cell_rows(o.file, record, where)]
    return text_frame(CELL_COLUMNS, rows)


def text_frame(names: tuple[str, ...], rows: list[dict[str, Any]]) -> Any:
    """A DataFrame of text columns (Arrow strings) from row dicts."""
    import pandas as pd
    import pyarrow as pa

    schema = pa.schema([pa.field(c, pa.string()) for c in names])
    return pa.Table.from_pylist(rows, schema=schema).to_pandas(types_mapper=pd.ArrowDtype)
