"""PDFs written by another PDF maker read as those LibreOffice wrote (issue 18, item 8).

Departments' PDFs come from Word, WPS, Excel and others, whose fonts declare their metrics differently. Cairo
(poppler's ``pdftocairo -pdf``) writes the same pages again with its own fonts, text objects and lines; its CJK
fonts declare a descent of -1.05 em, so pdfminer hangs every glyph of theirs under its baseline, most of a line
lower than the digits beside them. Before the characters were put back on their baselines none of these read
(“找不到标签 项目名称”: the label fell into the row below the unit line).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import formparse
from formparse.backends.pdf import NO_LINES, SCAN, _on_baseline, read_grids
from formparse.limits import DEFAULT
from tests import pdfkit as K
from tests.conftest import ROOT
from tests.hostile import _TINY_JPEG

PDFS = ROOT / "samples" / "pdf"
needs_cairo = pytest.mark.skipif(shutil.which("pdftocairo") is None, reason="pdftocairo (poppler-utils) not installed")


def rewritten(pdf: Path, tmp_path: Path) -> Path:
    out = tmp_path / f"cairo-{pdf.name}"
    subprocess.run(["pdftocairo", "-pdf", str(pdf), str(out)], check=True, capture_output=True, timeout=120)
    assert out.read_bytes() != pdf.read_bytes()
    return out


@needs_cairo
@pytest.mark.parametrize("name", [
    "附件2-2020-邵阳市科学技术局-科普活动经费.calc.pdf",  # Calc's export of a bordered workbook
    "附件2-2020-邵阳市交通运输局-农村公路养护工程.docx.pdf",  # Writer's export of a .docx
])
def test_a_pdf_written_again_by_cairo_reads_as_the_original(name, tmp_path):
    want = formparse.dumps(formparse.read(PDFS / name))
    assert formparse.dumps(formparse.read(rewritten(PDFS / name, tmp_path))) == want


@needs_cairo
@pytest.mark.slow
@pytest.mark.parametrize("name", ["附件1-2020-邵阳市科学技术局.docx.pdf", "2020-邵阳市科学技术局-申报材料.docx.pdf"])
def test_a_form_and_a_packet_written_again_by_cairo_read_as_the_originals(name, tmp_path):
    want = formparse.read_all(PDFS / name)
    got = formparse.read_all(rewritten(PDFS / name, tmp_path))
    assert [f.schema for f in got] == [f.schema for f in want]
    assert [formparse.dumps(f.record) for f in got] == [formparse.dumps(f.record) for f in want]
    assert [f.where for f in got] == [f.where for f in want]


def char(y0: float, baseline: float, h: float = 10.0, **kw) -> dict:
    top = 800.0 - (y0 + h)
    return {"matrix": (h, 0.0, 0.0, h, 50.0, baseline), "height": h, "upright": True, "y0": y0, "y1": y0 + h,
            "top": top, "bottom": top + h, "doctop": top + 1000.0, **kw}


def test_a_glyph_hung_under_its_baseline_is_put_back_on_it():
    c = char(y0=689.5, baseline=700.0)  # a declared descent of -1.05 em
    _on_baseline(c)
    assert c["y0"] == pytest.approx(698.8) and c["y1"] == pytest.approx(708.8)
    assert c["top"] == pytest.approx(800.0 - 708.8) and c["bottom"] == pytest.approx(800.0 - 698.8)
    assert c["doctop"] == pytest.approx(c["top"] + 1000.0)


@pytest.mark.parametrize("y0", [700.0, 698.8, 697.5, 696.0])  # descents of 0, -0.12, -0.25, -0.4 em: as declared
def test_a_plausible_descent_is_left_as_the_font_declares_it(y0):
    c = char(y0=y0, baseline=700.0)
    before = dict(c)
    _on_baseline(c)
    assert c == before


def test_rotated_text_is_left_alone():
    c = char(y0=689.5, baseline=700.0)
    c["matrix"], c["upright"] = (0.0, 10.0, -10.0, 0.0, 50.0, 700.0), False
    before = dict(c)
    _on_baseline(c)
    assert c == before


# -- scans that carry a few words -------------------------------------------------------------------------
# Scanning apps print their name, a date or a page number over the picture (“CS 扫描全能王”): a scan still.

def test_a_scan_with_its_apps_stamp_is_still_a_scan():
    data = K.image_only(_TINY_JPEG, 1, 1, "DeviceGray", stamp="CS CamScanner 2020-11-02 09:41")
    with pytest.raises(formparse.UnreadableFile) as err:
        read_grids("scan.pdf", data, DEFAULT)
    assert err.value.message == SCAN


@pytest.mark.parametrize("stamp, cover", [
    ("CS CamScanner 2020-11-02 09:41", 0.6),  # a picture over a third of the page only: a logo, not a scan
    ("Budget 2020: " + "x" * 40, 1.0),  # a page of text over a background picture
])
def test_text_beside_a_small_picture_or_over_a_background_is_not_a_scan(stamp, cover):
    data = K.image_only(_TINY_JPEG, 1, 1, "DeviceGray", stamp=stamp, cover=cover)
    with pytest.raises(formparse.UnreadableFile) as err:
        read_grids("page.pdf", data, DEFAULT)
    assert err.value.message == NO_LINES


# -- rows printed again on every page ---------------------------------------------------------------------
# A sheet longer than a page is often printed with its title rows repeated at the top of every page (Excel's
# and Calc's print titles, 页面设置 › 顶端标题行). The fixtures: the record of 附件1-2020-邵阳市科学技术局 filled
# into the official .xlsx template with print titles 1:3 (附件1, the title, the unit line) and 1:4 (and the
# first row of the table), exported by Calc (the slow test below makes them again, for every sample).
SEEDED = ROOT / "samples" / "submissions" / "附件1-2020-邵阳市科学技术局.xlsx"


@pytest.mark.parametrize("rows", ["1-3", "1-4"])
def test_rows_printed_again_on_every_page_are_read_once(rows):
    got = formparse.read(ROOT / "tests" / "data" / "pdf" / f"附件1-print-titles-{rows}.calc.pdf")
    assert formparse.dumps(got) == formparse.dumps(formparse.read(SEEDED))


def _title_rows(sheet: Path) -> int:
    """The rows above the form's first table: those up to the unit line (填报单位…)."""
    import openpyxl  # (the tests may use the format libraries; formparse's core does not)
    ws = openpyxl.load_workbook(sheet).active
    return next(r for r in range(1, 20) if any(str(c.value or "").startswith("填报单位") for c in ws[r]))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_every_submission_with_print_titles_exported_by_calc_reads_as_the_workbook(tmp_path):
    import openpyxl
    sources = sorted((ROOT / "samples" / "submissions").glob("*.xlsx"))
    sheets, plain = [], []
    for src in sources:
        filled = tmp_path / f"{src.stem}.xlsx"
        formparse.fill(formparse.read(src), filled)
        plain.append(filled)
        last = _title_rows(filled)
        for extra in (0, 1):  # the title rows; and the table's first row with them
            wb = openpyxl.load_workbook(filled)
            wb.active.print_title_rows = f"1:{last + extra}"
            sheet = tmp_path / f"{src.stem}-titles-{extra}.xlsx"
            wb.save(sheet)
            sheets.append((filled, sheet))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), *(str(s) for _, s in sheets)], check=True, capture_output=True,
                   timeout=1200)
    for filled, sheet in sheets:
        got = formparse.read(sheet.with_suffix(".pdf"))
        assert formparse.dumps(got) == formparse.dumps(formparse.read(filled)), sheet.name
    # forms with print titles joined into one packet: each form is still a form of its own
    if shutil.which("pdfunite") is None:
        return
    forms = [s for _, s in sheets if "titles-0" in s.name]
    packet = tmp_path / "packet.pdf"
    subprocess.run(["pdfunite", *(str(s.with_suffix(".pdf")) for s in forms), str(packet)], check=True, timeout=120)
    want = [formparse.dumps(formparse.read(f)) for f, s in sheets if "titles-0" in s.name]
    assert [formparse.dumps(f.record) for f in formparse.read_all(packet)] == want
    # and forms whose table is the last thing on their last page (no footer), of one unit: the next form's title
    # is the same title at the same place
    bare = [_without_footer(s, tmp_path / f"bare-{s.name}", titles=True) for s in sources]
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), *(str(s) for s in bare)], check=True, capture_output=True, timeout=1200)
    for unit in ("邵阳市科学技术局", "邵阳市教育局"):
        mine = [b for b in bare if unit in b.name]
        packet = tmp_path / f"bare-{unit}.pdf"
        subprocess.run(["pdfunite", *(str(b.with_suffix(".pdf")) for b in mine), str(packet)], check=True, timeout=120)
        assert [formparse.dumps(f.record) for f in formparse.read_all(packet)] == [
            formparse.dumps(formparse.read(b)) for b in mine]


