"""Read a folder of submissions: in parallel, in a stable order, one bad file costing only itself.

Each worker process (``python -m formparse._worker``, its own entry point: it never imports the
caller's main module, so scripts without a main guard, ``python -c`` and notebooks work, on every
platform) reads one file at a time, so a file that crashes its worker (native code may abort the
process) or hangs past the time limit is known, recorded in ``problems`` and the worker replaced;
the rest of the batch goes on. Any ``concurrent.futures.Executor`` (e.g. a Dask
cluster's) can run the reads instead.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from . import _frames
from .backends.stamp import stamped
from .errors import FormparseError

if TYPE_CHECKING:
    from .records import Record

SUFFIXES = {".xlsx", ".xlsm", ".docx", ".docm", ".xls", ".doc", ".wps", ".et", ".htm", ".html", ".mht", ".mhtml",
            ".ods", ".ots", ".odt", ".ott", ".fods", ".fodt", ".rtf", ".pdf"}
DEFAULT_TIMEOUT = 120.0
_STAMPABLE = (".xlsx", ".xlsm", ".docx", ".docm")  # what formparse's outputs for people are written as
Reader = Callable[[str], "Record"]


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
    where: str = ""  # where in the file the record's form is, when the file holds several (a packet)
    more: list[tuple[str, Any]] = attrs.Factory(list)  # the packet's further forms: (where, record)

    def forms(self) -> list[tuple[str, Any]]:
        """Every form read from the file, in order: (where, record)."""
        return ([(self.where, self.record)] if self.record is not None else []) + list(self.more)


def discover(root: str | Path, *, recursive: bool = True, unlisted: list[Problem] | None = None) -> list[str]:
    """The submissions under ``root`` as sorted relative paths (Office lock files, hidden files and
    formparse's own outputs, which carry its stamp, left out: see :mod:`formparse.backends.stamp`).

    Every entry named like a submission that is not a folder is listed, whatever it is: a FIFO, a device,
    a broken or looping symbolic link is read as any file is, and found unreadable (never opened to wait
    on). A folder that cannot be listed (no permission, gone, a broken disk), and a symbolic link to a
    folder (not followed: it may lead anywhere, or round in a loop), are not skipped in silence: each goes
    to ``unlisted`` as a Problem (kind "UnreadableFolder", its path ending in "/"), when given.
    """
    base = Path(root)
    if not base.is_dir():
        return [base.name]
    found: list[str] = []
    failed: list[OSError] = []
    linked: list[str] = []
    for folder, dirs, names in os.walk(base, onerror=failed.append):
        rel = Path(folder).relative_to(base)
        kept = []
        for d in dirs:
            if not recursive or d.startswith((".", "~$")):
                continue
            if os.path.islink(os.path.join(folder, d)):
                linked.append((rel / d).as_posix())
                continue
            kept.append(d)
        dirs[:] = kept
        for name in names:
            if name.startswith((".", "~$")) or Path(name).suffix.lower() not in SUFFIXES:
                continue
            if name.lower().endswith(_STAMPABLE) and stamped(os.path.join(folder, name)):
                continue  # a summary, problem list or marked copy formparse wrote here (backends/stamp.py)
            found.append((rel / name).as_posix())
    if unlisted is not None:
        from .errors import os_words

        for name in linked:
            unlisted.append(Problem(name + "/", "UnreadableFolder",
                                    "这是指向别处的符号链接（快捷方式），其中的文件没有读取；请把文件夹本身放进来"))
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
    """Read one file into an Outcome; every error becomes a Problem (never an exception). A reader may
    return a record, or every form of the file (a list of :class:`formparse.reader.Found`)."""
    try:
        if reader is None:
            from .reader import read_all

            found: Any = read_all(path)
        else:
            found = reader(path)
        if isinstance(found, list):
            for f in found:  # each value's provenance names the file and form as the tables do
                _placed(f.record, file, f.where if len(found) > 1 else "")
            return Outcome(file, record=found[0].record, where=found[0].where if len(found) > 1 else "",
                           more=[(f.where, f.record) for f in found[1:]])
        _placed(found, file, "")
        return Outcome(file, record=found)
    except FormparseError as exc:
        return Outcome(file, problem=Problem(file, type(exc).__name__, exc.message))
    except Exception as exc:  # a bug of ours must not stop the batch either
        return Outcome(file, problem=Problem(file, "InternalError", f"{type(exc).__name__}: {exc}"))


def _placed(record: Any, file: str, position: str) -> None:
    """The record's provenance (formparse.provenance) set to the batch's name for its file and form."""
    prov = getattr(record, "provenance", None)
    if prov is not None:
        prov.file, prov.position = file, position


class _Worker:
    """One ``python -m formparse._worker`` process; a thread turns its answers into queue messages."""

    def __init__(self, messages: queue.Queue[tuple[_Worker, Any]], reader_blob: bytes | None) -> None:
        env = dict(os.environ)
        here = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen([sys.executable, "-m", "formparse._worker"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, env=env)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin, self.stdout = self.proc.stdin, self.proc.stdout
        self.task: tuple[int, str] | None = None
        self.started = 0.0
        self.messages = messages
        _frames.send(self.stdin, ([p for p in sys.path], reader_blob))
        threading.Thread(target=self._listen, name="formparse-worker-reader", daemon=True).start()

    def _listen(self) -> None:
        while True:
            try:
                msg = _frames.recv(self.stdout)
            except Exception:  # EOF, or a frame cut short by a dying process
                self.messages.put((self, None))
                return
            self.messages.put((self, msg))

    def give(self, index: int, path: str, file: str) -> None:
        self.task = (index, file)
        self.started = time.monotonic()
        _frames.send(self.stdin, (index, path, file))

    def exit_code(self) -> int | None:
        try:
            return self.proc.wait(2)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, kill: bool = False) -> None:
        if not kill:
            try:
                _frames.send(self.stdin, None)
            except OSError:
                kill = True
        if kill:
            self.proc.kill()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.stdin, self.stdout):
            try:
                stream.close()
            except OSError:
                pass


def _reader_blob(reader: Reader | None) -> bytes | None:
    """The reader, pickled for the workers; one defined in ``__main__`` cannot be imported there."""
    if reader is None:
        return None
    if getattr(reader, "__module__", None) == "__main__":
        raise ValueError("reader 定义在主程序中，工作进程无法导入它：请把它放进一个模块，或用 workers=0 / the "
                         "reader must be importable from a module (workers never import __main__), or use workers=0")
    return pickle.dumps(reader)


def _pool(items: list[tuple[int, str, str]], workers: int, timeout: float, reader: Reader | None
          ) -> Iterator[tuple[int, Outcome]]:
    blob = _reader_blob(reader)
    messages: queue.Queue[tuple[_Worker, Any]] = queue.Queue()
    todo = list(reversed(items))
    pool = [_Worker(messages, blob) for _ in range(min(workers, len(items)))]

    def replace(w: _Worker) -> None:
        w.stop(kill=True)
        pool[pool.index(w)] = _Worker(messages, blob)

    try:
        while todo or any(w.task for w in pool):
            for w in list(pool):
                if w.task is None and todo:
                    index, path, file = todo.pop()
                    try:
                        w.give(index, path, file)
                    except OSError:
                        # the worker died before it could take the file: that file is a problem
                        w.task = None
                        replace(w)
                        yield index, Outcome(file, problem=Problem(
                            file, "WorkerCrashed", "工作进程未能启动或已退出，未能读取该文件"))
            busy = [w for w in pool if w.task is not None]
            if not busy:
                continue
            left = min(timeout - (time.monotonic() - w.started) for w in busy)
            try:
                w, msg = messages.get(timeout=max(0.0, left))
            except queue.Empty:
                for w in busy:
                    if w.task is not None and time.monotonic() - w.started >= timeout:
                        index, file = w.task
                        w.task = None
                        replace(w)
                        yield index, Outcome(file, problem=Problem(
                            file, "Timeout", f"超过 {timeout:g} 秒仍未读完，已中止"))
                continue
            if w not in pool or w.task is None:
                continue  # a replaced worker's last words, or the EOF of one stopped on purpose
            index, file = w.task
            w.task = None
            if msg is not None:
                got_index, outcome = msg
                assert got_index == index
                yield index, outcome
                continue
            code = w.exit_code()
            replace(w)
            yield index, Outcome(file, problem=Problem(
                file, "WorkerCrashed", f"读取时进程意外退出（退出码 {code}），该文件可能损坏或含恶意内容"))
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
    from .schema import schema_for

    seen: dict[tuple[Any, ...], str] = {}
    for index, outcome in source:
        waiting[index] = outcome
        while next_index in waiting:
            out = waiting.pop(next_index)
            next_index += 1
            yield out
            for _where, rec in out.forms():
                if not getattr(rec, "unit_name", None):
                    continue
                schema = schema_for(rec)
                # the same form of the same unit, year (and project, …: the schema's `identity`) twice
                values = tuple(getattr(rec, k, None) for k in schema.identity)
                key = (schema.id, *values)
                if key in seen:
                    what = "、".join(str(v) for v in values if v is not None)
                    # `where` names which form of the file it is (a packet's), for Batch.frames(duplicates="drop")
                    yield Outcome(out.file, where=_where, problem=Problem(
                        out.file, "Duplicate", f"与 {seen[key]} 是同一单位同一年度的同一张表（{what}）"))
                else:
                    seen[key] = out.file


@attrs.define
class Batch:
    """Every file of a folder accounted for: the good records and the problems, in path order."""

    root: str
    files: list[str]
    outcomes: list[Outcome]
    seconds: float = 0.0
    # read_folder(store=…): the store (formparse.Store) the run updated, and what it found changed
    store: Any = None
    changes: Any = None
    schemas: list[Any] = attrs.Factory(list)  # the user's own forms read besides the bundled ones

    @property
    def records(self) -> dict[str, Record]:
        return {o.file: o.record for o in self.outcomes if o.record is not None}

    @property
    def problems(self) -> list[Problem]:
        return [o.problem for o in self.outcomes if o.problem is not None]

    def frames(self, *, money: str = "float", duplicates: str = "keep") -> dict[str, Any]:
        """Tidy DataFrames: forms, goals, indicators, reviews, the other forms' tables, warnings, problems.

        Each child row joins its form's row by ``file`` and ``position`` (which form of a packet file).

        ``money="float"`` (default): money columns are ``float64``, each the double nearest the exact
        Decimal, so + − × ÷, sum, mean, groupby, round and comparisons all work, mixed freely with
        ints and floats; amounts of up to 15 significant digits come back exactly from
        ``round(x, places)``. ``money="decimal"``: exact Arrow decimals, each table's as narrow as its amounts
        allow (e.g. ``decimal128(9, 2)``): + − × ÷, sum, mean, round and comparisons work; a chain such as
        ``a / b * 100`` may overflow Arrow's 38 digits (use float for it). The records
        (``Batch.records``) always hold the exact ``Decimal``. See docs/batch.md.

        ``duplicates="keep"`` (default): a form sent twice is in the tables twice (the later copy is a
        ``Duplicate`` problem too). ``duplicates="drop"``: only its first copy, in path order, is in the
        tables, so sums count each unit once; the ``Duplicate`` problem still names the later copy.

        ``warnings``: one row per check warning (``formparse.check``): ``file``, ``unit_name``,
        ``position``, ``code`` (``cost-over-budget``, ``balance``, … as in docs/formats-and-checks.md),
        ``category`` (the code in Chinese: 成本指标超预算, …), ``label``, ``cell``, ``message``.
        """
        from .tables import using

        with using(self.schemas):
            return self._frames(money, duplicates)

    def _frames(self, money: str, duplicates: str) -> dict[str, Any]:
        from .errors import shown, without_surrogates
        from .tables import table_names

        TABLES = table_names()  # noqa: N806 - the bundled tables and the user's forms'

        if self.store is not None:  # the store's current versions: every file, read now or before
            return self.store.frames(money=money)
        if money not in ("float", "decimal"):
            raise ValueError(f"money must be 'float' or 'decimal', not {money!r}")
        if duplicates not in ("keep", "drop"):
            raise ValueError(f"duplicates must be 'keep' or 'drop', not {duplicates!r}")
        outcomes = self.outcomes
        if duplicates == "drop":
            outcomes = _without_duplicates(outcomes)
        rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
        for outcome in table_rows(outcomes):
            for table, items in outcome.items():
                # names with bytes that are not UTF-8 shown escaped, as in every export; Arrow holds only UTF-8
                rows[table].extend({k: shown(v) if k == "file" else without_surrogates(v) if isinstance(v, str)
                                    else v for k, v in item.items()} for item in items)
        frames = money_frames(rows, money)
        problems = frames.pop("problems")
        frames["warnings"] = _warnings_frame(outcomes)
        from .provenance import cells_frame

        frames["cells"] = cells_frame(outcomes)
        frames["problems"] = problems
        return frames


def money_frames(rows: dict[str, list[dict[str, Any]]], money: str) -> dict[str, Any]:
    """Every table's rows as a DataFrame, money as ``money`` says (see :meth:`Batch.frames`)."""
    from .tables import columns, table_names, to_frame

    frames = {t: to_frame(t, rows.get(t, [])) for t in table_names()}
    for table, cols in columns().items():
        money_cols = [c.name for c in cols if c.kind == "money"]
        if money == "float":
            import numpy as np

            for name in money_cols:
                # float(Decimal) is correctly rounded; Arrow's decimal→double cast need not be
                values = [r.get(name) for r in rows[table]]
                frames[table][name] = np.array([np.nan if v is None else float(v) for v in values],
                                               dtype=np.float64)
        elif money_cols:
            dtype = _fitted_decimal([r.get(n) for r in rows[table] for n in money_cols])
            frames[table] = frames[table].astype(dict.fromkeys(money_cols, dtype))
    return frames


def _fitted_decimal(values: list[Any]) -> Any:
    """The narrowest Arrow decimal that holds every amount exactly (one for a table's money columns).

    Arrow widens a decimal's precision with every sum, product and quotient and fails past 38 digits,
    so the narrower the start, the more arithmetic works: amounts of a few digits with 2 places allow
    + − × ÷, × or ÷ by an int, sum, mean, round and comparisons (a chain like a ÷ b × 100 may not)."""
    import pandas as pd
    import pyarrow as pa

    scale, whole = 2, 1
    for v in values:
        if v is None:
            continue
        t = v.as_tuple()
        places = max(0, -int(t.exponent))
        scale = max(scale, places)
        whole = max(whole, len(t.digits) - places)
    # at least 12 whole digits (amounts up to 万亿): a quotient gets that many more places (Arrow gives a ÷ b
    # the scale of a plus the whole digits of b, plus one), so 21.5 ÷ 373.51 keeps 15 places, not 7
    return pd.ArrowDtype(pa.decimal128(min(38, max(whole, 12) + scale), scale))


WARNING_COLUMNS = ("file", "unit_name", "position", "code", "category", "label", "cell", "message")


def _warnings_frame(outcomes: list[Outcome]) -> Any:
    import pandas as pd
    import pyarrow as pa

    from .check import CHECK_CODES_ZH
    from .errors import shown, without_surrogates

    rows = [{"file": shown(o.file), "unit_name": getattr(record, "unit_name", None), "position": where or None,
             "code": w.code, "category": CHECK_CODES_ZH.get(w.code, w.code), "label": w.label, "cell": w.cell,
             "message": w.message}
            for o in outcomes for where, record in o.forms() for w in getattr(record, "warnings", [])]
    rows = [{k: without_surrogates(v) if isinstance(v, str) else v for k, v in r.items()} for r in rows]
    schema = pa.schema([pa.field(c, pa.string()) for c in WARNING_COLUMNS])
    return pa.Table.from_pylist(rows, schema=schema).to_pandas(types_mapper=pd.ArrowDtype)


def _without_duplicates(outcomes: list[Outcome]) -> list[Outcome]:
    """The outcomes with each form that a ``Duplicate`` problem names (by file and where) left out."""
    dropped = {(o.file, o.where) for o in outcomes if o.problem is not None and o.problem.kind == "Duplicate"}
    out = []
    for o in outcomes:
        if o.record is None or not any((o.file, w) in dropped for w, _r in o.forms()):
            out.append(o)
            continue
        kept = [(w, r) for w, r in o.forms() if (o.file, w) not in dropped]
        if kept:
            (where, record), *more = kept
            out.append(Outcome(o.file, record=record, where=where, more=more))
    return out


def table_rows(outcomes: Iterator[Outcome] | list[Outcome]) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Each outcome as the rows it adds to each table (a record whose money does not fit is a problem)."""
    from .tables import record_rows

    for o in outcomes:
        if o.record is not None:
            try:
                merged: dict[str, list[dict[str, Any]]] = {}
                for where, record in o.forms():
                    for table, rows in record_rows(o.file, record, position=where).items():
                        merged.setdefault(table, []).extend(rows)
                yield merged
                continue
            except ValueError as exc:
                o = Outcome(o.file, problem=Problem(o.file, "InvalidValues", str(exc)))
        if o.problem is not None:
            yield {"problems": [attrs.asdict(o.problem)]}


@attrs.define
class Summary:
    files: int = 0
    good: int = 0
    broken: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    changes: Any = None  # with a store: new, changed, unchanged, gone (formparse.store.Changes)

    def line(self) -> str:
        zh = en = ""
        if self.changes is not None:
            c = self.changes
            zh = f"新增 {c.new}，更改 {c.changed}，未变 {c.unchanged}，已删除 {c.gone}，"
            en = f"{c.new} new, {c.changed} changed, {c.unchanged} unchanged, {c.gone} gone, "
        return (f"共 {self.files} 个文件：成功 {self.good}，无法读取 {self.broken}，重复 {self.duplicates}，{zh}"
                f"用时 {self.seconds:.1f} 秒 / {self.files} files, {self.good} good, {self.broken} problems, "
                f"{self.duplicates} duplicates, {en}{self.seconds:.1f} s")


def schema_reader(schemas: list[Any]) -> Any:
    """A reader for a batch (workers get it pickled) trying ``schemas`` besides the bundled forms, every form
    of each file."""
    import functools

    from .reader import read_all

    return functools.partial(read_all, schemas=schemas)
