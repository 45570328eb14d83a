"""How much of issue 19's per-file budget is left after the least a Python reader must do (issue 19, item 1).

    python benchmarks/bench_floor.py [--files 100] [--reuse DIR]

Issue 19 asks for a read within 4× python-calamine's bare read (.xlsx) and 2.5× lxml's parse of
word/document.xml (.docx). This benchmark measures, on the same distinct files as bench_distinct.py (made by
its ``make_files``, or ``--reuse`` a folder an earlier ``bench_distinct.py --keep`` wrote), by CPU time, in one
process, round-robin over layouts and formats:

  floor:   bench_distinct's floor (calamine opening the workbook and reading every sheet's values; or the zip
           member word/document.xml parsed by lxml);
  walk:    the least any reader must add to it to see the form's cells at all, written as plainly as Python
           allows: .xlsx — every non-empty value turned to text, and the sheet's merged ranges asked of calamine;
           .docx — for every table row, the text of each of its cells (``"".join(tc.itertext())``). No
           addresses, no merges in .docx, no paragraphs, no labels, no record;
  read:    ``formparse.read`` (placement cache warm, as in a batch).

It prints, per layout, the medians in ms, (floor + walk) / floor — the ratio a reader that did nothing but walk
would already have — and what is left of the target's budget for everything else (finding the labels, reading
values, building the record, checks, provenance) next to what formparse spends on that.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import python_calamine  # noqa: E402
from bench_distinct import FORMATS, LAYOUTS, floor, make_files  # noqa: E402
from lxml import etree  # noqa: E402

import formparse  # noqa: E402

TARGET = {".xlsx": 4.0, ".docx": 2.5}
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def walk(path: str, fmt: str) -> object:
    """The floor's own work plus the least a reader does with it (see the module's docstring)."""
    if fmt == ".xlsx":
        wb = python_calamine.CalamineWorkbook.from_path(path)
        out = []
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            out.append([[str(v) for v in row if v != ""] for row in sheet.to_python()])
            out.append(sheet.merged_cell_ranges)
        return out
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    return [["".join(tc.itertext()) for tc in tr.iterchildren(_W + "tc")] for tr in root.iter(_W + "tr")]


def timed(fn, *args) -> float:  # type: ignore[no-untyped-def]
    gc.disable()
    try:
        t = time.process_time()
        fn(*args)
        return time.process_time() - t
    finally:
        gc.enable()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=100, help="distinct records (each as .xlsx and .docx)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--reuse", default="", help="the files an earlier bench_distinct.py --keep DIR wrote")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.reuse:
            made = {(lay, f): sorted(Path(args.reuse).glob(f"{lay}-*{f}")) for lay in LAYOUTS for f in FORMATS}
        else:
            made = make_files(Path(tmp), args.files, args.seed)
        groups = {k: [str(p) for p in v] for k, v in made.items() if v}
        for paths in groups.values():  # warm: imports, placement cache, OS file cache
            formparse.read(paths[0])
            walk(paths[0], Path(paths[0]).suffix)
        times: dict[tuple[str, str], dict[str, list[float]]] = {k: {"floor": [], "walk": [], "read": []}
                                                                 for k in groups}
        for i in range(max(map(len, groups.values()))):
            for (lay, fmt), paths in groups.items():
                if i >= len(paths):
                    continue
                p = paths[i]
                t = times[(lay, fmt)]
                floor(p, fmt)  # untimed: the first touch of a file costs more, and would go to whichever ran first
                t["floor"].append(timed(floor, p, fmt))
                t["walk"].append(timed(walk, p, fmt) - t["floor"][-1])
                t["read"].append(timed(formparse.read, p))
    print(f"CPU time, medians in ms over distinct files; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"{'layout':22}{'floor':>7}{'walk':>7}{'read':>7}  {'(floor+walk)/floor':>18}  "
          f"{'budget left at target':>21}  {'formparse beyond walk':>21}")
    for (lay, fmt), t in times.items():
        f, w, r = (statistics.median(t[k]) * 1000 for k in ("floor", "walk", "read"))
        budget = TARGET[fmt] * f - f - w
        print(f"{lay + fmt:22}{f:7.2f}{w:7.2f}{r:7.2f}  {(f + w) / f:17.2f}x  {budget:18.2f} ms  {r - f - w:18.2f} ms")
    print("targets (issue 19): .xlsx <= 4x the floor, .docx <= 2.5x")


if __name__ == "__main__":
    main()
