"""Form check boxes in OpenDocument files (formparse/backends/odf_controls.py).

LibreOffice's own check boxes: a ``form:checkbox`` in ``office:forms`` (``form:label``, ``form:current-state``)
shown by a ``draw:control`` — in a paragraph of an .odt (as LibreOffice saves Word's ActiveX boxes), or at
``svg:x``/``svg:y`` in an .ods sheet's ``table:shapes``. Hand-made: the XML written as ODF 1.3 lays it out,
into the LibreOffice fixtures of tests/data/odf and a small sheet; slow: LibreOffice's own .ods of the .xlsx
form controls and .odt of the .docx ActiveX boxes.
"""

import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest

import formparse
from formparse.backends import open_grids
from tests.conftest import needs_soffice
from tests.partkit import expected, read_numeric, rewrite
from tests.test_backend_odf import SHEET_STYLES, odf_zip

DATA = Path(__file__).parent / "data" / "odf"
FORM2 = DATA / "附件2-2020-邵阳市交通运输局-农村公路养护工程.odt"  # 项目属性: 延续项目
_OPTIONS = re.compile(r"新增项目\s*□\s*延续项目\s*☑")  # (the spaces as LibreOffice saved them)
FORM_NS = "urn:oasis:names:tc:opendocument:xmlns:form:1.0"


def _checkbox(n, label, state):
    current = f' form:current-state="{state}"' if state else ""
    return (f'<form:checkbox form:name="Check Box {n}" form:control-implementation="ooo:com.sun.star.form.component.'
            f'CheckBox" xml:id="control{n}" form:id="control{n}" form:label="{label}"{current}/>')


def _forms(boxes):
    return (f'<office:forms xmlns:form="{FORM_NS}" form:automatic-focus="false" form:apply-design-mode="false">'
            '<form:form form:name="Standard">' + "".join(boxes) + "</form:form></office:forms>")


def _odt(tmp_path, name, boxes, typed=""):
    """FORM2 with 项目属性's paragraph holding one draw:control per box (as-char), then ``typed``."""
    shapes = "".join(f'<draw:control text:anchor-type="as-char" svg:width="0.83in" svg:height="0.25in" '
                     f'draw:control="control{n}"/>' for n in range(1, len(boxes) + 1))

    def edit(part, data):
        if part != "content.xml":
            return data
        text = data.decode("utf-8")
        text = _OPTIONS.sub(lambda m: shapes + typed, text, count=1)
        text = re.sub(r"(<office:text[^>]*>)", lambda m: m[1] + _forms(boxes), text, count=1)
        return text.encode("utf-8")

    return rewrite(FORM2, tmp_path / name, edit)


def test_odt_form_check_boxes_read_as_ticks(tmp_path):
    path = _odt(tmp_path, "boxes.odt", [_checkbox(1, "新增项目", "unchecked"), _checkbox(2, "延续项目", "checked")])
    assert read_numeric(path) == expected(FORM2.stem)
    other = _odt(tmp_path, "boxes-new.odt", [_checkbox(1, "新增项目", "checked"), _checkbox(2, "延续项目", None)])
    rec = formparse.read(other)
    assert rec.project_kind == "新增项目" and not [w for w in rec.warnings if w.code == "check-box"]


def test_odt_boxes_without_a_caption_mark_the_text_typed_after_them(tmp_path):
    boxes = [_checkbox(1, "Check Box 1", "checked"), _checkbox(2, "", None)]
    shapes = [f'<draw:control text:anchor-type="as-char" draw:control="control{n}"/>' for n in (1, 2)]

    def edit(part, data):
        if part != "content.xml":
            return data
        text = _OPTIONS.sub(lambda m: f"{shapes[0]}新增项目   {shapes[1]}延续项目", data.decode("utf-8"), count=1)
        return re.sub(r"(<office:text[^>]*>)", lambda m: m[1] + _forms(boxes), text, count=1).encode("utf-8")

    assert formparse.read(rewrite(FORM2, tmp_path / "typed.odt", edit)).project_kind == "新增项目"


def test_odt_grey_box_is_a_warning_naming_the_cell(tmp_path):
    path = _odt(tmp_path, "grey.odt", [_checkbox(1, "新增项目", "unchecked"), _checkbox(2, "延续项目", "unknown")])
    rec = formparse.read(path)
    assert rec.project_kind is None
    warned = [w for w in rec.warnings if w.code == "check-box"]
    assert len(warned) == 1 and warned[0].cell.startswith("表1第") and "延续项目" in warned[0].message


