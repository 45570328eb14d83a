"""Validation warnings (label, cell, both numbers) and formula totals."""

import re
import subprocess
import sys
import zipfile
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

import formparse
from formparse.check import check
from tests.conftest import SAMPLES, SEED_JSON


def seed():
    return formparse.loads(SEED_JSON.read_text(encoding="utf-8"))


@pytest.mark.parametrize("suffix, cell", [(".docx", "表1第17行第8列"), (".xlsx", "Sheet1!I21")])
def test_seed_cost_indicator_exceeds_its_budget(suffix, cell):
    rec = formparse.read(SAMPLES / f"附件1-2020-邵阳市科学技术局{suffix}")
    cost = [w for w in rec.warnings if w.code == "cost-over-budget"]
    assert len(cost) == 1
    assert cost[0].cell == cell and "423.51" in cost[0].message and "373.51" in cost[0].message


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_three_public_parts_that_do_not_add_up(tmp_path, suffix):
    rec = seed()
    rec.three_public.total = Decimal("22")
    path = formparse.fill(rec, tmp_path / f"x{suffix}")
    warnings = [w for w in formparse.read(path).warnings if w.code == "three_public-sum"]
    assert len(warnings) == 1
    w = warnings[0]
    assert "三公经费" in w.label and w.cell and "22" in w.message and "21.5" in w.message
    if suffix == ".xlsx":
        assert re.fullmatch(r"附件1!J\d+", w.cell)


@given(st.lists(st.none() | st.decimals(0, 10**6, places=2), min_size=4, max_size=4))
def test_a_sum_warning_exactly_when_the_parts_disagree(values):
    rec = seed()
    rec.three_public.reception, rec.three_public.vehicles, rec.three_public.overseas, rec.three_public.total = values
    parts = [v for v in values[:3] if v is not None]
    expected = values[3] is not None and bool(parts) and sum(parts) != values[3]
    assert any(w.code == "three_public-sum" for w in check(rec)) == expected


@pytest.mark.parametrize("phone, ok", [("18973929192", True), ("0739-5326018", True), ("07395326018", True),
                                       ("1897392919", False), ("12345", False), ("电话", False)])
def test_phone_numbers(phone, ok):
    rec = seed()
    rec.basic_info.contact_phone = phone
    assert (not any(w.code == "phone" for w in check(rec))) == ok


def test_year_blank_and_balance():
    rec = seed()
    rec.year = None
    rec.expenditure.total = Decimal("380")
    codes = {w.code for w in check(rec)}
    assert {"year", "balance", "expenditure-sum"} <= codes


def test_warnings_are_not_part_of_the_record_or_its_json():
    rec = formparse.read(SAMPLES / "附件1-2020-邵阳市科学技术局.docx")
    assert rec.warnings and rec == seed()
    assert "warnings" not in formparse.to_dict(rec)


def _with_formulas(tmp_path, cached):
    rec = seed()
    path = formparse.fill(rec, tmp_path / "f.xlsx")
    wb = load_workbook(path)
    ws = wb.active
    total = next(c for row in ws.iter_rows() for c in row if c.value == 21.5)
    first = ws.cell(row=total.row, column=total.column - 5).coordinate  # 公务接待费 (E) … 因公出国（境）费 (H:I)
    last = ws.cell(row=total.row, column=total.column - 1).coordinate
    total.value = f"=SUM({first}:{last})"
    wb.save(path)  # openpyxl, like any script, saves the formula without a cached value
    if cached is not None:
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        sheet = re.sub(rf'(<c r="{total.coordinate}"[^>]*>)<f>([^<]*)</f>(<v>[^<]*</v>)?',
                       rf"\1<f>\2</f><v>{cached}</v>", sheet)
        parts["xl/worksheets/sheet1.xml"] = sheet.encode()
        with zipfile.ZipFile(path, "w") as z:
            for n, d in parts.items():
                z.writestr(n, d)
    return rec, path, total.coordinate


def test_a_formula_without_cached_value_is_evaluated(tmp_path):
    rec, path, _ = _with_formulas(tmp_path, cached=None)
    got = formparse.read(path)
    assert got == rec and got.three_public.total == Decimal("21.5")
    assert not [w for w in got.warnings if w.code == "formula"]


def test_a_cached_value_that_disagrees_with_its_formula_is_reported(tmp_path):
    _, path, coord = _with_formulas(tmp_path, cached="99")
    got = formparse.read(path)
    w = [w for w in got.warnings if w.code == "formula"]
    assert len(w) == 1 and w[0].cell.endswith(coord) and "21.5" in w[0].message and "99" in w[0].message
    assert "三公经费预算支出 合计" == w[0].label


def test_check_command_and_report(tmp_path):
    out = tmp_path / "report.xlsx"
    res = subprocess.run([sys.executable, "-m", "formparse", "check", str(SAMPLES), "-o", str(out)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr  # warnings alone do not fail; --strict makes them
    assert "423.51" in res.stdout and "Traceback" not in res.stderr
    ws = load_workbook(out)["提示"]
    header = [c.value for c in ws[1]]
    assert header == ["文件", "填报单位", "类别", "栏目", "单元格", "说明"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert any(r[2] == "成本指标超预算" and r[4] == "Sheet1!I21" for r in rows)
    strict = subprocess.run([sys.executable, "-m", "formparse", "check", str(SAMPLES), "--strict", "--labels", "en",
                             "-o", str(tmp_path / "en.xlsx")], capture_output=True, text=True, timeout=120)
    assert strict.returncode == 1
    en = load_workbook(tmp_path / "en.xlsx")["warnings"]
    assert any(r[2].value == "cost-over-budget" for r in en.iter_rows(min_row=2))


def test_highlighted_copies_mark_the_cells_and_leave_the_submissions_alone(tmp_path):
    import hashlib

    from docx import Document

    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in SAMPLES.iterdir()}
    res = subprocess.run([sys.executable, "-m", "formparse", "check", str(SAMPLES), "--highlight", str(tmp_path)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and "Traceback" not in res.stderr  # warnings only
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in SAMPLES.iterdir()} == before
    wb = load_workbook(tmp_path / "附件1-2020-邵阳市科学技术局.xlsx")
    cell = wb["Sheet1"]["I21"]
    assert cell.fill.start_color.rgb.endswith("FFFF00") and "423.51" in cell.comment.text
    doc = Document(tmp_path / "附件1-2020-邵阳市科学技术局.docx")
    comments = [c.text for c in doc.comments]
    assert any("423.51" in c for c in comments)
    shaded = [tc for tc in doc.element.body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}shd")
              if tc.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}fill") == "FFFF00"]
    assert len(shaded) >= 2
    assert formparse.read(tmp_path / "附件1-2020-邵阳市科学技术局.docx") == seed()  # still the same form
