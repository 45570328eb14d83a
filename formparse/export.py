"""``formparse convert``: a folder of submissions → one Excel workbook, or Parquet/CSV files.

Outcomes stream from the batch straight into the outputs (Parquet in row groups, Excel in a
write-only workbook), so memory does not grow with the folder. Outputs appear atomically: they are
written beside their destination under a temporary name and moved into place at the end.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import errno
import functools
import itertools
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .atomic import publish
from .batch import DEFAULT_TIMEOUT, Outcome, Problem, Reader, Summary, discover, iter_outcomes, table_rows
from .check import CHECK_CODES_ZH as CHECK_CODES_ZH  # (its home is check.py; named here as before)
from .errors import CannotWrite, cannot_write, shown, without_surrogates
from .provenance import cell_rows
from .tables import arrow_schemas, columns, iter_rows, neutralise, plain, table_names, using

FORMATS = ("xlsx", "parquet", "csv")


def is_store(target: str | os.PathLike[str]) -> bool:
    """Whether ``target`` names a store to export rather than files to read: a ``postgresql://`` URL, or an
    SQLite file (by its first bytes, whatever its name)."""
    if isinstance(target, str) and target.startswith(("postgresql://", "postgres://")):
        return True
    if not os.path.isfile(target):  # (a FIFO is never opened: it would wait)
        return False
    try:
        with open(target, "rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False
CHUNK = 2000


LABELS = ("zh", "en")
# Sheet names of the workbooks, in the clerk's words.
SHEETS_ZH = {"forms": "申报表", "goals": "绩效目标", "indicators": "绩效指标", "reviews": "审核意见",
             "problems": "问题文件", "warnings": "提示", "cells": "数据来源"}
# The form prints 联系电话 twice (after 预算绩效管理联系人, and after 填报人); the headers must differ.
# The form's own words elsewhere, where they would not do as a column's header: 填报单位（盖章） (no seal in a
# summary; the child sheets say 填报单位), 单位 (万元: the amounts' unit, not the unit that reports), and 附件2's
# year, printed in its title rather than beside a label.
HEADERS_ZH = {"basic_info_contact_phone": "联系人电话", "filled_by_phone": "填报人电话",
              "basic_info_contact_person": "预算绩效管理联系人", "unit_name": "填报单位", "amount_unit": "金额单位",
              "year": "年度"}
PROBLEM_KINDS_ZH = {
    "UnreadableFile": "无法读取", "EncryptedFile": "加密文件", "UnsafeFile": "疑似恶意文件", "NotThisForm": "不是本表",
    "InvalidValues": "内容有误", "ConversionFailed": "转换失败", "WorkerCrashed": "读取进程崩溃", "Timeout": "读取超时",
    "InternalError": "内部错误", "Duplicate": "重复报送", "CannotFill": "无法填写", "SchemaError": "表式错误",
    "CharactersChanged": "字符已改写", "CannotWrite": "无法写入", "AmbiguousLayout": "栏目无法确定",
    "UnreadableFolder": "文件夹无法读取", "Superseded": "已被新版本取代",
}


def header_labels(table_columns: dict[str, list[Any]], labels: str) -> dict[str, list[str]]:
    """Column headers: the form's own labels (``zh``, each distinct) or the field names (``en``)."""
    if labels not in LABELS:
        raise ValueError(f"--labels 只能是 zh 或 en / labels must be zh or en, not {labels!r}")
    return {t: [HEADERS_ZH.get(c.name, c.label) if labels == "zh" else c.name for c in cols]
            for t, cols in table_columns.items()}


def _headers(labels: str, cells: bool = False) -> dict[str, list[str]]:
    return header_labels(columns(cells=cells), labels)


def sheet_titles(labels: str) -> dict[str, str]:
    from .tables import table_titles_zh

    return {**SHEETS_ZH, **table_titles_zh()} if labels == "zh" else {}


@functools.lru_cache(maxsize=1)
def _form_names() -> dict[str, str]:
    """Schema id → the form's name as a clerk calls it (附件1, 附件2), for the 表式 column."""
    from .schema import bundled_schemas

    return {s.id: (s.name.split() or [s.id])[0] for s in bundled_schemas()}


