"""ActiveX controls other than tick boxes (Microsoft Forms 2.0, [MS-OFORMS]) drawn over a sheet or standing in a
Word table: a text box (Forms.TextBox.1) or combo box (Forms.ComboBox.1) holding a value is read as the text it
shows — its MorphData stream's Value, written here byte by byte as Office persists it (persistStreamInit: the
class id, then the stream), or its property bag — and every control that is not read (a stream of no known
shape, a list box, a command button …) is a warning naming it and its cell, never passed over.

The samples are rewritten: the 附件2 workbook's 主管部门 (F6) emptied and a text box drawn over it; the 附件2
document's 项目单位 cell holding the control in place of its text.
"""

import uuid

import pytest

import formparse
from formparse.backends.activex import COMBO_BOX, TEXT_BOX
from tests.partkit import expected, read_numeric
from tests.test_activex_check_boxes import FORM2, docx_with_boxes, stream_init_bin
from tests.test_xlsx_check_boxes import REL, SOURCE, _build, _control

LIST_BOX = "{8BD21D20-EC42-11CE-9E0D-00AA006002F3}"
COMMAND_BUTTON = "{D7053240-CE69-11CD-A777-00DD01143C57}"
AX_TYPE = "application/vnd.ms-office.activeX+xml"
SAMPLE_B6 = "新增项目□ 延续项目■"  # (the sample's 项目属性, kept)


def text_bin(text, classid=TEXT_BOX):
    """A text box's (style 1) or combo box's (3) activeXN.bin: class id, then MorphData with Value ``text``."""
    return stream_init_bin(text, None, classid=classid, style=3 if classid == COMBO_BOX else 1)


def _ocx(classid, *, binary, props=""):
    rid = ' r:id="rId1"' if binary else ""
    persistence = "persistStreamInit" if binary else "persistPropertyBag"
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="no"?><ax:ocx ax:classid="{classid}" '
            f'ax:persistence="{persistence}"{rid} xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" '
            f'xmlns:r="{REL}">{props}</ax:ocx>').encode()


def _book(tmp_path, name, controls, blank="F6"):
    """The 附件2 workbook with ``blank`` emptied and ``controls`` drawn: (classid, binary or property-bag Value
    or None, 0-based row, col)."""
    parts, rels, types, drawn = {}, [], [], []
    for n, (classid, data, row, col) in enumerate(controls, start=1):
        if isinstance(data, bytes):
            parts[f"xl/activeX/activeX{n}.xml"] = _ocx(classid, binary=True)
            parts[f"xl/activeX/_rels/activeX{n}.xml.rels"] = (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.microsoft.com/office/'
                f'2006/relationships/activeXControlBinary" Target="activeX{n}.bin"/></Relationships>').encode()
            parts[f"xl/activeX/activeX{n}.bin"] = data
        else:
            props = f'<ax:ocxPr ax:name="Value" ax:value="{data}"/>' if data is not None else ""
            parts[f"xl/activeX/activeX{n}.xml"] = _ocx(classid, binary=False, props=props)
        rels.append((f"rIdX{n}", "control", f"../activeX/activeX{n}.xml"))
        types.append((f"xl/activeX/activeX{n}.xml", AX_TYPE))
        drawn.append(_control(n, f"rIdX{n}", col, 38100, f"Control{n}", row=row))
    return _build(tmp_path, name, SAMPLE_B6, controls=drawn, rels=rels, parts=parts, types=types, blank=blank)


def _warned(rec):
    return [(w.cell, w.message) for w in rec.warnings if w.code == "check-box"]


@pytest.mark.parametrize("classid", [TEXT_BOX, COMBO_BOX])
def test_xlsx_text_and_combo_boxes_read_as_the_text_they_show(tmp_path, classid):
    want = expected(SOURCE.stem)
    binary = _book(tmp_path, "tb.xlsx", [(classid, text_bin(want["competent_dept"], classid), 5, 5)])
    assert read_numeric(binary) == want
    bag = _book(tmp_path, "tb-bag.xlsx", [(classid, want["competent_dept"], 5, 5)])
    assert read_numeric(bag) == want
    rec = formparse.read(_book(tmp_path, "none.xlsx", []), partial=True)  # (without the control: nothing there)
    assert rec.competent_dept is None


def test_xlsx_controls_not_read_are_warnings_naming_them_and_their_cell(tmp_path):
    damaged = uuid.UUID(TEXT_BOX).bytes_le + b"\x00\x02" + bytes(60)
    path = _book(tmp_path, "bad.xlsx", [(TEXT_BOX, damaged, 5, 5), (LIST_BOX, None, 4, 1),
                                        (COMMAND_BUTTON, b"\x00" * 40, 6, 1), (TEXT_BOX, text_bin("别处"), 60, 40)])
    rec = formparse.read(path, partial=True)
    assert rec.competent_dept is None
    warned = _warned(rec)
    assert [c for c, _ in warned] == ["Sheet1!F6", "Sheet1!B5", "Sheet1!B7", "Sheet1!AO61"]
    assert "画在表格以外（显示“别处”）" in warned[3][1]
    assert "ActiveX 文本框的内容无法读取" in warned[0][1]
    assert "ActiveX 列表框" in warned[1][1] and "ActiveX 命令按钮" in warned[2][1]
    assert rec.project_name == expected(SOURCE.stem)["project_name"]  # (the text under the list box is read)


def test_xlsx_text_box_over_a_cell_with_text_is_a_warning(tmp_path):
    rec = formparse.read(_book(tmp_path, "over.xlsx", [(TEXT_BOX, text_bin("另一个单位"), 4, 1)], blank=None))
    assert rec.project_name == expected(SOURCE.stem)["project_name"]
    assert [(c, "另一个单位" in m) for c, m in _warned(rec)] == [("Sheet1!B5", True)]


def test_docx_text_box_reads_as_its_text_and_others_are_warnings(tmp_path):
    want = expected(FORM2.stem)
    unit = want["project_unit"]
    assert read_numeric(docx_with_boxes(tmp_path, "tb.docx", [text_bin(unit)], find=unit)) == want
    assert read_numeric(docx_with_boxes(tmp_path, "cb.docx", [text_bin(unit, COMBO_BOX)], find=unit)) == want
    damaged = uuid.UUID(TEXT_BOX).bytes_le + b"\x00\x02" + bytes(60)
    for bins, name in (([damaged], "文本框的内容无法读取"), ([uuid.UUID(LIST_BOX).bytes_le + bytes(40)], "列表框")):
        rec = formparse.read(docx_with_boxes(tmp_path, "bad.docx", bins, find=unit), partial=True)
        assert rec.project_unit is None
        warned = _warned(rec)
        assert len(warned) == 1 and warned[0][0] == "表1第3行第2列" and name in warned[0][1]
