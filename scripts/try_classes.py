"""Try every class of submission as a new user would (issue 18): make the corpus of tests/classkit.py (generated
附件1, 附件2 and packets saved by LibreOffice as ODF/flat ODF/RTF/.doc/.xls, as Strict Open XML, with odd spaces,
with .docx page headers/footers, with a hidden copy of last year's sheet), run ``formparse parse`` (``parse --all``
for packets) on each file as a subprocess, and compare what it prints with the record. Prints the read rate per
class: exact, refused (a typed error on stderr, exit code 1 or 2), reported (a value differs and a warning on
stderr says what was not read), WRONG (a value differs and nothing was said).

    python scripts/try_classes.py [--n 3] [--packets 1] [--keep DIR [--reuse]] [--in-process]

Needs LibreOffice (soffice). Exit code 1 when any file reads WRONG.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import classkit  # noqa: E402
from tests.conftest import numeric  # noqa: E402


def _cli(entry: classkit.Entry) -> tuple[list[dict] | None, str | None, str]:
    args = [sys.executable, "-m", "formparse", "parse", *(["--all"] if entry.packet else []), str(entry.path)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}, nothing on stderr"]
        if "Traceback" in done.stderr:
            return None, f"TRACEBACK {last[0]}", done.stderr
        return None, f"exit {done.returncode}: {last[0]}", done.stderr
    printed = json.loads(done.stdout)
    return [numeric(r) for r in (printed if entry.packet else [printed])], None, done.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3, help="附件1 and 附件2 per base format")
    parser.add_argument("--packets", type=int, default=1, help="packets per base format")
    parser.add_argument("--keep", type=Path, help="write the corpus here (kept)")
    parser.add_argument("--in-process", action="store_true", help="formparse.read instead of the CLI")
    parser.add_argument("--reuse", action="store_true", help="read the corpus already in --keep (its manifest.json)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="try-classes-") as tmp:
        root = args.keep or Path(tmp)
        manifest = root / "manifest.json"
        if args.reuse and manifest.is_file():  # the corpus made before (e.g. to read it with other code)
            entries = [classkit.Entry(Path(e["path"]), e["cls"], e["kind"], numeric(e["want"]))
                       for e in json.loads(manifest.read_text(encoding="utf-8"))]
        else:
            entries = classkit.make(root, args.n, args.packets)
            manifest.write_text(json.dumps([{"path": str(e.path), "cls": e.cls, "kind": e.kind, "want": e.want}
                                            for e in entries], ensure_ascii=False, default=str), encoding="utf-8")
        counts: dict[str, Counter] = defaultdict(Counter)
        for e in entries:
            got, error, warnings = (classkit.read(e) if args.in_process else _cli(e))
            if error is not None and "TRACEBACK" in error:
                verdict = "TRACEBACK"
            else:
                verdict = classkit.verdict(e, got, error, warnings)
            counts[e.cls][verdict] += 1
            if verdict != "exact":
                detail = error or _first_difference(e.want, got)
                print(f"{verdict:9} {e.cls:20} {e.kind} {e.path.name}: {detail}", file=sys.stderr)
        print(f"{'class':22} {'files':>5} {'exact':>5} {'refused':>7} {'reported':>8} {'WRONG':>5}")
        for cls, c in [*counts.items(), ("all", sum(counts.values(), Counter()))]:
            print(f"{cls:22} {sum(c.values()):5} {c['exact']:5} {c['refused'] + c['TRACEBACK']:7} {c['reported']:8} "
                  f"{c['WRONG']:5}")
        all_ = sum(counts.values(), Counter())
        return 1 if all_["WRONG"] or all_["TRACEBACK"] else 0


def _first_difference(want, got, path="") -> str:
    if isinstance(want, dict) and isinstance(got, dict):
        for k in want.keys() | got.keys():
            if want.get(k) != got.get(k):
                return _first_difference(want.get(k), got.get(k), f"{path}.{k}")
    if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        for i, (a, b) in enumerate(zip(want, got, strict=True)):
            if a != b:
                return _first_difference(a, b, f"{path}[{i}]")
    return f"{path or 'record'}: want {str(want)[:80]!r}, got {str(got)[:80]!r}"


if __name__ == "__main__":
    raise SystemExit(main())
