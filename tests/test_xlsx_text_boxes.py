"""Text typed in a text box over an .xlsx sheet (formparse/backends/xlsx_shapes.py): the sample submission with
its 填报单位 line taken out of its cell and typed into a text box, the drawing written as ECMA-376 lays it out
(xl/drawings/drawing1.xml: xdr:wsDr, xdr:twoCellAnchor, xdr:sp with xdr:txBody; the sheet's <drawing r:id>)."""

import openpyxl

import formparse
from formparse.backends import open_grids
from tests.conftest import SAMPLES, SEED_JSON
from tests.partkit import read_numeric, rewrite

SOURCE = SAMPLES / "附件1-2020-邵阳市科学技术局.xlsx"
SEED = formparse.loads(SEED_JSON.read_text(encoding="utf-8"))
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _shape(n, text, row, *, hidden=False, control=False):
    ext = ('<a:extLst><a:ext uri="{63B3BB69-23CF-44E3-9099-C40C66FF867C}"><a14:compatExt '
           'xmlns:a14="http://schemas.microsoft.com/office/drawing/2010/main" spid="_x0000_s1025"/></a:ext>'
           '</a:extLst>') if control else ""
    return (f'<xdr:twoCellAnchor><xdr:from><xdr:col>0</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row}</xdr:row>'
            f'<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>4</xdr:col><xdr:colOff>0</xdr:colOff>'
            f'<xdr:row>{row + 1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:sp macro="" textlink="">'
            f'<xdr:nvSpPr><xdr:cNvPr id="{n + 1}" name="文本框 {n}"' + (' hidden="1"' if hidden else "")
            + f">{ext}</xdr:cNvPr><xdr:cNvSpPr txBox=\"1\"/></xdr:nvSpPr><xdr:spPr><a:prstGeom prst=\"rect\">"
            '<a:avLst/></a:prstGeom></xdr:spPr><xdr:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="zh-CN"/>'
            f"<a:t>{text}</a:t></a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/></xdr:twoCellAnchor>")


def _with_shapes(tmp_path, name, shapes, *, take_unit=True):
    """The sample, its 填报单位 cell emptied (``take_unit``), with a drawing of ``shapes`` over its sheet."""
    wb = openpyxl.load_workbook(SOURCE)
    ws = wb.worksheets[0]
    unit = next(c for row in ws.iter_rows(max_row=4) for c in row if isinstance(c.value, str) and "填报单位" in c.value)
    text = unit.value.strip()
    if take_unit:
        unit.value = None
    plain = tmp_path / f"plain-{name}"
    wb.save(plain)
    drawing = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><xdr:wsDr xmlns:xdr="{XDR}" xmlns:a="{A}">'
               + "".join(s.replace("{unit}", text) for s in shapes) + "</xdr:wsDr>").encode()
    rels = "xl/worksheets/_rels/sheet1.xml.rels"
    rel = f'<Relationship Id="rIdD1" Type="{R}/drawing" Target="../drawings/drawing1.xml"/>'

    def edit(part, data):
        if part == "xl/worksheets/sheet1.xml":
            if b"xmlns:r=" not in data[: data.find(b">", data.find(b"<worksheet")) + 1]:
                data = data.replace(b"<worksheet ", f'<worksheet xmlns:r="{R}" '.encode(), 1)
            return data.replace(b"</worksheet>", b'<drawing r:id="rIdD1"/></worksheet>')
        if part == rels:
            return data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
        if part == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/xl/drawings/drawing1.xml" ContentType='
                                b'"application/vnd.openxmlformats-officedocument.drawing+xml"/></Types>')
        return data

    add = {"xl/drawings/drawing1.xml": drawing}
    import zipfile

    if rels not in zipfile.ZipFile(plain).namelist():
        add[rels] = f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">{rel}</Relationships>'.encode()
    return rewrite(plain, tmp_path / name, edit, add=add), plain


def test_a_line_typed_in_a_text_box_is_read(tmp_path):
    path, plain = _with_shapes(tmp_path, "box.xlsx", [_shape(1, "{unit}", 2)])
    assert formparse.read(plain).unit_name is None  # (what the text box supplies)
    assert read_numeric(path) == read_numeric(SOURCE)
    assert not [w for w in formparse.read(path).warnings if w.code in ("unread", "blank")]


def test_control_shapes_hidden_shapes_and_text_the_sheet_holds_add_nothing(tmp_path):
    shapes = [_shape(1, "新增项目", 5, control=True), _shape(2, "旧的填报单位", 6, hidden=True),
              _shape(3, "{unit}", 2)]  # (the unit line left in its cell too)
    path, plain = _with_shapes(tmp_path, "quiet.xlsx", shapes, take_unit=False)
    assert len(open_grids(str(path))[0].rows) == len(open_grids(str(plain))[0].rows)


def test_other_text_in_a_text_box_is_reported(tmp_path):
    path, _ = _with_shapes(tmp_path, "note.xlsx", [_shape(1, "{unit}", 2), _shape(2, "此表请于3月1日前报送", 40)])
    rec = formparse.read(path)
    assert rec.unit_name == SEED.unit_name
    assert [w.cell for w in rec.warnings if w.code == "unread"] == ["文本框2"]
