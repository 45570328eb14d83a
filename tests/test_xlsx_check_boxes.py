"""Check boxes drawn over a sheet: the 附件2 sample's 项目属性 (B6:D6, 延续项目 ticked) rewritten as Excel
writes its form controls (sheet <controls> + xl/ctrlProps, [MS-XLSX]), as legacy VML check boxes
(xl/drawings/vmlDrawing1.vml, x:ClientData ObjectType="Checkbox") and as ActiveX check boxes
(xl/activeX/activeX1.xml: property bag, or the binary stream activeX1.bin, readable or not)."""

import re
import uuid

import pytest

import formparse
from tests.conftest import SAMPLES
from tests.partkit import expected, read_numeric, rewrite
from tests.test_activex_check_boxes import stream_init_bin

SOURCE = SAMPLES / "附件2-2020-邵阳市教育局-学前教育发展专项资金.xlsx"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
CHECK_BOX_CLSID = "{8BD21D40-EC42-11CE-9E0D-00AA006002F3}"  # Forms.CheckBox.1


def _vml_shape(n, col, dx, caption, checked, kind="Checkbox"):
    return (f'<v:shape id="_x0000_s{1024 + n}" type="#_x0000_t201" style="position:absolute;z-index:{n}" '
            f'o:button="t" fillcolor="buttonFace [67]" strokecolor="windowText [64]" o:insetmode="auto">'
            f'<v:fill color2="buttonFace [67]" o:detectmouseclick="t"/><o:lock v:ext="edit" rotation="t"/>'
            f'<v:textbox style="mso-direction-alt:auto" o:singleclick="f"><div style="text-align:left">'
            f'<font face="宋体" size="180" color="auto">{caption}</font></div></v:textbox>'
            f'<x:ClientData ObjectType="{kind}"><x:Anchor>{col}, {dx}, 5, 4, {col}, {dx + 60}, 5, 24</x:Anchor>'
            f'<x:AutoFill>False</x:AutoFill><x:AutoLine>False</x:AutoLine><x:TextVAlign>Center</x:TextVAlign>'
            + (f"<x:Checked>{int(checked)}</x:Checked>" if checked else "") + "<x:NoThreeD/></x:ClientData></v:shape>")


def _vml(shapes):
    return ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
            '<o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype id="_x0000_t201" coordsize="21600,21600" '
            'o:spt="201" path="m,l,21600r21600,l21600,xe"/>' + "".join(shapes) + "</xml>").encode()


def _control(n, rid, col, col_off, name, row=5):
    return (f'<mc:AlternateContent><mc:Choice Requires="x14"><control shapeId="{1024 + n}" r:id="{rid}" '
            f'name="{name}"><controlPr defaultSize="0" autoFill="0" autoLine="0" autoPict="0">'
            f'<anchor moveWithCells="1"><from><xdr:col>{col}</xdr:col><xdr:colOff>{col_off}</xdr:colOff>'
            f'<xdr:row>{row}</xdr:row><xdr:rowOff>38100</xdr:rowOff></from><to><xdr:col>{col}</xdr:col>'
            f'<xdr:colOff>{col_off + 571500}</xdr:colOff><xdr:row>{row}</xdr:row><xdr:rowOff>228600</xdr:rowOff></to>'
            f'</anchor></controlPr></control></mc:Choice></mc:AlternateContent>')


