"""Read a folder of submissions: in parallel, in a stable order, one bad file costing only itself.

Each worker process reads one file at a time, so a file that crashes its worker (native code may
abort the process) or hangs past the time limit is known, recorded in ``problems`` and the worker
replaced; the rest of the batch goes on. Any ``concurrent.futures.Executor`` (e.g. a Dask
cluster's) can run the reads instead.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
import os
import sys
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

import attrs

from .errors import FormparseError
from .records import Record

SUFFIXES = {".xlsx", ".xlsm", ".docx", ".docm", ".xls", ".doc", ".wps", ".et", ".htm", ".html", ".mht", ".mhtml"}
DEFAULT_TIMEOUT = 120.0
Reader = Callable[[str], Record]


@attrs.frozen
class Problem:
    """Why a file is not (or not only) a good row: its error kind and a message in the form's words."""

    file: str
    kind: str
    message: str


@attrs.frozen
class Outcome:
    """What reading one file gave: a record, or a problem."""

    file: str
    record: Record | None = None
    problem: Problem | None = None


def discover(root: str | Path, *, recursive: bool = True, unlisted: list[Problem] | None = None) -> list[str]:
    """The submissions under ``root`` as sorted relative paths (Office lock files and hidden files left out).

    A folder that cannot be listed (no permission, gone, a broken disk) is not skipped in silence: it
    goes to ``unlisted`` as a Problem (kind "UnreadableFolder", its path ending in "/"), when given.
    """
    base = Path(root)
    if base.is_file():
        return [base.name]
    found: list[str] = []
    failed: list[OSError] = []
    for folder, dirs, names in os.walk(base, onerror=failed.append):
        rel = Path(folder).relative_to(base)
        dirs[:] = [d for d in dirs if recursive and not d.startswith((".", "~$"))]
        for name in names:
            if name.startswith((".", "~$")) or Path(name).suffix.lower() not in SUFFIXES:
                continue
            if (Path(folder) / name).is_file():
                found.append((rel / name).as_posix())
    if unlisted is not None:
        from .errors import os_words

        for exc in failed:
            where = Path(os.fsdecode(exc.filename)) if exc.filename is not None else base
            try:
                rel_dir = where.relative_to(base).as_posix()
            except ValueError:
                rel_dir = str(where)
            name = "./" if rel_dir == "." else rel_dir.rstrip("/") + "/"
            unlisted.append(Problem(name, "UnreadableFolder", f"无法列出文件夹中的文件：{os_words(exc)}"))
    return sorted(found)


def read_one(path: str, file: str, reader: Reader | None = None) -> Outcome:
    """Read one file into an Outcome; every error becomes a Problem (never an exception)."""
    if reader is None:
        from .reader import read

        reader = read
    try:
        return Outcome(file, record=reader(path))
    except FormparseError as exc:
        return Outcome(file, problem=Problem(file, type(exc).__name__, exc.message))
    except Exception as exc:  # a bug of ours must not stop the batch either
        return Outcome(file, problem=Problem(file, "InternalError", f"{type(exc).__name__}: {exc}"))


def _serve(conn: Connection, reader: Reader | None) -> None:
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        index, path, file = task
        conn.send((index, read_one(path, file, reader)))


class _Worker:
    def __init__(self, ctx: Any, reader: Reader | None) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, reader), name="formparse-worker", daemon=True)
        self.proc.start()
        child.close()
        self.task: tuple[int, str] | None = None
        self.started = 0.0

    def give(self, index: int, path: str, file: str) -> None:
        self.task = (index, file)
        self.started = time.monotonic()
        self.conn.send((index, path, file))

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def _context() -> Any:
    # forkserver: workers start from a clean process (no threads of ours copied), quickly. It re-imports
    # the main script, so when that is not a file (a script piped to python -), fork instead.
    methods = mp.get_all_start_methods()
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    if main_file is not None and not os.path.isfile(main_file) and "fork" in methods:
        return mp.get_context("fork")
    return mp.get_context("forkserver" if "forkserver" in methods else "spawn")


