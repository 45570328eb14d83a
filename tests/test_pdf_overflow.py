"""PDF back-end (pdf_runs.py, pdf_cells.py): a sheet's long text printed over its cell's border, and a table
drawn inside a cell (issue 18 item 8).

A clerk's long text in a cell that does not wrap: Excel and Calc print it on over the empty cells beside it,
and clip it where a neighbour holds something — Calc then writes a centred text whole into the text layer,
under the neighbour's text, and a text set to the left only up to the glyph standing over the border. The
quick tests below draw those cases by hand (tests/pdfkit.py: Helvetica, whose widths pdfminer knows); the
fixture is Calc's own export of the official form with such texts; the slow test measures every bundled record
so (scripts/measure_pdf_overflow.py).
"""

from __future__ import annotations

import json
import shutil

import pytest

import formparse
from formparse.backends.pdf import read_grids
from formparse.limits import DEFAULT
from tests import pdfkit as K
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "pdf"
W = 9.44  # the width of Helvetica's “W” at 10 pt
XS = [50, 50 + 10 * W, 250, 350]  # the first column exactly ten “W” wide
YS = [100, 130]


def grid_of(page: str) -> formparse.grid.Grid:
    return read_grids("form.pdf", K.document([page]), DEFAULT)[0]


def texts(grid) -> list[str]:
    return [c.text for c in grid.own_anchors(0)]


def test_a_text_run_on_over_empty_cells_is_its_own_cells_text():
    grid = grid_of(K.grid_lines(XS, YS) + K.text(52, 120, "Project leader, chief engineer"))
    assert texts(grid)[0] == "Project leader, chief engineer"
    assert not "".join(texts(grid)[1:]).strip() and not grid.clipped


def test_a_centred_text_printed_under_its_neighbours_texts_is_read_apart_from_them():
    # the middle cell's text centred on it, running over both neighbours' labels (Calc writes it whole)
    value = "Shaoyang Science and Technology Bureau (IP Office)"
    page = K.grid_lines(XS, YS) + K.text(52, 120, "Dept") + K.text(252, 120, "Code")
    from pdfminer.pdffont import PDFType1Font  # the width pdfminer gives the run, to centre it
    from pdfminer.psparser import LIT
    width = PDFType1Font(None, {"BaseFont": LIT("Helvetica")}).string_width(value.encode("latin-1")) * 10
    page += K.text((XS[1] + XS[2]) / 2 - width / 2, 120, value)
    assert texts(grid_of(page)) == ["Dept", value, "Code"]


def test_a_text_stopping_over_its_cells_border_is_reported_as_cut():
    # Calc keeps the glyph over the border and drops the rest; the neighbour's text starts further in
    page = K.grid_lines(XS, YS) + K.text(52, 120, "W" * 10) + K.text(XS[1] + 4, 120, "Next")
    grid = grid_of(page)
    assert texts(grid)[:2] == ["W" * 10, "Next"]
    assert [a for a, _ in grid.clipped] == ["第1页表1第1行第1列"]


def test_a_cut_text_touching_the_next_cells_text_is_not_joined_to_it():
    # the column ten glyphs wide: the cut text's last glyph ends where the next cell's text starts (both set
    # 0.8 pt into their cells): one run of glyphs, which cell each part is cannot be told — read apart, reported
    page = K.grid_lines(XS, YS) + K.text(XS[0] + 0.8, 120, "W" * 10 + "W") + K.text(XS[1] + 0.8 + W, 120, "Bv")
    grid = grid_of(page)
    assert texts(grid)[0].startswith("WWWWWWWWW") and texts(grid)[1].endswith("Bv")
    assert grid.clipped


def test_a_text_held_whole_by_its_cell_is_not_reported():
    page = K.grid_lines(XS, YS) + K.text(52, 120, "WWWWWWWWW") + K.text(XS[1] + 2, 120, "Next")
    grid = grid_of(page)
    assert texts(grid)[:2] == ["WWWWWWWWW", "Next"] and not grid.clipped


def test_calcs_export_of_long_unwrapped_texts_reads_each_whole_or_reports_it():
    """The official .xlsx form filled with a record, four values made long with wrapping off (centred under
    both neighbours' labels, centred past the table's edge, set to the left and cut at the next label),
    exported by Calc (tests/data/pdf/make_overflow.py): every value the PDF holds whole is the workbook's; the
    cut one is reported, at its cell."""
    src, pdf = DATA / "附件2-overflow.xlsx", DATA / "附件2-overflow.calc.pdf"
    want = json.loads(formparse.dumps(formparse.read(src)))
    rec = formparse.read(pdf)
    got = json.loads(formparse.dumps(rec))
    cut = {w.cell for w in rec.warnings if w.code == "clipped-text"}
    differ = [k for k in want if got[k] != want[k]]
    for key in ("competent_dept", "project_unit", "competent_dept_code"):
        assert got[key] == want[key], key
    assert differ == ["project_leader"]
    for key in differ:
        assert isinstance(want[key], str), key
        assert rec.source(key).address in cut, key
    for key in want:
        if key not in differ and isinstance(want[key], str):
            assert got[key] == want[key]