def _sheet(shapes, boxes):
    """A sheet: A1 “项目属性”, B1 the options; columns 1 in wide (col styles), rows 0.3 in high."""
    styles = SHEET_STYLES + ('<style:style style:name="co1" style:family="table-column"><style:table-column-'
                             'properties style:column-width="1in"/></style:style><style:style style:name="ro1" '
                             'style:family="table-row"><style:table-row-properties style:row-height="0.3in"/>'
                             '</style:style>')
    body = ('<office:spreadsheet><table:table table:name="申报表" table:style-name="ta1">' + _forms(boxes)
            + '<table:shapes>' + "".join(shapes) + '</table:shapes>'
            '<table:table-column table:style-name="co1" table:number-columns-repeated="4"/>'
            '<table:table-row table:style-name="ro1" table:number-rows-repeated="2"><table:table-cell/>'
            '</table:table-row><table:table-row table:style-name="ro1"><table:table-cell office:value-type="string">'
            '<text:p>项目属性</text:p></table:table-cell><table:table-cell office:value-type="string">'
            '<text:p>新增项目      延续项目</text:p></table:table-cell></table:table-row></table:table>'
            '</office:spreadsheet>')
    return body, styles


def _shape(n, x, y="0.65in"):
    at = f' svg:x="{x}"' if x else ""
    return f'<draw:control svg:width="0.3in" svg:height="0.2in"{at} svg:y="{y}" draw:control="control{n}"/>'


def test_ods_boxes_are_placed_by_the_columns_and_rows_they_are_drawn_over(tmp_path):
    # B3 spans 1–2 in across and 0.6–0.9 in down: boxes at 1.05 in and 1.5 in, captions Calc's defaults
    body, styles = _sheet([_shape(2, "1.5in"), _shape(1, "1.05in")],
                          [_checkbox(1, "Check Box 1", None), _checkbox(2, "Check Box 2", "checked")])
    [grid] = open_grids(str(odf_zip(tmp_path / "boxes.ods", "spreadsheet", body, auto_styles=styles)))
    assert grid.rows[2][1].text == "□新增项目      ☑延续项目" and not grid.unread_marks


def test_ods_grey_box_or_one_without_a_place_is_a_warning(tmp_path):
    body, styles = _sheet([_shape(1, "1.05in"), _shape(2, "1.5in"), _shape(3, None)],
                          [_checkbox(1, "新增项目", "checked"), _checkbox(2, "延续项目", "unknown"),
                           _checkbox(3, "其他", "checked")])
    [grid] = open_grids(str(odf_zip(tmp_path / "grey.ods", "spreadsheet", body, auto_styles=styles)))
    assert grid.rows[2][1].text.startswith("☑新增项目")
    assert [a for a, _ in grid.unread_marks] == ["申报表", "申报表!B3"]


@pytest.mark.slow
@needs_soffice()
def test_libreoffice_odf_of_form_controls_and_activex_boxes_reads_the_ticks(tmp_path):
    from tests.test_activex_check_boxes import FORM2 as DOCX_FORM2
    from tests.test_activex_check_boxes import docx_with_boxes, stream_init_bin
    from tests.test_xlsx_check_boxes import SOURCE, _form_controls

    xlsx = _form_controls(tmp_path, "controls.xlsx", False)
    docx = docx_with_boxes(tmp_path, "ax.docx", [stream_init_bin("0", "新增项目"), stream_init_bin("1", "延续项目")])
    out = tmp_path / "out"
    with tempfile.TemporaryDirectory(prefix="lo-odf-") as profile:
        for src, fmt in ((xlsx, "ods"), (docx, "odt")):
            subprocess.run([shutil.which("soffice"), f"-env:UserInstallation=file://{profile}", "--headless",
                            "--convert-to", fmt, "--outdir", str(out), str(src)],
                           check=True, capture_output=True, timeout=300)
    ods, odt = out / "controls.ods", out / "ax.odt"
    assert b"form:checkbox" in zipfile.ZipFile(ods).read("content.xml")
    assert read_numeric(ods) == expected(SOURCE.stem)
    assert read_numeric(odt) == expected(DOCX_FORM2.stem)



# -- other form controls: text fields read as their text, the rest reported -------------------------------------
def _field(n, tag, attrs=""):
    return (f'<form:{tag} form:name="Control{n}" xml:id="control{n}" form:id="control{n}"{attrs}/>')


