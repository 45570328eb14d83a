"""The calamine read of .xlsx gives exactly the exact reader's grids, or declines and leaves the file to it."""

import contextlib
import datetime as dt
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from formparse.backends import xlsx, xlsx_calamine
from formparse.backends.ooxml import Package
from formparse.errors import UnreadableFile
from tests.conftest import SAMPLES, TEMPLATES
from tests.gridkit import grid_picture


def calamine_grids(path):
    """The calamine read of ``path``, or None where it declines."""
    with Package(str(path), data=Path(path).read_bytes()) as pkg:
        return xlsx_calamine.grids(pkg, xlsx.workbook(pkg))


def exact_grids(path):
    return xlsx.read_grids(str(path), fast=False)


def assert_same_or_declined(path):
    """Returns whether calamine read the file (then its grids equal the exact reader's)."""
    with Package(str(path), data=Path(path).read_bytes()) as pkg:
        wb = xlsx.workbook(pkg)
        if wb.styles_part and xlsx_calamine._styles_plain(pkg.read(wb.styles_part)):
            # the byte scan saying “no cell style has a number format” is what parsing the styles says
            assert set(wb.formats) <= {"General", "@"}
    fast = calamine_grids(path)
    if fast is None:
        return False
    exact = exact_grids(path)
    assert [grid_picture(g) for g in fast] == [grid_picture(g) for g in exact]
    return True


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.xlsx")) + sorted(TEMPLATES.glob("*.xlsx")),
                         ids=lambda p: p.name)
def test_bundled_workbooks_are_read_by_calamine_exactly(path):
    assert assert_same_or_declined(path), "the plain bundled workbooks should take the calamine read"


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"], include_characters="\n\t"),
                max_size=12)
_NUMBER = st.one_of(st.integers(-(10**18), 10**18), st.floats(allow_nan=False, allow_infinity=False, width=64))
_VALUE = st.one_of(_TEXT, _NUMBER, st.booleans(), st.just("=1+2"), st.just("=A1"),
                   st.dates(dt.date(1901, 1, 1), dt.date(2100, 1, 1)),
                   st.sampled_from(["a_x000D_b", " 前后 ", "&<>\"'"]))
_FORMAT = st.sampled_from(["General", "@", "0.00", "#,##0", "0%", 'yyyy"年"m"月"d"日"'])


@st.composite
def workbooks(draw):
    """A sheet of a few cells of every kind a submission holds, some formatted, some merged."""
    wb = Workbook()
    ws = wb.active
    used = set()
    for _ in range(draw(st.integers(1, 12))):
        r, c = draw(st.integers(1, 30)), draw(st.integers(1, 12))
        if (r, c) in used:
            continue
        used.add((r, c))
        cell = ws.cell(r, c, draw(_VALUE))
        if draw(st.booleans()):
            cell.number_format = draw(_FORMAT)
    for _ in range(draw(st.integers(0, 3))):
        r, c = draw(st.integers(1, 30)), draw(st.integers(1, 12))
        h, w = draw(st.integers(0, 2)), draw(st.integers(0, 3))
        if h or w:
            with contextlib.suppress(ValueError):  # a range openpyxl will not merge: drawn again next time
                ws.merge_cells(start_row=r, start_column=c, end_row=r + h, end_column=c + w)
    if draw(st.booleans()):
        wb.create_sheet("第二页")["B2"] = draw(_TEXT)
    return wb


@settings(max_examples=150, deadline=None)
@given(wb=workbooks())
def test_any_workbook_reads_the_same_by_calamine_or_is_declined(tmp_path_factory, wb):
    path = tmp_path_factory.mktemp("fast") / "book.xlsx"
    wb.save(path)
    event("read by calamine" if assert_same_or_declined(path) else "declined")


@settings(max_examples=60, deadline=None)
@given(cells=st.lists(st.tuples(st.integers(1, 40), st.integers(1, 12), st.one_of(_TEXT, _NUMBER)),
                      min_size=1, max_size=30))
def test_text_and_numbers_under_general_format_take_the_calamine_read(tmp_path_factory, cells):
    wb = Workbook()
    for r, c, v in cells:
        wb.active.cell(r, c, v)
    path = tmp_path_factory.mktemp("plain") / "book.xlsx"
    wb.save(path)
    import re
    import zipfile

    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    if re.search(rb"<v>-?[0-9]{16}", sheet):
        return  # the one documented exclusion for such content: integers a float cannot hold
    if any(not math.isfinite(float(v)) for v in re.findall(rb"<v>([^<]*)</v>", sheet) if b"." in v or b"e" in v):
        with pytest.raises(UnreadableFile):  # a float written rounded past the largest one: refused by both
            exact_grids(path)
        assert calamine_grids(path) is None
        return
    assert assert_same_or_declined(path)


def _with_sheet(tmp_path, sheet: bytes, name="h.xlsx"):
    from tests.hostile import XLSX, with_part

    return with_part(XLSX, tmp_path / name, "xl/worksheets/sheet1.xml", sheet)