@pytest.mark.slow
def test_every_record_with_long_unwrapped_texts_exported_by_calc_is_read_or_reported(tmp_path):
    """scripts/measure_pdf_overflow.py over every bundled record (two variants of three long values each):
    never a different value without a new warning (white space aside: a review block whose label was made
    long reads, in the workbook, the next block's lines into its text with a leading space the PDF does not
    keep)."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    import subprocess
    import sys

    keep = tmp_path / "out"
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "measure_pdf_overflow.py"), "--keep", str(keep),
                          "--variants", "2"], capture_output=True, text=True, timeout=1800)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    for line in lines[:-1]:
        name, kind = line.split("\t")[:2]
        if kind == "SILENT":
            sheet = keep / name
            a, b = (formparse.dumps(formparse.read(f)) for f in (sheet, sheet.with_suffix(".pdf")))
            assert "".join(a.replace("\\n", "").split()) == "".join(b.replace("\\n", "").split()), name
    assert int(lines[-1].split("exact ")[1].split()[0]) >= 2, lines[-1]


def test_a_last_columns_text_run_on_past_the_pages_edge_is_its_cells_whole():
    # (the page shows it cut at the edge; Calc writes all of it into the text layer)
    xs = [50, 300, 590]
    page = K.grid_lines(xs, YS) + K.text(52, 120, "Remark") + K.text(302, 120, "W" * 40)
    assert texts(grid_of(page)) == ["Remark", "W" * 40]


def test_text_beyond_the_pages_edge_that_no_cell_holds_is_still_refused():
    xs = [50, 300, 590]
    # a paragraph under the table running off the page; a text starting beyond the edge
    for extra in (K.text(60, 200, "W" * 70), K.text(600, 120, "Lost")):
        with pytest.raises(formparse.UnreadableFile, match="有文字超出了页面"):
            grid_of(K.grid_lines(xs, YS) + K.text(52, 120, "Remark") + extra)


def test_a_table_drawn_inside_a_cell_gives_its_own_cells_and_the_cell_keeps_its_heading():
    # Word's nested table (a Writer export of samples/other-hands/hand-F…): the outer cell holds a heading and,
    # under it, a table of its own; pdfplumber gives the inner cells and the outer cell whole besides
    outer = K.grid_lines([50, 300, 450], [100, 130, 260], skip=[("v", 1, 1)]) + K.text(52, 120, "Name")
    outer += K.text(302, 120, "Value") + K.text(52, 142, "Indicators")
    inner = K.grid_lines([50, 150, 250], [150, 170, 190, 210])
    inner += "".join(K.text(x + 2, y + 15, f"r{r}c{k}") for r, y in enumerate([150, 170, 190])
                     for k, x in enumerate([50, 150]))
    grid = read_grids("form.pdf", K.document([outer + inner]), DEFAULT)[0]
    shown = [[c.text for c in grid.own_anchors(r)] for r in range(len(grid))]
    assert ["Name", "Value"] in shown and ["Indicators"] in shown
    for r in range(3):
        assert [f"r{r}c0", f"r{r}c1"] in shown
    assert not grid.clipped and not grid.doubts


def test_a_footer_value_run_on_under_the_next_label_is_read_apart_from_it():
    # a row without borders under the table: Calc writes the value whole, under “Phone:”
    page = K.grid_lines(XS, YS) + K.text(52, 120, "Head") + K.text(52, 160, "Name:")
    page += K.text(100, 160, "Wang Fang, director") + K.text(160, 160, "Phone:") + K.text(260, 160, "0739")
    grid = grid_of(page)
    footer = [c.text for c in grid.own_anchors(len(grid) - 1)]
    assert footer == ["Name:", "Wang Fang, director", "Phone:", "0739"]


def test_a_refusal_of_a_pdf_whose_texts_are_printed_over_one_another_says_so(tmp_path):
    # rows too short for their wrapped text: Calc prints it over the rows around; the labels cannot be found,
    # and the message says why instead of blaming the form alone
    page = K.grid_lines(XS, [100, 112, 124]) + K.text(52, 110, "Overlapping") + K.text(52, 114, "WrappedText")
    page += K.text(XS[1] + 2, 110, "Another") + K.text(XS[1] + 2, 115, "LineBelow")
    pdf = tmp_path / "short-rows.pdf"
    pdf.write_bytes(K.document([page]))
    with pytest.raises(formparse.NotThisForm) as caught:
        formparse.read(pdf)
    assert "第1页有文字印在别的文字上" in str(caught.value) and "行高不够" in str(caught.value)
    assert str(caught.value).startswith(f"{pdf}: 不是")
