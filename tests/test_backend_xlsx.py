"""The .xlsx back-end: numbers vs text, number formats, merged cells, several sheets."""

import datetime as dt

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Font

import formparse
from formparse.backends.numfmt import format_date, format_number
from formparse.backends.xlsx import read_grids
from tests.conftest import SEED_JSON


@pytest.mark.parametrize("value, fmt, shown", [
    (18973929192, "General", "18973929192"), (18973929192.0, "General", "18973929192"),
    (373.51, "0.00", "373.51"), (1234.5, "#,##0.00", "1,234.50"), (7, "000000", "000007"),
    (0.9, "0%", "90%"), (10.0, "0.00##", "10.00"), (0.1234, "0.00##", "0.1234"), (-5, "0.00", "-5.00"),
    (12.5, '0.0"万元"', "12.5万元"),
])
def test_number_formats(value, fmt, shown):
    assert format_number(value, fmt) == shown


def test_date_formats_show_as_the_form_shows_them():
    assert format_date(dt.datetime(2020, 12, 30), 'm"月"d"日"') == "12月30日"
    assert format_date(dt.datetime(2020, 3, 5), 'yyyy"年"m"月"d"日"') == "2020年3月5日"
    assert format_date(dt.datetime(2020, 3, 5), "yyyy/mm/dd") == "2020/03/05"


def _filled(tmp_path):
    record = formparse.loads(SEED_JSON.read_text(encoding="utf-8"))
    return record, formparse.fill(record, tmp_path / "seed.xlsx")


def test_phone_stored_as_a_number_stays_its_digits(tmp_path):
    record, path = _filled(tmp_path)
    wb = load_workbook(path)
    ws = wb.active
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "18973929192":
                cell.value = 18973929192  # what Excel does when the phone is typed in
                cell.number_format = "General"
    wb.save(path)
    got = formparse.read(path)
    assert got.basic_info.contact_phone == "18973929192" and got.filled_by_phone == "18973929192"


def test_value_typed_as_a_date_keeps_its_shown_text(tmp_path):
    record, path = _filled(tmp_path)
    wb = load_workbook(path)
    ws = wb.active
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "12月30日")
    cell.value = dt.datetime(2020, 12, 30)
    cell.number_format = 'm"月"d"日"'
    wb.save(path)
    assert formparse.read(path) == record


def test_money_as_text_with_unit_and_separators(tmp_path):
    record, path = _filled(tmp_path)
    wb = load_workbook(path)
    ws = wb.active
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == 373.51:
                cell.value = "３７３.５１万元"
            elif cell.value == 363.51:
                cell.value = "363.51 万元"
    wb.save(path)
    assert formparse.read(path) == record


def test_the_sheet_holding_the_form_is_found(tmp_path):
    record, path = _filled(tmp_path)
    wb = load_workbook(path)
    notes = wb.create_sheet("说明", 0)
    notes["A1"] = "填表说明：金额单位为万元"
    wb.save(path)
    assert formparse.read(path) == record
    out = formparse.fill(record, tmp_path / "again.xlsx", template=path)
    assert load_workbook(out)["说明"]["A1"].value == "填表说明：金额单位为万元"
    assert formparse.read(out) == record


def test_merged_cells_are_one_cell(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws["B2"] = "宽"
    ws.merge_cells("B2:D3")
    path = tmp_path / "m.xlsx"
    wb.save(path)
    grid = read_grids(str(path))[0]
    cell = grid.at(1, 1)
    assert (cell.rowspan, cell.colspan, cell.address) == (2, 3, "Sheet!B2")
    assert grid.at(2, 3) is cell


def test_understated_dimension_changes_nothing_and_hidden_rows_are_not_read(tmp_path):
    """WPS writes <dimension ref="A1"/> whatever the data. A hidden row is not part of the printed form:
    hiding the row of 年度支出预算's values leaves those values unread — an error, not a silent blank."""
    import re
    import zipfile

    record, path = _filled(tmp_path)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1"/>', sheet)
    if "<dimension" not in sheet:
        sheet = sheet.replace("<sheetViews>", '<dimension ref="A1"/><sheetViews>', 1)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, d in parts.items():
            z.writestr(n, d)
    assert 'ref="A1"' in sheet
    assert formparse.read(path) == record
    values_row = int(re.search(r'<c r="[A-Z]+(\d+)"[^>]*><v>363.51</v>', sheet).group(1))
    sheet = re.sub(rf'<row r="{values_row}"', rf'<row r="{values_row}" hidden="1"', sheet)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, d in parts.items():
            z.writestr(n, d)
    with pytest.raises(formparse.InvalidValues, match="基本支出"):
        formparse.read(path)


# -- check boxes set in a symbol font (Excel: the cell's font Wingdings 2, “R” for ☑, “£” for □) --------

PROJECT_XLSX = "附件2-2020-邵阳市科学技术局-市级科技计划项目专项资金.xlsx"


def _kind_cell(ws):
    return next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "新增项目" in c.value)


@pytest.mark.parametrize(("write", "ticked"), [
    # the whole cell in Wingdings 2: the Chinese keeps its own glyphs, the letters are boxes
    (lambda cell: (setattr(cell, "value", "新增项目£　　延续项目R"), setattr(cell, "font", Font(name="Wingdings 2"))),
     "延续项目"),
    # rich text: only the marks set in Wingdings
    (lambda cell: setattr(cell, "value", CellRichText(
        "新增项目", TextBlock(InlineFont(rFont="Wingdings"), "þ"), "　　延续项目",
        TextBlock(InlineFont(rFont="Wingdings"), "¨"))), "新增项目"),
])
def test_symbol_font_ticks_are_read(tmp_path, write, ticked):
    import attrs

    from tests.conftest import SAMPLES
    wb = load_workbook(SAMPLES / PROJECT_XLSX, rich_text=True)
    write(_kind_cell(wb.worksheets[0]))
    out = tmp_path / "ticked.xlsx"
    wb.save(out)
    assert formparse.read(out) == attrs.evolve(formparse.read(SAMPLES / PROJECT_XLSX), project_kind=ticked)
