"""The clerk's desk behind ``formparse serve``: a workspace, a store, a reading thread and the inbox watch.

Every file received (uploaded, or found in the inbox folder) is copied into the workspace under its
content hash (``files/<sha256><suffix>``, the suffix only from the known list): the name it came with is
kept as data in the store, never used as a path. One thread reads what is new in worker processes
(:func:`formparse.batch.iter_outcomes`: a slow, huge or hostile file costs its worker a timeout, never the
server) and writes each file's outcome to the store in one transaction, as ``formparse convert --store``
does; the same content twice is read once, and a second form for the same unit, year (and project) is
a new version that supersedes the older one.
"""

from __future__ import annotations

import hashlib
import os
import queue
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import attrs

from ..batch import SUFFIXES, Outcome, Problem, discover, iter_outcomes, schema_reader
from ..errors import shown

STATUS_ZH = {"read": "已读取", "warnings": "有提示", "unreadable": "无法读取", "superseded": "已被新版本替代"}
_CHUNK = 1 << 20
_NAME_BAD = re.compile(r"[\x00-\x1f\x7f]")


@attrs.frozen
class ServeLimits:
    """What one request and the whole workspace may hold (checked before a byte is read where possible)."""

    max_file_bytes: int = 50 * 2**20  # one uploaded file
    max_files: int = 500  # files in one request
    max_request_bytes: int = 512 * 2**20  # one request's body
    max_workspace_bytes: int = 4 * 2**30  # every file the workspace keeps
    read_timeout: float = 60.0  # seconds one file may take to read
    helper_timeout: float = 60.0  # seconds a grid or a batch of marked copies may take


def display_name(name: str) -> str:
    """A received file's name as data: controls dropped, ``\\`` as ``/``, no empty, ``.`` or ``..`` parts,
    at most 255 characters. Only ever shown, never a path."""
    name = _NAME_BAD.sub("", name.replace("\\", "/"))
    parts = [p.strip() for p in name.split("/") if p.strip() not in ("", ".", "..")]
    out = "/".join(parts) or "未命名"
    return out[-255:]


def suffix_of(name: str) -> str:
    """The suffix a received file is kept under: its own if it is one formparse reads, else ``.bin``."""
    suffix = os.path.splitext(name)[1].lower()
    return suffix if suffix in SUFFIXES else ".bin"


@attrs.define
class Item:
    """One file received: where its bytes are kept, the name it came with, size and hash."""

    stored: str  # the name under files/ (the hash and a known suffix)
    name: str  # as received (data only)
    size: int
    sha: str
    problem: Problem | None = None  # refused before reading (too large)


@attrs.define
class Job:
    items: list[Item]
    done: threading.Event = attrs.Factory(threading.Event)


