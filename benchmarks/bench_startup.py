"""Start-up cost of one ``formparse parse FILE``: its wall time against ``python -c "import json"``.

Both run as fresh interpreters, interleaved, N times each; the medians and their ratio are printed
(issue 19: a ratio of at most 4). Also prints which heavy modules a parse imported.

    python benchmarks/bench_startup.py [FILE] [-n 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "pyarrow", "numpy", "openpyxl", "docx", "lxml", "cattrs", "tqdm", "formparse.batch",
         "formparse.writer")


def wall(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", nargs="?", default=str(ROOT / "samples/submissions/附件1-2020-邵阳市科学技术局.xlsx"))
    ap.add_argument("-n", type=int, default=15)
    args = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
    parse = [sys.executable, "-m", "formparse", "parse", args.file]
    base = [sys.executable, "-c", "import json"]
    # Warm the OS file cache and write the .pyc files an installed package has (pip compiles them at
    # install), even where PYTHONDONTWRITEBYTECODE is set: without them every run compiles ~25 modules
    # from source (about 45 ms here), which no user's parse pays.
    wall(parse, {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"})
    ps, bs = [], []
    for _ in range(args.n):
        bs.append(wall(base, env))
        ps.append(wall(parse, env))
    p, b = statistics.median(ps), statistics.median(bs)
    print(f"python -c 'import json': {b * 1000:.0f} ms   formparse parse: {p * 1000:.0f} ms   ratio {p / b:.1f}x"
          f"  (median of {args.n}; target <= 4x)")
    probe = (f"import sys, runpy; sys.argv = ['formparse', 'parse', {args.file!r}]\n"
             "try:\n    runpy.run_module('formparse', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)")
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    print("heavy modules a parse imported:", res.stderr.strip().splitlines()[-1] if res.stderr.strip() else "none")


if __name__ == "__main__":
    main()
