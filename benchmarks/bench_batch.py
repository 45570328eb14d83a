"""Batch throughput and memory: files/second with 1 and 2 workers, peak RSS as the folder grows.

    python benchmarks/bench_batch.py [--small 2000] [--large 10000]

Folders are made by cloning the bundled submissions under new unit names (tests/batchkit.py).
Each measurement runs ``formparse convert`` as its own process, as a user would; its peak RSS is
sampled over that whole process tree (the command, the fork server and every worker) every 0.1 s,
and summed (shared pages counted once per process, so this overstates the true footprint).
"""

from __future__ import annotations

import argparse
import os
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


def run(folder: Path, out: Path, workers: int) -> tuple[float, int, float]:
    files = sum(1 for p in folder.rglob("*") if p.is_file())
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "formparse", "convert", str(folder), "-o", str(out),
                             "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=ROOT)
    with PeakRss(proc.pid) as rss:
        proc.wait()
    seconds = time.perf_counter() - start
    return files / seconds, files, rss.peak_kb / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=2000)
    ap.add_argument("--large", type=int, default=10000)
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
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


if __name__ == "__main__":
    main()
