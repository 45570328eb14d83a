"""Only what the submitter shows: a workbook whose first sheet, hidden, holds last year's copy of the form."""

import subprocess
import tempfile
from pathlib import Path

import openpyxl
import pytest

import formparse
from formparse.backends import open_grids
from tests.classkit import last_years_copy
from tests.conftest import SAMPLES, needs_soffice
from tests.partkit import expected, read_numeric

SOURCE = SAMPLES / "附件1-2020-邵阳市科学技术局.xlsx"


def _with_last_years_copy(tmp_path, state="hidden", keep_visible=True):
    """The sample with a copy of its sheet put first, hidden (``state``), the year 2019 and every amount
    doubled; ``keep_visible`` False leaves the form only on the hidden copy."""
    wb = openpyxl.load_workbook(SOURCE)
    this_year = wb.worksheets[0]
    old = last_years_copy(wb, this_year, "2019年")
    wb.move_sheet(old, offset=-1)
    old.sheet_state = state
    if not keep_visible:  # (a workbook must show one sheet: the visible one holds a note, no form)
        wb.remove(this_year)
        wb.create_sheet("说明")["A1"] = "本表为去年报送的副本"
    wb.active = 1
    path = tmp_path / f"{state}-{keep_visible}.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_the_visible_sheet_is_read_not_the_hidden_copy(tmp_path, state):
    path = _with_last_years_copy(tmp_path, state)
    assert read_numeric(path) == expected(SOURCE.stem)
    assert not [w for w in formparse.read(path).warnings if w.code == "hidden-sheet"]
    found = formparse.read_all(path)
    assert [f.where for f in found] == ["Sheet1"]
    assert formparse.to_dict(found[0].record)["year"] == 2020


def test_a_form_only_on_a_hidden_sheet_is_read_with_a_warning_naming_it(tmp_path):
    path = _with_last_years_copy(tmp_path, keep_visible=False)
    rec = formparse.read(path)
    assert rec.year == 2019
    warned = [w for w in rec.warnings if w.code == "hidden-sheet"]
    assert len(warned) == 1 and warned[0].cell == "2019年" and "2019年" in warned[0].message
    found = formparse.read_all(path)
    assert len(found) == 1 and found[0].record.year == 2019
    assert any(w.code == "hidden-sheet" for w in found[0].record.warnings)


def test_the_hidden_state_reaches_the_grid_by_both_xlsx_readers(tmp_path):
    from formparse.backends.ooxml import Package
    from formparse.backends.xlsx import read_grids

    path = _with_last_years_copy(tmp_path)
    assert [g.sheet_hidden for g in open_grids(str(path))] == [True, False]
    data = path.read_bytes()
    assert [g.sheet_hidden for g in read_grids(str(path), Package(str(path), data=data), fast=False)] == [True, False]


@pytest.mark.slow
@needs_soffice()
def test_an_xls_saved_by_libreoffice_keeps_the_hidden_copy_hidden(tmp_path):
    src = _with_last_years_copy(tmp_path)
    with tempfile.TemporaryDirectory(prefix="lo-hidden-") as profile:
        subprocess.run(["soffice", f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                        "--convert-to", "xls", "--outdir", str(tmp_path / "xls"), str(src)],
                       check=True, capture_output=True, timeout=600)
    xls = tmp_path / "xls" / f"{src.stem}.xls"
    assert [g.sheet_hidden for g in open_grids(str(xls))] == [True, False]
    assert read_numeric(xls) == expected(SOURCE.stem)
    assert not [w for w in formparse.read(xls).warnings if w.code == "hidden-sheet"]


def test_fill_into_a_workbook_with_a_hidden_copy_writes_the_visible_sheet(tmp_path):
    template = _with_last_years_copy(tmp_path)
    record = formparse.read(template)
    record.filled_by = "王五"
    out = formparse.fill(record, tmp_path / "out.xlsx", template=template)
    assert formparse.read(out) == record
    hidden, visible = open_grids(str(out))
    assert hidden.sheet_hidden and any("2019" in c.text for c in hidden.reading_order())
    assert not any(c.text == "王五" for c in hidden.reading_order())
