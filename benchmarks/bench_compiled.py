"""Would a compiled core pay? The read path compiled by mypyc against the same tree in pure Python (issue 19).

    python benchmarks/bench_distinct.py --files 200 --mixed 0 --keep /tmp/distinct   # once: the files
    python benchmarks/bench_compiled.py /tmp/distinct --build /tmp/mypyc-tree         # copy HEAD, compile (minutes)
    python benchmarks/bench_compiled.py /tmp/distinct --compiled /tmp/mypyc-tree [--rounds 3] [--per-group 25]

``--build DIR`` writes this checkout's committed tree (``git archive HEAD``) to DIR and compiles the modules
of ``CORE`` there with mypyc (``pip install mypy``; a C compiler), in place: each ``.py`` gets a ``.so`` beside
it, which Python imports first. It needs the modules to type-check under mypy (see docs/performance.md for
what had to change). Then, as ``bench_trees.py`` does, one long-lived reader process per tree
(``PYTHONPATH=<tree>``: this checkout, pure, and DIR, compiled); every file goes to one and at once to the
other (who goes first alternates), round-robin over the layouts, ``--rounds`` times. Each child times, by its
own CPU time with the cyclic collector off: ``formparse.read`` (the placement cache as a batch has it), the
floor (python-calamine's open and every sheet's values; lxml parsing ``word/document.xml``), and the read's
stages (file → grids, which form and locate, the record and its checks). Prints medians per group and the
ratios; the two trees' records are compared (digest of the contract JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_trees import groups_of, interleaved  # (this folder: the same interleaving as bench_trees.py)

ROOT = Path(__file__).resolve().parent.parent

# What a read runs, apart from the record classes (attrs, read by cattrs and the contract), the schemas and
# errors: the modules compiled.
CORE = [
    "formparse/locate/__init__.py", "formparse/locate/assign.py", "formparse/locate/cache.py",
    "formparse/locate/context.py", "formparse/locate/coverage.py", "formparse/locate/index.py",
    "formparse/locate/inline.py", "formparse/locate/layout.py", "formparse/locate/locator.py",
    "formparse/locate/placement.py", "formparse/locate/scoring.py", "formparse/locate/signs.py",
    "formparse/locate/slots.py", "formparse/locate/standins.py", "formparse/locate/kinds/__init__.py",
    "formparse/locate/kinds/band.py", "formparse/locate/kinds/boxes.py", "formparse/locate/kinds/fields.py",
    "formparse/locate/kinds/lists.py", "formparse/locate/kinds/matrix.py", "formparse/locate/kinds/table.py",
    "formparse/locate/kinds/title.py", "formparse/geometry.py", "formparse/grid.py", "formparse/values.py",
    "formparse/structuring.py", "formparse/reader.py", "formparse/rules.py", "formparse/provenance.py",
    "formparse/text.py", "formparse/backends/cells.py", "formparse/backends/xlsx_calamine.py",
    "formparse/backends/docx.py", "formparse/backends/ooxml.py", "formparse/backends/numfmt.py",
    "formparse/backends/symbols.py",
]

_CHILD = r"""
import gc, hashlib, json, sys, time, zipfile
from pathlib import Path
import python_calamine
from lxml import etree
import formparse
from formparse import contract, reader
from formparse.backends import open_grids
from formparse.limits import DEFAULT
from formparse.schema import known_schemas
out = sys.stdout
sys.stdout = sys.stderr
cands = known_schemas()
clock = time.process_time

def floor(p):
    if p.endswith(".xlsx"):
        wb = python_calamine.CalamineWorkbook.from_path(p)
        return [wb.get_sheet_by_name(s).to_python() for s in wb.sheet_names]
    with zipfile.ZipFile(p) as zf:
        return etree.fromstring(zf.read("word/document.xml"))

for line in sys.stdin:
    p = line.rstrip("\n")
    gc.disable()
    t0 = clock(); rec = formparse.read(Path(p)); t1 = clock()
    floor(p); t2 = clock()
    grids = open_grids(p, DEFAULT); t3 = clock()
    _, lay = reader.best_layout(grids, cands, p); t4 = clock()
    reader.record_from_layout(lay, lay.schema); t5 = clock()
    gc.enable()
    digest = hashlib.sha256(contract.dumps(rec).encode()).hexdigest()
    out.write(json.dumps([t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, digest]) + "\n")
    out.flush()
