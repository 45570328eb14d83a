"""``formparse convert``: a folder of submissions → one Excel workbook, or Parquet/CSV files.

Outcomes stream from the batch straight into the outputs (Parquet in row groups, Excel in a
write-only workbook), so memory does not grow with the folder. Outputs appear atomically: they are
written beside their destination under a temporary name and moved into place at the end.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from .batch import DEFAULT_TIMEOUT, Outcome, discover, iter_outcomes, table_rows
from .tables import TABLES, arrow_schemas, columns, iter_rows, neutralise, plain

FORMATS = ("xlsx", "parquet", "csv")
CHUNK = 2000


@attrs.define
class Summary:
    files: int = 0
    good: int = 0
    broken: int = 0
    duplicates: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        return (f"共 {self.files} 个文件：成功 {self.good}，无法读取 {self.broken}，重复 {self.duplicates}，"
                f"用时 {self.seconds:.1f} 秒 / {self.files} files, {self.good} good, {self.broken} problems, "
                f"{self.duplicates} duplicates, {self.seconds:.1f} s")


def _headers(labels: str) -> dict[str, list[str]]:
    return {t: [c.label if labels == "zh" else c.name for c in cols] for t, cols in columns().items()}


class _Parquet:
    def __init__(self, tmp: Path) -> None:
        import pyarrow.parquet as pq

        self.schemas = arrow_schemas()
        self.writers = {t: pq.ParquetWriter(tmp / f"{t}.parquet", self.schemas[t], compression="zstd")
                        for t in TABLES}
        self.buffers: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}

    def add(self, table: str, rows: list[dict[str, Any]]) -> None:
        buf = self.buffers[table]
        buf.extend(rows)
        if len(buf) >= CHUNK:
            self._flush(table)

    def _flush(self, table: str) -> None:
        import pyarrow as pa

        if self.buffers[table]:
            self.writers[table].write_table(pa.Table.from_pylist(self.buffers[table], schema=self.schemas[table]))
            self.buffers[table] = []

    def close(self) -> None:
        for t in TABLES:
            self._flush(t)
            self.writers[t].close()


class _Csv:
    def __init__(self, tmp: Path, labels: str) -> None:
        self.files = {t: (tmp / f"{t}.csv").open("w", encoding="utf-8-sig", newline="") for t in TABLES}
        self.writers = {t: csv.writer(f) for t, f in self.files.items()}
        for t, header in _headers(labels).items():
            self.writers[t].writerow(header)

    def add(self, table: str, rows: list[dict[str, Any]]) -> None:
        for values in iter_rows(table, rows):
            self.writers[table].writerow([neutralise(plain(v)) for v in values])

    def close(self) -> None:
        for f in self.files.values():
            f.close()


class _Xlsx:
    def __init__(self, tmp: Path, labels: str) -> None:
        from .backends.summary_xlsx import SummaryWorkbook

        self.path = tmp / "summary.xlsx"
        self.book = SummaryWorkbook(columns(), _headers(labels))

    def add(self, table: str, rows: list[dict[str, Any]]) -> None:
        for values in iter_rows(table, rows):
            self.book.append(table, [neutralise(v) for v in values])

    def close(self) -> None:
        self.book.save(str(self.path))


def output_format(out: Path, fmt: str | None) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}: choose {', '.join(FORMATS)}")
        return fmt
    return "xlsx" if out.suffix.lower() == ".xlsx" else "parquet"


def convert(root: str | Path, out: str | Path, *, fmt: str | None = None, labels: str = "en",
            workers: int | None = None, executor: cf.Executor | None = None, timeout: float = DEFAULT_TIMEOUT,
            recursive: bool = True, progress: Callable[[Outcome], None] | None = None,
            on_start: Callable[[int], None] | None = None) -> Summary:
    """Read every submission under ``root`` and write the tables to ``out``.

    ``out`` ending in .xlsx gives one workbook (sheets forms, goals, indicators, reviews, problems);
    otherwise ``out`` is a folder receiving ``forms.parquet``, … (or ``forms.csv``, … with fmt="csv").
    Text that a spreadsheet would run as a formula is neutralised in .xlsx and .csv; Parquet keeps it exact.
    """
    out = Path(out)
    kind = output_format(out, fmt)
    start = time.perf_counter()
    files = discover(root, recursive=recursive)
    if on_start:
        on_start(len(files))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    summary = Summary(files=len(files))
    try:
        sink: _Parquet | _Csv | _Xlsx
        sink = _Parquet(tmp) if kind == "parquet" else _Csv(tmp, labels) if kind == "csv" else _Xlsx(tmp, labels)
        for outcome in iter_outcomes(root, recursive=recursive, workers=workers, executor=executor,
                                     timeout=timeout, files=files):
            for rows in table_rows([outcome]):
                for table, items in rows.items():
                    sink.add(table, items)
                if "forms" in rows:
                    summary.good += 1
                elif outcome.problem is not None and outcome.problem.kind == "Duplicate":
                    summary.duplicates += 1
                else:
                    summary.broken += 1
            if progress and not (outcome.problem and outcome.problem.kind == "Duplicate"):
                progress(outcome)
        sink.close()
        if kind == "xlsx":
            os.replace(tmp / "summary.xlsx", out)
        else:
            out.mkdir(parents=True, exist_ok=True)
            for f in sorted(tmp.iterdir()):
                os.replace(f, out / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    summary.seconds = time.perf_counter() - start
    return summary
