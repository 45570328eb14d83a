"""Proof of "no behaviour change": what formparse reads from every corpus file, as one digest per file.

    python scripts/corpus_digest.py            # compare with tests/data/corpus_digest.json (exit 1 on a change)
    python scripts/corpus_digest.py --write    # record the present behaviour as the reference

For every file the project keeps as evidence (samples/, tests/data/) and for a seeded set of generated
variants (tests/structural.py and tests/structural_project.py: other hands' layouts of 附件1 and 附件2, each
as .xlsx and .docx), the outcome of ``formparse.read_all`` is hashed (SHA-256): every form's contract JSON
(what ``formparse parse`` prints), its warnings (code, label, cell, message) and every value's provenance
(sheet, address, shown text); or the refusal's type and message. Two trees with the same digests read
every one of these files to the same bytes.

Refactors (issue 19: locate as a package) run this before and after; a slow test runs it against the
committed reference, so a change of behaviour has to be recorded on purpose (``--write``, committed with
the change that explains it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REFERENCE = ROOT / "tests" / "data" / "corpus_digest.json"
SUFFIXES = {".xlsx", ".xlsm", ".docx", ".docm", ".xls", ".doc", ".ods", ".odt", ".fods", ".fodt", ".rtf", ".pdf",
            ".xltx", ".dotx"}
GENERATED = 24  # variants per form and format


def outcome(path: Path) -> str:
    """What formparse makes of ``path``: every form's JSON and warnings, or the refusal, as text."""
    import formparse
    from formparse import contract
    from formparse.provenance import cell_rows

    try:
        found = formparse.read_all(path)
    except formparse.FormparseError as exc:
        return f"refused {type(exc).__name__}: {str(exc).replace(str(path), '<file>')}"
    parts = []
    for f in found:
        warnings = [[w.code, w.label, w.cell, w.message] for w in f.record.warnings]
        rows = cell_rows("<file>", f.record)
        parts.append(json.dumps({"where": str(f.where), "record": json.loads(contract.dumps(f.record)),
                                 "warnings": warnings, "cells": rows}, ensure_ascii=False, sort_keys=True,
                                default=str))
    return "\n".join(parts)


def corpus_files() -> list[Path]:
    files = [p for base in (ROOT / "samples", ROOT / "tests" / "data") for p in base.rglob("*")
             if p.is_file() and p.suffix.lower() in SUFFIXES]
    return sorted(files)


def generated_files(folder: Path) -> list[Path]:
    """Seeded other hands' layouts of both forms, written as .xlsx and .docx."""
    from tests import structural as s1
    from tests import structural_project as s2

    out = []
    for name, mod, make in (("dept", s1, s1.random_record), ("project", s2, s2.random_project)):
        for fmt, write in (("xlsx", s1.write_xlsx), ("docx", s1.write_docx)):
            for k in range(GENERATED):
                rng = random.Random(f"corpus-digest-{name}-{fmt}-{k}")
                record = make(rng)
                style = mod.draw_style(s1.RandomChooser(rng), record, fmt)
                path = folder / f"{name}-{k:02d}.{fmt}"
                write(mod.build(record, style), path)
                out.append(path)
    return out


def digests() -> dict[str, str]:
    result = {}
    for path in corpus_files():
        result[str(path.relative_to(ROOT))] = hashlib.sha256(outcome(path).encode()).hexdigest()
    with tempfile.TemporaryDirectory() as tmp:
        for path in generated_files(Path(tmp)):
            result[f"generated/{path.name}"] = hashlib.sha256(outcome(path).encode()).hexdigest()
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true", help="record the present outcomes as the reference")
    ap.add_argument("--reference", type=Path, default=REFERENCE)
    args = ap.parse_args()
    now = digests()
    if args.write:
        args.reference.write_text(json.dumps(now, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                  encoding="utf-8")
        print(f"{len(now)} digests written to {args.reference}")
        return 0
    before = json.loads(args.reference.read_text(encoding="utf-8"))
    changed = sorted(k for k in now.keys() & before.keys() if now[k] != before[k])
    added, gone = sorted(now.keys() - before.keys()), sorted(before.keys() - now.keys())
    for label, names in (("changed", changed), ("new (not in the reference)", added), ("gone", gone)):
        for name in names:
            print(f"{label}: {name}")
    same = len(now) - len(changed) - len(added)
    print(f"{same} of {len(now)} files read byte-identical to the reference")
    return 1 if changed or gone else 0


if __name__ == "__main__":
    sys.exit(main())
