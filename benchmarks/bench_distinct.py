"""Per-file read ratios on DISTINCT files, as a batch reads them (issue 13, item 5).

    python benchmarks/bench_distinct.py [--files 2000] [--mixed 1000] [--profile LAYOUT.FMT] [--cpu]
    python benchmarks/bench_distinct.py --reuse DIR --mixed 0 --cpu   # the files an earlier --keep DIR made

``--cpu`` times every contender by the process's CPU time instead of wall time: on a loaded machine a read
of several ms is descheduled again and again while a sub-ms C call rarely is, so wall-time ratios grow with
the load; CPU time does not see the other processes.

``--files`` different records (seeded: the bundled 附件1 samples' records with every value varied — unit
and contact names, phones, staff counts, every amount, the number of goals and indicators and all their
texts) are laid out in four layouts — the official template (``formparse.fill``) and three other hands'
layouts of tests/structural.py (group labels in the left column; key/value pairs stacked; a plain grid
with no merges) — record k in layout k % 4, each as .xlsx and as .docx: 2 × ``--files`` files, no two
alike. Every file is read back once (outside the timing) and must give its record.

Then, in one process, round-robin over the layouts and formats (so machine noise falls on all alike), with
the cyclic collector off while a read is timed (as bench.py and timeit do), per file:
  formparse.read, placement cache as a batch sees it (warm across the files of one layout);
  formparse.read with ``clear_placements()`` before the read (on the other half of the files, so neither
  read sees a file the other read);
  the floor: python-calamine opening the workbook and reading every sheet's values (.xlsx), or the zip
  member word/document.xml parsed by lxml (.docx);
  the usual tool: openpyxl load_workbook + every cell's value, python-docx Document + every table cell's text.
Medians per format and layout, the ratios formparse / floor (issue 19's targets: .xlsx ≤ 4×, .docx ≤ 2.5×) and
usual tool / formparse (targets ≥ 12× .xlsx, ≥ 10× .docx), and how often the placement cache was taken.

Last, ``--mixed`` of these files as a mixed folder (50 % .xlsx, 30 % .docx, 10 % .xls, 10 % .doc; the
legacy ones saved by LibreOffice from distinct generated files, as bench_legacy.py makes them), read by
``read_folder(workers=2)`` in its own process: files per second. ``--mixed 0`` skips it.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import gc
import os
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import docx  # noqa: E402
import openpyxl  # noqa: E402
import python_calamine  # noqa: E402
from bench_legacy import folder_seconds, soffice_convert  # noqa: E402
from lxml import etree  # noqa: E402

import formparse  # noqa: E402
from formparse import contract, locate  # noqa: E402
from formparse.records import Indicator  # noqa: E402
from tests.structural import LABELS, Style, build, expected, write_docx, write_xlsx  # noqa: E402

SAMPLES = sorted((ROOT / "samples" / "expected").glob("附件1-*.json"))
# the official template and three other hands' layouts (tests/structural.py), fixed
LAYOUTS: dict[str, Style | None] = {
    "official": None,
    "group-left": Style(group="left"),
    "stacked-pairs": Style(basic="list"),
    "no-merges": Style(merges="none", level1="blank"),
}
FORMATS = (".xlsx", ".docx")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
PLACES = ["大祥区", "双清区", "北塔区", "邵东市", "新邵县", "邵阳县", "隆回县", "洞口县", "绥宁县", "新宁县", "城步县",
          "武冈市"]
GOAL_TAILS = ["按时完成年度任务", "确保资金安全高效", "提升服务质量", "加强绩效评价", "推进重点项目建设"]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _money(rng: random.Random) -> Decimal:
    return Decimal(rng.randint(0, 10 ** rng.randint(2, 7))).scaleb(-rng.choice([0, 1, 2, 2]))


def vary(base: formparse.Record, rng: random.Random, k: int) -> formparse.Record:
    """``base`` with every value changed: names, phones, counts, amounts, goals and indicators (count and text)."""
    rec = copy.deepcopy(base)
    rec.unit_name = f"邵阳市{rng.choice(PLACES)}{base.unit_name.removeprefix('邵阳市')}{k:05d}"
    b = rec.basic_info
    b.staff_quota, b.staff_actual = rng.randint(3, 400), rng.randint(3, 400)
    b.contact_person, b.contact_phone = _name(rng), f"1{rng.randint(3, 9)}{rng.randint(0, 10**9 - 1):09d}"
    if rec.functions:
        rec.functions = f"{rec.functions[: rng.randint(20, len(rec.functions))]}（编号{k}）"
    for group in (rec.income, rec.expenditure, rec.three_public):
        names = [a.name for a in type(group).__attrs_attrs__ if a.name != "total"]
        for name in names:
            setattr(group, name, _money(rng) if rng.random() < 0.6 else None)
        parts = [getattr(group, n) for n in names if getattr(group, n) is not None]
        group.total = sum(parts, Decimal(0)) if parts else None
    rec.goals = [f"{g}{rng.choice(GOAL_TAILS)}（{k}-{i + 1}）" for i, g in
                 enumerate(rng.sample(base.goals, rng.randint(1, len(base.goals))))]
    pool = base.indicators
    count = rng.randint(3, 2 * len(pool))
    inds = [Indicator(level1=src.level1, level2=src.level2, content=f"{src.content}（{k}-{i + 1}）",
                      value=f"≥{rng.randint(1, 999)}{rng.choice(['家', '场次', '%', '万元', '人次'])}",
                      remark=rng.choice([None, None, "已完成", "按季度考核"]))
            for i in range(count) for src in [pool[rng.randrange(len(pool))]]]
    order = list(dict.fromkeys(i.level1 for i in pool))
    inds.sort(key=lambda i: order.index(i.level1))  # the rows of one 一级指标 together, as the form prints them
    rec.indicators = inds
    rec.filled_by, rec.filled_by_phone = _name(rng), f"0739-{rng.randint(5000000, 5999999)}"
    problems = formparse.domain_problems(rec, ("归口业务科室", "绩效管理科室"), LABELS)
    assert not problems, problems
    return rec


def make_files(root: Path, n: int, seed: int) -> dict[tuple[str, str], list[Path]]:
    """``n`` varied records, record k in layout k % 4, as .xlsx and .docx; each file checked to read back."""
    bases = [contract.loads(p.read_text(encoding="utf-8")) for p in SAMPLES]
    rng = random.Random(seed)
    made: dict[tuple[str, str], list[Path]] = {(lay, f): [] for lay in LAYOUTS for f in FORMATS}
    for k in range(n):
        rec = vary(bases[k % len(bases)], rng, k)
        lay = list(LAYOUTS)[k % len(LAYOUTS)]
        style = LAYOUTS[lay]
        want = rec if style is None else expected(rec, style)
        for fmt in FORMATS:
            path = root / f"{lay}-{k:05d}{fmt}"
            if style is None:
                formparse.fill(rec, path)
            else:
                form = build(rec, style)
                (write_xlsx if fmt == ".xlsx" else write_docx)(form, path)
            got = formparse.read(path)
            assert got == want, f"{path.name} does not read back to its record"
            made[(lay, fmt)].append(path)
    locate.clear_placements()
    return made


def floor(path: str, fmt: str) -> object:
    if fmt == ".xlsx":
        wb = python_calamine.CalamineWorkbook.from_path(path)
        return [wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names]
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read("word/document.xml"))


def usual(path: str, fmt: str) -> object:
    if fmt == ".xlsx":
        wb = openpyxl.load_workbook(path, data_only=True)
        return [[c.value for row in ws.iter_rows() for c in row] for ws in wb.worksheets]
    d = docx.Document(path)
    return [c.text for t in d.tables for row in t.rows for c in row.cells]


# the clock reads are timed by: wall time, or (``--cpu``) the process's CPU time. On a machine others load,
# a read of several ms is descheduled again and again while a sub-ms C call (calamine, lxml) rarely is, so
# wall-time ratios there grow with the load (10–100x seen); CPU time leaves the other processes out.
CLOCK = time.perf_counter


def timed(fn: Callable[[], object]) -> float:
    gc.disable()
    t = CLOCK()
    fn()
    dt = CLOCK() - t
    gc.enable()
    return dt


def per_file(made: dict[tuple[str, str], list[Path]]) -> dict[tuple[str, str], dict[str, list[float]]]:
    """Time every contender on every group's files, round-robin over the groups."""
    names = ("formparse", "formparse cold", "floor", "usual")
    times = {g: {k: [] for k in names} | {"misses": []} for g in made}
    rounds = min(len(v) for v in made.values()) // 2
    for j in range(rounds):
        for (lay, fmt), paths in made.items():
            warm, cold = str(paths[2 * j]), str(paths[2 * j + 1])
            t = times[(lay, fmt)]

            def read_warm(p: str = warm, t: dict[str, list[float]] = t) -> None:
                last = next(reversed(locate._PLACEMENTS), None)
                t["formparse"].append(timed(lambda: formparse.read(p)))
                # a miss puts a new placement last (a hit leaves the cache as it was)
                t["misses"].append(float(next(reversed(locate._PLACEMENTS), None) is not last))

            def read_cold(p: str = cold, t: dict[str, list[float]] = t) -> None:
                saved = dict(locate._PLACEMENTS)
                locate.clear_placements()
                t["formparse cold"].append(timed(lambda: formparse.read(p)))
                locate._PLACEMENTS.clear()
                locate._PLACEMENTS.update(saved)  # (the warm row's cache, as it was)

            # which of the two comes first alternates: with the warm read always first, the cleared-cache read
            # right after it measured 0.1–0.3 ms faster on .docx (the second of two reads finds caches warmer)
            for read in ((read_warm, read_cold) if j % 2 == 0 else (read_cold, read_warm)):
                read()
            t["floor"].append(timed(lambda p=warm, f=fmt: floor(p, f)))
            t["usual"].append(timed(lambda p=warm, f=fmt: usual(p, f)))
    return times


