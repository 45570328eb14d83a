"""Where a read's time goes, as shares of ``read_all`` under cProfile, per group of distinct files.

    python benchmarks/bench_distinct.py --files 200 --mixed 0 --keep /tmp/distinct   # once: the files
    python benchmarks/profile_shares.py /tmp/distinct [--per-group 40]
    PYTHONPATH=/path/to/other/checkout python benchmarks/profile_shares.py /tmp/distinct   # another tree

Each group (layout and format, as bench_distinct names its files) is profiled in a fresh process (after
one warm-up read), with the cyclic collector off. Shares are cumulative times of the stages below over the
whole ``read_all``; cProfile inflates Python-heavy code against C (calamine, lxml), so read them as ranks and
as before/after comparisons of one machine, not as milliseconds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

# stage → the file its function lives in (None: any)
STAGES = {
    "open_grids": "backends/__init__.py",  # file → grids (every back-end)
    "grids": "xlsx_calamine.py",  # .xlsx: the guarded calamine read
    "sheet_grid": "xlsx.py",  # .xlsx: the exact reader
    "table": "docx.py",  # .docx: the walk of the tables
    "parse": "ooxml.py",  # lxml parse of XML parts
    "normalise_text": "grid.py",
    "_parts": "reader.py",  # where the forms of a file begin
    "_shown": "reader.py",  # which form (fit)
    "place": "locate.py",  # placing the labels
    "_values": "locate.py",  # the value cells of every block
    "_unread": "locate.py",  # coverage
    "record_from_layout": "reader.py",  # the record, its provenance, its checks
    "values_from_layout": None,
    "structure": None,
    "check_rules": "rules.py",
}

_CHILD = r"""
import cProfile, gc, sys
from formparse.reader import read_all
files = sys.argv[1:]
read_all(files[0])
prof = cProfile.Profile()
gc.disable()
prof.enable()
for p in files[1:]:
    try:
        read_all(p)
    except Exception:
        pass
prof.disable()
import pstats
stats = pstats.Stats(prof).stats
want = STAGES_HERE
cum = {}
for (fn, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.items():
    if name == "read_all" and fn.endswith("reader.py"):
        cum["read_all"] = ct
    elif name in want and (want[name] is None or fn.endswith(want[name])):
        cum[name] = max(cum.get(name, 0), ct)  # a recursive function: its outermost calls
total = cum.pop("read_all")
print(" ".join(f"{k} {100 * cum[k] / total:.1f}%" for k in want if k in cum))
""".replace("STAGES_HERE", repr(STAGES))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--per-group", type=int, default=40)
    args = ap.parse_args()
    groups: dict[str, list[str]] = {}
    for p in sorted(Path(args.folder).iterdir()):
        if p.suffix in (".xlsx", ".docx"):
            groups.setdefault(p.name.rsplit("-", 1)[0] + p.suffix, []).append(str(p))
    import formparse

    print(f"formparse from {Path(formparse.__file__).parent}")
    for group, paths in sorted(groups.items()):
        res = subprocess.run([sys.executable, "-c", _CHILD, *paths[: args.per_group + 1]], capture_output=True,
                             text=True, check=True, env=dict(os.environ))
        print(f"{group:22} {res.stdout.strip()}")


if __name__ == "__main__":
    main()
