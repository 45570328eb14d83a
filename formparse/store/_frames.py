"""The store's tables as pandas DataFrames: the same tables as a batch's, from the store alone.

Each table is read in one go: the versions' JSON lines joined and parsed by pyarrow's JSON reader into
columns (money as its digits, then cast), so 100,000 forms take seconds, not a Python object per value.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._ledger import Store

VERSION_COLUMNS = ("version", "file", "position", "schema", "unit_name", "year", "project", "sha256", "read_at",
                   "current", "superseded_by")


def store_frames(store: Store, versions: str, money: str, cells: bool) -> dict[str, Any]:
    import pandas as pd
    import pyarrow as pa

    from ..batch import WARNING_COLUMNS
    from ..export import CHECK_CODES_ZH
    from ..provenance import CELL_COLUMNS
    from ..tables import TABLES, columns

    ids = pd.ArrowDtype(pa.int64())
    frames: dict[str, Any] = {}
    for table, cols in columns().items():
        if table == "problems":
            continue
        frames[table] = _table_frame(store, table, cols, versions, money)
    names = ("version", "file", "unit_name", "position", "code", "label", "cell", "message")
    warn: list[dict[str, Any]] = []

    def make_warnings() -> Any:
        warn.extend(dict(zip(names, r, strict=True)) for r in store.warning_rows(versions))
        for w in warn:
            w["category"] = CHECK_CODES_ZH.get(w["code"], w["code"])
        return pa.Table.from_pylist(warn, schema=pa.schema([pa.field(c, pa.string()) for c in WARNING_COLUMNS]))

    warnings = store.snapshot("current:warnings", make_warnings) if versions == "current" else make_warnings()
    frames["warnings"] = warnings.to_pandas(types_mapper=pd.ArrowDtype)
    if versions == "all":
        frames["warnings"]["version"] = pd.array([w["version"] for w in warn], dtype=ids)
    if cells:
        import numpy as np

        groups: list[Any] = []

        def make_cells() -> Any:
            groups.extend(store.cell_groups(versions))
            sizes = [len(found) for *_k, found in groups]
            flat = [row for *_k, found in groups for row in found]
            parts: list[Any] = list(zip(*flat, strict=True)) if flat else [(), (), (), ()]
            files = np.array([g[1] for g in groups], dtype=object)
            positions = np.array([g[2] for g in groups], dtype=object)
            return pa.table({"file": pa.array(np.repeat(files, sizes), type=pa.string()),
                             "position": pa.array(np.repeat(positions, sizes), type=pa.string()),
                             **{c: pa.array(parts[i], type=pa.string()) for i, c in enumerate(CELL_COLUMNS[2:])}})

        arrow = store.snapshot("current:cells", make_cells) if versions == "current" else make_cells()
        frames["cells"] = arrow.to_pandas(types_mapper=pd.ArrowDtype)
        if versions == "all":
            sizes = [len(found) for *_k, found in groups]
            frames["cells"]["version"] = pd.array(np.repeat([g[0] for g in groups], sizes), dtype=ids)
    made = (store.snapshot("current:versions", lambda: _versions_table(store.versions(versions)))
            if versions == "current" else _versions_table(store.versions(versions)))
    frames["versions"] = made.to_pandas(types_mapper=pd.ArrowDtype)
    from ..tables import to_frame

    frames["problems"] = to_frame("problems", store.problem_rows())
    assert set(frames) >= set(TABLES)
    return frames


def _table_frame(store: Store, table: str, cols: list[Any], versions: str, money: str) -> Any:
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.json as pj

    from ..batch import _fitted_decimal

    read_as = {"text": pa.string(), "int": pa.int64(), "money": pa.string(), "date": pa.string()}
    schema = pa.schema([pa.field(c.name, read_as[c.kind]) for c in cols])
    blobs: list[tuple[int, str]] = []

    def make() -> Any:
        blobs.extend((vid, text) for vid, text in store.value_blobs(table, versions) if text)
        if not blobs:
            return schema.empty_table()
        data = "\n".join(text for _v, text in blobs).encode()
        longest = max(len(text) for _v, text in blobs) * 4
        return pj.read_json(io.BytesIO(data), read_options=pj.ReadOptions(block_size=max(1 << 22, 2 * longest)),
                            parse_options=pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore"))

    # the current versions' table comes from its snapshot while the store is unchanged (``all`` is read afresh:
    # it needs each row's version)
    arrow = store.snapshot(f"current:{table}", make) if versions == "current" else make()
    money_cols = [c.name for c in cols if c.kind == "money"]
    for c in cols:
        if c.kind == "date":
            arrow = arrow.set_column(arrow.schema.get_field_index(c.name), c.name,
                                     arrow.column(c.name).cast(pa.date32()))
    if money == "decimal" and money_cols:
        from decimal import Decimal

        digits = [Decimal(v) for n in money_cols for v in arrow.column(n).to_pylist() if v is not None]
        exact = _fitted_decimal(digits).pyarrow_dtype
        for name in money_cols:
            arrow = arrow.set_column(arrow.schema.get_field_index(name), name, arrow.column(name).cast(exact))
    frame = arrow.to_pandas(types_mapper=pd.ArrowDtype)
    if money == "float":
        for name in money_cols:
            # the digits as stored, read as the nearest double (Arrow's string→double parse is correctly rounded)
            values = arrow.column(name).cast(pa.float64())
            frame[name] = np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)
    if versions == "all":
        counts = [text.count("\n") + 1 for _v, text in blobs]
        frame["version"] = pd.array(np.repeat([v for v, _t in blobs], counts), dtype=pd.ArrowDtype(pa.int64()))
    return frame


def _versions_table(found: list[tuple[Any, ...]]) -> Any:
    import pyarrow as pa

    types = {"version": pa.int64(), "year": pa.int64(), "current": pa.bool_(), "superseded_by": pa.int64()}
    schema = pa.schema([pa.field(c, types.get(c, pa.string())) for c in VERSION_COLUMNS])
    rows = [dict(zip(VERSION_COLUMNS, r, strict=True)) for r in found]
    for r in rows:
        r["current"] = bool(r["current"])
    return pa.Table.from_pylist(rows, schema=schema)
