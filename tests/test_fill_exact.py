"""fill keeps every value as written: an amount's decimals (1280.00 stays 1280.00) and every string, so
.docx → record → .xlsx → record gives the same contract JSON, byte for byte."""

import shutil
from decimal import Decimal

import pytest
from hypothesis import given, settings

import formparse
from formparse.backends.xlsx import read_grids
from formparse.contract import dumps
from tests.conftest import project_sample_files, sample_files
from tests.strategies import records
from tests.strategies_project import project_records


def _through(record, suffix, folder, name="form"):
    out = folder / f"{name}{suffix}"
    formparse.fill(record, out)
    return formparse.read(out)


def _amount_cell(path, text):
    """The cell of the written workbook whose shown text is ``text`` (the first)."""
    for grid in read_grids(str(path)):
        for cell in grid.reading_order():
            if cell.text == text:
                return cell
    return None


def test_an_amount_keeps_its_decimals_in_xlsx(tmp_path):
    record = formparse.read(sample_files()[0])
    record.income.general_budget = Decimal("1280.00")
    record.income.non_tax = Decimal("0.5")
    record.income.other = Decimal("12.345")
    record.income.carryover = Decimal("7")
    out = tmp_path / "scaled.xlsx"
    formparse.fill(record, out)
    back = formparse.read(out)
    assert [str(back.income.general_budget), str(back.income.non_tax), str(back.income.other),
            str(back.income.carryover)] == ["1280.00", "0.5", "12.345", "7"]
    cell = _amount_cell(out, "1280.00")
    # a number (Excel sums it) shown with its two decimals, not the text "1280.00"
    assert cell is not None and cell.value == 1280
    assert dumps(back) == dumps(record)


@pytest.mark.parametrize("path", sample_files() + project_sample_files(), ids=lambda p: p.name)
def test_every_sample_round_trips_exactly_through_both_formats(tmp_path, path):
    record = formparse.read(path)
    expected = dumps(record)
    docx = _through(record, ".docx", tmp_path)
    assert dumps(docx) == expected
    assert dumps(_through(docx, ".xlsx", tmp_path)) == expected


def _docx_then_xlsx_is_exact(record, folder):
    docx = _through(record, ".docx", folder)
    assert dumps(docx) == dumps(record)
    assert dumps(_through(docx, ".xlsx", folder)) == dumps(record)


@settings(max_examples=8)
@given(record=records)
def test_generated_records_round_trip_exactly_docx_then_xlsx(tmp_path_factory, record):
    _docx_then_xlsx_is_exact(record, tmp_path_factory.mktemp("exact"))


@settings(max_examples=5)
@given(record=project_records)
def test_generated_projects_round_trip_exactly_docx_then_xlsx(tmp_path_factory, record):
    """附件2 as 附件1 above: every value, strings included, the same contract JSON after .docx then .xlsx."""
    _docx_then_xlsx_is_exact(record, tmp_path_factory.mktemp("exact-project"))


@settings(max_examples=5)
@given(record=project_records)
def test_generated_projects_keep_their_amounts_exactly_in_xlsx(tmp_path_factory, record):
    back = _through(record, ".xlsx", tmp_path_factory.mktemp("exact2"))
    assert [str(getattr(back.funds, k)) for k in ("total", "fiscal", "own", "other")] == \
        [str(getattr(record.funds, k)) for k in ("total", "fiscal", "own", "other")]


@pytest.mark.parametrize("path", [p for p in sample_files() + project_sample_files() if p.suffix == ".docx"],
                         ids=lambda p: p.name)
def test_a_merged_level1_group_is_centred_in_xlsx_as_on_the_official_form(tmp_path, path):
    """Groups the writer merges down (效益指标 over several rows) are centred both ways, as the template's own
    merged groups are, and keep the rest of their cell's style (its borders)."""
    import openpyxl

    out = tmp_path / "filled.xlsx"
    formparse.fill(formparse.read(path), out)
    ws = openpyxl.load_workbook(out).active
    groups = [ws.cell(r.min_row, r.min_col) for r in ws.merged_cells.ranges
              if r.max_row > r.min_row and r.min_col == r.max_col and r.min_col == 2]
    level1 = [c for c in groups if c.value in ("产出指标", "效益指标", "满意度指标")]
    assert level1
    for cell in level1:
        assert (cell.alignment.vertical, cell.alignment.horizontal) == ("center", "center"), cell.coordinate
        assert cell.border.left.style is not None


@pytest.mark.parametrize("path", [p for p in sample_files() + project_sample_files() if p.suffix == ".docx"],
                         ids=lambda p: p.name)