@pytest.mark.parametrize("cells", [
    '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c><v>1</v></c></row>',  # far row, cell without r
    '<row r="1"><c t="inlineStr" x=\' r="A1"\' r="XFD1048576"><is><t>x</t></is></c></row>',  # a decoy address
    '<row r="1"><c r="A1" r="XFD1048576"><v>1</v></c></row>',  # two addresses (calamine takes the last)
    '<row r="1"><c r="A1"><v>1</v></c><c r="B1" r = "XFD1048576"><v>1</v></c></row>',  # … written loosely
    '<row r="1"><c r="A1"><v>1</v></c></row><row r="1" r="1048576"><c><v>1</v></c></row>',  # a row's
    '<row r="1">' + '<c><v>1</v></c>' * 3000 + '</row>',  # a long row of cells placed by counting
    '<row r="1"><c\tr="A1"/><c\nr="XFD1"><v>1</v></c></row>',  # attributes split by tab and newline
])
def test_calamine_is_never_handed_a_sheet_it_would_allocate_too_much_for(tmp_path, cells):
    from tests.hostile import sheet_xml

    path = _with_sheet(tmp_path, sheet_xml(cells))
    assert calamine_grids(path) is None
    # and the read as a whole ends in a typed error or a grid, in a process of its own (an abort fails it)
    code = "import sys, formparse\ntry:\n    formparse.read(sys.argv[1])\nexcept formparse.FormparseError:\n    pass\n"
    res = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr[-2000:]


def test_a_shared_string_count_out_of_all_proportion_is_not_given_to_calamine(tmp_path):
    import re

    from tests.hostile import XLSX, parts, with_part

    sst = parts(XLSX)["xl/sharedStrings.xml"]
    sst = re.sub(rb'uniqueCount="\d+"', b'uniqueCount="4000000000"', sst, count=1)
    if b"uniqueCount" not in sst:
        sst = sst.replace(b"<sst ", b'<sst uniqueCount="4000000000" ', 1)
    path = with_part(XLSX, tmp_path / "count.xlsx", "xl/sharedStrings.xml", sst)
    assert calamine_grids(path) is None
    assert [grid_picture(g) for g in xlsx.read_grids(str(path))] == [
        grid_picture(g) for g in exact_grids(XLSX)]


@pytest.mark.parametrize("change", [
    (b"<v>", b"<v>&#0;", "a character XML forbids"),
    (b"</sheetData>", b"<row r=\"99\"><c r=\"A99\" t=\"b\"><v>1</v></c></row></sheetData>", "a boolean cell"),
    (b"</sheetData>", b"<row r=\"99\"><c r=\"A99\"><f>1+1</f><v>2</v></c></row></sheetData>", "a formula"),
    (b"</sheetData>", b"<row r=\"99\"><c r=\"A99\"><v>12345678901234567890</v></c></row></sheetData>", "20 digits"),
])
def test_what_calamine_reads_differently_goes_to_the_exact_reader(tmp_path, change):
    from tests.hostile import XLSX, parts

    old, new, _why = change
    sheet = parts(XLSX)["xl/worksheets/sheet1.xml"].replace(old, new, 1)
    path = _with_sheet(tmp_path, sheet)
    assert calamine_grids(path) is None


@settings(max_examples=40, deadline=None)
@given(cells=st.lists(st.tuples(st.integers(1, 30), st.integers(1, 8), st.one_of(_TEXT, _NUMBER),
                                st.sampled_from(["General", "@", "0.00", "0.0", "#,##0", "#,##0.00", "0%", "0.00%"])),
                      min_size=1, max_size=25))
def test_numbers_under_number_formats_take_the_calamine_read_shown_as_formatted(tmp_path_factory, cells):
    """A filled template's amounts (“0.00”, “#,##0.0”): calamine reads them, shown as the exact reader shows them."""
    wb = Workbook()
    for r, c, v, fmt in cells:
        wb.active.cell(r, c, v).number_format = fmt
    path = tmp_path_factory.mktemp("formatted") / "book.xlsx"
    wb.save(path)
    import re
    import zipfile

    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    if re.search(rb"<v>-?[0-9]{16}", sheet) or re.search(rb"<v>[^<]*[eE]", sheet):
        return  # integers a float cannot hold, and far-out floats: the documented exclusions
    assert assert_same_or_declined(path)


def test_a_number_under_a_date_format_goes_to_the_exact_reader(tmp_path):
    wb = Workbook()
    wb.active["A1"] = "金额"
    wb.active["B1"] = 45000
    wb.active["B1"].number_format = 'yyyy"年"m"月"d"日"'
    wb.active["B2"] = 1.5
    wb.active["B2"].number_format = "0.00"
    path = tmp_path / "d.xlsx"
    wb.save(path)
    assert calamine_grids(path) is None
    assert exact_grids(path)[0].at(0, 1).text == "2023年3月15日"
