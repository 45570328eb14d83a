"""Batch throughput and memory: files/second with 1 and 2 workers, peak RSS as the folder grows.

    python benchmarks/bench_batch.py [--small 2000] [--large 10000]
    python benchmarks/bench_batch.py --against /work/wt-base19 [--small 1000] [--rounds 3] [--workers 2] [--parquet]

``--against TREE``: instead, one folder of ``--small`` files converted by this tree and by another checkout
of formparse (e.g. ``git worktree add /work/wt-base19 9b27bd5``), each as its own process with its
PYTHONPATH, alternately, ``--rounds`` times (after one warm-up each, which also writes the .pyc files):
the medians and their ratio, so machine load falls on both alike. The output is one summary workbook
(``-o OUT.xlsx``, as issue 19 measures a convert), or with ``--parquet`` a folder of Parquet files (what
``--against`` wrote before 2026-12-07 11:30 UTC; the throughput runs above always write Parquet).

Folders are made by cloning the bundled submissions under new unit names (tests/batchkit.py).
Each measurement runs ``formparse convert`` as its own process, as a user would; its peak RSS is
sampled over that whole process tree (the command, the fork server and every worker) every 0.1 s,
and summed (shared pages counted once per process, so this overstates the true footprint).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.batchkit import make_folder  # noqa: E402
from tests.conftest import sample_files  # noqa: E402


def _tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class PeakRss:
    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(p) for p in _tree(self.pid)))
            time.sleep(0.1)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run(folder: Path, out: Path, workers: int, tree: Path = ROOT) -> tuple[float, int, float]:
    return run_cpu(folder, out, workers, tree)[:3]


def run_cpu(folder: Path, out: Path, workers: int, tree: Path = ROOT) -> tuple[float, int, float, float]:
    """files/s, files, peak RSS (MB) and the CPU seconds (user + system) of the command and its workers."""
    files = sum(1 for p in folder.rglob("*") if p.is_file())
    env = {**os.environ, "PYTHONPATH": str(tree)}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "formparse", "convert", str(folder), "-o", str(out),
                             "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=tree, env=env)
    with PeakRss(proc.pid) as rss:
        # (wait4: the CPU time of the command and of the workers it waited for, which machine load hardly changes)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    return files / seconds, files, rss.peak_kb / 1024, usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=2000)
    ap.add_argument("--large", type=int, default=10000)
    ap.add_argument("--against", default="", help="another formparse checkout: compare the two, interleaved")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--parquet", action="store_true", help="--against: write Parquet files, not one .xlsx")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    if args.against:
        compare(Path(args.against).resolve(), args.small, args.rounds, args.workers, ".xlsx" * (not args.parquet))
        return
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        results = {}
        for n in (args.small, args.large):
            folder = base / f"in{n}"
            t = time.perf_counter()
            make_folder(folder, sample_files(), n_good=n - 7, n_duplicates=2)
            print(f"made {n} files in {time.perf_counter() - t:.0f} s")
            for workers in ((1, 2) if n == args.small else (2,)):
                rate, files, peak = run(folder, base / f"out{n}-{workers}", workers)
                results[(n, workers)] = (rate, peak)
                print(f"{files:>6} files, {workers} worker(s): {rate:7.1f} files/s, peak RSS {peak:6.0f} MB")
        one, two = results[(args.small, 1)][0], results[(args.small, 2)][0]
        print(f"2 workers / 1 worker on {args.small} files: {two / one:.2f}x")
        print(f"peak RSS {args.large} files / {args.small} files (2 workers): "
              f"{results[(args.large, 2)][1] / results[(args.small, 2)][1]:.2f}x")


def compare(other: Path, n: int, rounds: int, workers: int, suffix: str = ".xlsx") -> None:
    """This tree against ``other`` on one folder of ``n`` files, alternately (which goes first alternates too);
    the output is named ``out…{suffix}`` (``.xlsx``: one workbook; ``""``: a folder of Parquet files)."""
    trees = {"this": ROOT, "other": other}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        folder = base / "in"
        make_folder(folder, sample_files(), n_good=n - 7, n_duplicates=2)
        seconds: dict[str, list[float]] = {k: [] for k in trees}
        cpu: dict[str, list[float]] = {k: [] for k in trees}
        for name, tree in trees.items():  # warm-up: .pyc files, disk cache
            run(folder, base / f"warm-{name}{suffix}", workers, tree)
        for k in range(rounds):
            order = list(trees) if k % 2 == 0 else list(trees)[::-1]
            for name in order:
                rate, files, _, used = run_cpu(folder, base / f"out-{name}-{k}{suffix}", workers, trees[name])
                seconds[name].append(files / rate)
                cpu[name].append(used)
                print(f"  round {k + 1} {name:5}: {files} files in {files / rate:6.2f} s ({rate:6.1f} files/s), "
                      f"CPU {used:6.2f} s", flush=True)
        this, that = (statistics.median(seconds[k]) for k in ("this", "other"))
        cpu_this, cpu_that = (statistics.median(cpu[k]) for k in ("this", "other"))
        print(f"{n} files to {'one .xlsx' if suffix else 'Parquet'}, {workers} workers, median of {rounds}: "
              f"this tree {this:.2f} s ({n / this:.1f} files/s), "
              f"{other} {that:.2f} s ({n / that:.1f} files/s): this one is {that / this:.2f}x as fast; "
              f"CPU seconds {cpu_this:.2f} against {cpu_that:.2f} ({cpu_that / cpu_this:.2f}x)")


if __name__ == "__main__":
    main()
