"""Measure the PDF back-end on layouts by other hands exported by LibreOffice Calc (issue 18 item 8).

Draws ``--count`` layouts (tests/structural.py for 附件1, tests/structural_project.py for 附件2, in turn) from
``--seed`` (the slow test uses seed 18), writes each as .xlsx the way Excel saves it, exports every workbook
with ``soffice --headless --convert-to pdf`` (``--fit``: each sheet fitted one page wide first, as a clerk
who sets “将工作表调整为一页宽” prints it) and reads workbook and PDF. Prints one line a layout: ``exact``,
``loud`` (refused, with the first line of the error) or ``warned`` (a different record carrying a warning its
workbook lacks), or ``SILENT`` (a different record without a new warning: the worst outcome), then the
counts. ``--rows``: each row given the height its wrapped text needs first, as Excel stores it after the
clerk typed the text (openpyxl writes no heights: Calc prints such rows one line high, their wrapped text
overflowing into the rows around or clipped). ``--keep DIR`` keeps the files (look at a PDF:
``pdftoppm -png -r 60 FILE.pdf out``).

Run from the repository root: ``python scripts/measure_pdf_layouts.py --count 12 [--rows] [--fit] [--keep out]``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import formparse  # noqa: E402
from tests import structural as S  # noqa: E402
from tests import structural_project as P  # noqa: E402


def fit_one_page_wide(path: Path) -> None:
    """Every sheet of the workbook printed one page wide (as many pages tall as it needs)."""
    from openpyxl import load_workbook
    from openpyxl.worksheet.properties import PageSetupProperties

    book = load_workbook(path)
    for ws in book.worksheets:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    book.save(path)


def _shown_width(text: str) -> float:
    """A text's width in Excel's column-width units (a wide character counts two)."""
    import unicodedata

    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text)


def fit_rows(path: Path) -> None:
    """Every row given the height its wrapped text needs, as Excel stores it once a clerk has typed the text
    (Excel fits a row to wrapped text as it is typed; openpyxl writes no heights and Calc keeps the default, so
    the text of a short row overflows or is clipped). Estimated generously: 15 pt a line of 11 pt type."""
    import math

    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    book = load_workbook(path)
    for ws in book.worksheets:
        widths = {c: (ws.column_dimensions[get_column_letter(c)].width or 8.43) for c in range(1, ws.max_column + 1)}
        spans = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
        need: dict[int, float] = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
                    continue
                m = spans.get((cell.row, cell.column))
                cols = range(m.min_col, m.max_col + 1) if m else [cell.column]
                last = m.max_row if m else cell.row
                room = max(sum(widths[c] for c in cols) - 1.0, 1.0)
                text = str(cell.value) if not str(cell.value).startswith("=") else "0" * 12
                lines = sum(max(1, math.ceil(_shown_width(part) / room)) for part in text.split("\n"))
                height = 15.0 * lines + 3.0 - 15.0 * (last - cell.row)
                need[last] = max(need.get(last, 15.0), height)
        for r, h in need.items():
            if h > 15.0:
                ws.row_dimensions[r].height = h
    book.save(path)


def layouts(seed: int, count: int, out: Path) -> list[Path]:
    rng = random.Random(seed)
    made = []
    for k in range(count):
        mod, draw = (S, S.random_record) if k % 2 == 0 else (P, P.random_project)
        rec = draw(rng)
        form = mod.build(rec, mod.draw_style(S.RandomChooser(rng), rec, "xlsx"))
        made.append(S.write_xlsx(form, out / f"{mod.__name__.rsplit('.', 1)[-1]}-{seed}-{k}.xlsx"))
    return made


def verdict(sheet: Path, pdf: Path) -> tuple[str, str]:
    try:
        want = formparse.read_all(sheet)
    except formparse.FormparseError as e:  # the workbook itself is refused: nothing to measure the PDF against
        return "source-refused", str(e).splitlines()[0]
    if not pdf.exists():
        return "noPDF", ""
    try:
        got = formparse.read_all(pdf)
    except formparse.FormparseError as e:
        return "loud", str(e).splitlines()[0]
    if [formparse.dumps(f.record) for f in got] == [formparse.dumps(f.record) for f in want]:
        return "exact", ""
    new = {(w.code, w.message) for f in got for w in f.record.warnings} - {
        (w.code, w.message) for f in want for w in f.record.warnings}
    if new:
        return "warned", "; ".join(m for _, m in sorted(new))[:300]
    return "SILENT", ""


def export_and_judge(sheets: list[Path], out: Path, tmp: Path) -> None:
    """Export every workbook to PDF with Calc (into ``out``), read each pair and print one line a workbook
    (its name, :func:`verdict`'s kind and why), then the counts."""
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), *map(str, sheets)], check=True, capture_output=True, timeout=1800)
    counts: Counter[str] = Counter()
    for sheet in sheets:
        kind, why = verdict(sheet, sheet.with_suffix(".pdf"))
        counts[kind] += 1
        print(f"{sheet.name}\t{kind}\t{why}", flush=True)
    print(" ".join(f"{k} {v}" for k, v in sorted(counts.items())), f"of {len(sheets)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--count", type=int, default=12)
    ap.add_argument("--fit", action="store_true", help="fit each sheet one page wide before exporting")
    ap.add_argument("--rows", action="store_true", help="give each row the height its wrapped text needs")
    ap.add_argument("--keep", type=Path, help="keep the workbooks and PDFs in this folder")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        sheets = layouts(args.seed, args.count, out)
        for sheet in sheets:
            if args.rows:
                fit_rows(sheet)
            if args.fit:
                fit_one_page_wide(sheet)
        export_and_judge(sheets, out, Path(tmp))
        if args.keep is None:
            shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
