"""Read-path benchmark: formparse.read against the libraries' own floors, in one process.

    python benchmarks/bench.py [--runs 300]

For each bundled .xlsx/.docx submission, the medians over ``--runs`` rounds (the contenders
interleaved in every round, so machine noise falls on all alike) of:
  .xlsx: formparse.read · the same with the fast reads off · python-calamine bare read · openpyxl load + all
         cells · pandas.read_excel
  .docx: formparse.read · zip + lxml parse of the main part · python-docx load + all cell texts
and the ratios the performance issue asks about.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402
import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402
import python_calamine  # noqa: E402
from lxml import etree  # noqa: E402

import formparse  # noqa: E402
from formparse import backends  # noqa: E402


def read_full(path: str) -> object:
    """formparse.read with the fast reads off: every file through the full readers (what files the fast
    reads decline cost)."""
    backends.FAST_READS = False
    try:
        return formparse.read(path)
    finally:
        backends.FAST_READS = True


def xlsx_contenders(path: str) -> dict[str, Callable[[], object]]:
    def calamine() -> object:
        wb = python_calamine.CalamineWorkbook.from_path(path)
        return [wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names]

    def openpyxl_cells() -> object:
        wb = openpyxl.load_workbook(path, data_only=True)
        return [[c.value for row in ws.iter_rows() for c in row] for ws in wb.worksheets]

    return {"formparse.read": lambda: formparse.read(path), "formparse.read, full readers": lambda: read_full(path),
            "calamine bare read": calamine,
            "openpyxl load + cells": openpyxl_cells,
            "pandas.read_excel": lambda: pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")}


def docx_contenders(path: str) -> dict[str, Callable[[], object]]:
    def lxml_parse() -> object:
        with zipfile.ZipFile(path) as zf:
            return etree.fromstring(zf.read("word/document.xml"))

    def python_docx() -> object:
        d = docx.Document(path)
        return [c.text for t in d.tables for row in t.rows for c in row.cells]

    return {"formparse.read": lambda: formparse.read(path), "zip + lxml parse": lxml_parse,
            "python-docx load + texts": python_docx}


def medians(contenders: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    times: dict[str, list[float]] = {k: [] for k in contenders}
    for f in contenders.values():
        f()  # warm up: imports, caches
    gc.collect()
    for _ in range(runs):
        for name, f in contenders.items():
            # as timeit does: the cyclic collector off while timing, so no contender pays for collecting
            # another's garbage. (Not gc.collect() between contenders: that leaves the allocator cold and
            # slows the lxml baseline by half, which would flatter our ratios.)
            gc.disable()
            t = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - t)
            gc.enable()
    return {k: statistics.median(v) * 1000 for k, v in times.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=300)
    args = ap.parse_args()
    files = sorted((ROOT / "samples" / "submissions").iterdir())
    print(f"medians of {args.runs} interleaved runs, ms")
    for path in files:
        fmt = path.suffix
        m = medians(xlsx_contenders(str(path)) if fmt == ".xlsx" else docx_contenders(str(path)), args.runs)
        ours = m["formparse.read"]
        print(f"\n{path.name}")
        for name, ms in m.items():
            print(f"  {name:<30} {ms:8.2f}")
        if fmt == ".xlsx":
            print(f"  formparse / calamine bare read: {ours / m['calamine bare read']:.2f}x  (target <= 3)")
            print(f"  openpyxl / formparse:           {m['openpyxl load + cells'] / ours:.1f}x  (target >= 10)")
            print(f"  pandas.read_excel / formparse:  {m['pandas.read_excel'] / ours:.1f}x")
            full = m["formparse.read, full readers"]
            print(f"  full readers / calamine:        {full / m['calamine bare read']:.2f}x")
        else:
            print(f"  formparse / lxml parse:         {ours / m['zip + lxml parse']:.2f}x  (target <= 2)")
            print(f"  python-docx / formparse:        {m['python-docx load + texts'] / ours:.1f}x  (target >= 10)")


if __name__ == "__main__":
    main()
