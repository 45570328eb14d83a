"""The two databases a store lives in, behind one small interface: SQLite (stdlib) and PostgreSQL (psycopg 3).

The ledger's SQL is written once, with ``?`` placeholders and the types both databases share; a dialect
connects, translates the few differences (placeholders, the id column, how a table is listed) and turns
each driver's errors into :class:`formparse.errors.StoreError` in plain words.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import StoreError, os_words

# How long a writer waits for another run's transaction to end before giving up (SQLite's busy timeout).
BUSY_SECONDS = 60
# How long to wait for a PostgreSQL server to answer before calling it unreachable.
CONNECT_SECONDS = 10
# The advisory lock key two runs creating or migrating one PostgreSQL store take turns on (any fixed number).
SCHEMA_LOCK = 20_2612_07
_SQLITE_MAGIC = b"SQLite format 3\x00"


def is_url(target: str | os.PathLike[str]) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def without_password(url: str) -> str:
    """The URL as it may be shown in a message (no password)."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


class Dialect:
    """A connection and what differs between the databases."""

    name = ""
    serial = ""  # the id column's type
    blob = ""  # a column of bytes
    where = ""  # how messages name the store

    def __init__(self) -> None:
        self.conn: Any = None

    def sql(self, statement: str) -> str:
        return statement

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Any:
        try:
            return self.conn.execute(self.sql(statement), tuple(params))
        except Exception as exc:
            raise self.error(exc) from exc

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        try:
            self.conn.cursor().executemany(self.sql(statement), [tuple(r) for r in rows])
        except Exception as exc:
            raise self.error(exc) from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction: committed when the block ends, rolled back if it raises (or the process dies)."""
        self.execute(self.begin)
        try:
            yield
        except BaseException:
            try:
                self.conn.execute("ROLLBACK")
            except Exception:  # the connection is gone: the database rolls back on its own
                pass
            raise
        self.execute("COMMIT")

    begin = "BEGIN"

    def lock_schema(self) -> None:
        """Inside a transaction: keep other runs from changing the store's tables at the same time."""

    def prepare_writes(self) -> None:
        """Once the database is known to be (or become) a store: what writing needs (SQLite: WAL)."""

    @contextmanager
    def no_waiting(self) -> Iterator[None]:
        """Statements that give up at once when another run holds the lock (for an optional write)."""
        yield

    def tables(self) -> set[str]:
        raise NotImplementedError

    def error(self, exc: Exception) -> Exception:
        if isinstance(exc, StoreError):
            return exc
        return StoreError(f"台账数据库出错：{_first_line(exc)} / the store's database failed", path=self.where)

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:
                pass
            self.conn = None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class SQLite(Dialect):
    """One file, WAL (readers do not wait for the writer), a busy timeout (two runs writing at once take
    turns instead of failing), each transaction ``BEGIN IMMEDIATE`` (a writer takes the lock up front, so
    two writers never deadlock upgrading a read lock)."""

    name = "sqlite"
    serial = "INTEGER PRIMARY KEY"
    blob = "BLOB"
    begin = "BEGIN IMMEDIATE"

    def __init__(self, path: str | os.PathLike[str], *, create: bool) -> None:
        import sqlite3

        super().__init__()
        self.path = Path(path)
        self.where = str(self.path)
        if self.path.is_dir():
            raise StoreError("这是一个文件夹，不是台账文件", path=self.path)
        exists = self.path.exists()
        if not exists and not create:
            raise StoreError("台账文件不存在", path=self.path)
        if exists:
            try:
                with open(self.path, "rb") as f:
                    head = f.read(len(_SQLITE_MAGIC))
            except OSError as exc:
                raise StoreError(f"无法读取台账文件：{os_words(exc)}", path=self.path) from exc
            if head and head != _SQLITE_MAGIC:
                raise StoreError("不是 SQLite 数据库，不能用作台账（文件可能已损坏，或是别的文件）", path=self.path)
        elif not self.path.parent.is_dir():
            raise StoreError("台账所在的文件夹不存在", path=self.path)
        try:
            self.conn = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None,
                                        check_same_thread=False)
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")
        except sqlite3.Error as exc:
            raise self.error(exc) from exc

    def prepare_writes(self) -> None:
        """WAL once the file is known to be a store (switching it writes to the file)."""
        mode = self.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":  # e.g. a file system without shared memory: still safe, only slower
            self.execute("PRAGMA journal_mode = DELETE")
        self.execute("PRAGMA synchronous = NORMAL")

    def tables(self) -> set[str]:
        return {r[0] for r in self.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}

    @contextmanager
    def no_waiting(self) -> Iterator[None]:
        """Statements that give up at once when another run holds the lock (for an optional write)."""
        self.execute("PRAGMA busy_timeout = 0")
        try:
            yield
        finally:
            self.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")

    def error(self, exc: Exception) -> Exception:
        import sqlite3

        if isinstance(exc, StoreError):
            return exc
        text = _first_line(exc)
        if isinstance(exc, sqlite3.DatabaseError) and ("not a database" in text or "malformed" in text
                                                       or "disk image" in text):
            return StoreError("台账文件已损坏（不是完整的 SQLite 数据库），未写入任何内容", path=self.where)
        if isinstance(exc, sqlite3.OperationalError) and "locked" in text:
            return StoreError(f"台账正被另一个程序长时间占用（等待 {BUSY_SECONDS} 秒后放弃）", path=self.where)
        if isinstance(exc, sqlite3.OperationalError) and ("readonly" in text or "unable to open" in text):
            return StoreError(f"无法写入台账：{text}", path=self.where)
        return super().error(exc)


class Postgres(Dialect):
    """A PostgreSQL database given by URL (psycopg 3, autocommit outside our own transactions)."""

    name = "postgresql"
    serial = "BIGSERIAL PRIMARY KEY"
    blob = "BYTEA"

    def __init__(self, url: str) -> None:
        super().__init__()
        self.where = without_password(url)
        try:
            import psycopg
        except ImportError as exc:
            raise StoreError("使用 PostgreSQL 台账需要 psycopg：pip install 'formparse[postgres]' / "
                             "a PostgreSQL store needs psycopg", path=self.where) from exc
        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_SECONDS)
        except psycopg.Error as exc:
            raise StoreError(f"无法连接 PostgreSQL 数据库：{_first_line(exc)}", path=self.where) from exc

    def sql(self, statement: str) -> str:
        return statement.replace("?", "%s")

    def lock_schema(self) -> None:
        self.execute("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK,))

    def tables(self) -> set[str]:
        rows = self.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
        return {r[0] for r in rows.fetchall()}

    def error(self, exc: Exception) -> Exception:
        import psycopg

        if isinstance(exc, psycopg.OperationalError):
            return StoreError(f"与 PostgreSQL 数据库的连接中断：{_first_line(exc)}", path=self.where)
        return super().error(exc)


def connect(target: str | os.PathLike[str], *, create: bool) -> Dialect:
    """The dialect for a store: a ``postgresql://`` URL, or the path of an SQLite file."""
    if is_url(target):
        return Postgres(str(target))
    return SQLite(target, create=create)


__all__ = ["Dialect", "SQLite", "Postgres", "connect", "is_url", "without_password"]