def _pool(items: list[tuple[int, str, str]], workers: int, timeout: float, reader: Reader | None
          ) -> Iterator[tuple[int, Outcome]]:
    ctx = _context()
    queue = list(reversed(items))
    pool = [_Worker(ctx, reader) for _ in range(min(workers, len(items)))]
    try:
        while queue or any(w.task for w in pool):
            for k, w in enumerate(pool):
                if w.task is None and queue:
                    index, path, file = queue.pop()
                    try:
                        w.give(index, path, file)
                    except (BrokenPipeError, ConnectionError, OSError):
                        # the worker died before it could take the file: that file is a problem
                        w.stop(kill=True)
                        pool[k] = _Worker(ctx, reader)
                        yield index, Outcome(file, problem=Problem(
                            file, "WorkerCrashed", "工作进程未能启动或已退出，未能读取该文件"))
            busy = [w for w in pool if w.task is not None]
            if not busy:
                continue
            now = time.monotonic()
            left = min(timeout - (now - w.started) for w in busy)
            ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=max(0.0, left))
            for k, w in enumerate(pool):
                if w.task is None:
                    continue
                index, file = w.task
                outcome: Outcome | None = None
                if w.conn in ready:
                    try:
                        got_index, outcome = w.conn.recv()
                        assert got_index == index
                    except (EOFError, OSError):
                        outcome = None
                if outcome is None and (w.proc.sentinel in ready or not w.proc.is_alive()):
                    w.proc.join(1)
                    code = w.proc.exitcode
                    outcome = Outcome(file, problem=Problem(
                        file, "WorkerCrashed", f"读取时进程意外退出（退出码 {code}），该文件可能损坏或含恶意内容"))
                    w.stop(kill=True)
                    pool[k] = w = _Worker(ctx, reader)
                elif outcome is None and time.monotonic() - w.started >= timeout:
                    outcome = Outcome(file, problem=Problem(file, "Timeout", f"超过 {timeout:g} 秒仍未读完，已中止"))
                    w.stop(kill=True)
                    pool[k] = w = _Worker(ctx, reader)
                if outcome is not None:
                    w.task = None
                    yield index, outcome
    finally:
        for w in pool:
            w.stop(kill=w.task is not None)


def _executor(items: list[tuple[int, str, str]], executor: cf.Executor, timeout: float, window: int,
              reader: Reader | None) -> Iterator[tuple[int, Outcome]]:
    queue = list(reversed(items))
    running: dict[cf.Future[Outcome], tuple[int, str, float]] = {}
    while queue or running:
        while queue and len(running) < window:
            index, path, file = queue.pop()
            running[executor.submit(read_one, path, file, reader)] = (index, file, time.monotonic())
        done, _ = cf.wait(running, timeout=1.0, return_when=cf.FIRST_COMPLETED)
        for fut in done:
            index, file, _start = running.pop(fut)
            try:
                yield index, fut.result()
            except Exception as exc:  # the executor lost the task (e.g. a Dask worker died)
                yield index, Outcome(file, problem=Problem(file, "WorkerCrashed", f"{type(exc).__name__}: {exc}"))
        for fut, (index, file, start) in list(running.items()):
            if time.monotonic() - start > timeout:
                fut.cancel()
                del running[fut]
                yield index, Outcome(file, problem=Problem(file, "Timeout", f"超过 {timeout:g} 秒仍未读完"))


