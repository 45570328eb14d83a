"""Make samples/pdf/: forms saved as PDF the ways departments save them (issue 18), for the PDF back-end.

- Word route: a .docx submission exported by LibreOffice Writer (``soffice --convert-to pdf``), as “另存为
  PDF” in Word/WPS writes it: the text layer and the table's ruling lines.
- Excel route: the record filled into the official .xlsx template, every cell of the form given its four
  borders (所有框线, as departments draw it), exported by LibreOffice Calc. The sample .xlsx submissions
  themselves have no borders and fixed row heights, so their PDF shows overlapping text: a PDF without
  ruling lines is refused (see docs/formats-and-checks.md), and these are not fixtures.
- A scan: page 1 of a form rendered to an image by ``pdftoppm`` and wrapped as an image-only PDF.
- An encrypted PDF (open password “secret”), exported by LibreOffice with its PDF encryption.

Each PDF is named after its source (``NAME.docx.pdf``, ``NAME.calc.pdf``); the test reads the source and
the PDF and wants the same record (for the Excel route, the record of the bordered workbook, written as
``NAME.calc.json``: the sheet shows money as typed numbers, 80 for 80.00). Run from the repository root:
``python scripts/make_pdf_samples.py`` (needs ``soffice`` and ``pdftoppm`` on PATH).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "samples" / "pdf"
SUBMISSIONS = ROOT / "samples" / "submissions"
PACKETS = ROOT / "samples" / "packets"
PASSWORD = "secret"

# (source, route) of the committed fixtures: a 附件1 whose rows and merged labels break over pages, a 附件2
# whose footer paragraph wraps, a packet of four forms, a bordered workbook through Calc
FIXTURES = [
    (SUBMISSIONS / "附件1-2020-邵阳市科学技术局.docx", "docx"),
    (SUBMISSIONS / "附件2-2020-邵阳市交通运输局-农村公路养护工程.docx", "docx"),
    (PACKETS / "2020-邵阳市科学技术局-申报材料.docx", "docx"),
    (SUBMISSIONS / "附件2-2020-邵阳市科学技术局-科普活动经费.docx", "calc"),
]


def soffice_pdf(src: Path, dst: Path, *, password: str | None = None) -> Path:
    """``src`` exported to PDF by LibreOffice (Writer or Calc, by the file), at ``dst``."""
    target = "pdf"
    if password is not None:
        options = {"EncryptFile": {"type": "boolean", "value": "true"},
                   "DocumentOpenPassword": {"type": "string", "value": password}}
        export = "calc_pdf_Export" if src.suffix == ".xlsx" else "writer_pdf_Export"
        target = f"pdf:{export}:{json.dumps(options)}"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / ("src" + src.suffix)
        shutil.copyfile(src, work)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to",
                        target, "--outdir", tmp, str(work)], check=True, capture_output=True, timeout=180)
        made = Path(tmp) / "src.pdf"
        if not made.exists():
            raise RuntimeError(f"LibreOffice made no PDF of {src}")
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(made, dst)
    return dst


def bordered(src: Path, dst: Path) -> Path:
    """A copy of a workbook with every cell of its forms' rows given four thin borders (所有框线): the
    rows from the first label of a form to its last row of cells, over every used column."""
    from openpyxl import load_workbook
    from openpyxl.styles import Border, Side

    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wb = load_workbook(src)
    for ws in wb.worksheets:
        first = last = None
        for row in ws.iter_rows():
            for c in row:
                text = c.value.strip() if isinstance(c.value, str) else ""
                if first is None and text in ("部门基本信息", "项目名称"):
                    first = c.row
                if text.startswith(("填报人", "审核人")) or "其他说明的问题" in text or "审核意见" in text:
                    last = c.row if not text.startswith("填报人") else c.row - 1
        if first is None:
            continue
        for row in ws.iter_rows(min_row=first, max_row=max(first, last or ws.max_row), max_col=ws.max_column):
            for c in row:
                c.border = box
    wb.save(dst)
    return dst


def calc_copy(src: Path, dst: Path) -> Path:
    """The record of ``src`` filled into the official .xlsx template, bordered, exported by Calc; the
    workbook's own record (money as the sheet shows it) goes to ``dst`` with .json for its suffix."""
    import formparse

    with tempfile.TemporaryDirectory() as tmp:
        filled = Path(tmp) / "filled.xlsx"
        formparse.fill(formparse.read(src), filled)
        sheet = bordered(filled, Path(tmp) / "bordered.xlsx")
        dst.with_suffix(".json").write_text(formparse.dumps(formparse.read(sheet)) + "\n", encoding="utf-8")
        return soffice_pdf(sheet, dst)


def scan(src_pdf: Path, dst: Path, resolution: int = 40) -> Path:
    """Page 1 of ``src_pdf`` as a scanner would send it: one JPEG per page, no text."""
    from tests.pdfkit import image_only

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-jpeg", "-r", str(resolution), "-f", "1", "-l", "1", "-singlefile", str(src_pdf),
                        f"{tmp}/page"], check=True, capture_output=True, timeout=120)
        jpeg = Path(tmp, "page.jpg").read_bytes()
    width, height = _jpeg_size(jpeg)
    dst.write_bytes(image_only(jpeg, width, height))
    return dst


def _jpeg_size(data: bytes) -> tuple[int, int]:
    i = 2
    while i < len(data):
        marker, size = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            return int.from_bytes(data[i + 7:i + 9], "big"), int.from_bytes(data[i + 5:i + 7], "big")
        i += 2 + size
    raise ValueError("no JPEG frame header")


def fixture_name(src: Path, route: str) -> str:
    return f"{src.stem}.{route}.pdf"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for src, route in FIXTURES:
        dst = OUT / fixture_name(src, route)
        (soffice_pdf if route == "docx" else calc_copy)(src, dst)
        print(dst.relative_to(ROOT))
    first = OUT / fixture_name(*FIXTURES[0])
    print(scan(first, OUT / "scan-附件1.pdf").relative_to(ROOT))
    enc = soffice_pdf(SUBMISSIONS / "附件2-2020-邵阳市科学技术局-科普活动经费.docx", OUT / "encrypted-附件2.pdf",
                      password=PASSWORD)
    print(enc.relative_to(ROOT))


if __name__ == "__main__":
    main()