def _odt_unit(tmp_path, name, control):
    """FORM2 with 项目单位's text replaced by ``control`` (a form element, id control1) drawn where it stood."""
    unit = expected(FORM2.stem)["project_unit"]
    shape = '<draw:control text:anchor-type="as-char" svg:width="0.83in" svg:height="0.25in" draw:control="control1"/>'

    def edit(part, data):
        if part != "content.xml":
            return data
        text = data.decode("utf-8").replace(f">{unit}<", f">{shape}<", 1)
        return re.sub(r"(<office:text[^>]*>)", lambda m: m[1] + _forms([control]), text, count=1).encode("utf-8")

    return rewrite(FORM2, tmp_path / name, edit), unit


def test_odt_text_fields_read_as_their_text_and_other_controls_are_warnings(tmp_path):
    want = expected(FORM2.stem)
    unit = want["project_unit"]
    for n, (tag, attrs) in enumerate([("text", f' form:current-value="{unit}" form:value="旧值"'),
                                      ("combobox", f' form:value="{unit}"'), ("fixed-text", f' form:label="{unit}"')]):
        path, _ = _odt_unit(tmp_path, f"field{n}.odt", _field(1, tag, attrs))
        assert read_numeric(path) == want, tag
    path, _ = _odt_unit(tmp_path, "list.odt", _field(1, "listbox"))
    rec = formparse.read(path, partial=True)
    assert rec.project_unit is None
    warned = [(w.cell, w.message) for w in rec.warnings if w.code == "check-box"]
    assert len(warned) == 1 and warned[0][0] == "表1第3行第2列" and "表单列表框不是可读取的控件" in warned[0][1]


def test_ods_text_field_fills_the_empty_cell_it_is_drawn_over(tmp_path):
    # A2 (0–1 in across, 0.3–0.6 in down) is empty: a text field there; a button over B3 (which holds text); a
    # text field beside the sheet's cells (D3), and an empty one
    body, styles = _sheet([_shape(1, "0.1in", "0.35in"), _shape(2, "1.05in"), _shape(3, "3.2in"), _shape(4, "3.2in")],
                          [_field(1, "text", ' form:current-value="邵阳市教育局"'), _field(2, "button"),
                           _field(3, "text", ' form:current-value="别处"'), _field(4, "text")])
    [grid] = open_grids(str(odf_zip(tmp_path / "fields.ods", "spreadsheet", body, auto_styles=styles)))
    assert grid.rows[1][0].text == "邵阳市教育局" and grid.rows[2][1].text == "新增项目      延续项目"
    assert [(a, m.split("，")[0]) for a, m in grid.unread_marks] == [
        ("申报表!B3", "表单按钮不是可读取的控件"), ("申报表!D3", "表单文本框画在表格以外（显示“别处”）")]


@pytest.mark.slow
@needs_soffice()
def test_libreoffice_odt_of_activex_text_and_list_boxes(tmp_path):
    """LibreOffice saves Word's ActiveX text box as a form:text holding its value, a list box as a form:listbox."""
    import uuid

    from formparse.backends.activex import LIST_BOX
    from tests.test_activex_check_boxes import FORM2 as DOCX_FORM2
    from tests.test_activex_check_boxes import docx_with_boxes
    from tests.test_activex_controls import text_bin

    want = expected(DOCX_FORM2.stem)
    unit, leader = want["project_unit"], want["project_leader"]
    docx = docx_with_boxes(tmp_path, "tb.docx", [text_bin(unit)], find=unit)
    listed = docx_with_boxes(tmp_path, "lb.docx", [uuid.UUID(LIST_BOX).bytes_le + bytes(40)], find=leader)
    out = tmp_path / "out"
    with tempfile.TemporaryDirectory(prefix="lo-odf-") as profile:
        subprocess.run([shutil.which("soffice"), f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "odt", "--outdir", str(out), str(docx), str(listed)],
                       check=True, capture_output=True, timeout=300)
    assert b"form:text" in zipfile.ZipFile(out / "tb.odt").read("content.xml")
    assert read_numeric(out / "tb.odt") == want
    rec = formparse.read(out / "lb.odt", partial=True)
    warned = [w for w in rec.warnings if w.code == "check-box"]
    assert rec.project_leader is None and len(warned) == 1 and "表单列表框" in warned[0].message
    assert warned[0].cell.startswith("表1第3行")  # (项目负责人's row; its column as the .odt's grid counts them)