def _build(tmp_path, name, b6, *, vml=None, controls=(), rels=(), parts=None, types=(), blank=None):
    """The sample with B6 holding ``b6`` (None: empty), the sheet's legacyDrawing → ``vml`` and
    ``controls`` (each <control>), the sheet's relationships and the extra parts and content types;
    ``blank``: a cell (“F6”) whose text is removed."""
    parts = dict(parts or {})
    sheet_rels = [f'<Relationship Id="rIdV" Type="{REL}/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/>'] \
        if vml is not None else []
    sheet_rels += [f'<Relationship Id="{rid}" Type="{REL}/{kind}" Target="{target}"/>' for rid, kind, target in rels]
    if vml is not None:
        parts["xl/drawings/vmlDrawing1.vml"] = vml

    def edit(part, data):
        if part == "xl/worksheets/sheet1.xml":
            cell = '<c r="B6" s="3"/>' if b6 is None else f'<c r="B6" s="3" t="inlineStr"><is><t>{b6}</t></is></c>'
            data = re.sub(rb'<c r="B6" s="3" t="s"><v>7</v></c>', cell.encode(), data)
            if blank:
                text = rf'<c r="{blank}"( s="\d+") t="s"><v>\d+</v></c>'.encode()
                data = re.sub(text, rf'<c r="{blank}"\1/>'.encode(), data)
            tail = ('<legacyDrawing r:id="rIdV"/>' if vml is not None else "")
            if controls:
                tail += f'<mc:AlternateContent><mc:Choice Requires="x14"><controls>{"".join(controls)}' \
                        '</controls></mc:Choice></mc:AlternateContent>'
            data = data.replace(b"</worksheet>", tail.encode() + b"</worksheet>")
            head = data[: data.find(b">", data.find(b"<worksheet")) + 1]
            declare = "".join(f' xmlns:{p}="{uri}"' for p, uri in (("r", REL), ("mc", MC), ("xdr", XDR))
                              if f"xmlns:{p}=".encode() not in head)
            return data.replace(b"<worksheet ", f"<worksheet{declare} ".encode(), 1)
        if part == "[Content_Types].xml":
            extra = '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
            extra += "".join(f'<Override PartName="/{p}" ContentType="{t}"/>' for p, t in types)
            return data.replace(b"</Types>", extra.encode() + b"</Types>")
        return data

    parts["xl/worksheets/_rels/sheet1.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(sheet_rels) + "</Relationships>").encode()
    return rewrite(SOURCE, tmp_path / name, edit, add=parts)


def _ctrl_prop(checked):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><formControlPr '
            'xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" objectType="CheckBox" '
            + ('checked="Checked" ' if checked else "") + 'lockText="1" noThreeD="1"/>').encode()


CTRL_TYPE = "application/vnd.ms-excel.controlproperties+xml"


def _form_controls(tmp_path, name, first_checked):
    """Excel 2010+: two check boxes whose captions are the options, over an empty B6 (the mark is the box)."""
    shapes = [_vml_shape(1, 1, 4, "新增项目", first_checked), _vml_shape(2, 2, 10, "延续项目", not first_checked)]
    return _build(tmp_path, name, None, vml=_vml(shapes),
                  controls=[_control(1, "rIdC1", 1, 38100, "Check Box 1"),
                            _control(2, "rIdC2", 2, 95250, "Check Box 2")],
                  rels=[("rIdC1", "ctrlProp", "../ctrlProps/ctrlProp1.xml"),
                        ("rIdC2", "ctrlProp", "../ctrlProps/ctrlProp2.xml")],
                  parts={"xl/ctrlProps/ctrlProp1.xml": _ctrl_prop(first_checked),
                         "xl/ctrlProps/ctrlProp2.xml": _ctrl_prop(not first_checked)},
                  types=[("xl/ctrlProps/ctrlProp1.xml", CTRL_TYPE), ("xl/ctrlProps/ctrlProp2.xml", CTRL_TYPE)])


def test_form_control_check_boxes_read_as_the_ticked_option(tmp_path):
    assert read_numeric(_form_controls(tmp_path, "controls.xlsx", False)) == expected(SOURCE.stem)
    rec = formparse.read(_form_controls(tmp_path, "controls-new.xlsx", True))
    assert rec.project_kind == "新增项目" and not [w for w in rec.warnings if w.code == "check-box"]


def test_without_the_controls_the_choice_is_empty(tmp_path):
    """(what the controls supply: with them gone, nothing is ticked)"""
    assert formparse.read(_build(tmp_path, "none.xlsx", "新增项目      延续项目")).project_kind is None


@pytest.mark.parametrize(("kind", "captions"), [("Checkbox", ("Check Box 1", "复选框 2")),
                                               ("Radio", ("Option Button 1", "选项按钮 2"))])
def test_legacy_vml_boxes_with_default_captions_pair_with_the_options_left_to_right(tmp_path, kind, captions):
    # (listed right to left: pairing goes by where they are drawn)
    shapes = [_vml_shape(2, 1, 70, captions[1], True, kind), _vml_shape(1, 1, 2, captions[0], False, kind)]
    path = _build(tmp_path, f"vml-{kind}.xlsx", "新增项目      延续项目", vml=_vml(shapes))
    assert read_numeric(path) == expected(SOURCE.stem)


