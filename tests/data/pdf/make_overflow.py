"""Make the long-unwrapped-texts fixture of tests/test_pdf_overflow.py: the record of
附件2-2020-邵阳市科学技术局-科技创新平台建设专项 filled into the official .xlsx template (formparse.fill), four
values made long with wrapping off, and the workbook exported by LibreOffice Calc.

Run from the repository root: ``python tests/data/pdf/make_overflow.py`` (writes 附件2-overflow.xlsx and
附件2-overflow.calc.pdf beside this file).
"""

from __future__ import annotations

import copy
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

import formparse  # noqa: E402

# cell: (text, alignment) — centred under both neighbours' labels, centred past the table's right edge, set to
# the left and cut at the neighbouring label
LONG = {
    "F6": ("邵阳市科学技术局（市知识产权局）", "center"),
    "B7": ("邵阳市生产力促进中心（邵阳市科技信息研究所、邵阳市技术市场）", "center"),
    "H6": ("414001-0003（二级）", "center"),
    "F7": ("王海波（平台建设办公室主任兼总工程师）", "left"),
}


def main() -> None:
    from openpyxl import load_workbook

    src = ROOT / "samples" / "submissions" / "附件2-2020-邵阳市科学技术局-科技创新平台建设专项.xlsx"
    out = HERE / "附件2-overflow.xlsx"
    with tempfile.TemporaryDirectory() as tmp:
        filled = Path(tmp) / "filled.xlsx"
        formparse.fill(formparse.read(src), filled)
        book = load_workbook(filled)
        ws = book.active
        for address, (text, how) in LONG.items():
            cell = ws[address]
            cell.value = text
            align = copy.copy(cell.alignment)
            align.wrap_text, align.horizontal = False, how
            cell.alignment = align
        book.save(out)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to",
                        "pdf", "--outdir", tmp, str(out)], check=True, capture_output=True, timeout=300)
        (HERE / "附件2-overflow.calc.pdf").write_bytes((Path(tmp) / "附件2-overflow.pdf").read_bytes())


if __name__ == "__main__":
    main()
