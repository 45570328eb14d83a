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


LABELS = ("zh", "en")
# Sheet names of the workbooks, in the clerk's words.
SHEETS_ZH = {"forms": "申报表", "goals": "绩效目标", "indicators": "绩效指标", "reviews": "审核意见",
             "problems": "问题文件", "warnings": "提示"}
# The form prints 联系电话 twice (after 预算绩效管理联系人, and after 填报人); the headers must differ.
HEADERS_ZH = {"basic_info_contact_phone": "联系人电话", "filled_by_phone": "填报人电话",
              "basic_info_contact_person": "预算绩效管理联系人"}
PROBLEM_KINDS_ZH = {
    "UnreadableFile": "无法读取", "EncryptedFile": "加密文件", "UnsafeFile": "疑似恶意文件", "NotThisForm": "不是本表",
    "InvalidValues": "内容有误", "ConversionFailed": "转换失败", "WorkerCrashed": "读取进程崩溃", "Timeout": "读取超时",
    "InternalError": "内部错误", "Duplicate": "重复报送", "CannotFill": "无法填写", "SchemaError": "表式错误",
}
# formparse check's warning codes (formparse.check) as categories.
CHECK_CODES_ZH = {
    "income-sum": "收入合计不符", "expenditure-sum": "支出合计不符", "three_public-sum": "三公经费合计不符",
    "balance": "收支不平衡", "cost-over-budget": "成本指标超预算", "over-quota": "超编", "phone": "电话号码可疑",
    "year": "年度可疑", "blank": "必填项为空", "formula": "公式与显示值不符", "unreadable": "无法读取",
}


def header_labels(table_columns: dict[str, list[Any]], labels: str) -> dict[str, list[str]]:
    """Column headers: the form's own labels (``zh``, each distinct) or the field names (``en``)."""
    if labels not in LABELS:
        raise ValueError(f"--labels 只能是 zh 或 en / labels must be zh or en, not {labels!r}")
    return {t: [HEADERS_ZH.get(c.name, c.label) if labels == "zh" else c.name for c in cols]
            for t, cols in table_columns.items()}


def _headers(labels: str) -> dict[str, list[str]]:
    return header_labels(columns(), labels)


def sheet_titles(labels: str) -> dict[str, str]:
    return dict(SHEETS_ZH) if labels == "zh" else {}


def _translated(table: str, rows: list[dict[str, Any]], labels: str) -> list[dict[str, Any]]:
    """Problem kinds in Chinese for a zh workbook or CSV (Parquet keeps the stable English codes)."""
    if labels != "zh" or table != "problems":
        return rows
    return [{**r, "kind": PROBLEM_KINDS_ZH.get(r["kind"], r["kind"])} for r in rows]


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
        self.labels = labels
        self.files = {t: (tmp / f"{t}.csv").open("w", encoding="utf-8-sig", newline="") for t in TABLES}
        self.writers = {t: csv.writer(f) for t, f in self.files.items()}
        for t, header in _headers(labels).items():
            self.writers[t].writerow(header)

    def add(self, table: str, rows: list[dict[str, Any]]) -> None:
        for values in iter_rows(table, _translated(table, rows, self.labels)):
            self.writers[table].writerow([neutralise(plain(v)) for v in values])

    def close(self) -> None:
        for f in self.files.values():
            f.close()


class _Xlsx:
    def __init__(self, tmp: Path, labels: str) -> None:
        from .backends.summary_xlsx import SummaryWorkbook

        self.path = tmp / "summary.xlsx"
        self.labels = labels
        self.book = SummaryWorkbook(columns(), _headers(labels), sheet_titles(labels))

    def add(self, table: str, rows: list[dict[str, Any]]) -> None:
        # no apostrophe: the workbook marks formula-like text with quotePrefix instead
        for values in iter_rows(table, _translated(table, rows, self.labels)):
            self.book.append(table, values)

    def close(self) -> None:
        self.book.save(str(self.path))


def output_format(out: Path, fmt: str | None) -> str:
    """What to write, from ``out``'s name: ``X.xlsx`` one workbook; a folder (no suffix, or one that
    exists) Parquet files, or CSV with ``fmt="csv"``. Any other name is refused (ValueError)."""
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"不认识的格式 {fmt!r}，可选 {', '.join(FORMATS)} / unknown format {fmt!r}")
    suffix = "" if out.is_dir() else out.suffix.lower()
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


def convert(root: str | Path, out: str | Path, *, fmt: str | None = None, labels: str = "zh",
            workers: int | None = None, executor: cf.Executor | None = None, timeout: float = DEFAULT_TIMEOUT,
            recursive: bool = True, progress: Callable[[Outcome], None] | None = None,
            on_start: Callable[[int], None] | None = None) -> Summary:
    """Read every submission under ``root`` and write the tables to ``out``.

    ``out`` ending in .xlsx gives one workbook (sheets 申报表, 绩效目标, 绩效指标, 审核意见, 问题文件, or
    forms, goals, … with ``labels="en"``); a folder receives ``forms.parquet``, … (or ``forms.csv``, …
    with fmt="csv"); any other name is refused. ``labels`` ("zh" or "en") sets the headers, sheet names
    and problem kinds of .xlsx and .csv; Parquet always has the field names and English kinds.
    Formula-like text is marked as text (quotePrefix) in .xlsx, prefixed with ' in .csv; Parquet keeps it exact.
    """
    out = Path(out)
    kind = output_format(out, fmt)
    header_labels({}, labels)  # refuse a bad labels value before any work
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
