"""Two checkouts of formparse reading the same distinct files, alternately: the per-read CPU time of each.

    python benchmarks/bench_distinct.py --files 200 --mixed 0 --keep /tmp/distinct   # once: the files
    python benchmarks/bench_trees.py /tmp/distinct --against /work/wt-base19 [--rounds 3] [--per-group 50]

One long-lived child process per tree (``PYTHONPATH=<tree>``); every file is handed to one tree and at
once to the other (which goes first alternates), round-robin over the groups, ``--rounds`` times; each read
(``formparse.read``, the placement cache as a batch has it) is timed by its process's CPU time
(``time.process_time``) with the cyclic collector off: on a machine others load, CPU time moves less than
wall time, and both trees meet the same load file by file. Prints the median per group (layout and
format, as bench_distinct names the files) and per tree, and their ratio; the records are compared too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

_CHILD = r"""
import gc, hashlib, json, sys, time
from pathlib import Path
import formparse
from formparse import contract
out = sys.stdout
sys.stdout = sys.stderr
for line in sys.stdin:
    p = Path(line.rstrip("\n"))
    gc.disable()
    t = time.process_time()
    rec = formparse.read(p)
    spent = time.process_time() - t
    gc.enable()
    out.write(json.dumps([spent, hashlib.sha256(contract.dumps(rec).encode()).hexdigest()]) + "\n")
    out.flush()
"""


class Child:
    """One tree's reader process: a path in, (CPU seconds, digest of the record's JSON) out."""

    def __init__(self, tree: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(tree)}
        self.proc = subprocess.Popen([sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, env=env, cwd=tree)

    def read(self, path: str) -> tuple[float, str]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(path + "\n")
        self.proc.stdin.flush()
        spent, digest = json.loads(self.proc.stdout.readline())
        return spent, digest

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


def groups_of(folder: str) -> dict[str, list[str]]:
    """The .xlsx, .docx and .pdf files of ``folder`` by layout and format (as bench_distinct.py --keep names them)."""
    groups: dict[str, list[str]] = {}
    for p in sorted(Path(folder).iterdir()):
        if p.suffix in (".xlsx", ".docx", ".pdf"):
            groups.setdefault(p.name.rsplit("-", 1)[0] + p.suffix, []).append(str(p))
    return groups


def interleaved(children: dict[str, Any], groups: dict[str, list[str]], rounds: int, per_group: int,
                take: Callable[[str, str, Any], None]) -> int:
    """Every file read by each tree's child one right after the other (who goes first alternates), round-robin
    over the groups, so a change of load falls on all alike; ``take(tree, group, what its read measured)``.
    Returns how many reads gave records that differ between the trees."""
    for paths in groups.values():  # warm-up: imports, schema caches
        for c in children.values():
            c.read(paths[0])
    differ = 0
    for k in range(rounds):
        for i in range(1, per_group + 1):
            for g, paths in groups.items():
                if i >= len(paths):
                    continue
                order = list(children) if (i + k) % 2 == 0 else list(children)[::-1]
                got = {}
                for name in order:
                    spent, got[name] = children[name].read(paths[i])
                    take(name, g, spent)
                differ += len(set(got.values())) > 1
    return differ


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", help="files kept by bench_distinct.py --keep")
    ap.add_argument("--against", required=True, help="the other formparse checkout")
    ap.add_argument("--rounds", type=int, default=3, help="times every file is read by each tree")
    ap.add_argument("--per-group", type=int, default=50, help="files per layout and format")
    args = ap.parse_args()
    groups = groups_of(args.folder)
    trees = {"this": ROOT, "other": Path(args.against).resolve()}
    children = {name: Child(tree) for name, tree in trees.items()}
    times: dict[str, dict[str, list[float]]] = {name: {g: [] for g in groups} for name in trees}

    def take(name: str, g: str, spent: float) -> None:
        times[name][g].append(spent)

    differ = interleaved(children, groups, args.rounds, args.per_group, take)
    for c in children.values():
        c.close()
    n = sum(len(t) for t in times["this"].values())
    print(f"{n} reads per tree ({args.rounds} rounds); records that differ between the trees: {differ}")
    print(f"  {'group':22} {'this (ms)':>10} {'other (ms)':>11} {'this / other':>13}")
    for g in groups:
        a, b = statistics.median(times["this"][g]) * 1e3, statistics.median(times["other"][g]) * 1e3
        print(f"  {g:22} {a:10.3f} {b:11.3f} {a / b:12.3f}x")
    all_a = [t for ts in times["this"].values() for t in ts]
    all_b = [t for ts in times["other"].values() for t in ts]
    a, b = statistics.median(all_a) * 1e3, statistics.median(all_b) * 1e3
    print(f"  {'all':22} {a:10.3f} {b:11.3f} {a / b:12.3f}x")


if __name__ == "__main__":
    main()