def _translated(table: str, rows: list[dict[str, Any]], labels: str) -> list[dict[str, Any]]:
    """Problem kinds and forms (表式) in Chinese for a zh workbook or CSV (Parquet keeps the stable codes)."""
    if labels != "zh" or not rows:
        return rows
    if table == "problems":
        return [{**r, "kind": PROBLEM_KINDS_ZH.get(r["kind"], r["kind"])} for r in rows]
    if "schema" in rows[0]:
        from .tables import extra_schemas

        names = {**{s.id: (s.name.split() or [s.id])[0] for s in extra_schemas()}, **_form_names()}
        return [{**r, "schema": names.get(r["schema"], r["schema"])} for r in rows]
    return rows


class _Parquet:
    """Rows are checked against the Arrow schema per file (so a value that cannot be written costs only its
    file) and written in row groups of about CHUNK rows."""

    def __init__(self, tmp: Path, cells: bool = False) -> None:
        import pyarrow.parquet as pq

        self.schemas = arrow_schemas(cells=cells)
        self.tables = tuple(self.schemas)
        self.writers = {t: pq.ParquetWriter(tmp / f"{t}.parquet", self.schemas[t], compression="zstd")
                        for t in self.tables}
        self.buffers: dict[str, list[Any]] = {t: [] for t in self.tables}
        self.counts = dict.fromkeys(self.tables, 0)

    def prepare(self, table: str, rows: list[dict[str, Any]]) -> Any:
        import pyarrow as pa

        return pa.RecordBatch.from_pylist(rows, schema=self.schemas[table])

    def commit(self, table: str, batch: Any) -> None:
        self.buffers[table].append(batch)
        self.counts[table] += batch.num_rows
        if self.counts[table] >= CHUNK:
            self._flush(table)

    def _flush(self, table: str) -> None:
        import pyarrow as pa

        if self.buffers[table]:
            self.writers[table].write_table(pa.Table.from_batches(self.buffers[table], schema=self.schemas[table]))
            self.buffers[table] = []
            self.counts[table] = 0

    def close(self) -> None:
        for t in self.tables:
            self._flush(t)
            self.writers[t].close()

    def discard(self) -> None:
        """After a failure: close every writer quietly (an open one retries when collected, and prints the
        same failure as an 'Exception ignored' traceback)."""
        for w in self.writers.values():
            try:
                w.close()
            except (OSError, ValueError):
                pass
            w.is_open = False


class _Csv:
    def __init__(self, tmp: Path, labels: str, cells: bool = False) -> None:
        self.labels = labels
        self.files = {t: (tmp / f"{t}.csv").open("w", encoding="utf-8-sig", newline="") for t in table_names(cells)}
        self.writers = {t: csv.writer(f) for t, f in self.files.items()}
        for t, header in _headers(labels, cells).items():
            self.writers[t].writerow(header)

    def prepare(self, table: str, rows: list[dict[str, Any]]) -> Any:
        out = [[neutralise(plain(v)) for v in values] for values in iter_rows(table, _translated(table, rows,
                                                                                                   self.labels))]
        for values in out:
            for v in values:
                if isinstance(v, str):
                    v.encode("utf-8")  # what the file's encoding cannot take fails here, for this file only
        return out

    def commit(self, table: str, rows: Any) -> None:
        self.writers[table].writerows(rows)

    def close(self) -> None:
        for f in self.files.values():
            f.close()

    def discard(self) -> None:
        for f in self.files.values():
            try:
                f.close()
            except OSError:  # the buffer could not be written out either: already reported
                pass

    @staticmethod
    def names(cells: bool = False) -> list[str]:
        return [f"{t}.csv" for t in table_names(cells)]


class _Xlsx:
    def __init__(self, tmp: Path, labels: str, cells: bool = False) -> None:
        from .backends.summary_xlsx import SummaryWorkbook

        self.path = tmp / "summary.xlsx"
        self.labels = labels
        self.book = SummaryWorkbook(columns(cells=cells), _headers(labels, cells), sheet_titles(labels))

    def prepare(self, table: str, rows: list[dict[str, Any]]) -> Any:
        # no apostrophe: the workbook marks formula-like text with quotePrefix instead
        return [list(values) for values in iter_rows(table, _translated(table, rows, self.labels))]

    def commit(self, table: str, rows: Any) -> None:
        for values in rows:
            self.book.append(table, values)

    def close(self) -> None:
        self.book.save(str(self.path))

    def discard(self) -> None:
        pass  # the workbook cleans up after a failed save itself


