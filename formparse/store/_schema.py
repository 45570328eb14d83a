"""The store's tables, and the migrations that bring an older store forward.

Version 1: the ledger (meta, files, contents, versions, value_rows, warnings, problems, cells).
Version 2: an index on cells by field path (“where do all the 三公经费 totals come from”); snapshots, the
current versions' tables as Arrow IPC, made on the first ``frames()`` after a change and used until the next
(``meta.generation`` counts the changes, so a snapshot of an older state is never used).

A store records its schema version in ``meta``; one written by a newer formparse is refused, never
changed. Table names avoid SQL's reserved words (the values are ``value_rows``).
"""

from __future__ import annotations

from .. import __version__
from ..errors import StoreError
from ._dialect import Dialect

SCHEMA_VERSION = 2
MARKER = "formparse-store"  # meta key that says this database is a formparse store

# Every table a store has (a database holding one of these names without our marker is not ours to touch).
TABLES = ("meta", "files", "contents", "versions", "value_rows", "warnings", "problems", "cells", "snapshots")


def _v1(d: Dialect) -> list[str]:
    return [
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        # every file seen under the inbox (path relative to it), with its content's hash
        "CREATE TABLE files (path TEXT PRIMARY KEY, size BIGINT NOT NULL, sha256 TEXT NOT NULL, "
        "first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, gone INTEGER NOT NULL DEFAULT 0)",
        # every distinct content read once: by which file, when, how many forms it held
        "CREATE TABLE contents (sha256 TEXT PRIMARY KEY, file TEXT NOT NULL, read_at TEXT NOT NULL, "
        "forms INTEGER NOT NULL)",
        # one per form read from a content; the newest of each identity (schema, unit, year, project) is current
        f"CREATE TABLE versions (id {d.serial}, sha256 TEXT NOT NULL, n INTEGER NOT NULL, position TEXT, "
        "schema TEXT NOT NULL, unit_name TEXT, year INTEGER, project TEXT, identity TEXT NOT NULL, "
        "file TEXT NOT NULL, read_at TEXT NOT NULL, current INTEGER NOT NULL, superseded_by BIGINT, record TEXT)",
        "CREATE INDEX versions_identity ON versions (identity, current)",
        "CREATE INDEX versions_sha256 ON versions (sha256)",
        # the version's rows of each table (formparse.tables.record_rows) as JSON lines, one per row: a table of
        # the whole store is one columnar read (pyarrow's JSON reader), not a Python object per value
        "CREATE TABLE value_rows (version_id BIGINT NOT NULL, tbl TEXT NOT NULL, rows TEXT NOT NULL, "
        "PRIMARY KEY (version_id, tbl))",
        "CREATE INDEX value_rows_tbl ON value_rows (tbl, version_id)",
        "CREATE TABLE warnings (version_id BIGINT NOT NULL, n INTEGER NOT NULL, code TEXT NOT NULL, label TEXT, "
        "cell TEXT, message TEXT NOT NULL, PRIMARY KEY (version_id, n))",
        # a content that could not be read (sha256), or a version superseded (version_id)
        f"CREATE TABLE problems (id {d.serial}, file TEXT NOT NULL, sha256 TEXT, version_id BIGINT, "
        "kind TEXT NOT NULL, message TEXT NOT NULL, at TEXT NOT NULL)",
        "CREATE INDEX problems_sha256 ON problems (sha256)",
        # provenance: one row per value read
        "CREATE TABLE cells (version_id BIGINT NOT NULL, n INTEGER NOT NULL, path TEXT NOT NULL, sheet TEXT, "
        "address TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (version_id, n))",
    ]


def _v2(d: Dialect) -> list[str]:
    return ["CREATE INDEX cells_path ON cells (path)",
            f"CREATE TABLE snapshots (name TEXT PRIMARY KEY, generation BIGINT NOT NULL, data {d.blob} NOT NULL)"]


MIGRATIONS = {1: _v1, 2: _v2}


def meta(d: Dialect) -> dict[str, str]:
    return dict(d.execute("SELECT key, value FROM meta").fetchall())


def check_and_migrate(d: Dialect, *, write: bool) -> int:
    """Make sure the database is a formparse store of a version this formparse reads, creating it when empty
    and migrating it forward when older (only with ``write``). Returns the schema version. Raises StoreError."""
    tables = d.tables()
    ours = tables & set(TABLES)
    if "meta" in tables:
        found = meta(d)
        if found.get(MARKER) is None:
            raise StoreError("不是 formparse 台账（数据库中已有别的 meta 表），未写入任何内容", path=d.where)
        version = int(found.get("schema_version", "0"))
        if version > SCHEMA_VERSION:
            raise StoreError(f"台账由更新版本的 formparse（{found.get('formparse_version', '?')}，台账格式 {version}）"
                             f"写成，本版（{__version__}）只认到格式 {SCHEMA_VERSION}：请先升级 formparse",
                             path=d.where)
    elif ours or (tables and d.name == "sqlite"):
        raise StoreError("不是 formparse 台账（这个数据库里已有别的表），未写入任何内容", path=d.where)
    else:
        version = 0
    if version == SCHEMA_VERSION:
        return version
    if not write:
        if version == 0:
            raise StoreError("这个数据库还不是台账（空的）：先用 convert --store 建立", path=d.where)
        return version  # an older store reads as it is; the next write migrates it
    d.prepare_writes()
    with d.transaction():
        d.lock_schema()
        # another run may have made or migrated it since it was looked at: look again inside the lock
        now = int(meta(d).get("schema_version", "0")) if "meta" in d.tables() else 0
        for step in range(now + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[step](d):
                d.execute(statement)
        if now < SCHEMA_VERSION:
            d.execute("DELETE FROM meta WHERE key IN (?, ?, ?)", (MARKER, "schema_version", "formparse_version"))
            d.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                          [(MARKER, "1"), ("schema_version", str(SCHEMA_VERSION)), ("formparse_version", __version__)])
            d.execute("INSERT INTO meta (key, value) VALUES ('generation', '0') ON CONFLICT (key) DO NOTHING")
    return SCHEMA_VERSION