def report(times: dict[tuple[str, str], dict[str, list[float]]]) -> None:
    for fmt in FORMATS:
        floor_name, usual_name, target, faster = (("calamine", "openpyxl", 4, 12) if fmt == ".xlsx" else
                                                  ("lxml", "python-docx", 2.5, 10))
        print(f"\n{fmt}: medians in ms over {len(times[('official', fmt)]['floor'])} distinct files per layout")
        print(f"  {'layout':<14} {'formparse':>9} {'cold':>7} {floor_name:>9} {usual_name:>11} "
              f"{'fp/floor':>9} {'cold/floor':>10} {'usual/fp':>9} {'cache hits':>10}")
        for (lay, f), t in times.items():
            if f != fmt:
                continue
            m = {k: statistics.median(v) * 1000 for k, v in t.items() if k != "misses"}
            hits = 1 - sum(t["misses"]) / len(t["misses"])
            print(f"  {lay:<14} {m['formparse']:9.2f} {m['formparse cold']:7.2f} {m['floor']:9.2f} {m['usual']:11.1f} "
                  f"{m['formparse'] / m['floor']:8.2f}x {m['formparse cold'] / m['floor']:9.2f}x "
                  f"{m['usual'] / m['formparse']:8.1f}x {hits:9.0%}")
        print(f"  targets (issue 19): formparse / {floor_name} <= {target}x, {usual_name} / formparse >= {faster}x")


