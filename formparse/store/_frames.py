"""The store's tables as pandas DataFrames: the same tables as a batch's, from the store alone."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._ledger import Store

VERSION_COLUMNS = ("version", "file", "position", "schema", "unit_name", "year", "project", "sha256", "read_at",
                   "current", "superseded_by")


def store_frames(store: Store, versions: str, money: str, cells: bool) -> dict[str, Any]:
    import pandas as pd
    import pyarrow as pa

    from ..batch import WARNING_COLUMNS, money_frames
    from ..export import CHECK_CODES_ZH
    from ..provenance import CELL_COLUMNS, text_frame
    from ..tables import TABLES

    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    for _file, group in store.table_rows(versions):
        for table, items in group.items():
            rows.setdefault(table, []).extend(items)
    frames = money_frames(rows, money)
    ids = pd.ArrowDtype(pa.int64())
    if versions == "all":  # which version each row is of (a file changed twice has three)
        for table in TABLES:
            if table != "problems":
                frames[table]["version"] = pd.array([r["version"] for r in rows[table]], dtype=ids)
    problems = frames.pop("problems")
    names = ("version", "file", "unit_name", "position", "code", "label", "cell", "message")
    warn = [dict(zip(names, r, strict=True)) for r in store.warning_rows(versions)]
    for w in warn:
        w["category"] = CHECK_CODES_ZH.get(w["code"], w["code"])
    frames["warnings"] = text_frame(WARNING_COLUMNS, warn)
    if versions == "all":
        frames["warnings"]["version"] = pd.array([w["version"] for w in warn], dtype=ids)
    if cells:
        found = [dict(zip(("version", *CELL_COLUMNS), r, strict=True)) for r in store.cell_rows(versions)]
        frames["cells"] = text_frame(CELL_COLUMNS, found)
        if versions == "all":
            frames["cells"]["version"] = pd.array([c["version"] for c in found], dtype=ids)
    frames["versions"] = _versions_frame(store.versions(versions))
    frames["problems"] = problems
    return frames


def _versions_frame(found: list[tuple[Any, ...]]) -> Any:
    import pandas as pd
    import pyarrow as pa

    types = {"version": pa.int64(), "year": pa.int64(), "current": pa.bool_(), "superseded_by": pa.int64()}
    schema = pa.schema([pa.field(c, types.get(c, pa.string())) for c in VERSION_COLUMNS])
    rows = [dict(zip(VERSION_COLUMNS, r, strict=True)) for r in found]
    for r in rows:
        r["current"] = bool(r["current"])
    return pa.Table.from_pylist(rows, schema=schema).to_pandas(types_mapper=pd.ArrowDtype)
