"""The writer's cost against the form: is ``fill`` linear in rows and merges, and bounded in memory?

    python benchmarks/bench_write.py [--repeat 3]

Prints, from one run on this machine (ratios within the run, best of ``--repeat``; times are this
process's CPU time, ``time.process_time``, so other work on a shared machine does not skew a ratio —
every step of a fill and a read runs in this process):

* fill of 1,000 indicators ÷ fill of 100, per format (linear: about 10; the target is at most 12);
* fill into a template with 100,000 merged ranges ÷ reading that template (target: at most 3);
* peak RSS of filling a template whose shared-string table holds 1,000,000 strings, and of reading
  it, each in its own process (the tests' hostile-input cap is 2 GB of address space).

The templates are made here from the bundled blank form (tests/outputkit.py makes the records).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import formparse  # noqa: E402
from tests.outputkit import base_record, many_merges, many_strings  # noqa: E402


def _best(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        run()
        times.append(time.process_time() - t0)
    return min(times)


def _fill_time(tmp: Path, suffix: str, n: int, repeat: int, template: Path | None = None) -> float:
    rec = base_record(n_goals=3, n_indicators=n)

    def run() -> None:
        out = tmp / f"fill-{n}{suffix}"
        out.unlink(missing_ok=True)
        formparse.fill(rec, out, template)

    return _best(repeat, run)


_PEAK = """
import resource, sys
sys.path.insert(0, sys.argv[3])
import formparse
from tests.outputkit import base_record
if sys.argv[1] == "read":
    formparse.read(sys.argv[2])
else:
    formparse.fill(base_record(), sys.argv[2] + ".out.xlsx", sys.argv[2], overwrite=True)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def _peak_mb(what: str, path: Path) -> int:
    out = subprocess.run([sys.executable, "-c", _PEAK, what, str(path), str(ROOT)], capture_output=True, text=True,
                         check=True)
    return int(out.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for suffix in (".xlsx", ".docx"):
            _fill_time(tmp, suffix, 10, 1)  # warm imports
            small = _fill_time(tmp, suffix, 100, args.repeat)
            large = _fill_time(tmp, suffix, 1000, args.repeat)
            print(f"fill {suffix}: 100 indicators {small:.3f} s, 1,000 {large:.3f} s, ratio {large / small:.1f} "
                  f"(target ≤ 12)")
        merges = many_merges(tmp / "merges-100k.xlsx", 100_000)
        read = _best(args.repeat, lambda: formparse.read(merges))
        fill = _fill_time(tmp, ".xlsx", 30, args.repeat, merges)
        print(f"100,000 merged ranges: read {read:.2f} s, fill {fill:.2f} s, ratio {fill / read:.2f} (target ≤ 3)")
        strings = many_strings(tmp / "strings-1m.xlsx", 1_000_000)
        read = _best(1, lambda: formparse.read(strings))
        fill = _fill_time(tmp, ".xlsx", 30, 1, strings)
        print(f"1,000,000 shared strings: read {read:.2f} s, peak {_peak_mb('read', strings)} MB; "
              f"fill {fill:.2f} s, peak {_peak_mb('fill', strings)} MB")


if __name__ == "__main__":
    main()
