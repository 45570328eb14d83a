"""The ledger at scale: ``Store.frames()`` over a generated store, and a no-change rerun against a full read.

    python benchmarks/bench_store.py [--forms 100000] [--files 10000] [--workers 2] [--pg URL]

1. A store of ``--forms`` forms is generated: the bundled samples are read once, and their records are
   written again and again under new unit names (each a version with its own content hash, values,
   warnings and every value's cell), through the store's own ingest path, a thousand forms per transaction
   (generation is not what is measured). Then ``Store.frames()`` is timed, with and without the ``cells``
   table (one row per value: the largest by far).
2. A folder of ``--files`` submissions (clones of the samples, tests/batchkit.py) is read into a fresh store
   (the full read), then read again unchanged (the rerun: every file hashed, none parsed); the ratio is printed.

``--pg URL`` runs both against a PostgreSQL database (a schema of its own, dropped at the end) as well.
The machine the numbers come from matters: see docs/performance.md for the published ones.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import formparse  # noqa: E402
from formparse.batch import Outcome  # noqa: E402
from formparse.store import Store  # noqa: E402
from tests.batchkit import make_folder  # noqa: E402
from tests.conftest import SAMPLES, sample_files  # noqa: E402

PER_TRANSACTION = 1000


def generate(target: str, n: int) -> float:
    """A store of ``n`` forms (附件1 and 附件2 alike) made from the samples' records; returns seconds taken."""
    records = [(p.name, f.where, f.record) for p in sorted(SAMPLES.iterdir()) for f in formparse.read_all(p)]
    start = time.perf_counter()
    with Store(target, create=True) as store:
        for begin in range(0, n, PER_TRANSACTION):
            with store.db.transaction():
                for i in range(begin, min(n, begin + PER_TRANSACTION)):
                    name, where, rec = records[i % len(records)]
                    rec.unit_name = f"单位{i:06d}"
                    file = f"{i % 97:02d}/{i:06d}-{name}"
                    store._ingest(Outcome(file, record=rec, where=""), (1000 + i, f"{i:064x}"), "2026-12-07", None)
    return time.perf_counter() - start


def time_frames(target: str) -> tuple[float, float, float, float, int, int]:
    """frames() without and with cells: first after the store was written (reads the rows, makes the
    snapshots), then again (from the snapshots)."""
    import pandas  # noqa: F401  (loaded before the clock starts: a session has it already)
    import pyarrow.json  # noqa: F401

    with Store(target) as store:
        t0 = time.perf_counter()
        without = store.frames(cells=False)
        t1 = time.perf_counter()
        store.frames(cells=False)
        t2 = time.perf_counter()
        full = store.frames()
        t3 = time.perf_counter()
        store.frames()
        t4 = time.perf_counter()
    forms = len(without["forms"]) + len(without["projects"])
    return t1 - t0, t2 - t1, t3 - t2, t4 - t3, forms, len(full["cells"])


def rerun_ratio(target: str, files: int, workers: int) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp) / "收件箱"
        inbox.mkdir()
        make_folder(inbox, sample_files(), n_good=files, n_duplicates=0)
        t0 = time.perf_counter()
        first = formparse.read_folder(inbox, store=target, workers=workers)
        t1 = time.perf_counter()
        first.store.close()
        again = formparse.read_folder(inbox, store=target, workers=workers)
        t2 = time.perf_counter()
        assert again.changes.read == 0 and again.changes.unchanged == first.changes.new, again.changes
        again.store.close()
        return t1 - t0, t2 - t1, first.changes.new


def run(label: str, make_target, forms: int, files: int, workers: int) -> None:
    target = make_target()
    made = generate(target, forms)
    plain, plain_again, with_cells, with_cells_again, n_forms, n_cells = time_frames(target)
    print(f"[{label}] generated {forms} forms in {made:.1f} s; frames(): {plain:.2f} s without cells "
          f"({plain_again:.2f} s from the snapshots), {with_cells:.2f} s with cells ({with_cells_again:.2f} s "
          f"from the snapshots; {n_forms} forms, {n_cells} cells rows)")
    assert n_forms == forms
    full, rerun, n_files = rerun_ratio(make_target(), files, workers)
    print(f"[{label}] {n_files} files: full read {full:.1f} s, no-change rerun {rerun:.1f} s, "
          f"ratio {rerun / full:.3f} (goal ≤ 0.1)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--forms", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pg", metavar="URL", help="also on this PostgreSQL database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(1000))
        run("sqlite", lambda: str(Path(tmp) / f"台账{next(counter)}.sqlite"), args.forms, args.files, args.workers)
    if args.pg:
        import psycopg

        schemas: list[str] = []

        def pg_target() -> str:
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(args.pg, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
            schemas.append(schema)
            sep = "&" if "?" in args.pg else "?"
            return f"{args.pg}{sep}options=-csearch_path%3D{schema}"

        try:
            run("postgresql", pg_target, args.forms, args.files, args.workers)
        finally:
            with psycopg.connect(args.pg, autocommit=True) as conn:
                for schema in schemas:
                    conn.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