class Desk:
    """The workspace, the store and the reading thread of one ``formparse serve`` run."""

    def __init__(self, store: str | None = None, inbox: str | os.PathLike[str] | None = None, *,
                 limits: ServeLimits | None = None, workers: int | None = None, poll: float = 2.0,
                 schemas: Any = ()) -> None:
        from ..schema import as_schemas
        from ..store import Store

        self.schemas = as_schemas(schemas)  # the user's own forms, read besides the bundled ones

        self.limits = limits or ServeLimits()
        self.workspace = Path(tempfile.mkdtemp(prefix="formparse-serve-"))
        self.files_dir = self.workspace / "files"
        self.incoming = self.workspace / "incoming"
        self.tmp = self.workspace / "tmp"
        self.cache = self.workspace / "cache"
        for d in (self.files_dir, self.incoming, self.tmp, self.cache):
            d.mkdir()
        self.store_target = store if store is not None else str(self.workspace / "台账.sqlite")
        self.kept_store = store is not None
        self.inbox = Path(inbox) if inbox is not None else None
        self.workers = workers if workers is not None else min(2, os.cpu_count() or 1)
        self.poll = poll
        self.lock = threading.RLock()  # the store's connection: one user at a time
        try:
            self.store = Store(self.store_target, create=True)
        except BaseException:
            shutil.rmtree(self.workspace, ignore_errors=True)
            raise
        self.jobs: queue.Queue[Job | None] = queue.Queue()
        self.pending = 0  # files received, not yet read
        self.generation = 0  # bumped whenever the store changes (the page reloads its table)
        self.read_count = 0
        self.stopping = threading.Event()
        self._seen_inbox: dict[str, tuple[int, int]] = {}
        self._candidates: dict[str, tuple[int, int]] = {}
        self._bytes = 0
        self._counter = 0
        self._counter_lock = threading.Lock()
        self.threads = [threading.Thread(target=self._reader, name="formparse-serve-reader", daemon=True)]
        if self.inbox is not None:
            self.threads.append(threading.Thread(target=self._watch, name="formparse-serve-inbox", daemon=True))

    # -- life ---------------------------------------------------------------------------------------

    def start(self) -> None:
        """Receive what the inbox holds now (read in the background) and start the threads."""
        self.scan_inbox(settled=False)
        for t in self.threads:
            t.start()

    def close(self) -> None:
        """Stop the threads, close the store and remove the workspace (the store too unless --store)."""
        self.stopping.set()
        self.jobs.put(None)
        for t in self.threads:
            if t.ident is not None:  # started
                t.join(timeout=10)
        with self.lock:
            self.store.close()
        shutil.rmtree(self.workspace, ignore_errors=True)

    def fresh_path(self, where: Path, suffix: str = "") -> Path:
        """A new file name under ``where`` (a counter: never a name from a request)."""
        with self._counter_lock:
            self._counter += 1
            n = self._counter
        return where / f"{os.getpid()}-{n}{suffix}"

    # -- receiving ----------------------------------------------------------------------------------

    def keep(self, tmp: Path, name: str) -> Item:
        """A file written to ``tmp`` (in the workspace) kept under its hash; ``name`` is data only."""
        h = hashlib.sha256()
        size = 0
        with open(tmp, "rb") as f:
            while chunk := f.read(_CHUNK):
                h.update(chunk)
                size += len(chunk)
        sha = h.hexdigest()
        stored = sha + suffix_of(name)
        target = self.files_dir / stored
        with self._counter_lock:
            if target.exists():
                tmp.unlink()
            elif self._bytes + size > self.limits.max_workspace_bytes:
                tmp.unlink()
                return Item(stored, display_name(name), size, sha, Problem(
                    display_name(name), "UnsafeFile", f"工作区已满（上限 {self.limits.max_workspace_bytes} 字节），"
                    "未读取：请先导出并重新启动 / the workspace is full"))
            else:
                os.replace(tmp, target)
                self._bytes += size
        return Item(stored, display_name(name), size, sha)

    def submit(self, items: list[Item]) -> Job:
        job = Job(items)
        with self._counter_lock:
            self.pending += len(items)
        self.jobs.put(job)
        return job

    # -- reading ------------------------------------------------------------------------------------

    def _reader(self) -> None:
        while True:
            job = self.jobs.get()
            if job is None:
                return
            batch = [job]
            while len(batch) < 64:  # what else arrived meanwhile is read in the same pool
                try:
                    more = self.jobs.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self.jobs.put(None)
                    break
                batch.append(more)
            try:
                self._read([i for j in batch for i in j.items])
            except Exception as exc:  # never let the reading thread die: every file becomes a problem
                for j in batch:
                    for item in j.items:
                        try:
                            self._ingest_problem(item, "InternalError", f"{type(exc).__name__}: {exc}")
                        except Exception:  # the store itself failed: the answer says the file was not read
                            pass
            finally:
                with self._counter_lock:
                    self.pending -= sum(len(j.items) for j in batch)
                    self.generation += 1
                for j in batch:
                    j.done.set()

    def _read(self, items: list[Item]) -> None:
        with self.lock:
            known = {r[0] for r in self.store.db.execute("SELECT sha256 FROM contents").fetchall()}
        to_read: dict[str, Item] = {}  # stored name → the first item with it
        later: list[Item] = []  # items whose content is known (or read in this batch): registered only
        for item in items:
            if item.problem is not None:
                self._ingest_problem(item, item.problem.kind, item.problem.message)
            elif item.sha in known or item.stored in to_read:
                later.append(item)
            else:
                to_read[item.stored] = item
        for item in later:
            if item.sha in known:
                self._register(item)
        if to_read:
            names = list(to_read)
            reader = schema_reader(self.schemas) if self.schemas else None
            for outcome in iter_outcomes(self.files_dir, workers=min(self.workers, len(names)),
                                         timeout=self.limits.read_timeout, files=names, reader=reader):
                if outcome.problem is not None and outcome.problem.kind == "Duplicate":
                    continue  # the store keeps both as versions of one form
                got = to_read.get(outcome.file)
                if got is None:
                    continue
                self._ingest(got, outcome)
                with self._counter_lock:
                    self.read_count += 1
                    self.generation += 1
        for item in later:
            if item.sha not in known:
                self._register(item)

    def _before(self, name: str) -> tuple[str, int] | None:
        row = self.store.db.execute("SELECT sha256, gone FROM files WHERE path = ?", (name,)).fetchone()
        return (row[0], row[1]) if row else None

    def _register(self, item: Item) -> None:
        from ..store._ledger import _now

        with self.lock, self.store.db.transaction():
            self.store._file_seen(item.name, item.size, item.sha, _now(), self._before(item.name))

    def _ingest(self, item: Item, outcome: Outcome) -> None:
        """One file's outcome into the store (one transaction), named as it was received.

        This is :meth:`formparse.Store.update`'s step for one file (``Store._ingest``, ``Store._file_seen``),
        called here with the name received instead of a path under a folder: the files a desk receives are
        not one folder's listing (an upload is never "gone" because the inbox does not hold it)."""
        from ..batch import _placed
        from ..store._ledger import _now

        name = item.name
        forms = outcome.forms()
        for where, rec in forms:
            _placed(rec, name, where)
        problem = Problem(name, outcome.problem.kind, outcome.problem.message) if outcome.problem else None
        renamed = attrs.evolve(outcome, file=name, problem=problem)
        with self.lock, self.store.db.transaction():
            self.store._ingest(renamed, (item.size, item.sha), _now(), self._before(name))

    def _ingest_problem(self, item: Item, kind: str, message: str) -> None:
        self._ingest(item, Outcome(item.name, problem=Problem(item.name, kind, message)))

    # -- the inbox ----------------------------------------------------------------------------------

    def scan_inbox(self, *, settled: bool) -> Job | None:
        """Receive what is new or changed in the inbox folder. ``settled``: only files whose size and time
        did not change since the last look (a file still being copied in waits for the next)."""
        if self.inbox is None:
            return None
        items: list[Item] = []
        for rel in discover(self.inbox):
            path = self.inbox / rel if self.inbox.is_dir() else self.inbox
            try:
                st = os.stat(path)
            except OSError:
                continue
            mark = (st.st_size, st.st_mtime_ns)
            if self._seen_inbox.get(rel) == mark:
                continue
            if settled and self._candidates.get(rel) != mark:
                self._candidates[rel] = mark
                continue
            self._candidates.pop(rel, None)
            self._seen_inbox[rel] = mark
            item = self._copy_in(path, shown(rel))
            if item is not None:
                items.append(item)
        return self.submit(items) if items else None

    def _copy_in(self, path: Path, name: str) -> Item | None:
        """A copy of an inbox file in the workspace (the inbox is only read), at most the file limit."""
        import stat

        tmp = self.fresh_path(self.incoming)
        cap = self.limits.max_file_bytes
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as src:
                if not stat.S_ISREG(os.fstat(src.fileno()).st_mode):
                    return None  # a FIFO or a device named like a form: never read
                size = 0
                h = hashlib.sha256()
                with open(tmp, "wb") as dst:
                    while chunk := src.read(_CHUNK):
                        size += len(chunk)
                        h.update(chunk)
                        if size <= cap:
                            dst.write(chunk)
        except OSError:
            tmp.unlink(missing_ok=True)
            return None
        if size > cap:
            tmp.unlink(missing_ok=True)
            sha = h.hexdigest()
            return Item(sha + suffix_of(name), display_name(name), size, sha, Problem(
                name, "UnsafeFile", f"文件有 {size} 字节，超过上限 {cap}，未读取 / over the size limit"))
        return self.keep(tmp, name)

    def _watch(self) -> None:
        while not self.stopping.wait(self.poll):
            try:
                self.scan_inbox(settled=True)
            except Exception:  # a folder that went away for a moment: the next look tries again
                pass

    def wait_idle(self, timeout: float = 120.0) -> bool:
        """Wait until nothing received is waiting to be read (for tests and the start-up line)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.pending == 0 and self.jobs.empty():
                return True
            time.sleep(0.05)
        return False

    # -- queries ------------------------------------------------------------------------------------

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.lock:
            return self.store.db.execute(sql, params).fetchall()