# What XML 1.0 cannot hold at all (so not an .xlsx cell): C0 controls but tab, LF, CR; U+FFFE, U+FFFF; and
# lone surrogates, which no UTF-8 file can hold either.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _portable(table: str, rows: list[dict[str, Any]], xml: bool, labels: dict[str, str]
              ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows every writer of this kind can take, and the problems rows saying what had to change.

    File names are shown with :func:`formparse.errors.shown` (undecodable bytes as \\xNN); other text
    loses, in .xlsx, the characters XML forbids; text with lone surrogates (which no UTF-8 file holds)
    has them escaped in every format. Everything else is kept exactly.
    """
    notes: list[dict[str, Any]] = []
    out = []
    for row in rows:
        fixed = dict(row)
        for key, value in row.items():
            if not isinstance(value, str):
                continue
            if key == "file":
                fixed[key] = shown(value)
                continue
            bad = (_XML_ILLEGAL if xml else _SURROGATE).findall(value)
            if not bad:
                continue
            codes = "、".join(dict.fromkeys(f"U+{ord(ch):04X}" for ch in bad))
            if xml:
                fixed[key] = _XML_ILLEGAL.sub("", without_surrogates(value))
                what = f"删除了 Excel 无法保存的字符 {codes}（Parquet 中保留原文）"
            else:
                fixed[key] = without_surrogates(value)
                what = f"字符 {codes} 无法以 UTF-8 保存，已写作 \\uXXXX"
            where = f"{table} 表第 {row['n']} 行" if "n" in row else f"{table} 表"
            notes.append({"file": shown(row.get("file") or ""), "kind": "CharactersChanged",
                          "message": f"{where}“{labels.get(key, key)}”：{what}"})
        out.append(fixed)
    return out, notes


def output_format(out: Path, fmt: str | None) -> str:
    """What to write, from ``out``'s name: ``X.xlsx`` one workbook; a folder (no suffix, or one that
    exists) Parquet files, or CSV with ``fmt="csv"``. Any other name is refused (ValueError)."""
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"不认识的格式 {fmt!r}，可选 {', '.join(FORMATS)} / unknown format {fmt!r}")
    if os.fspath(out) == "-" or out.name.lower() in (".xlsx", ".csv", ".parquet"):
        # "-" is not standard output here; ".xlsx" would be a hidden folder of Parquet files
        raise ValueError(f"输出名 {os.fspath(out)!r} 不能用：请给出 汇总.xlsx 这样的文件名，或一个文件夹名 / "
                         "name the output: a .xlsx file or a folder")
    suffix = "" if os.path.isdir(out) else out.suffix.lower()
    if suffix == ".xlsx":
        if fmt not in (None, "xlsx"):
            raise ValueError(f"{out.name} 是 .xlsx 文件名，却要求 --format {fmt}：{fmt} 的输出是一个文件夹 / "
                             f"{fmt} output is a folder, not a .xlsx file")
        return "xlsx"
    if suffix == "":
        if fmt == "xlsx":
            raise ValueError(f"--format xlsx 的输出文件名应以 .xlsx 结尾，而不是 {out.name} / "
                             "xlsx output must be named *.xlsx")
        return fmt or "parquet"
    raise ValueError(f"不认识的输出类型 {suffix}：请用 汇总.xlsx（一个工作簿），"
                     "或一个文件夹（Parquet；加 --format csv 为 CSV）"
                     f" / unknown output type {suffix}: name a .xlsx file, or a folder for Parquet/CSV")


def _identity(path: Path) -> tuple[int, int] | None:
    """The file ``path`` leads to (device, inode), following links; None if there is none."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _refusal(root: Path, out: Path, names: list[str], overwrite: bool, files: list[str]) -> CannotWrite | None:
    """Why ``out`` must not be written (it is an input, or would replace a file). Inside the folder read it
    may be (the next run leaves it out by its stamp), but never over a submission.

    ``files`` are the inputs (relative to ``root`` when it is a folder): one reached by a symbolic link
    from the folder, or a hard link to one, is an input wherever it lies.
    """
    targets = [out] if len(names) == 1 else [out, *(out / n for n in names)]
    if os.path.isfile(root) and any(t.resolve() == root.resolve() for t in targets):
        return CannotWrite("输出位置就是要读取的文件", path=out)
    existing = {i: t for t in targets if (i := _identity(t)) is not None}
    if existing:
        inputs = [root] if os.path.isfile(root) else [root / f for f in files]
        for path in inputs:
            ident = _identity(path)
            if ident is not None and ident in existing:
                via = "" if existing[ident].resolve() == path.resolve() else "（经由链接）"
                return CannotWrite(f"输出位置就是要读取的文件 {shown(path)}{via}；请换一个位置", path=existing[ident])
    if len(names) > 1 and os.path.lexists(out) and not os.path.isdir(out):  # --force replaces files, not this
        return CannotWrite("已存在同名文件，不是文件夹", path=out)
    if overwrite:
        return None
    if len(names) == 1 and os.path.lexists(out):
        return CannotWrite("输出文件已存在；要替换它请用 --force（overwrite=True）", path=out)
    if len(names) > 1:
        there = [n for n in names if os.path.lexists(out / n)]
        if there:
            return CannotWrite(f"输出文件夹中已有 {'、'.join(there)}；要替换请用 --force（overwrite=True）", path=out)
    return None