def test_a_merged_level1_group_is_centred_in_docx_as_on_the_official_form(tmp_path, path):
    """The .docx too: every group the writer merges down (vMerge restart) is centred both ways, as the
    template's own merged 一级指标 cells are (vAlign and jc center); the record reads back the same."""
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    record = formparse.read(path)
    if hasattr(record, "indicators"):  # 附件1: a group of rows the template does not have (rows copied)
        extra = type(record.indicators[0])
        record.indicators = [*record.indicators, *(extra(level1="效益指标", level2="社会效益", content=f"效益{k}",
                                                         value="明显改善") for k in range(4))]
    out = tmp_path / "filled.docx"
    formparse.fill(record, out)
    assert dumps(formparse.read(out)) == dumps(record)
    root = etree.fromstring(zipfile.ZipFile(out).read("word/document.xml"))
    starts = [tc for tc in root.iter(f"{w}tc") if tc.find(f"{w}tcPr/{w}vMerge[@{w}val='restart']") is not None]
    level1 = [tc for tc in starts if "".join(tc.itertext()) in ("产出指标", "效益指标", "满意度指标")]
    assert level1
    for tc in level1:
        tcpr = tc.find(f"{w}tcPr")
        assert tcpr.find(f"{w}vAlign").get(f"{w}val") == "center", "".join(tc.itertext())
        tags = [c.tag.split("}")[1] for c in tcpr]
        assert tags.index("vMerge") < tags.index("vAlign")  # CT_TcPr's order (Word refuses another)
        assert [p.find(f"{w}pPr/{w}jc").get(f"{w}val") for p in tc.iter(f"{w}p")] == ["center"] * len(
            list(tc.iter(f"{w}p")))


def _phone_cell_runs(path, phone):
    """The sizes (half-points) of the runs in the .docx table cell whose text is ``phone``."""
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    for tc in root.iter(f"{w}tc"):
        if "".join(tc.itertext()) == phone:
            return [int(sz.get(f"{w}val")) for sz in tc.iter(f"{w}sz")], tc
    return None, None


@pytest.mark.parametrize("phone", ["0739-5212786", "13787390011"])
def test_a_phone_wider_than_its_docx_cell_is_set_smaller_to_stay_on_one_line(tmp_path, phone):
    record = formparse.read(project_sample_files()[0])
    record.contact_phone = phone
    out = tmp_path / "phone.docx"
    formparse.fill(record, out)
    assert formparse.read(out).contact_phone == phone
    sizes, tc = _phone_cell_runs(out, phone)
    assert sizes and all(14 <= s < 21 for s in sizes)  # smaller than the form's 10.5 pt, not below 7 pt
    # and a phone that fits its cell is left as the form sets it
    record.contact_phone = "110"
    formparse.fill(record, tmp_path / "short.docx")
    assert _phone_cell_runs(tmp_path / "short.docx", "110")[0] == []


@pytest.mark.parametrize("phone", ["13787390011", "0739-52127860"])
def test_a_phone_wider_than_its_xlsx_column_shrinks_to_fit_and_never_wraps(tmp_path, phone):
    """The 附件2 workbook's footer phone cell is 10 characters wide: an 11-digit phone ran into 单位负责人 (and a
    wrapping cell would break it over two lines); it is set to shrink to fit, unwrapped; a short one is left."""
    import openpyxl

    record = formparse.read(project_sample_files()[0])
    for value, shrunk in ((phone, True), ("110", False)):
        record.contact_phone = value
        out = tmp_path / f"phone-{value}.xlsx"
        formparse.fill(record, out)
        assert dumps(formparse.read(out)) == dumps(record)
        ws = openpyxl.load_workbook(out).active
        cells = [c for row in ws.iter_rows() for c in row if c.value == value]
        narrow = [c for c in cells if len(value) + 1 > ws.column_dimensions[c.column_letter].width]
        assert cells and (bool(narrow) == shrunk)
        for cell in narrow:
            assert cell.alignment.shrink_to_fit and not cell.alignment.wrap_text, cell.coordinate
        if not shrunk:
            assert not any(c.alignment.shrink_to_fit for c in cells)


def test_a_date_wider_than_its_docx_cell_is_set_smaller_to_stay_on_one_line(tmp_path):
    """“2020年10月” in the 2 cm 完成时间 cell broke after “2020年1”: set smaller, like a phone; a date that would
    break even at 7 pt (“2020年1月15日” beside 填报日期) is left as the form sets it."""
    record = formparse.read(project_sample_files()[0])
    record.schedule[0].end = "2020年10月"
    record.schedule[0].start = "2020年1月"
    out = tmp_path / "dates.docx"
    formparse.fill(record, out)
    assert dumps(formparse.read(out)) == dumps(record)
    sizes, _tc = _phone_cell_runs(out, "2020年10月")
    assert sizes and all(14 <= s < 21 for s in sizes)
    assert _phone_cell_runs(out, str(record.filled_date.year) + "年" + str(record.filled_date.month) + "月"
                            + str(record.filled_date.day) + "日")[0] in ([], [21])


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice"), reason="needs LibreOffice")
def test_a_filled_phone_prints_on_one_line(tmp_path):
    """The filled 附件2 .docx, printed by LibreOffice: the phone is one word on one line of the PDF, and so is
    every date of the schedule (2 cm cells)."""
    import subprocess

    import pdfplumber

    record = formparse.read(project_sample_files()[0])
    record.contact_phone = "0739-5212786"
    for k, step in enumerate(record.schedule):
        step.start, step.end = f"2020年{k + 1}月", f"2020年{k + 9}月"
    formparse.fill(record, tmp_path / "phone.docx")
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(tmp_path / "phone.docx")], check=True, capture_output=True, timeout=180)
    with pdfplumber.open(tmp_path / "phone.pdf") as pdf:
        words = [w["text"] for p in pdf.pages for w in p.extract_words()]
        lines = [line for p in pdf.pages for line in (p.extract_text() or "").splitlines()]
    assert "0739-5212786" in words, words
    for step in record.schedule:
        for date in (step.start, step.end):
            assert any(date in line.split() for line in lines), (date, lines)
