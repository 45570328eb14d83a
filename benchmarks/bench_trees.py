"""Two checkouts of formparse reading the same distinct files, alternately: the per-read CPU time of each.

    python benchmarks/bench_distinct.py --files 200 --mixed 0 --keep /tmp/distinct   # once: the files
    python benchmarks/bench_trees.py /tmp/distinct --against /work/wt-base19 [--rounds 4] [--per-group 50]

Each round runs one child process per tree (``PYTHONPATH=<tree>``, which goes first alternates), and each
child reads every kept file once (``formparse.read``, the placement cache as a batch has it) after a
warm-up read per group, timing each read by the process's CPU time (``time.process_time``) with the cyclic
collector off: on a machine others load, CPU time moves far less than wall time, and both trees meet the
same load in every round. Prints the median per group (layout and format, as bench_distinct names the
files) and per tree, and their ratio. The records are compared too: both trees must read every file to
the same contract JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = r"""
import gc, hashlib, json, sys, time
from pathlib import Path
import formparse
from formparse import contract
files = [Path(p) for p in json.loads(sys.stdin.read())]
groups = {}
for p in files:
    groups.setdefault(p.name.rsplit("-", 1)[0] + p.suffix, []).append(p)
for paths in groups.values():  # a warm-up read per group (imports, schema caches)
    formparse.read(paths[0])
out = {"times": {}, "digest": {}}
for group, paths in groups.items():
    times = out["times"][group] = []
    for p in paths[1:]:
        gc.disable()
        t = time.process_time()
        rec = formparse.read(p)
        times.append(time.process_time() - t)
        gc.enable()
        out["digest"][p.name] = hashlib.sha256(contract.dumps(rec).encode()).hexdigest()
print(json.dumps(out))
"""


def child(tree: Path, files: list[str]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    res = subprocess.run([sys.executable, "-c", _CHILD], input=json.dumps(files), capture_output=True, text=True,
                         env=env, cwd=tree, check=True)
    return json.loads(res.stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", help="files kept by bench_distinct.py --keep")
    ap.add_argument("--against", required=True, help="the other formparse checkout")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--per-group", type=int, default=50, help="files per layout and format")
    args = ap.parse_args()
    groups: dict[str, list[str]] = {}
    for p in sorted(Path(args.folder).iterdir()):
        if p.suffix in (".xlsx", ".docx"):
            groups.setdefault(p.name.rsplit("-", 1)[0] + p.suffix, []).append(str(p))
    files = [f for paths in groups.values() for f in paths[: args.per_group + 1]]
    trees = {"this": ROOT, "other": Path(args.against).resolve()}
    times: dict[str, dict[str, list[float]]] = {name: {} for name in trees}
    digests: dict[str, dict[str, str]] = {}
    for k in range(args.rounds):
        order = list(trees) if k % 2 == 0 else list(trees)[::-1]
        for name in order:
            out = child(trees[name], files)
            for group, ts in out["times"].items():
                times[name].setdefault(group, []).extend(ts)
            digests[name] = out["digest"]
        print(f"  round {k + 1} done", flush=True)
    same = digests["this"] == digests["other"]
    print(f"{len(files)} files, {args.rounds} rounds; records identical in both trees: {same}")
    print(f"  {'group':22} {'this (ms)':>10} {'other (ms)':>11} {'this / other':>13}")
    for group in times["this"]:
        a, b = statistics.median(times["this"][group]) * 1e3, statistics.median(times["other"][group]) * 1e3
        print(f"  {group:22} {a:10.3f} {b:11.3f} {a / b:12.3f}x")
    all_a = [t for ts in times["this"].values() for t in ts]
    allb = [t for ts in times["other"].values() for t in ts]
    print(f"  {'all':22} {statistics.median(all_a) * 1e3:10.3f} {statistics.median(allb) * 1e3:11.3f} "
          f"{statistics.median(all_a) / statistics.median(allb):12.3f}x")


if __name__ == "__main__":
    main()
