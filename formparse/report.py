"""The warnings of a batch as a table (``formparse check DIR -o report.xlsx``)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from .atomic import atomic_path
from .batch import Batch
from .errors import CannotWrite, cannot_write
from .tables import Column, neutralise

COLUMNS = [Column("file", "text", "文件"), Column("unit_name", "text", "填报单位"), Column("code", "text", "类别"),
           Column("label", "text", "栏目"), Column("cell", "text", "单元格"), Column("message", "text", "说明")]


def warning_rows(batch: Batch) -> list[dict[str, Any]]:
    """One row per warning, and one per file that could not be read, in file order."""
    rows: list[dict[str, Any]] = []
    for o in batch.outcomes:
        if o.record is not None:
            for w in o.record.warnings:
                rows.append({"file": o.file, "unit_name": o.record.unit_name, "code": w.code, "label": w.label,
                             "cell": w.cell, "message": w.message})
        elif o.problem is not None and o.problem.kind != "Duplicate":
            rows.append({"file": o.file, "unit_name": None, "code": "unreadable", "label": o.problem.kind,
                         "cell": None, "message": o.problem.message})
    return rows


def write_report(rows: list[dict[str, Any]], out: Path, labels: str = "zh") -> None:
    """The rows as .xlsx or .csv (Chinese headers and categories, or ``labels="en"`` codes), written
    atomically, never over a file.

    Raises CannotWrite if ``out`` exists or cannot be written (the message says why, in plain words)."""
    try:
        _write_report(rows, out, labels)
    except FileExistsError as exc:
        raise CannotWrite("输出文件已存在，没有替换它；请换一个文件名或先删除它", path=out) from exc
    except OSError as exc:
        raise cannot_write(exc, out) from exc


def _write_report(rows: list[dict[str, Any]], out: Path, labels: str) -> None:
    from .check import CHECK_CODES_ZH
    from .export import PROBLEM_KINDS_ZH, header_labels, sheet_titles

    headers = header_labels({"warnings": COLUMNS}, labels)
    if labels == "zh":
        rows = [{**r, "code": CHECK_CODES_ZH.get(r["code"], r["code"]),
                 "label": PROBLEM_KINDS_ZH.get(r["label"], r["label"]) if r["code"] == "unreadable" else r["label"]}
                for r in rows]
    with atomic_path(out) as tmp:
        if out.suffix.lower() == ".csv":
            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(headers["warnings"])
                for row in rows:
                    w.writerow([neutralise(row[c.name]) if row[c.name] is not None else "" for c in COLUMNS])
        else:
            from .backends.summary_xlsx import SummaryWorkbook

            book = SummaryWorkbook({"warnings": COLUMNS}, headers, sheet_titles(labels))
            for row in rows:
                book.append("warnings", [row[c.name] for c in COLUMNS])
            book.save(tmp)