def _without_footer(src: Path, out: Path, titles: bool) -> Path:
    """``src``'s record filled into the official template, its footer rows (填报人…) deleted, print titles over
    the title rows when ``titles``: a form whose table is the last thing on its last page."""
    import openpyxl
    formparse.fill(formparse.read(src), out)
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    foot = next(r for r in range(ws.max_row, 0, -1) if any(str(c.value or "").startswith("填报人") for c in ws[r]))
    ws.delete_rows(foot, ws.max_row - foot + 1)
    if titles:
        unit_line = next(r for r in range(1, 20) if any(str(c.value or "").startswith("填报单位") for c in ws[r]))
        ws.print_title_rows = f"1:{unit_line}"
    wb.save(out)
    return out


def test_the_next_form_of_a_packet_is_not_taken_for_rows_printed_again(tmp_path):
    """Two 附件2 of one unit, each with print titles and no footer, joined: the second form's title is the first
    form's title again, at the same place, over a table of the same edges straight after the first form's table.
    It begins a form (its first row says 项目名称 again with another project); before this guard it was read as
    rows printed again and the second form was lost without a word."""
    pdf = ROOT / "tests" / "data" / "pdf" / "附件2-packet-print-titles-no-footer.calc.pdf"
    sources = sorted((ROOT / "samples" / "submissions").glob("附件2-2020-邵阳市科学技术局-*.xlsx"))[:2]
    want = [formparse.dumps(formparse.read(_without_footer(s, tmp_path / s.name, titles=True))) for s in sources]
    got = formparse.read_all(pdf)
    assert [formparse.dumps(f.record) for f in got] == want
