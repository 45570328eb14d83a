"""Page headers and footers per section (issue 18, “all of a document”): a packet whose forms are sections of one
.docx (or page styles of one .odt), each with its own header (填报单位, 单位) and footer (填报人, 联系电话); and a
header or footer holding a table, in OpenDocument as in .docx.

The .docx files are generated forms (tests/structural.py, tests/structural_project.py) written by python-docx, their
lines moved into headers/footers as Word writes them (ECMA-376 Part 1, 17.10: w:sectPr in the last paragraph of
each section, w:headerReference/w:footerReference); the .odt ones hand-written ODF XML (ODF 1.3 §16.9–16.11:
style:master-page with style:header/style:footer, a paragraph style's style:master-page-name starting a page
style). tests/acceptance/test_classes.py has the same made by LibreOffice."""

import copy

import pytest

import formparse
from formparse.backends import open_grids
from tests import classkit
from tests.test_backend_odf import odf_zip


def _packet(tmp_path, seed):
    made = [classkit._form(100 + seed, "附件1", "docx", lines=True),
            *(classkit._form(100 + 10 * seed + k, "附件2", "docx", lines=True) for k in range(2))]
    src = classkit._packet_docx([f for f, _ in made], tmp_path / f"packet-{seed}.docx")
    return src, [classkit._json(w) for _, w in made]


@pytest.mark.parametrize("seed", [0, 1])
def test_each_section_of_a_packet_keeps_its_own_header_and_footer_lines(tmp_path, seed):
    src, want = _packet(tmp_path, seed)
    moved = classkit.page_parts(src, tmp_path / "moved.docx")
    assert moved is not None
    found = formparse.read_all(moved)
    assert [classkit._json(f.record) for f in found] == want
    lines = [c.address for row in open_grids(str(moved))[0].rows for c in row if c is not None]
    assert "页眉第1段" in lines and "第2节页眉第1段" in lines and "第3节页脚第1段" in lines
    for f in found:  # every form's lines read: none left over as unread
        assert not [w for w in f.record.warnings if w.code == "unread" and "页" in (w.cell or "")]


def test_a_single_form_reads_its_header_lines_before_the_body(tmp_path):
    """One section: every part's lines around the whole body, as before sections were told apart."""
    form, want = classkit._form(0, "附件1", "docx", lines=True)
    src = classkit.write_docx(form, tmp_path / "one.docx")
    moved = classkit.page_parts(src, tmp_path / "moved.docx")
    assert moved is not None
    grid = open_grids(str(moved))[0]
    assert grid.rows[0][0].address == "页眉第1段" and grid.rows[-1][0].address.startswith("页脚")
    assert classkit._json(formparse.read(moved)) == classkit._json(want)


_P2 = '<style:style style:name="P2" style:family="paragraph" style:master-page-name="Second"/>'
_MASTERS = ('<style:master-page style:name="Standard"><style:header><text:p>填报单位：甲局</text:p></style:header>'
            '<style:footer><table:table><table:table-row><table:table-cell><text:p>填报人</text:p></table:table-cell>'
            '<table:table-cell><text:p>张三</text:p></table:table-cell><table:table-cell><text:p>标题一</text:p>'
            '</table:table-cell></table:table-row><table:table-row><table:table-cell><text:p>标题一</text:p>'
            '</table:table-cell></table:table-row></table:table></style:footer></style:master-page>'
            '<style:master-page style:name="Second" style:next-style-name="SecondNext">'
            '<style:header><text:p>填报单位：乙局</text:p></style:header></style:master-page>'
            '<style:master-page style:name="SecondNext"><style:footer><text:p>填报人：李四</text:p></style:footer>'
            '</style:master-page>')
_BODY = ('<office:text><text:p>标题一</text:p><table:table><table:table-row><table:table-cell><text:p>甲</text:p>'
         '</table:table-cell></table:table-row></table:table>'
         '<text:p text:style-name="P2">标题二</text:p><table:table><table:table-row><table:table-cell><text:p>乙'
         '</text:p></table:table-cell></table:table-row></table:table></office:text>')


def test_odf_page_styles_with_their_own_headers_place_them_around_their_part(tmp_path):
    (g,) = open_grids(str(odf_zip(tmp_path / "包.odt", "text", _BODY, auto_styles=_P2, master=_MASTERS)))
    got = [(c.text, c.address) for r, row in enumerate(g.rows) for k, c in enumerate(row)
           if c is not None and (c.row, c.col) == (r, k)]
    assert got == [("标题一", "第1段"), ("填报单位：甲局", "页眉第1段"), ("甲", "表1第1行第1列"),
                   ("填报人", "页脚表1第1行第1列"), ("张三", "页脚表1第1行第2列"), ("标题一", "页脚表1第1行第3列"),
                   ("标题二", "第2段"), ("填报单位：乙局", "第2节页眉第1段"), ("乙", "表2第1行第1列"),
                   ("填报人：李四", "第2节页脚第1段")]
    assert [c.row for row in g.rows for c in row if c is not None] == [r for r, row in enumerate(g.rows) for c in row
                                                                      if c is not None]