def _publish(tmp: Path, out: Path, names: list[str], overwrite: bool) -> None:
    """Move the finished outputs into place; without overwrite, none replaces a file (all or nothing)."""
    if len(names) == 1:
        publish(tmp / "summary.xlsx", out, overwrite=overwrite)
        return
    out.mkdir(parents=True, exist_ok=True)
    done: list[Path] = []
    try:
        for name in names:
            publish(tmp / name, out / name, overwrite=overwrite)
            done.append(out / name)
    except OSError:
        if not overwrite:  # (with overwrite the old files are gone already: keep what was written)
            for p in done:  # ours, published a moment ago: a partial set would mix two runs
                p.unlink(missing_ok=True)
        raise


def convert(root: str | Path, out: str | Path, *, schemas: Any = (), reader: Reader | None = None,
            **options: Any) -> Summary:
    """:func:`convert_folder` with the user's own forms too: ``schemas`` (Schema objects, schema files or ids)
    are tried on every file besides the bundled ones, and each has its tables in the output (one row per
    form in a table named after the schema, one child table per list, table or matrix)."""
    from .batch import schema_reader
    from .schema import as_schemas

    loaded = as_schemas(schemas)
    if loaded and reader is None:
        reader = schema_reader(loaded)
    with using(loaded):
        return convert_folder(root, out, reader=reader, **options)