def test_a_grey_box_is_a_warning_not_a_tick(tmp_path):
    """A mixed (grey) box — VML x:Checked 2, ctrlProps checked="Mixed" — is neither ticked nor clear."""
    shapes = [_vml_shape(1, 1, 2, "Check Box 1", False), _vml_shape(2, 1, 70, "Check Box 2", 2)]
    rec = formparse.read(_build(tmp_path, "vml-grey.xlsx", "新增项目      延续项目", vml=_vml(shapes)))
    assert rec.project_kind is None and [w.cell for w in rec.warnings if w.code == "check-box"] == ["Sheet1!B6"]
    mixed = _ctrl_prop(True).replace(b'checked="Checked"', b'checked="Mixed"')
    path = _form_controls(tmp_path, "controls-grey.xlsx", False)
    grey = rewrite(path, tmp_path / "controls-grey2.xlsx", lambda n, d: mixed if n.endswith("ctrlProp2.xml") else d)
    rec = formparse.read(grey)
    assert rec.project_kind is None and [w.code for w in rec.warnings].count("check-box") == 1


def _activex(value):
    """The control's part: ``value`` a str is its Value in a property bag, bytes its binary part."""
    binary = isinstance(value, bytes)
    props = "" if binary else f'<ax:ocxPr ax:name="Value" ax:value="{value}"/>'
    persistence = "persistStreamInit" if binary else "persistPropertyBag"
    rid = ' r:id="rId1"' if binary else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="no"?><ax:ocx ax:classid="{CHECK_BOX_CLSID}" '
            f'ax:persistence="{persistence}"{rid} xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" '
            f'xmlns:r="{REL}">{props}</ax:ocx>').encode()


def _activex_book(tmp_path, name, values):
    parts, rels, types = {}, [], []
    for n, value in enumerate(values, start=1):
        parts[f"xl/activeX/activeX{n}.xml"] = _activex(value)
        if isinstance(value, bytes):
            parts[f"xl/activeX/_rels/activeX{n}.xml.rels"] = (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.microsoft.com/office/'
                f'2006/relationships/activeXControlBinary" Target="activeX{n}.bin"/></Relationships>').encode()
            parts[f"xl/activeX/activeX{n}.bin"] = value
        rels.append((f"rIdX{n}", "control", f"../activeX/activeX{n}.xml"))
        types.append((f"xl/activeX/activeX{n}.xml", "application/vnd.ms-office.activeX+xml"))
    controls = [_control(n, f"rIdX{n}", 1, 38100 + (n - 1) * 500000, f"CheckBox{n}") for n in (1, 2)]
    return _build(tmp_path, name, "新增项目      延续项目", controls=controls, rels=rels, parts=parts, types=types)


def test_activex_check_boxes_read_from_their_property_bag(tmp_path):
    assert read_numeric(_activex_book(tmp_path, "ax.xlsx", ["0", "1"])) == expected(SOURCE.stem)


def test_activex_check_boxes_read_from_their_binary_stream(tmp_path):
    """(activeXN.bin as Excel writes it for persistStreamInit: class id, then the MorphData stream)"""
    bins = [stream_init_bin("0", "CheckBox1"), stream_init_bin("1", "CheckBox2")]
    assert read_numeric(_activex_book(tmp_path, "ax-bin.xlsx", bins)) == expected(SOURCE.stem)
    named = [stream_init_bin("1", "新增项目"), stream_init_bin(None, "延续项目")]  # (no Value: never ticked)
    assert formparse.read(_activex_book(tmp_path, "ax-named.xlsx", named)).project_kind == "新增项目"


def test_activex_check_boxes_whose_binary_cannot_be_read_are_a_warning_naming_the_cell(tmp_path):
    damaged = uuid.UUID(CHECK_BOX_CLSID).bytes_le + b"\x00\x02" + bytes(60)  # (a stream of no known shape)
    try:
        rec = formparse.read(_activex_book(tmp_path, "ax-bad.xlsx", [damaged, damaged]))
    except formparse.InvalidValues as exc:  # (a required choice left empty is an error of its own)
        pytest.fail(f"the choice should read as empty with a warning: {exc}")
    assert rec.project_kind is None
    warned = [w for w in rec.warnings if w.code == "check-box"]
    assert [w.cell for w in warned] == ["Sheet1!B6"]
    assert all("无法读取" in w.message for w in warned)