def test_odf_header_table_rows_the_body_holds_are_left_out_and_one_page_style_reads_as_before(tmp_path):
    (g,) = open_grids(str(odf_zip(tmp_path / "表.odt", "text", _BODY.replace(' text:style-name="P2"', ""),
                                  auto_styles=_P2, master=_MASTERS)))
    texts = [[c.text for c in row if c is not None] for row in g.rows]
    # every master page's lines around the whole body; the footer table's second row (标题一) is the body's
    assert texts == [["填报单位：甲局"], ["填报单位：乙局"], ["标题一"], ["甲"], ["标题二"], ["乙"],
                     ["填报人", "张三", "标题一"], ["填报人：李四"]]
    assert g.rows[6][0].address == "页脚表1第1行第1列"
    assert g.row_blocks == [-1, -1, -1, 1, -1, 2, 2_000_001, -1]  # the footer's table is not the body's 表1


def test_header_lines_run_together_as_libreoffice_reads_an_rtf_are_not_read_twice(tmp_path):
    """LibreOffice, reading back an RTF whose sections have first-page and even-page headers, joins their lines
    into one paragraph (“单位：万元填报单位：某局”): text already read, so neither a second 填报单位 nor unread."""
    from lxml import etree

    from tests.partkit import rewrite

    form, want = classkit._form(1, "附件2", "docx", lines=True)
    moved = classkit.page_parts(classkit.write_docx(form, tmp_path / "one.docx"), tmp_path / "moved.docx")
    assert moved is not None

    def joined(name, data):
        if not name.startswith("word/header") and not name.startswith("word/footer"):
            return data
        root = etree.fromstring(data)
        paras = root.findall(classkit._w("p"))
        extra = etree.SubElement(root, classkit._w("p"))
        etree.SubElement(etree.SubElement(extra, classkit._w("r")), classkit._w("t")).text = "".join(
            "".join(p.itertext()) for p in paras[::-1] * 2)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    out = rewrite(moved, tmp_path / "joined.docx", joined)
    rec = formparse.read(out)
    assert classkit._json(rec) == classkit._json(want)
    assert not [w for w in rec.warnings if w.code == "unread"]


def _split_over_sections(tmp_path, seed):
    """A generated 附件1 (lines in the header/footer) whose second table is in a section of its own, with header
    and footer parts of its own holding the same lines (as a copy whose landscape section was unlinked)."""
    import re

    from lxml import etree

    from tests.partkit import parts_of, rewrite

    form, want = classkit._form(seed, "附件1", "docx", lines=True)
    moved = classkit.page_parts(classkit.write_docx(form, tmp_path / "one.docx"), tmp_path / "moved.docx")
    assert moved is not None
    parts = parts_of(moved)
    doc = etree.fromstring(parts["word/document.xml"])
    body = doc.find(classkit._w("body"))
    tables = body.findall(classkit._w("tbl"))
    if len(tables) < 2:
        return None, None
    sect = copy.deepcopy(body.find(classkit._w("sectPr")))
    rels, types = parts["word/_rels/document.xml.rels"].decode(), parts["[Content_Types].xml"].decode()
    add = {}
    for ref in sect.findall(classkit._w("headerReference")) + sect.findall(classkit._w("footerReference")):
        rid = ref.get(f"{{{classkit.R}}}id")
        target = re.search(f'Id="{rid}"[^>]*Target="([^"]+)"', rels).group(1)
        kind = "header" if "header" in target else "footer"
        add[f"word/copy-{target}"] = parts[f"word/{target}"]
        ref.set(f"{{{classkit.R}}}id", rid + "c")
        rels = rels.replace("</Relationships>", f'<Relationship Id="{rid}c" Type="{classkit.REL_T}{kind}" '
                            f'Target="copy-{target}"/></Relationships>')
        types = types.replace("</Types>", f'<Override PartName="/word/copy-{target}" '
                              f'ContentType="{classkit.CT}{kind}+xml"/></Types>')
    brk = etree.Element(classkit._w("p"))
    etree.SubElement(brk, classkit._w("pPr")).append(sect)
    tables[1].addprevious(brk)
    add.update({"word/document.xml": etree.tostring(doc, xml_declaration=True, encoding="UTF-8", standalone=True),
                "word/_rels/document.xml.rels": rels.encode(), "[Content_Types].xml": types.encode()})
    return rewrite(moved, tmp_path / "split.docx", add=add), want


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_form_going_on_in_a_section_of_its_own_reads_its_copied_header_once(tmp_path, seed):
    path, want = _split_over_sections(tmp_path, seed)
    if path is None:
        pytest.skip("this layout has one table")
    rec = formparse.read(path)
    assert classkit._json(rec) == classkit._json(want)
    assert not [w for w in rec.warnings if w.code == "unread" and "页" in (w.cell or "")]


def test_an_odf_page_style_opening_with_a_table_continues_the_part_before(tmp_path):
    """The second page style starts at a table (a form's table going on, landscape): one part, every master
    page's lines around the whole body, as for one page style."""
    t2 = '<style:style style:name="T2" style:family="table" style:master-page-name="Second"/>'
    body = _BODY.replace('<text:p text:style-name="P2">标题二</text:p><table:table>',
                         '<table:table table:style-name="T2">')
    (g,) = open_grids(str(odf_zip(tmp_path / "续.odt", "text", body, auto_styles=_P2 + t2, master=_MASTERS)))
    texts = [[c.text for c in row if c is not None] for row in g.rows]
    assert texts == [["填报单位：甲局"], ["填报单位：乙局"], ["标题一"], ["甲"], ["乙"], ["填报人", "张三", "标题一"],
                     ["填报人：李四"]]