def convert_folder(root: str | Path, out: str | Path, *, fmt: str | None = None, labels: str = "zh",
                   workers: int | None = None, executor: cf.Executor | None = None,
                   timeout: float = DEFAULT_TIMEOUT, recursive: bool = True,
                   progress: Callable[[Outcome], None] | None = None, on_start: Callable[[int], None] | None = None,
                   overwrite: bool = False, reader: Reader | None = None,
                   store: str | os.PathLike[str] | None = None, cells: bool = False) -> Summary:
    """Read every submission under ``root`` and write the tables to ``out``.

    ``out`` ending in .xlsx gives one workbook (sheets 申报表, 绩效目标, 绩效指标, 审核意见, 问题文件, or
    forms, goals, … with ``labels="en"``); a folder receives ``forms.parquet``, … (or ``forms.csv``, …
    with fmt="csv"); any other name is refused. ``labels`` ("zh" or "en") sets the headers, sheet names
    and problem kinds of .xlsx and .csv; Parquet always has the field names and English kinds.
    Formula-like text is marked as text (quotePrefix) in .xlsx, prefixed with ' in .csv; Parquet keeps it exact.
    File names whose bytes are not UTF-8 are shown escaped (:func:`formparse.errors.shown`).

    ``reader`` reads one file (default :func:`formparse.read`).

    ``store``: a ledger (SQLite file or ``postgresql://`` URL, see :class:`formparse.Store`) updated first,
    reading only contents it has not seen; the outputs then hold its current versions. ``root`` may itself
    be a store: its current versions are written without reading any file. ``cells``: add the provenance
    table ``cells`` (sheet 数据来源): one row per value read, with its sheet, cell and the text shown there.

    Raises:
        StoreError: the store cannot be used (not a formparse store, damaged, newer, unreachable).
        CannotWrite: ``out`` is (or lies in) what is read, would replace a file and ``overwrite`` is False,
            or cannot be written (no permission, read-only, disk full); nothing is left behind.
    """
    out, base = Path(out), Path(root)
    kind = output_format(out, fmt)
    header_labels({}, labels)  # refuse a bad labels value before any work
    names = (["summary.xlsx"] if kind == "xlsx" else _Csv.names(cells) if kind == "csv"
             else [f"{t}.parquet" for t in table_names(cells)])
    start = time.perf_counter()
    unlisted: list[Problem] = []
    from_store = is_store(root)
    files = [] if from_store else discover(root, recursive=recursive, unlisted=unlisted)
    refused = _refusal(base, out, names, overwrite, files)
    if refused is not None:
        raise refused
    ledger = None
    if from_store or store is not None:
        from .store import Store, update_store

        if from_store:
            ledger = Store(root)
            changes = None
        else:
            assert store is not None
            ledger, changes, _read = update_store(store, root, recursive=recursive, workers=workers,
                                                  executor=executor, timeout=timeout, reader=reader,
                                                  progress=progress, on_start=on_start)
        summary = ledger.summary()
        summary.changes = changes
    else:
        if on_start:
            on_start(len(files) + len(unlisted))
        summary = Summary(files=len(files) + len(unlisted))
    labels_of = {c.name: c.label for cols in columns(cells=cells).values() for c in cols}
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except FileExistsError as exc:  # a file where a folder of the path should be: not "the output exists"
        raise cannot_write(OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)), out) from exc
    except OSError as exc:
        raise cannot_write(exc, out) from exc
    sink: _Parquet | _Csv | _Xlsx | None = None
    try:
        sink = (_Parquet(tmp, cells) if kind == "parquet" else _Csv(tmp, labels, cells) if kind == "csv"
                else _Xlsx(tmp, labels, cells))
        if ledger is not None:
            for file, rows in ledger.table_rows(cells=cells):
                for table, prepared in _prepared(sink, rows, kind == "xlsx", labels_of, file):
                    sink.commit(table, prepared)
        outcomes = iter_outcomes(root, recursive=recursive, workers=workers, executor=executor,
                                 timeout=timeout, files=files, reader=reader) if ledger is None else iter(())
        for outcome in itertools.chain(outcomes, (Outcome(p.file, problem=p) for p in unlisted)):
            for rows in table_rows([outcome]):
                if cells and outcome.record is not None and "problems" not in rows:
                    rows["cells"] = [r for where, rec in outcome.forms() for r in cell_rows(outcome.file, rec, where)]
                ready = _prepared(sink, rows, kind == "xlsx", labels_of, outcome.file)
                if outcome.record is not None and "problems" not in rows and ready[0][0] != "problems":
                    summary.good += 1
                elif outcome.problem is not None and outcome.problem.kind == "Duplicate":
                    summary.duplicates += 1
                else:
                    summary.broken += 1
                for table, prepared in ready:
                    sink.commit(table, prepared)
            if progress and not (outcome.problem and outcome.problem.kind == "Duplicate"):
                progress(outcome)
        sink.close()
        sink = None  # closed: nothing to discard
        _publish(tmp, out, names, overwrite)
    except FileExistsError as exc:
        raise CannotWrite("输出文件在写入期间被另一个进程创建；没有替换它（要替换请用 --force）",
                          path=exc.filename or out) from exc
    except OSError as exc:
        raise cannot_write(exc, _as_output(exc, tmp, out)) from exc
    finally:
        if sink is not None:
            sink.discard()
        shutil.rmtree(tmp, ignore_errors=True)
        if ledger is not None:
            ledger.close()
    summary.seconds = time.perf_counter() - start
    return summary


def _as_output(exc: OSError, tmp: Path, out: Path) -> Path:
    """The output a failure is about: our temporary name for it is no use to the reader."""
    try:
        rel = Path(os.fsdecode(exc.filename)).relative_to(tmp) if exc.filename is not None else None
    except (ValueError, TypeError):
        return out
    if rel is None or rel == Path("summary.xlsx") or rel == Path("."):
        return out
    return out / rel


def _prepared(sink: _Parquet | _Csv | _Xlsx, rows: dict[str, list[dict[str, Any]]], xml: bool,
              labels: dict[str, str], file: str) -> list[tuple[str, Any]]:
    """One outcome's rows as its sink will write them; if any cannot be, the file becomes one problems row
    (so a value no writer foresaw costs only its file, never the batch)."""
    try:
        ready, notes = [], []
        for table, items in rows.items():
            fixed, changed = _portable(table, items, xml, labels)
            notes += changed
            ready.append((table, sink.prepare(table, fixed)))
        if notes:
            ready.append(("problems", sink.prepare("problems", notes)))
        return ready
    except (ValueError, TypeError, OverflowError, ArithmeticError) as exc:  # pyarrow's errors are ValueErrors too
        problem = {"file": shown(file), "kind": "InternalError",
                   "message": f"该文件的记录无法写入汇总（{type(exc).__name__}: {exc}）"}
        return [("problems", sink.prepare("problems", [problem]))]
