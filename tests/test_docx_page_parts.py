"""All of a .docx: page headers and footers holding the form's unit/filler lines, and legacy form-field
check boxes — the bundled submissions rewritten as Word writes these (ECMA-376 Part 1, 17.10 headers and
footers; 17.16 fields, FORMCHECKBOX with w:ffData/w:checkBox)."""

import copy

import pytest
from lxml import etree

import formparse
from tests.conftest import SAMPLES
from tests.partkit import expected, parts_of, read_numeric, rewrite

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W}
REL_T = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."
FORM1 = SAMPLES / "附件1-2020-邵阳市科学技术局.docx"


def _w(tag):
    return f"{{{W}}}{tag}"


def _part(tag, items):
    root = etree.Element(_w(tag), nsmap={"w": W, "r": R})
    root.extend(items)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _paragraph(text):
    p = etree.Element(_w("p"))
    etree.SubElement(etree.SubElement(p, _w("r")), _w("t")).text = text
    return p


def _page_number():
    """“第 N 页”, N a PAGE field, as Word writes a footer's page number."""
    p = etree.Element(_w("p"))
    for kind, text in (("t", "第 "), ("begin", None), ("instr", " PAGE "), ("separate", None), ("t", "1"),
                       ("end", None), ("t", " 页")):
        r = etree.SubElement(p, _w("r"))
        if kind == "t":
            t = etree.SubElement(r, _w("t"), {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
            t.text = text
        elif kind == "instr":
            etree.SubElement(r, _w("instrText")).text = text
        else:
            etree.SubElement(r, _w("fldChar"), {_w("fldCharType"): kind})
    return p


def _with_page_parts(tmp_path, name="moved.docx"):
    """附件1 with 填报单位 and 单位 moved from the body into the default and first-page headers (which also
    repeat the title the body keeps), and the 填报人/联系电话 table into the footer with a page number."""
    parts = parts_of(FORM1)
    doc = etree.fromstring(parts["word/document.xml"])
    body = doc.find("w:body", NS)
    paras = body.findall("w:p", NS)
    title = next(p for p in paras if "申报表" in "".join(p.itertext()))
    unit_lines = [p for p in paras if "".join(p.itertext()).strip().startswith(("填报单位", "单位"))]
    filler = body.findall("w:tbl", NS)[-1]
    assert len(unit_lines) == 2 and "填报人" in "".join(filler.itertext())
    head = [copy.deepcopy(title), *unit_lines]
    for el in unit_lines + [filler]:
        body.remove(el)
    sect = body.find("w:sectPr", NS)
    for tag, kind, rid in (("headerReference", "default", "rIdH1"), ("headerReference", "first", "rIdH2"),
                           ("footerReference", "default", "rIdF1")):
        sect.insert(0, etree.Element(_w(tag), {_w("type"): kind, f"{{{R}}}id": rid}))
    etree.SubElement(sect, _w("titlePg"))
    rels = parts["word/_rels/document.xml.rels"].replace(b"</Relationships>", (
        f'<Relationship Id="rIdH1" Type="{REL_T}header" Target="header1.xml"/>'
        f'<Relationship Id="rIdH2" Type="{REL_T}header" Target="header2.xml"/>'
        f'<Relationship Id="rIdF1" Type="{REL_T}footer" Target="footer1.xml"/></Relationships>').encode())
    types = parts["[Content_Types].xml"].replace(b"</Types>", (
        f'<Override PartName="/word/header1.xml" ContentType="{CT}header+xml"/>'
        f'<Override PartName="/word/header2.xml" ContentType="{CT}header+xml"/>'
        f'<Override PartName="/word/footer1.xml" ContentType="{CT}footer+xml"/></Types>').encode())
    add = {"word/document.xml": etree.tostring(doc, xml_declaration=True, encoding="UTF-8", standalone=True),
           "word/_rels/document.xml.rels": rels, "[Content_Types].xml": types,
           "word/header1.xml": _part("hdr", [copy.deepcopy(p) for p in head]),
           "word/header2.xml": _part("hdr", [copy.deepcopy(p) for p in head]),
           "word/footer1.xml": _part("ftr", [filler, _page_number()])}
    return rewrite(FORM1, tmp_path / name, add=add)


def test_unit_in_the_header_and_filler_in_the_footer_read_to_the_same_record(tmp_path):
    path = _with_page_parts(tmp_path)
    assert read_numeric(path) == expected(FORM1.stem)
    rec = formparse.read(path)
    assert not [w for w in rec.warnings if w.code == "unread"]  # neither the repeated title nor the page number


def test_header_lines_come_first_once_and_footer_lines_last(tmp_path):
    from formparse.backends import open_grids

    grid = open_grids(str(_with_page_parts(tmp_path)))[0]
    texts = [(c.address, c.text.strip()) for c in grid.reading_order() if c.text.strip()]
    heads = [t for a, t in texts if a.startswith("页眉")]
    assert [t[:4] for t in heads] == ["填报单位", "单位：万"]  # the title the body holds is not repeated
    assert texts[0][0] == "页眉第2段" and texts[-1][0] == "页脚表1第1行第4列"  # (the page number left out)
    assert sum("申报表" in t for _, t in texts) == 1


def test_without_the_headers_the_lines_are_missing(tmp_path):
    """The header's lines are what supplies the values (the test above could not pass by accident)."""
    path = _with_page_parts(tmp_path)
    bare = rewrite(path, tmp_path / "bare.docx", lambda n, d: None if n.startswith(("word/header", "word/footer"))
                   else d)
    rec = formparse.read(bare)
    assert rec.unit_name is None and rec.filled_by is None


# --- legacy form-field check boxes ------------------------------------------------------------------------

FORM2 = SAMPLES / "附件2-2020-邵阳市交通运输局-农村公路养护工程.docx"  # 项目属性: 延续项目


def _form_check_box(state):
    """A FORMCHECKBOX field's runs; ``state``: "checked" (w:checked), "default" (only w:default 1), "off"."""
    begin = etree.Element(_w("r"))
    fld = etree.SubElement(begin, _w("fldChar"), {_w("fldCharType"): "begin"})
    ff = etree.SubElement(fld, _w("ffData"))
    etree.SubElement(ff, _w("name"), {_w("val"): "Check1"})
    etree.SubElement(ff, _w("enabled"))
    box = etree.SubElement(ff, _w("checkBox"))
    etree.SubElement(box, _w("sizeAuto"))
    etree.SubElement(box, _w("default"), {_w("val"): "1" if state == "default" else "0"})
    if state == "checked":
        etree.SubElement(box, _w("checked"))
    instr = etree.Element(_w("r"))
    etree.SubElement(instr, _w("instrText")).text = " FORMCHECKBOX "
    end = etree.Element(_w("r"))
    etree.SubElement(end, _w("fldChar"), {_w("fldCharType"): "end"})
    return [begin, instr, end]


def _with_form_fields(tmp_path, first, second, name):
    def edit(part, data):
        if part != "word/document.xml":
            return data
        doc = etree.fromstring(data)
        t = next(t for t in doc.iter(_w("t")) if t.text and "延续项目" in t.text)
        p = t.getparent().getparent()
        for r in p.findall("w:r", NS):
            p.remove(r)
        for text, state in (("新增项目 ", first), ("   延续项目 ", second)):
            r = etree.SubElement(p, _w("r"))
            etree.SubElement(r, _w("t"), {"{http://www.w3.org/XML/1998/namespace}space": "preserve"}).text = text
            p.extend(_form_check_box(state))
        return etree.tostring(doc, xml_declaration=True, encoding="UTF-8", standalone=True)

    return rewrite(FORM2, tmp_path / name, edit)


@pytest.mark.parametrize("second", ["checked", "default"])
def test_legacy_form_field_check_boxes_read_as_ticks(tmp_path, second):
    path = _with_form_fields(tmp_path, "off", second, f"ff-{second}.docx")
    assert read_numeric(path) == expected(FORM2.stem)


def test_legacy_form_field_check_box_ticking_the_other_option(tmp_path):
    path = _with_form_fields(tmp_path, "checked", "off", "ff-new.docx")
    assert formparse.read(path).project_kind == "新增项目"
