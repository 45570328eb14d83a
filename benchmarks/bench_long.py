"""Long forms: the read cost per indicator row, from 100 to 5,000 rows, .xlsx and .docx.

    python benchmarks/bench_long.py [--rows 100 500 1000 2000 5000] [--runs 7] [--profile N]

Each form is the bundled sample's record with its indicators repeated (distinct texts and values) to
the row count, filled into the official template by ``formparse.fill``; every read is of a different
file (texts differ between files too, so no cache carries over, as in a batch), and the first of each
size is filled and checked to read back to its record, the others are copies of it with every
indicator's text changed. Reported: the median read time over ``--runs`` rounds
(the sizes interleaved in each), the time per indicator row, and that per-row time over the smallest
form's (flat means within 1.5×), and the cost per row added beyond the smallest form (the
form's fixed cost taken out). ``--profile N`` prints the top of a cProfile of reading an N-row form.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import formparse  # noqa: E402
from formparse.records import Indicator  # noqa: E402
from tests.batchkit import clone  # noqa: E402

SEED = ROOT / "samples" / "submissions" / "附件1-2020-邵阳市科学技术局.xlsx"


def long_record(rows: int, variant: int = 0) -> formparse.Record:
    """The sample's record with ``rows`` indicators; ``variant`` makes every text differ between files."""
    rec = formparse.read(SEED)
    base = rec.indicators
    rec.unit_name = f"{rec.unit_name}（{variant}）"
    rec.indicators = [Indicator(level1=b.level1, level2=b.level2, content=f"{b.content}（第{k + 1}项·{variant}）",
                                value=f"≥{k + 1 + variant}", remark=b.remark)
                      for k in range(rows) for b in [base[k % len(base)]]]
    # one group per 一级指标 as the form prints them: keep the rows of a level together
    rec.indicators.sort(key=lambda i: [b.level1 for b in base].index(i.level1))
    return rec


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[100, 500, 1000, 2000, 5000])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--profile", type=int, default=0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in (".xlsx", ".docx"):
            # a distinct file for every read (as in a batch: nothing of one file's text is cached for the next)
            paths: dict[int, list[Path]] = {}
            for n in args.rows:
                rec = long_record(n)
                first = Path(tmp) / f"long-{n}-0{suffix}"
                formparse.fill(rec, first)  # (filling is slow for long forms: the others are byte-level copies)
                assert formparse.read(first) == rec, f"{first.name} does not read back to its record"
                paths[n] = [first]
                for v in range(1, args.runs):
                    paths[n].append(Path(tmp) / f"long-{n}-{v}{suffix}")
                    clone(first, paths[n][-1], "·0）", f"·{v}）")  # every indicator's text differs
            times: dict[int, list[float]] = {n: [] for n in args.rows}
            for v in range(args.runs):  # rounds interleave the sizes, so machine noise falls on all alike
                for n in args.rows:
                    t = time.perf_counter()
                    formparse.read(paths[n][v])
                    times[n].append(time.perf_counter() - t)
            per_row = {n: statistics.median(ts) / n for n, ts in times.items()}
            least = args.rows[0]
            for n in args.rows:
                print(f"{suffix:6} {n:>5} indicator rows: {per_row[n] * n * 1000:8.1f} ms, "
                      f"{per_row[n] * 1e6:6.0f} µs/row, {per_row[n] / per_row[least]:.2f}x the {least}-row form's")
            print(f"{suffix:6} per-row cost, most / least: {max(per_row.values()) / min(per_row.values()):.2f}x")
            # the cost of the rows alone: what a form costs beyond the smallest one, per added row
            base = per_row[least] * least
            added = {n: (per_row[n] * n - base) / (n - least) for n in args.rows[1:]}
            if added:
                print(f"{suffix:6} per added row beyond {least}: " + ", ".join(
                    f"{n}: {a * 1e6:.0f} µs" for n, a in added.items())
                      + f"; most / least {max(added.values()) / min(added.values()):.2f}x")
            if args.profile in paths:
                prof = cProfile.Profile()
                prof.runcall(formparse.read, paths[args.profile][-1])
                pstats.Stats(prof).sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
