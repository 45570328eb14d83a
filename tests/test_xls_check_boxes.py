"""Check boxes drawn over an .xls sheet (Excel 97–2003 form controls: OBJ records, [MS-XLS] 2.4.181).

A box is an OBJ record (ftCmo object type 0x0B, an option button 0x0C) whose ftCblsData holds fChecked
(LibreOffice writes the state into ftCbls), placed by the OfficeArtClientAnchorSheet (0xF010) of the drawing
record before it, its caption in the TXO record's CONTINUE after it. The fast tests build those records byte
by byte as the specification lays them out; the slow one has LibreOffice save the .xlsx form controls of
test_xlsx_check_boxes as an .xls.
"""

import shutil
import struct
import subprocess
import tempfile

import pytest

import formparse
from formparse.backends import xls
from formparse.grid import Cell, Grid
from tests.conftest import needs_soffice
from tests.partkit import expected, read_numeric
from tests.test_xlsx_check_boxes import SOURCE, _form_controls


def _record(rt, body):
    return struct.pack("<HH", rt, len(body)) + body


def _anchor(col, dx, row):
    """An OfficeArt shape container's tail: its ClientAnchor (flags, colL, dxL, rwT, dyT, colR, dxR, rwB, dyB)."""
    sides = struct.pack("<9H", 2, col, dx, row, 40, col, dx + 500, row, 200)
    return b"\x00\x00\x10\xf0" + struct.pack("<I", len(sides)) + sides


def _obj(ot, oid, *, cbls=None, cbls_data=None):
    cmo = struct.pack("<HHH", ot, oid, 0x11) + bytes(12)
    body = struct.pack("<HH", 0x15, len(cmo)) + cmo
    body += struct.pack("<HH", 0x0A, 12) + struct.pack("<H", cbls or 0) + bytes(10)
    if cbls_data is not None:
        body += struct.pack("<HH", 0x12, 8) + struct.pack("<HHHH", cbls_data, 0, 0, 0)
    return _record(0x5D, body + bytes(4))


def _caption(text):
    txo = struct.pack("<HH", 0x0212, 0) + bytes(6) + struct.pack("<HHH", len(text), 16, 0) + bytes(4)
    return _record(0x1B6, txo) + _record(0x3C, b"\x01" + text.encode("utf-16-le")) + _record(0x3C, bytes(16))


def _sheet(*shapes):
    """A worksheet substream: BOF, per box its drawing (anchor), OBJ and caption, EOF."""
    out = _record(0x0809, struct.pack("<HH", 0x0600, 0x0010) + bytes(12))
    for drawing, obj, caption in shapes:
        out += _record(0xEC, b"\x0f\x00\x04\xf0" + bytes(40) + drawing) + obj + _caption(caption)
    return out + _record(0x000A, b"")


def test_excel_boxes_read_from_ftcblsdata_with_their_place_and_caption():
    stream = _sheet((_anchor(1, 60, 5), _obj(0x0B, 1, cbls_data=0), "新增项目"),
                    (_anchor(2, 300, 5), _obj(0x0B, 2, cbls_data=1), "延续项目"),
                    (_anchor(3, 0, 7), _obj(0x0C, 3, cbls_data=2), "Option Button 3"))
    boxes = xls._sheet_boxes(stream, 0)
    assert [(b.row, b.col, b.checked, b.caption, b.kind) for b in boxes] == [
        (5, 1, False, "新增项目", "复选框"), (5, 2, True, "延续项目", "复选框"),
        (7, 3, None, "Option Button 3", "选项按钮")]
    assert boxes[1].offset == pytest.approx(300 / 1024)


def test_libreoffice_writes_the_state_in_ftcbls():
    stream = _sheet((_anchor(1, 0, 0), _obj(0x0B, 1, cbls=1), "延续项目"))
    assert [b.checked for b in xls._sheet_boxes(stream, 0)] == [True]


def test_other_objects_and_embedded_charts_are_not_boxes():
    chart = _record(0x0809, bytes(16)) + _obj(0x0B, 9, cbls_data=1) + _record(0x000A, b"")
    stream = _sheet((_anchor(1, 0, 0), _obj(0x08, 1), "a picture"))  # (ot 8: a picture)
    stream = stream[:-4] + chart + stream[-4:]
    assert xls._sheet_boxes(stream, 0) == []


def test_an_activex_box_in_an_xls_is_placed_with_its_state_unknown():
    """(an ActiveX check box in an .xls: a picture OBJ whose ftPictFmla names Forms.CheckBox.1; its data lives
    in the Ctls stream, which is not read)"""
    fmla = b"\x03\x10\x00\x00Forms.CheckBox.1"
    pict = struct.pack("<HH", 0x09, len(fmla) + 2) + struct.pack("<H", len(fmla)) + fmla
    cmo = struct.pack("<HHH", 0x08, 1, 0x6011) + bytes(12)
    obj = _record(0x5D, struct.pack("<HH", 0x15, len(cmo)) + cmo + pict + bytes(4))
    boxes = xls._sheet_boxes(_sheet((_anchor(2, 0, 5), obj, "")), 0)
    assert [(b.row, b.col, b.checked, b.kind) for b in boxes] == [(5, 2, None, "ActiveX 复选框")]


def _grid():
    cell = Cell(row=0, col=0, text="新增项目   延续项目", address="Sheet1!A1")
    return Grid([[cell]], source="x.xls")


def test_a_grey_box_or_one_without_a_place_is_a_warning_never_a_guess(monkeypatch):
    stream = _sheet((b"", _obj(0x0B, 1, cbls_data=1), "新增项目"),
                    (_anchor(0, 10, 0), _obj(0x0B, 2, cbls_data=2), "延续项目"))
    monkeypatch.setattr(xls, "_workbook_stream", lambda data: stream)
    grid = _grid()
    xls._mark_boxes(b"\x5d\x00", [(0, "Sheet1", grid)])
    assert grid.rows[0][0].text == "新增项目   延续项目"  # (no mark written)
    assert [a for a, _ in grid.unread_marks] == ["Sheet1", "Sheet1!A1"]
    assert "位置无法读取" in grid.unread_marks[0][1] and "无法读取" in grid.unread_marks[1][1]


@pytest.mark.slow
@needs_soffice()
@pytest.mark.parametrize("first_checked", [False, True])
def test_xls_saved_by_libreoffice_reads_its_check_boxes(tmp_path, first_checked):
    """The .xlsx form controls, saved as .xls by LibreOffice (OBJ records), read natively as ticks."""
    src = _form_controls(tmp_path, "controls.xlsx", first_checked)
    with tempfile.TemporaryDirectory(prefix="lo-xls-") as profile:
        subprocess.run([shutil.which("soffice"), f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "xls:MS Excel 97", "--outdir", str(tmp_path / "out"), str(src)],
                       check=True, capture_output=True, timeout=300)
    path = tmp_path / "out" / "controls.xls"
    if first_checked:
        assert formparse.read(path).project_kind == "新增项目"
    else:
        assert read_numeric(path) == expected(SOURCE.stem)
