"""The ledger: every file seen, every form read as a version, its values, warnings, problems and provenance.

A run hashes every file (SHA-256 of its bytes) and reads only contents the store has not seen; each file's
forms are written in one transaction, so a run killed at any moment leaves the store as it was after the
last whole file, and the next run reads the rest. A form whose identity (schema, unit, year, and for
附件2 the project: the schema's ``identity``) is already in the store becomes its new current version; the
older one stays as history and a ``Superseded`` problem says by which file it was replaced.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ..batch import DEFAULT_TIMEOUT, Outcome, Problem, Reader, Summary, discover, iter_outcomes
from ..errors import StoreError, shown, without_surrogates
from ._dialect import connect, is_url
from ._schema import check_and_migrate

VERSIONS = ("current", "all")
_CHUNK = 1 << 20


@attrs.define
class Changes:
    """What a run found, file by file: new, changed, unchanged, gone (and how many contents it read)."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    gone: int = 0
    read: int = 0

    def line(self) -> str:
        return (f"新增 {self.new}，更改 {self.changed}，未变 {self.unchanged}，已删除 {self.gone} / "
                f"{self.new} new, {self.changed} changed, {self.unchanged} unchanged, {self.gone} gone")


def file_hash(path: str) -> tuple[int, str] | None:
    """(size, SHA-256) of a regular file; None for anything else (a FIFO is never opened) or an unreadable one."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            return None
        h = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(_CHUNK):
                h.update(chunk)
        return st.st_size, h.hexdigest()
    except OSError:
        return None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def dumps(value: Any) -> str:
    """JSON of ``value`` (Decimal as digits, dates ISO); lone surrogates as JSON escapes (no database holds them)."""
    return without_surrogates(json.dumps(value, ensure_ascii=False, default=_json_default, separators=(",", ":")))


class Store:
    """A ledger of submissions in SQLite (a file path) or PostgreSQL (a ``postgresql://`` URL).

    ``Store(path)`` opens an existing store to read (:meth:`frames`); :func:`formparse.read_folder` with
    ``store=`` and ``formparse convert --store`` create and update one. Raises StoreError (in plain words,
    nothing written) for a database that is not a formparse store, a damaged file, a store written by a
    newer formparse, or a server that cannot be reached.
    """

    def __init__(self, target: str | os.PathLike[str], *, create: bool = False) -> None:
        self.target = str(target) if is_url(target) else os.fspath(target)
        self.db = connect(target, create=create)
        try:
            self.version = check_and_migrate(self.db, write=create)
        except BaseException:
            self.db.close()
            raise

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ------------------------------------------------------------------------------------

    def update(self, root: str | Path, *, recursive: bool = True, workers: int | None = None,
               executor: cf.Executor | None = None, timeout: float = DEFAULT_TIMEOUT, reader: Reader | None = None,
               progress: Callable[[Outcome], None] | None = None, on_start: Callable[[int], None] | None = None
               ) -> tuple[Changes, list[Outcome]]:
        """Bring the store up to date with the files under ``root``: read only contents it has not seen.
        Returns what changed, and the outcomes of the files read (and of those that could not be listed)."""
        base = Path(root)
        unlisted: list[Problem] = []
        files = discover(base, recursive=recursive, unlisted=unlisted)
        known_files = {path: (sha, gone) for path, sha, gone in
                       self.db.execute("SELECT path, sha256, gone FROM files").fetchall()}
        known = {r[0] for r in self.db.execute("SELECT sha256 FROM contents").fetchall()}
        changes = Changes()
        hashes: dict[str, tuple[int, str] | None] = {}
        to_read: list[str] = []
        seen_now: list[tuple[str, int, str]] = []  # files whose content is known: registered, not read
        planned: set[str] = set()
        for name in files:
            path = str(base / name) if base.is_dir() else str(base)
            got = hashes[name] = file_hash(path)
            before = known_files.get(shown(name))
            if got is not None and before is not None and before[0] == got[1] and not before[1]:
                changes.unchanged += 1
            elif before is not None and not before[1]:
                changes.changed += 1
            else:
                changes.new += 1
            if got is not None and (got[1] in known or got[1] in planned):
                seen_now.append((shown(name), *got))
            else:
                to_read.append(name)
                if got is not None:
                    planned.add(got[1])
        if on_start:  # the progress is of the files to read (the others cost a hash each)
            on_start(len(to_read) + len(unlisted))
        now = _now()
        # files whose content is already in the store: only their row is written (in one transaction)
        if seen_now:
            with self.db.transaction():
                for name, size, sha in seen_now:
                    self._file_seen(name, size, sha, now, known_files.get(name))
        outcomes: list[Outcome] = []
        source = iter_outcomes(base, workers=workers, executor=executor, timeout=timeout, reader=reader,
                               files=to_read) if to_read else iter([])
        for outcome in source:
            if outcome.problem is not None and outcome.problem.kind == "Duplicate":
                continue  # the store keeps both as versions of one form instead
            got = hashes.get(outcome.file)
            with self.db.transaction():
                self._ingest(outcome, got, _now(), known_files.get(shown(outcome.file)))
            changes.read += 1
            outcomes.append(outcome)
            if progress:
                progress(outcome)
        for p in unlisted:
            outcomes.append(Outcome(p.file, problem=p))
            if progress:
                progress(outcomes[-1])
        present = {shown(f) for f in files}
        vanished = [p for p, (_sha, gone) in known_files.items() if not gone and p not in present]
        if vanished:
            with self.db.transaction():
                self.db.executemany("UPDATE files SET gone = 1 WHERE path = ?", [(p,) for p in vanished])
        changes.gone = len(vanished)
        return changes, outcomes

    def _file_seen(self, name: str, size: int, sha: str, now: str, before: tuple[str, int] | None) -> None:
        if before is None:
            self.db.execute("INSERT INTO files (path, size, sha256, first_seen, last_seen, gone) "
                            "VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (path) DO UPDATE SET size = excluded.size, "
                            "sha256 = excluded.sha256, last_seen = excluded.last_seen, gone = 0",
                            (name, size, sha, now, now))
        else:
            self.db.execute("UPDATE files SET size = ?, sha256 = ?, last_seen = ?, gone = 0 WHERE path = ?",
                            (size, sha, now, name))
            if before[0] != sha:
                self._reinstate(sha, name)
                self._retire(before[0], name, None)

    def _reinstate(self, sha: str, file: str) -> None:
        """``file`` now holds a content read before (changed back, or a copy of another): that content's forms
        become current again, as the newest thing that happened to them."""
        rows = self.db.execute("SELECT id, identity FROM versions WHERE sha256 = ? AND current = 0 ORDER BY n",
                               (sha,)).fetchall()
        for vid, identity in rows:
            self._changed()
            others = self.db.execute("SELECT id, file, position FROM versions WHERE identity = ? AND current = 1",
                                     (identity,)).fetchall()
            for old, old_file, old_position in others:
                self.db.execute("UPDATE versions SET current = 0, superseded_by = ? WHERE id = ?", (vid, old))
                at = f"（{old_position}）" if old_position else ""
                self._problem(old_file, None, old, "Superseded",
                              f"这一版本{at}已被 {file} 中的版本取代（该文件改回了先前读过的内容）")
            self.db.execute("UPDATE versions SET current = 1, superseded_by = NULL WHERE id = ?", (vid,))

    def _changed(self) -> None:
        """In a write transaction that changes which versions are current: snapshots of before are void."""
        self.db.execute("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'generation'")

    def generation(self) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else -1

    def _retire(self, old_sha: str, file: str, by: int | None) -> None:
        """The current versions of a content no file holds any more (``file`` was changed): no longer current."""
        held = self.db.execute("SELECT COUNT(*) FROM files WHERE sha256 = ? AND gone = 0", (old_sha,)).fetchone()[0]
        if held:
            return
        self._changed()
        rows = self.db.execute("SELECT id, file, position FROM versions WHERE sha256 = ? AND current = 1",
                               (old_sha,)).fetchall()
        for vid, vfile, position in rows:
            self.db.execute("UPDATE versions SET current = 0, superseded_by = ? WHERE id = ?", (by, vid))
            where = f"（{position}）" if position else ""
            self._problem(vfile, None, vid, "Superseded", f"文件 {file} 已改为新内容，这一版本{where}不再是现行版本")

    def _problem(self, file: str, sha: str | None, version: int | None, kind: str, message: str) -> None:
        self.db.execute("INSERT INTO problems (file, sha256, version_id, kind, message, at) VALUES (?, ?, ?, ?, ?, ?)",
                        (file, sha, version, kind, without_surrogates(message), _now()))

    def _ingest(self, outcome: Outcome, got: tuple[int, str] | None, now: str,
                before: tuple[str, int] | None) -> None:
        """One file's outcome, in the caller's transaction."""
        from ..provenance import cell_rows
        from ..schema import schema_for
        from ..tables import record_rows

        file = shown(outcome.file)  # names whose bytes are not UTF-8 escaped, as in every output
        if got is None:
            # not a regular file, or it could not be read to hash it: read every run, its problem kept once
            self.db.execute("DELETE FROM problems WHERE file = ? AND sha256 IS NULL AND version_id IS NULL", (file,))
            if outcome.problem is not None:
                self._problem(file, None, None, outcome.problem.kind, outcome.problem.message)
            return
        size, sha = got
        self.db.execute("DELETE FROM problems WHERE file = ? AND sha256 IS NULL AND version_id IS NULL", (file,))
        fresh = self.db.execute("INSERT INTO contents (sha256, file, read_at, forms) VALUES (?, ?, ?, ?) "
                                "ON CONFLICT (sha256) DO NOTHING", (sha, file, now, len(outcome.forms())))
        if fresh.rowcount == 0:  # another run wrote this content meanwhile: this file only joins it
            self._file_seen(file, size, sha, now, before)
            return
        self._changed()
        first_version: int | None = None
        problem = outcome.problem
        forms = outcome.forms()
        try:
            prepared = [(where, rec, record_rows(file, rec, position=where)) for where, rec in forms]
        except ValueError as exc:  # money that does not fit the tables: the file is a problem, as in convert
            prepared, problem = [], Problem(file, "InvalidValues", str(exc))
        if problem is not None:
            self._problem(file, sha, None, problem.kind, problem.message)
        for n, (where, rec, rows) in enumerate(prepared):
            schema = schema_for(rec)
            values = [getattr(rec, k, None) for k in schema.identity]
            unit = getattr(rec, "unit_name", None)
            identity = dumps([schema.id, *values]) if unit else dumps(["content", sha, n])
            project = getattr(rec, "project_name", None)
            record_json = _contract_json(rec)
            vid = self.db.execute(
                "INSERT INTO versions (sha256, n, position, schema, unit_name, year, project, identity, file, "
                "read_at, current, superseded_by, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, NULL, ?) "
                "RETURNING id", (sha, n, where or None, schema.id, unit, getattr(rec, "year", None), project, identity,
                                 file, now, record_json)).fetchone()[0]
            first_version = first_version if first_version is not None else vid
            self.db.executemany("INSERT INTO value_rows (version_id, tbl, rows) VALUES (?, ?, ?)",
                                [(vid, table, "\n".join(dumps(r) for r in items)) for table, items in rows.items()
                                 if items])
            self.db.executemany("INSERT INTO warnings (version_id, n, code, label, cell, message) "
                                "VALUES (?, ?, ?, ?, ?, ?)",
                                [(vid, i, w.code, w.label, w.cell, without_surrogates(w.message))
                                 for i, w in enumerate(getattr(rec, "warnings", []))])
            self.db.executemany("INSERT INTO cells (version_id, n, path, sheet, address, text) "
                                "VALUES (?, ?, ?, ?, ?, ?)",
                                [(vid, i, r["path"], r["sheet"], r["address"], without_surrogates(r["text"]))
                                 for i, r in enumerate(cell_rows(file, rec, where))])
            older = self.db.execute("SELECT id, file, position FROM versions WHERE identity = ? AND current = 1 "
                                    "AND id <> ?", (identity, vid)).fetchall()
            what = "、".join(str(v) for v in values if v is not None)
            for old, old_file, old_position in older:
                self.db.execute("UPDATE versions SET current = 0, superseded_by = ? WHERE id = ?", (vid, old))
                at = f"（{old_position}）" if old_position else ""
                self._problem(old_file, None, old, "Superseded",
                              f"这一版本{at}已被 {file} 中的新版本取代（同一张表：{what}）")
        if before is None:
            self._file_seen(file, size, sha, now, None)
        else:
            self.db.execute("UPDATE files SET size = ?, sha256 = ?, last_seen = ?, gone = 0 WHERE path = ?",
                            (size, sha, now, file))
            if before[0] != sha:
                self._retire(before[0], file, first_version)

    # -- reading ------------------------------------------------------------------------------------

    def versions(self, versions: str = "current") -> list[tuple[Any, ...]]:
        """(id, file, position, schema, unit_name, year, project, sha256, read_at, current, superseded_by), in
        file order."""
        if versions not in VERSIONS:
            raise ValueError(f"versions must be 'current' or 'all', not {versions!r}")
        where = "WHERE current = 1 " if versions == "current" else ""
        return self.db.execute("SELECT id, file, position, schema, unit_name, year, project, sha256, read_at, current, "
                               f"superseded_by FROM versions {where}ORDER BY file, read_at, n").fetchall()

    def summary(self) -> Any:
        """The files present and how many of them could not be read, as convert's summary counts them."""

        files = self.db.execute("SELECT COUNT(*) FROM files WHERE gone = 0").fetchone()[0]
        broken = self.db.execute(
            "SELECT COUNT(DISTINCT f.path) FROM files f JOIN problems p ON p.sha256 = f.sha256 "
            "WHERE f.gone = 0 AND p.version_id IS NULL").fetchone()[0]
        hashless = self.db.execute("SELECT COUNT(DISTINCT file) FROM problems WHERE sha256 IS NULL "
                                   "AND version_id IS NULL").fetchone()[0]
        return Summary(files=files + hashless, good=files - broken, broken=broken + hashless)

    def table_rows(self, versions: str = "current", *, cells: bool = False
                   ) -> Iterator[tuple[str, dict[str, list[dict[str, Any]]]]]:
        """Each version's rows of each table (money Decimal, dates date), as formparse.tables.record_rows gives
        them, in file order: (file, {table: rows}); then the problems rows; ``versions="all"`` adds ``version``.
        ``cells``: each version's provenance rows too (table ``cells``)."""
        from ..tables import columns

        kinds = {t: {c.name: c.kind for c in cols} for t, cols in columns().items()}
        chosen = self.versions(versions)
        order = {vid: i for i, (vid, *_rest) in enumerate(chosen)}
        wanted = "WHERE v.current = 1" if versions == "current" else ""
        grouped: dict[int, dict[str, list[dict[str, Any]]]] = {}
        for vid, table, rows in self.db.execute(
                f"SELECT r.version_id, r.tbl, r.rows FROM value_rows r JOIN versions v ON v.id = r.version_id {wanted}"
                ).fetchall():
            items = [_typed(json.loads(line), kinds.get(table, {})) for line in rows.split("\n")]
            if versions == "all":
                items = [{**r, "version": vid} for r in items]
            grouped.setdefault(vid, {})[table] = items
        if cells:
            for vid, file, position, found in self.cell_groups(versions):
                grouped.setdefault(vid, {})["cells"] = [
                    {"file": file, "position": position, "path": path, "sheet": sheet, "address": address,
                     "text": text} for path, sheet, address, text in found]
        for vid in sorted(grouped, key=lambda v: order.get(v, 0)):
            yield chosen[order[vid]][1], grouped[vid]
        problems = self.problem_rows()
        if problems:
            yield "", {"problems": problems}

    def value_blobs(self, table: str, versions: str = "current") -> list[tuple[int, str]]:
        """(version id, its rows of ``table`` as JSON lines), in file order: for a fast columnar read."""
        wanted = "AND v.current = 1 " if versions == "current" else ""
        return self.db.execute(
            "SELECT v.id, r.rows FROM value_rows r JOIN versions v ON v.id = r.version_id "
            f"WHERE r.tbl = ? {wanted}ORDER BY v.file, v.read_at, v.n", (table,)).fetchall()

    def snapshot(self, name: str, make: Callable[[], Any]) -> Any:
        """The Arrow table ``name`` of the current versions: from its snapshot when the store has not changed
        since it was made, else made by ``make()`` and kept (if the store can be written now, without waiting)."""
        import pyarrow as pa

        if self.version < 2:
            return make()
        generation = self.generation()
        row = self.db.execute("SELECT generation, data FROM snapshots WHERE name = ?", (name,)).fetchone()
        if row is not None and int(row[0]) == generation:
            return pa.ipc.open_stream(bytes(row[1])).read_all()
        table = make()
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        try:
            with self.db.no_waiting(), self.db.transaction():
                if self.generation() == generation:  # nothing changed while it was made
                    self.db.execute("DELETE FROM snapshots WHERE name = ?", (name,))
                    self.db.execute("INSERT INTO snapshots (name, generation, data) VALUES (?, ?, ?)",
                                    (name, generation, sink.getvalue().to_pybytes()))
        except StoreError:  # read-only, or another run is writing: the next frames() keeps it
            pass
        return table

    def problem_rows(self) -> list[dict[str, Any]]:
        """Problems of the files present (unreadable contents) and every superseded version, in file order."""
        rows = self.db.execute(
            "SELECT f.path, p.kind, p.message FROM problems p JOIN files f ON f.sha256 = p.sha256 AND f.gone = 0 "
            "WHERE p.version_id IS NULL AND p.sha256 IS NOT NULL "
            "UNION ALL SELECT p.file, p.kind, p.message FROM problems p "
            "WHERE p.sha256 IS NULL AND p.version_id IS NULL "
            "UNION ALL SELECT p.file, p.kind, p.message FROM problems p WHERE p.version_id IS NOT NULL").fetchall()
        return [{"file": f, "kind": k, "message": m} for f, k, m in sorted(rows, key=lambda r: r[0])]

    def frames(self, *, versions: str = "current", money: str = "float", cells: bool = True,
               schemas: Any = ()) -> dict[str, Any]:
        """The tables of :meth:`formparse.Batch.frames` from the store, without reading any file, plus
        ``versions`` (one row per form read: file, position, schema, unit, year, project, content hash, when
        read, whether current, superseded by which version) and ``cells`` (one row per value: file, position,
        path, sheet, address, shown text). ``versions="current"`` (default): the current version of each form;
        ``"all"``: every version, each table with a ``version`` column. ``cells=False`` leaves the cells
        table out (the largest: a row per value). ``schemas``: the user's own forms (Schema objects, schema
        files or ids) whose tables to give too (as ``read_folder(..., schemas=)`` read them into the store)."""
        from ..schema import as_schemas
        from ..tables import using
        from ._frames import store_frames

        if money not in ("float", "decimal"):
            raise ValueError(f"money must be 'float' or 'decimal', not {money!r}")
        with using(as_schemas(schemas)):
            return store_frames(self, versions, money, cells)

    def warning_rows(self, versions: str = "current") -> list[tuple[Any, ...]]:
        wanted = "WHERE v.current = 1 " if versions == "current" else ""
        return self.db.execute(
            "SELECT v.id, v.file, v.unit_name, v.position, w.code, w.label, w.cell, w.message FROM warnings w "
            f"JOIN versions v ON v.id = w.version_id {wanted}ORDER BY v.file, v.read_at, v.n, w.n").fetchall()

    def cell_rows(self, versions: str = "current") -> list[tuple[Any, ...]]:
        """(version, file, position, path, sheet, address, text) of every value, in file order."""
        return [(vid, file, position, *rest) for vid, file, position, rows in self.cell_groups(versions)
                for rest in rows]

    def cell_groups(self, versions: str = "current") -> list[tuple[int, str, str | None, list[tuple[Any, ...]]]]:
        """Each version's cells, (version, file, position, [(path, sheet, address, text), …]), in file order.
        The cells are read in the order they are stored (by version, then value), with no sort to pay for."""
        chosen = self.versions(versions)
        wanted = "WHERE version_id IN (SELECT id FROM versions WHERE current = 1) " if versions == "current" else ""
        by_version: dict[int, list[tuple[Any, ...]]] = {}
        rows = self.db.execute(f"SELECT version_id, path, sheet, address, text FROM cells {wanted}"
                               "ORDER BY version_id, n").fetchall()
        start = 0
        for i in range(1, len(rows) + 1):
            if i == len(rows) or rows[i][0] != rows[start][0]:
                by_version[rows[start][0]] = [r[1:] for r in rows[start:i]]
                start = i
        return [(vid, file, position, by_version.get(vid, [])) for vid, file, position, *_r in chosen]

    def counts(self) -> dict[str, int]:
        """How many rows each table of the store holds (for a consistency check, or a glance)."""
        from ._schema import TABLES

        return {t: self.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def _typed(row: dict[str, Any], kinds: dict[str, str]) -> dict[str, Any]:
    out = dict(row)
    for key, value in row.items():
        if value is None:
            continue
        kind = kinds.get(key)
        if kind == "money":
            out[key] = Decimal(value)
        elif kind == "date":
            out[key] = dt.date.fromisoformat(value)
    return out


def _contract_json(record: Any) -> str | None:
    """The record's contract JSON (None for a record of a form the contract does not know)."""
    from ..contract import dumps as contract_dumps

    try:
        return contract_dumps(record)
    except Exception:  # e.g. a user schema's record class
        return None


def update_store(target: str | os.PathLike[str], root: str | Path, **kwargs: Any) -> tuple[Store, Changes,
                                                                                          list[Outcome]]:
    """Open (creating it if need be) the store at ``target`` and update it from ``root``."""
    store = Store(target, create=True)
    try:
        changes, outcomes = store.update(root, **kwargs)
    except BaseException:
        store.close()
        raise
    return store, changes, outcomes


__all__ = ["Store", "Changes", "StoreError", "file_hash", "update_store"]
