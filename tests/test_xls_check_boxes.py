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
import uuid

import pytest

import formparse
from formparse.backends import xls
from formparse.backends.activex import CHECK_BOX, LIST_BOX, OPTION_BUTTON, TEXT_BOX
from formparse.grid import Cell, Grid
from tests import xlskit
from tests.conftest import SAMPLES, needs_soffice
from tests.partkit import expected, read_numeric
from tests.test_activex_check_boxes import morph
from tests.test_xlsx_check_boxes import SOURCE, _build, _form_controls


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


# -- ActiveX controls: their data in the Ctls stream (tests/xlskit.py) ---------------------------------------
def _ctls_boxes(controls):
    """_sheet_boxes over a worksheet holding ``controls`` (ProgID, class id, row, col, stream) as xlskit writes
    them, the Ctls stream beside it."""
    shapes, ctls = b"", b""
    for n, (prog_id, classid, row, col, data) in enumerate(controls, start=1):
        blob = uuid.UUID(classid).bytes_le + data
        shapes += _record(0xEC, b"\x0f\x00\x04\xf0" + bytes(40) + _anchor(col, 60, row))
        shapes += xlskit.control_obj(n, prog_id, len(ctls), len(blob))
        ctls += blob
    stream = _record(0x0809, struct.pack("<HH", 0x0600, 0x0010) + bytes(12)) + shapes + _record(0x000A, b"")
    return xls._sheet_boxes(stream, 0, lambda: ctls)


def test_activex_boxes_read_from_the_ctls_stream():
    found = _ctls_boxes([("Forms.CheckBox.1", CHECK_BOX, 5, 1, morph("0", "新增项目")),
                         ("Forms.CheckBox.1", CHECK_BOX, 5, 2, morph("1", "延续项目")),
                         ("Forms.OptionButton.1", OPTION_BUTTON, 7, 3, morph(None, "Option1", style=5))])
    assert [(b.row, b.col, b.checked, b.caption, b.kind) for b in found] == [
        (5, 1, False, "新增项目", "ActiveX 复选框"), (5, 2, True, "延续项目", "ActiveX 复选框"),
        (7, 3, False, "Option1", "ActiveX 单选按钮")]


def test_activex_data_not_the_controls_is_unknown_never_a_guess():
    found = _ctls_boxes([("Forms.CheckBox.1", CHECK_BOX, 5, 1, morph("1", "新增项目")[:20]),  # cut short
                         ("Forms.CheckBox.1", TEXT_BOX, 5, 2, morph("1", "延续项目")),  # another class's data
                         ("Forms.TextBox.1", TEXT_BOX, 6, 2, morph("陈晓燕", None, style=1)),
                         ("Forms.ListBox.1", LIST_BOX, 6, 3, bytes(40)),
                         ("MSComCtl2.DTPicker.2", CHECK_BOX, 6, 4, bytes(40))])
    assert [(type(b).__name__, b.kind, getattr(b, "checked", None), getattr(b, "text", None)) for b in found] == [
        ("Box", "ActiveX 复选框", None, None), ("Box", "ActiveX 复选框", None, None),
        ("Other", "ActiveX 文本框", None, "陈晓燕"), ("Other", "ActiveX 列表框", None, None),
        ("Other", "ActiveX 控件", None, None)]


LEGACY = SAMPLES.parent / "other-hands" / "legacy-xls-plain-grid-left.xls"  # (a real .xls: an 附件1)


def test_activex_controls_in_a_real_xls_are_read_or_reported_with_their_cell(tmp_path):
    plain = formparse.read(LEGACY)
    path = xlskit.with_controls(LEGACY, tmp_path / "ax.xls", [
        ("Forms.ListBox.1", LIST_BOX, 4, 8, bytes(40)),  # over I5 (预算绩效管理联系人's value)
        ("Forms.TextBox.1", TEXT_BOX, 4, 5, b"\x00\x02" + bytes(30)),  # over F5 (实有人数's), unreadable
        ("Forms.TextBox.1", TEXT_BOX, 200, 40, morph("", None, style=1)),  # an empty one outside: nothing to read
        ("Forms.CheckBox.1", CHECK_BOX, 200, 40, morph("1", "别处"))])  # (a tick box there is reported all the same)
    rec = formparse.read(path)
    assert formparse.to_dict(rec) | {"warnings": []} == formparse.to_dict(plain) | {"warnings": []}
    warned = [(w.cell, w.message) for w in rec.warnings if w.code == "check-box"]
    assert [c for c, _ in warned] == ["Sheet1!AO201", "Sheet1!I5", "Sheet1!F5"]
    assert "画在表格以外" in warned[0][1]
    assert "ActiveX 列表框" in warned[1][1] and "ActiveX 文本框的内容无法读取" in warned[2][1]
    assert not [w for w in plain.warnings if w.code == "check-box"]


@pytest.mark.slow
@needs_soffice()
def test_xls_with_activex_boxes_and_a_text_box_in_the_ctls_stream_reads_exactly(tmp_path):
    """The 附件2 workbook (its 项目属性 options typed without marks, 主管部门 emptied) saved as .xls by LibreOffice,
    then ActiveX check boxes over the options and a text box holding 主管部门 put in as Excel 2003 keeps them."""
    src = _build(tmp_path, "plain.xlsx", "新增项目      延续项目", blank="F6")
    with tempfile.TemporaryDirectory(prefix="lo-xls-") as profile:
        subprocess.run([shutil.which("soffice"), f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "xls:MS Excel 97", "--outdir", str(tmp_path / "out"), str(src)],
                       check=True, capture_output=True, timeout=300)
    want = expected(SOURCE.stem)
    path = xlskit.with_controls(tmp_path / "out" / "plain.xls", tmp_path / "ax.xls", [
        ("Forms.CheckBox.1", CHECK_BOX, 5, 1, morph("0", "CheckBox1")),
        ("Forms.CheckBox.1", CHECK_BOX, 5, 2, morph("1", "CheckBox2")),
        ("Forms.TextBox.1", TEXT_BOX, 5, 5, morph(want["competent_dept"], None, style=1))])
    assert read_numeric(path) == want
    ticked_first = xlskit.with_controls(tmp_path / "out" / "plain.xls", tmp_path / "ax2.xls", [
        ("Forms.CheckBox.1", CHECK_BOX, 5, 1, morph("1", "新增项目")),
        ("Forms.CheckBox.1", CHECK_BOX, 5, 2, morph("0", "延续项目"))])
    assert formparse.read(ticked_first, partial=True).project_kind == "新增项目"