def iter_outcomes(root: str | Path, *, recursive: bool = True, workers: int | None = None,
                  executor: cf.Executor | None = None, timeout: float = DEFAULT_TIMEOUT,
                  reader: Reader | None = None, files: list[str] | None = None) -> Iterator[Outcome]:
    """Read every submission under ``root``; yield outcomes in sorted-path order as they complete.

    ``workers``: processes (default: one per CPU); 0 reads in this process, without isolation.
    Duplicates (same unit and year as an earlier file) come as an extra problem after their record.
    """
    base = Path(root)
    names = discover(base, recursive=recursive) if files is None else files
    items = [(i, str(base / f) if base.is_dir() else str(base), f) for i, f in enumerate(names)]
    n_workers = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
                 ) if workers is None else workers
    if executor is not None:
        source: Iterator[tuple[int, Outcome]] = _executor(items, executor, timeout, 4 * max(1, n_workers), reader)
    elif n_workers <= 0:
        source = ((i, read_one(p, f, reader)) for i, p, f in items)
    else:
        source = _pool(items, n_workers, timeout, reader)
    waiting: dict[int, Outcome] = {}
    next_index = 0
    seen: dict[tuple[str, int | None], str] = {}
    for index, outcome in source:
        waiting[index] = outcome
        while next_index in waiting:
            out = waiting.pop(next_index)
            next_index += 1
            yield out
            rec = out.record
            if rec is not None and rec.unit_name:
                key = (rec.unit_name, rec.year)
                if key in seen:
                    yield Outcome(out.file, problem=Problem(
                        out.file, "Duplicate", f"与 {seen[key]} 的填报单位和年度相同（{rec.unit_name}，{rec.year}年）"))
                else:
                    seen[key] = out.file


@attrs.define
class Batch:
    """Every file of a folder accounted for: the good records and the problems, in path order."""

    root: str
    files: list[str]
    outcomes: list[Outcome]
    seconds: float = 0.0

    @property
    def records(self) -> dict[str, Record]:
        return {o.file: o.record for o in self.outcomes if o.record is not None}

    @property
    def problems(self) -> list[Problem]:
        return [o.problem for o in self.outcomes if o.problem is not None]

    def frames(self) -> dict[str, Any]:
        """Tidy DataFrames: forms, goals, indicators, reviews, problems (each child joins forms by ``file``)."""
        from .errors import shown, without_surrogates
        from .tables import TABLES, to_frame

        rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
        for outcome in table_rows(self.outcomes):
            for table, items in outcome.items():
                # names with bytes that are not UTF-8 shown escaped, as in every export; Arrow holds only UTF-8
                rows[table].extend({k: shown(v) if k == "file" else without_surrogates(v) if isinstance(v, str)
                                    else v for k, v in item.items()} for item in items)
        return {t: to_frame(t, rows[t]) for t in TABLES}


def table_rows(outcomes: Iterator[Outcome] | list[Outcome]) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Each outcome as the rows it adds to each table (a record whose money does not fit is a problem)."""
    from .tables import record_rows

    for o in outcomes:
        if o.record is not None:
            try:
                yield record_rows(o.file, o.record)
                continue
            except ValueError as exc:
                o = Outcome(o.file, problem=Problem(o.file, "InvalidValues", str(exc)))
        if o.problem is not None:
            yield {"problems": [attrs.asdict(o.problem)]}


def read_folder(path: str | Path, *, recursive: bool = True, workers: int | None = None,
                executor: cf.Executor | None = None, timeout: float = DEFAULT_TIMEOUT,
                reader: Reader | None = None) -> Batch:
    """Read every submission in a folder. Never raises for a bad file: it goes to ``Batch.problems``.

    Args:
        path: a folder (searched recursively unless ``recursive=False``) or one file.
        workers: worker processes; default one per CPU; 0 reads in this process.
        executor: any ``concurrent.futures.Executor`` to run the reads on, e.g.
            ``distributed.Client(address).get_executor()``.
        timeout: seconds one file may take before it is abandoned.
        reader: the function that reads one file (default :func:`formparse.read`).
    """
    start = time.perf_counter()
    unlisted: list[Problem] = []
    files = discover(path, recursive=recursive, unlisted=unlisted)
    outcomes = list(iter_outcomes(path, workers=workers, executor=executor, timeout=timeout, reader=reader,
                                  files=files))
    outcomes += [Outcome(p.file, problem=p) for p in unlisted]
    return Batch(str(path), files + [p.file for p in unlisted], outcomes, time.perf_counter() - start)