"""

FIGURES = ["read", "floor", "backend", "locate", "record"]


class Child:
    """One tree's reader process: a path in, CPU seconds of each figure and the record's digest out."""

    def __init__(self, tree: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(tree)}
        self.proc = subprocess.Popen([sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, env=env, cwd=tree)

    def read(self, path: str) -> tuple[list[float], str]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(path + "\n")
        self.proc.stdin.flush()
        *spent, digest = json.loads(self.proc.stdout.readline())
        return spent, digest

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


def build(target: Path) -> None:
    """This checkout's HEAD written to ``target`` and its CORE compiled in place by mypyc."""
    if target.exists():
        sys.exit(f"{target} exists: give a new folder")
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    # setuptools (which mypyc drives) would read pyproject.toml's project table; the mypy settings go apart.
    # Only CORE must type-check: the modules it imports but does not compile (writer, contract, …) are read
    # for their types, their own errors ignored.
    (target / "pyproject.toml").rename(target / "pyproject.toml.off")
    core = ",".join(m.removesuffix(".py").removesuffix("/__init__").replace("/", ".") for m in CORE)
    (target / "mypy.ini").write_text("[mypy]\npython_version = 3.11\nignore_missing_imports = True\n"
                                     "check_untyped_defs = True\n\n[mypy-formparse.*]\nignore_errors = True\n\n"
                                     f"[mypy-{core}]\nignore_errors = False\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    t = time.monotonic()
    subprocess.run([sys.executable, "-m", "mypyc", *CORE], cwd=target, env=env, check=True)
    print(f"compiled {len(CORE)} modules in {time.monotonic() - t:.0f} s (wall)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", help="files kept by bench_distinct.py --keep")
    ap.add_argument("--build", type=Path, help="write HEAD to this new folder and compile it, then exit")
    ap.add_argument("--compiled", type=Path, help="a folder made by --build")
    ap.add_argument("--rounds", type=int, default=3, help="times every file is read by each tree")
    ap.add_argument("--per-group", type=int, default=25, help="files per layout and format")
    args = ap.parse_args()
    if args.build:
        build(args.build.resolve())
        return
    if not args.compiled:
        sys.exit("--compiled DIR (made by --build DIR) is needed")
    groups = groups_of(args.folder)
    trees = {"pure": ROOT, "compiled": args.compiled.resolve()}
    children = {name: Child(tree) for name, tree in trees.items()}
    times = {name: {g: {f: [] for f in FIGURES} for g in groups} for name in trees}

    def take(name: str, g: str, spent: list[float]) -> None:
        for f, s in zip(FIGURES, spent, strict=True):
            times[name][g][f].append(s)

    differ = interleaved(children, groups, args.rounds, args.per_group, take)
    for c in children.values():
        c.close()

    def med(name: str, g: str, f: str) -> float:
        return statistics.median(times[name][g][f]) * 1e3

    n = sum(len(t["read"]) for t in times["pure"].values())
    print(f"{n} reads per tree ({args.rounds} rounds), CPU time, medians in ms; "
          f"records that differ between the trees: {differ}")
    print(f"  {'group':22} {'pure':>7} {'compiled':>9} {'speed-up':>9} {'floor':>7} {'pure/floor':>11} "
          f"{'comp/floor':>11}   stages pure → compiled: backend, locate, record")
    speedups = []
    for g in groups:
        p, c, fl = med("pure", g, "read"), med("compiled", g, "read"), med("pure", g, "floor")
        speedups.append(p / c)
        stages = ", ".join(f"{med('pure', g, f):.2f} → {med('compiled', g, f):.2f}"
                           for f in ("backend", "locate", "record"))
        print(f"  {g:22} {p:7.2f} {c:9.2f} {p / c:8.2f}x {fl:7.2f} {p / fl:10.1f}x {c / fl:10.1f}x   {stages}")
    print(f"  speed-up per group: {min(speedups):.2f}–{max(speedups):.2f}x, median {statistics.median(speedups):.2f}x")


if __name__ == "__main__":
    main()