def mixed_folder(root: Path, made: dict[tuple[str, str], list[Path]], n: int) -> None:
    """A folder of ``n`` files of ``n`` different records: 50 % .xlsx, 30 % .docx, 10 % .xls, 10 % .doc (record k
    goes in by k % 10, so the layouts are mixed too), read by ``read_folder`` with 2 workers in its own process."""
    by_record = {int(p.stem.rsplit("-", 1)[1]): {} for ps in made.values() for p in ps}
    for (_, fmt), ps in made.items():
        for p in ps:
            by_record[int(p.stem.rsplit("-", 1)[1])][fmt] = p
    share = {0: ".xlsx", 1: ".xlsx", 2: ".xlsx", 3: ".xlsx", 4: ".xlsx", 5: ".docx", 6: ".docx", 7: ".docx",
             8: ".xls", 9: ".doc"}
    folder = root / "mixed"
    folder.mkdir()
    legacy: dict[str, list[Path]] = {"xls": [], "doc": []}
    for k in sorted(by_record)[:n]:
        want = share[k % 10]
        if want in (".xlsx", ".docx"):
            shutil.copy(by_record[k][want], folder / by_record[k][want].name)
        else:  # saved by LibreOffice from the record's own .xlsx/.docx
            legacy[want[1:]].append(by_record[k][".xlsx" if want == ".xls" else ".docx"])
    t = time.perf_counter()
    for fmt, files in legacy.items():
        soffice_convert(files, fmt, folder, root / "profile")
    counts = {s: len(list(folder.glob(f"*{s}"))) for s in (".xlsx", ".docx", ".xls", ".doc")}
    print(f"\nmixed folder: {counts} (legacy files saved by LibreOffice in {time.perf_counter() - t:.0f} s)")
    seconds, problems = folder_seconds(folder, cold=False)
    total = sum(counts.values())
    print(f"  read_folder(workers=2), own process incl. start-up: {seconds:.1f} s, {total / seconds:.1f} files/s, "
          f"{problems} problems")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=2000, help="distinct records (each as .xlsx and .docx)")
    ap.add_argument("--mixed", type=int, default=1000, help="files in the mixed folder (0: skip)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--profile", default="", help="LAYOUT.FMT (e.g. official.xlsx): cProfile the warm reads")
    ap.add_argument("--keep", default="", help="write the files here (and keep them) instead of a temp folder")
    ap.add_argument("--reuse", default="", help="time the files kept in this folder by an earlier --keep run")
    ap.add_argument("--cpu", action="store_true", help="time by the process's CPU time, not wall time")
    args = ap.parse_args()
    if args.cpu:
        global CLOCK
        CLOCK = time.process_time
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.keep or tmp)
        root.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        if args.reuse:
            made = {(lay, f): sorted(Path(args.reuse).glob(f"{lay}-*{f}")) for lay in LAYOUTS for f in FORMATS}
            print(f"reusing {sum(map(len, made.values()))} files of {args.reuse}; clock: "
                  f"{'CPU time' if args.cpu else 'wall time'}")
        else:
            made = make_files(root, args.files, args.seed)
            print(f"made {sum(map(len, made.values()))} files ({len(made)} groups) in {time.perf_counter() - t:.0f} s, "
                  f"each read back to its record; clock: {'CPU time' if args.cpu else 'wall time'}")
        if args.profile:
            lay, fmt = args.profile.rsplit(".", 1)
            paths = made[(lay, "." + fmt)]
            formparse.read(paths[0])
            prof = cProfile.Profile()
            gc.disable()  # (as while timing: a collection would be charged to whatever function ran into it)
            prof.enable()
            for p in paths[1:]:
                formparse.read(p)
            prof.disable()
            gc.enable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(30)
            return
        report(per_file(made))
        if args.mixed:
            mixed_folder(root, made, args.mixed)


if __name__ == "__main__":
    main()
