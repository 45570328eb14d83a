"""An .xlsx whose 填报单位/单位 (or 填报人/联系电话) lines are in the printed page header or footer
(formparse/backends/xlsx_pages.py): read as lines of the form when the sheet's cells lack them.

The header is written as Excel keeps it (``<headerFooter><oddHeader>&L…&C…&R…``, ECMA-376 18.3.1.46, with its
formatting and field codes) by openpyxl into the sample submission, the lines taken out of its cells."""

import openpyxl
import pytest

import formparse
from formparse.backends import open_grids
from formparse.backends.xlsx_pages import page_lines
from tests.conftest import SAMPLES, SEED_JSON
from tests.partkit import read_numeric

SOURCE = SAMPLES / "附件1-2020-邵阳市科学技术局.xlsx"
SEED = formparse.loads(SEED_JSON.read_text(encoding="utf-8"))


def _hf(head="", foot=""):
    return (f"<worksheet><sheetData/><headerFooter><oddHeader>{head}</oddHeader><oddFooter>{foot}</oddFooter>"
            "</headerFooter></worksheet>").encode()


def test_the_codes_are_taken_out_and_each_section_is_a_line():
    head = ('&amp;L&amp;"宋体,Bold"&amp;12填报单位：某局&amp;C&amp;A&amp;R&amp;K00FF00单位：万元&amp;&amp;人')
    assert page_lines(_hf(head, "&amp;C第 &amp;P 页，共 &amp;N 页&amp;RPage &amp;P of &amp;N")) == (
        ["填报单位：某局", "单位：万元&人"], [])
    assert page_lines(_hf()) == ([], []) and page_lines(b"<worksheet><sheetData/></worksheet>") == ([], [])


def _moved(tmp_path, name, moves):
    """The sample with the cells whose text starts with each key emptied, their text put in the page header
    section (or footer: a key in ``foot``) given."""
    wb = openpyxl.load_workbook(SOURCE)
    ws = wb.worksheets[0]
    for start, (where, section) in moves.items():
        cell = next(c for row in ws.iter_rows() for c in row
                    if isinstance(c.value, str) and c.value.replace(" ", "").startswith(start))
        text, cell.value = cell.value.strip(), None
        getattr(getattr(ws, where), section).text = text
    wb.save(tmp_path / name)
    return tmp_path / name


def test_unit_lines_typed_in_the_page_header_are_read(tmp_path):
    path = _moved(tmp_path, "header.xlsx", {"填报单位": ("oddHeader", "left"), "单位：": ("oddHeader", "right")})
    assert read_numeric(path) == read_numeric(SOURCE)
    rec = formparse.read(path)
    assert (rec.unit_name, rec.amount_unit) == (SEED.unit_name, SEED.amount_unit)
    assert not [w for w in rec.warnings if w.code in ("unread", "blank")]


def test_without_the_header_the_unit_is_missing(tmp_path):
    """(what the header supplies: the same file without it reads no unit)"""
    path = _moved(tmp_path, "header.xlsx", {"填报单位": ("oddHeader", "left"), "单位：": ("oddHeader", "right")})
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0].oddHeader.left.text = wb.worksheets[0].oddHeader.right.text = None
    wb.save(tmp_path / "bare.xlsx")
    assert formparse.read(tmp_path / "bare.xlsx").unit_name is None


@pytest.mark.parametrize("fast", [True, False])
def test_a_header_repeating_the_sheet_adds_nothing(tmp_path, fast):
    """A header repeating the title and a page number footer: the sheet's grid as it was."""
    wb = openpyxl.load_workbook(SOURCE)
    ws = wb.worksheets[0]
    title = next(c.value for row in ws.iter_rows(max_row=3) for c in row if isinstance(c.value, str))
    ws.oddHeader.center.text = title
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    wb.save(tmp_path / "title.xlsx")
    from formparse.backends.xlsx import read_grids

    plain = read_grids(str(SOURCE), fast=fast)[0]
    framed = read_grids(str(tmp_path / "title.xlsx"), fast=fast)[0]
    assert [[c.text if c else None for c in row] for row in framed.rows] == \
        [[c.text if c else None for c in row] for row in plain.rows]
    assert len(open_grids(str(tmp_path / "title.xlsx"))[0].rows) == len(plain.rows)
