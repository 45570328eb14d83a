"""Measure the PDF back-end on texts printed over their cell's border (issue 18 item 8), exported by Calc.

A clerk types a long text into a cell of the official .xlsx form and turns wrapping off (or pastes it into a
cell that never wrapped): Excel and Calc print it on over the empty cells beside it, and clip it at a cell that
holds something while still writing all of it into the PDF's text layer, under that cell's text. Each bundled
record is filled into the official .xlsx template (formparse.fill); in each variant ``--cells`` of its text
values (drawn from ``--seed``) get a longer text (their own, then “（…）” of ``--extra`` characters), wrapping off
and one alignment (left, centred, right, general: in turn). Every workbook is exported with
``soffice --headless --convert-to pdf``; workbook and PDF are read. Prints one line a variant as
scripts/measure_pdf_layouts.py does (``exact``, ``loud``, ``warned``, ``SILENT``), then the counts.

Run from the repository root: ``python scripts/measure_pdf_overflow.py [--variants 2] [--keep out]``.
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import formparse  # noqa: E402
from scripts.measure_pdf_layouts import export_and_judge  # noqa: E402

SAMPLES = ROOT / "samples" / "submissions"
ALIGNMENTS = ("left", "center", "right", "general")
FILLER = "补充说明本项内容的文字用于测试超出单元格宽度的情况"


def text_cells(sheet: Path) -> list[str]:
    """The addresses of the record's text values that stand alone in their cell (not a money amount, a tick
    or a date the reader would refuse when longer)."""
    rec = formparse.read(sheet)
    out = []
    for path in rec.provenance:
        _, address, shown = rec.provenance.places[path]
        if not address[:1].isalpha() or not shown.strip() or any(m in shown for m in "☑□■√"):
            continue
        if shown.replace(".", "").replace(",", "").replace("-", "").isdigit():
            continue
        out.append(address)
    return sorted(set(out))


def variant(src: Path, sheet: Path, out: Path, rng: random.Random, cells: int, extra: int, turn: int) -> Path | None:
    from openpyxl import load_workbook

    choices = text_cells(sheet)
    if not choices:
        return None
    book = load_workbook(sheet)
    ws = book.active
    for k, address in enumerate(rng.sample(choices, min(cells, len(choices)))):
        cell = ws[address]
        cell.value = f"{cell.value}（{FILLER[:extra]}）"
        align = copy.copy(cell.alignment)
        align.wrap_text = False
        align.horizontal = ALIGNMENTS[(turn + k) % len(ALIGNMENTS)]
        cell.alignment = align
    book.save(out)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--variants", type=int, default=2, help="variants of each bundled record")
    ap.add_argument("--cells", type=int, default=3, help="values made long in each variant")
    ap.add_argument("--extra", type=int, default=12, help="characters added to each")
    ap.add_argument("--keep", type=Path, help="keep the workbooks and PDFs in this folder")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        sheets = []
        for src in sorted(SAMPLES.glob("*.docx")) + sorted(SAMPLES.glob("*.xlsx")):
            filled = out / f"{src.stem}.{src.suffix[1:]}.filled.xlsx"
            formparse.fill(formparse.read(src), filled)
            for v in range(args.variants):
                made = variant(src, filled, out / f"{src.stem}.{src.suffix[1:]}.{v}.xlsx", rng, args.cells,
                               args.extra, v)
                if made is not None:
                    sheets.append(made)
        export_and_judge(sheets, out, Path(tmp))  # (without --keep, out is the temporary folder: removed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
