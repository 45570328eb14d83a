"""OpenDocument read natively (formparse/backends/odf.py).

Real files: every bundled submission and packet saved by LibreOffice as .ods/.odt (tests/data/odf, made by
tests/data/odf/make.py) reads to the very record (and JSON) its .xlsx/.docx original does. Hand-made files:
documented ODF XML (OpenDocument 1.3, part 3: table:table-row/-cell, number-rows/columns-repeated and
-spanned, table:covered-table-cell, table:visibility, table:display, office:value-type, table:formula;
text:s/tab/line-break, text:list, text:section, text:tracked-changes, style:master-page headers) written
below, each construct read into the grid the .xlsx/.docx readers would give.
"""

import datetime as dt
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import formparse
from formparse.backends import open_grids
from formparse.backends.odf import excel_formula
from formparse.batch import discover
from tests.conftest import EXPECTED, PACKETS, SAMPLES, numeric

DATA = Path(__file__).parent / "data" / "odf"
FIXTURES = sorted(p for p in DATA.iterdir() if p.suffix in (".ods", ".odt") and p.name.startswith("附件"))
PACKET_FIXTURES = sorted(p for p in DATA.iterdir() if p.suffix in (".ods", ".odt") and not p.name.startswith("附件"))

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "of": "urn:oasis:names:tc:opendocument:xmlns:of:1.2",
    "xlink": "http://www.w3.org/1999/xlink",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}
DECLS = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items() if k != "manifest")
MIME = "application/vnd.oasis.opendocument."


def content_xml(body: str, auto_styles: str = "", faces: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {DECLS} office:version="1.3">'
            f"<office:font-face-decls>{faces}</office:font-face-decls><office:automatic-styles>{auto_styles}</office:automatic-styles><office:body>{body}</office:body>"
            "</office:document-content>")


def styles_xml(master: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {DECLS} office:version="1.3">'
            f"<office:master-styles>{master}</office:master-styles></office:document-styles>")


def odf_zip(path: Path, kind: str, body: str, *, auto_styles: str = "", master: str = "",
            manifest_extra: str = "", faces: str = "") -> Path:
    """An OpenDocument package as the spec lays it out: ``mimetype`` first and stored, the manifest, content
    and styles."""
    manifest = (f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="{NS["manifest"]}" '
                f'manifest:version="1.3">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{MIME}{kind}"/>'
                f'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{manifest_extra}'
                "</manifest:file-entry></manifest:manifest>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), MIME + kind, compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", content_xml(body, auto_styles, faces))
        zf.writestr("styles.xml", styles_xml(master))
    return path


def flat_xml(path: Path, kind: str, body: str, *, auto_styles: str = "", master: str = "") -> Path:
    """The same document as one flat XML file (.fods/.fodt): office:document holding styles and body."""
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?><office:document {DECLS} office:version="1.3" '
                    f'office:mimetype="{MIME}{kind}"><office:master-styles>{master}</office:master-styles>'
                    f"<office:automatic-styles>{auto_styles}</office:automatic-styles><office:body>{body}"
                    "</office:body></office:document>", encoding="utf-8")
    return path


def picture(grid):
    """Every position of a grid: the anchor's text, value, spans, address and formula, or its covering anchor."""
    out = {}
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            if (cell.row, cell.col) == (r, c):
                out[(r, c)] = (cell.text, cell.value, cell.rowspan, cell.colspan, cell.address, cell.formula,
                               cell.paragraph)
            else:
                out[(r, c)] = ("covered by", cell.row, cell.col)
    return out


# -- real files made by LibreOffice -------------------------------------------------------------------
def _original(path: Path) -> Path:
    suffix = ".xlsx" if path.suffix == ".ods" else ".docx"
    return (SAMPLES if path.name.startswith("附件") else PACKETS) / f"{path.stem}{suffix}"


def test_the_fixtures_are_there():
    assert len(FIXTURES) == 12 and len(PACKET_FIXTURES) == 2
    for path in FIXTURES + PACKET_FIXTURES:
        with zipfile.ZipFile(path) as zf:  # real LibreOffice packages, not hand-made ones
            assert zf.read("mimetype").decode() == MIME + ("spreadsheet" if path.suffix == ".ods" else "text")
            assert b"LibreOffice" in zf.read("meta.xml")


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_libreoffice_odf_reads_exactly_as_its_original(path):
    got = formparse.read(path)
    assert numeric(formparse.to_dict(got)) == numeric(json.loads((EXPECTED / f"{path.stem}.json").read_text("utf-8")))
    assert formparse.dumps(got) == formparse.dumps(formparse.read(_original(path)))  # the very same JSON


@pytest.mark.parametrize("path", PACKET_FIXTURES, ids=lambda p: p.name)
def test_libreoffice_odf_packets_read_every_form(path):
    got = [(f.schema, f.where, formparse.to_dict(f.record)) for f in formparse.read_all(path)]
    want = [(f.schema, f.where, formparse.to_dict(f.record)) for f in formparse.read_all(_original(path))]
    assert len(got) >= 2 and got == want


def test_sheet_names_and_addresses_are_the_workbooks():
    ods = open_grids(str(DATA / "附件1-2020-邵阳市科学技术局.ods"))
    xlsx = open_grids(str(SAMPLES / "附件1-2020-邵阳市科学技术局.xlsx"))
    assert [len(g) for g in ods] == [len(g) for g in xlsx]
    for a, b in zip(ods, xlsx, strict=True):
        assert [(c.address, c.text, c.rowspan, c.colspan) for c in a.reading_order()] == \
            [(c.address, c.text, c.rowspan, c.colspan) for c in b.reading_order()]


# -- spreadsheets written by hand ----------------------------------------------------------------------
def _cell(text: str = "", attrs: str = "") -> str:
    return f"<table:table-cell {attrs}><text:p>{text}</text:p></table:table-cell>" if text else \
        f"<table:table-cell {attrs}/>"


SHEET_STYLES = ('<style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/>'
                '</style:style><style:style style:name="ta2" style:family="table">'
                '<style:table-properties table:display="false"/></style:style>')
SHEETS = (
    '<office:spreadsheet><table:table table:name="申报表" table:style-name="ta1">'
    # columns: A, B, C (hidden), D, then the rest of the sheet's 16384 as one repeat
    '<table:table-column table:number-columns-repeated="2"/><table:table-column table:visibility="collapse"/>'
    '<table:table-column table:number-columns-repeated="16381"/>'
    # 1: a title merged over A1:C1 (its covered cells follow it)
    "<table:table-row>" + _cell("附件1", 'table:number-columns-spanned="3" table:number-rows-spanned="1" '
                                        'office:value-type="string"')
    + '<table:covered-table-cell table:number-columns-repeated="2"/>'
    '<table:table-cell table:number-columns-repeated="16381"/></table:table-row>'
    # 2: a number shown with its format, a date as shown, a percentage
    "<table:table-row>" + _cell("编制人数", 'office:value-type="string"')
    + _cell("1,280.00", 'office:value-type="float" office:value="1280"')
    + _cell("2020年12月30日", 'office:value-type="date" office:date-value="2020-12-30"')
    + _cell("15.00%", 'office:value-type="percentage" office:value="0.15"') + "</table:table-row>"
    # 3: a hidden row
    '<table:table-row table:visibility="collapse">' + _cell("隐藏行", 'office:value-type="string"')
    + "</table:table-row>"
    # 4–5: a row of content repeated twice, its B and C one cell repeated
    '<table:table-row table:number-rows-repeated="2">' + _cell("重复", 'office:value-type="string"')
    + _cell("x", 'office:value-type="string" table:number-columns-repeated="2"') + "</table:table-row>"
    # 6: formulas: a cached result, a stale one, one saved without a result
    "<table:table-row>" + _cell("1290", 'table:formula="of:=[.B2]+[.B7]" office:value-type="float" office:value="1290"')
    + _cell("99", 'table:formula="of:=SUM([.B2:.B2])" office:value-type="float" office:value="99"')
    + '<table:table-cell table:formula="of:=[.B2]*2"/>'
    + _cell("12:30:00", 'office:value-type="time" office:time-value="PT12H30M00S"') + "</table:table-row>"
    # 7: two paragraphs in a cell; spaces, tabs, line breaks, spans and links; a boolean
    "<table:table-row><table:table-cell office:value-type=\"string\"><text:p>基本</text:p><text:p>支出</text:p>"
    "</table:table-cell>" + _cell("10", 'office:value-type="float" office:value="10"')
    + '<table:table-cell office:value-type="string"><text:p>  编制 <text:s text:c="3"/>人数<text:tab/>a'
      '<text:line-break/><text:span>b</text:span>   <text:a xlink:href="http://x">c</text:a> </text:p>'
      '<office:annotation><text:p>批注不是内容</text:p></office:annotation></table:table-cell>'
    + _cell("TRUE", 'office:value-type="boolean" office:boolean-value="true"') + "</table:table-row>"
    # 8–9: a cell merged down over two rows; the row below starts with its covered cell
    "<table:table-row>" + _cell("合并", 'office:value-type="string" table:number-rows-spanned="2"')
    + "</table:table-row><table:table-row><table:covered-table-cell/>"
    + _cell("¥3.50", 'office:value-type="currency" office:currency="CNY" office:value="3.5"') + "</table:table-row>"
    # LibreOffice's end of every sheet: a million empty rows, never built
    '<table:table-row table:number-rows-repeated="1048567"><table:table-cell table:number-columns-repeated="16384"/>'
    "</table:table-row></table:table>"
    # a second sheet, hidden
    '<table:table table:name="去年" table:style-name="ta2"><table:table-row>'
    + _cell("旧表", 'office:value-type="string"') + "</table:table-row></table:table></office:spreadsheet>"
)


def test_a_hand_made_spreadsheet(tmp_path):
    grids = open_grids(str(odf_zip(tmp_path / "表.ods", "spreadsheet", SHEETS, auto_styles=SHEET_STYLES)))
    assert len(grids) == 2
    g, hidden = grids
    assert len(g.rows) == 9 and {len(r) for r in g.rows} == {4}  # the used area only
    p = picture(g)
    assert p[(0, 0)] == ("附件1", None, 1, 3, "申报表!A1", None, False)
    assert p[(0, 1)] == p[(0, 2)] == ("covered by", 0, 0)
    assert p[(1, 1)] == ("1,280.00", 1280, 1, 1, "申报表!B2", None, False)
    assert type(p[(1, 1)][1]) is int
    assert p[(1, 2)] == ("2020年12月30日", dt.datetime(2020, 12, 30), 1, 1, "申报表!C2", None, False)
    assert p[(1, 3)][:2] == ("15.00%", 0.15)
    assert g.hidden_rows == {2} and g.hidden_cols == {2}
    assert [p[(r, c)][0] for r in (3, 4) for c in range(3)] == ["重复", "x", "x"] * 2
    assert [p[(3, c)][4] for c in range(3)] == ["申报表!A4", "申报表!B4", "申报表!C4"]
    assert p[(5, 0)] == ("1290", 1290, 1, 1, "申报表!A6", "B2+B7", False)
    assert p[(5, 1)][5] == "SUM(B2:B2)"
    assert p[(5, 2)][:2] == ("2560", 2560)  # a formula saved without its result is computed
    assert p[(5, 3)][:2] == ("12:30:00", dt.datetime(1899, 12, 31, 12, 30))  # as the .xlsx reader dates a time
    assert [n for n in g.notes if n[0] == "申报表!B6"]  # the stale cached total is noted
    assert p[(6, 0)][0] == "基本\n支出"
    assert p[(6, 2)][0] == "  编制    人数\ta\nb   c "  # Calc keeps a cell's spaces as typed
    assert p[(6, 3)][:2] == ("TRUE", None)
    assert p[(7, 0)] == ("合并", None, 2, 1, "申报表!A8", None, False) and p[(8, 0)] == ("covered by", 7, 0)
    assert p[(8, 1)][:2] == ("¥3.50", 3.5)
    assert not g.sheet_hidden and hidden.sheet_hidden
    assert picture(hidden) == {(0, 0): ("旧表", None, 1, 1, "去年!A1", None, False)}


def test_flat_xml_reads_like_the_package(tmp_path):
    zipped = open_grids(str(odf_zip(tmp_path / "表.ods", "spreadsheet", SHEETS, auto_styles=SHEET_STYLES)))
    flat = open_grids(str(flat_xml(tmp_path / "表.fods", "spreadsheet", SHEETS, auto_styles=SHEET_STYLES)))
    assert [picture(g) for g in flat] == [picture(g) for g in zipped]
    assert [g.sheet_hidden for g in flat] == [False, True]
    assert flat[0].hidden_rows == {2} and flat[0].hidden_cols == {2}


@pytest.mark.parametrize(("odf", "excel"), [
    ("of:=SUM([.E11:.I11])", "SUM(E11:I11)"), ("of:=[.B3]+[.$C$4]*2", "B3+$C$4*2"),
    ("of:=[$Sheet2.A1];[$'My ''x'' sheet'.B2:.C3]", "Sheet2!A1,My 'x' sheet!B2:C3"),
    ('of:=IF([.A1]>0;"a;[.b]";1)', 'IF(A1>0,"a;[.b]",1)'), ("=A1+1", "A1+1"),
])
def test_formulas_in_the_xlsx_readers_spelling(odf, excel):
    assert excel_formula(odf) == excel


# -- text documents written by hand --------------------------------------------------------------------
DOC = (
    "<office:text>"
    # deleted text is kept for change tracking here, outside the text: never read
    '<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion><office:change-info>'
    "<dc:creator>某人</dc:creator></office:change-info>"
    "<text:p>王五</text:p></text:deletion></text:changed-region></text:tracked-changes>"
    "<text:sequence-decls/>"
    "<text:p>附件1</text:p>"
    '<text:h text:outline-level="1">2020年部门整体支出绩效目标申报表</text:h>'
    "<text:p/>"
    "<text:section text:name=\"s1\"><text:p>填报单位（盖章）：某局</text:p></text:section>"
    "<text:list><text:list-item><text:p>一、部门基本信息</text:p></text:list-item></text:list>"
    '<table:table table:name="表格1"><table:table-column table:number-columns-repeated="3"/>'
    "<table:table-row>"
    '<table:table-cell table:number-rows-spanned="2" office:value-type="string"><text:p>部门基本信息</text:p>'
    "</table:table-cell>"
    '<table:table-cell><text:p>编制人数</text:p></table:table-cell>'
    '<table:table-cell office:value-type="float" office:value="23"><text:p>23</text:p></table:table-cell>'
    "</table:table-row><table:table-row><table:covered-table-cell/>"
    "<table:table-cell><text:p>实有人数</text:p></table:table-cell>"
    "<table:table-cell><text:p>25</text:p><table:table><table:table-column table:number-columns-repeated=\"2\"/>"
    "<table:table-row><table:table-cell><text:p>指标</text:p></table:table-cell>"
    "<table:table-cell><text:p>值</text:p></table:table-cell></table:table-row></table:table>"
    "</table:table-cell></table:table-row>"
    "<table:table-row>"
    '<table:table-cell table:number-columns-spanned="2"><text:p>填报人</text:p></table:table-cell>'
    "<table:covered-table-cell/>"
    '<table:table-cell><text:p>张三<text:change text:change-id="ct1"/><text:change-start text:change-id="ct2"/>李'
    '<text:change-end text:change-id="ct2"/></text:p></table:table-cell>'
    "</table:table-row></table:table>"
    "<text:p>\n  联系电话：  \t <text:span>0739-1234567</text:span><text:note text:note-class=\"footnote\">"
    "<text:note-citation>1</text:note-citation><text:note-body><text:p>脚注</text:p></text:note-body></text:note>"
    "</text:p>"
    "<text:p>附注<draw:frame><draw:text-box><text:p>框中文字</text:p></draw:text-box></draw:frame></text:p>"
    '<draw:frame text:anchor-type="page"><draw:text-box><text:p>页上的框</text:p></draw:text-box></draw:frame>'
    "</office:text>"
)
MASTER = ('<style:master-page style:name="Standard"><style:header><text:p>单位：万元</text:p></style:header>'
          "<style:footer><text:p>附件1</text:p></style:footer></style:master-page>")


def test_a_hand_made_text_document(tmp_path):
    (g,) = open_grids(str(odf_zip(tmp_path / "表.odt", "text", DOC, master=MASTER)))
    texts = [[c.text if c is not None and (c.row, c.col) == (r, k) else c and "↑" for k, c in enumerate(row)]
             for r, row in enumerate(g.rows)]
    assert texts == [
        ["单位：万元"],  # the header line the body lacks; the footer's 附件1 is in the body already
        ["附件1"], ["2020年部门整体支出绩效目标申报表"], ["填报单位（盖章）：某局"], ["一、部门基本信息"],
        ["部门基本信息", "编制人数", "23"],
        ["↑", "实有人数", "25"],
        [None, None, "指标", "值"],  # the table nested in 25's cell, from that cell's column on
        ["填报人", "↑", "张三李"],  # the deletion 王五 left out, the insertion 李 read
        ["联系电话： 0739-1234567"],  # Writer's spaces: leading dropped, a run one; the footnote left out
        ["附注\n框中文字\n"],  # a text box's paragraph is a line of the paragraph it sits in, as in .docx
        ["页上的框"],  # a frame anchored to the page, outside any paragraph
    ]
    p = picture(g)
    assert [g.rows[r][0].address for r in (0, 1, 2, 3, 4, 9)] == ["页眉第1段", "第1段", "第2段", "第4段", "第5段",
                                                                  "第6段"]
    assert p[(5, 0)][2:5] == (2, 1, "表1第1行第1列") and p[(5, 2)][1] is None  # a text document has no typed values
    assert p[(7, 2)][4] == "表2第1行第3列" and p[(8, 0)][2:5] == (1, 2, "表1第3行第1列")
    assert g.row_blocks == [-1, -1, -1, -1, -1, 1, 1, 2, 1, -1, -1, -1]
    assert g.rows[11][0].address == "文本框1"
    assert all(c.paragraph for r in (0, 1, 9) for c in g.rows[r])
    flat = open_grids(str(flat_xml(tmp_path / "表.fodt", "text", DOC, master=MASTER)))
    assert [picture(x) for x in flat] == [p]


def test_a_header_line_the_body_holds_is_not_read_twice(tmp_path):
    master = MASTER.replace("单位：万元", "填报单位（盖章）： 某局")
    (g,) = open_grids(str(odf_zip(tmp_path / "表.odt", "text", DOC, master=master)))
    assert g.rows[0][0].text == "附件1" and not any(c.address.startswith("页") for row in g.rows for c in row if c)


# -- what is not read, and what is not written ----------------------------------------------------------
def test_other_opendocument_kinds_are_named(tmp_path):
    with pytest.raises(formparse.UnreadableFile, match="演示文稿"):
        formparse.read(odf_zip(tmp_path / "报告.odp", "presentation", "<office:presentation/>"))
    epub = tmp_path / "书.ods"
    with zipfile.ZipFile(epub, "w") as zf:
        zf.writestr("mimetype", "application/epub+zip")
        zf.writestr("META-INF/container.xml", "<container/>")
    with pytest.raises(formparse.UnreadableFile, match="application/epub\\+zip"):
        formparse.read(epub)
    locked = odf_zip(tmp_path / "加密.ods", "spreadsheet", SHEETS, auto_styles=SHEET_STYLES,
                     manifest_extra='<manifest:encryption-data manifest:checksum-type="SHA1"/>')
    with pytest.raises(formparse.EncryptedFile, match="密码"):
        formparse.read(locked)


def test_fill_writes_xlsx_and_docx_only(tmp_path):
    record = formparse.read(DATA / "附件1-2020-邵阳市科学技术局.ods")
    with pytest.raises(formparse.CannotFill, match=r"\.xlsx 或 \.docx"):
        formparse.fill(record, tmp_path / "x.ods")
    for template, out in ((DATA / "附件1-2020-邵阳市科学技术局.ods", "out.xlsx"),
                          (DATA / "附件1-2020-邵阳市科学技术局.odt", "out.docx")):
        with pytest.raises(formparse.FormparseError, match="OpenDocument.*另存为"):
            formparse.fill(record, tmp_path / out, template=template)
        assert not (tmp_path / out).exists()
    res = subprocess.run([sys.executable, "-m", "formparse", "fill", str(EXPECTED / "附件1-2020-邵阳市科学技术局.json"),
                          "-o", str(tmp_path / "x.odt")], capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and ".xlsx" in res.stderr


def test_check_highlight_names_the_cell_and_writes_no_copy(tmp_path):
    inbox, marked = tmp_path / "收件箱", tmp_path / "标注"
    inbox.mkdir()
    src = DATA / "附件1-2020-邵阳市科学技术局.ods"
    (inbox / src.name).write_bytes(src.read_bytes())
    res = subprocess.run([sys.executable, "-m", "formparse", "check", str(inbox), "--highlight", str(marked)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "Sheet1!" in res.stdout + res.stderr  # the warnings name their cells
    assert "只能在 .docx/.xlsx 文件上标注" in res.stderr
    assert not (marked / src.name).exists()


def test_folders_take_the_new_formats(tmp_path):
    for name in ("a.ods", "b.odt", "c.ots", "d.ott", "e.fods", "f.fodt", "g.rtf", "h.odp", "i.txt"):
        (tmp_path / name).write_bytes(b"")
    assert discover(tmp_path) == ["a.ods", "b.odt", "c.ots", "d.ott", "e.fods", "f.fodt", "g.rtf"]
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for p in FIXTURES[:2]:
        (inbox / p.name).write_bytes(p.read_bytes())
    batch = formparse.read_folder(inbox, workers=1)
    assert sorted(batch.records) == sorted(p.name for p in FIXTURES[:2]) and not batch.problems


def test_symbol_fonts_show_the_marks_they_draw(tmp_path):
    # a text style naming a font face, one inheriting it, and a cell style naming a font family
    faces = '<style:font-face style:name="Wingdings 2" svg:font-family="&apos;Wingdings 2&apos;"/>'
    styles = ('<style:style style:name="T1" style:family="text"><style:text-properties style:font-name="Wingdings 2"/>'
              '</style:style><style:style style:name="T2" style:family="text" style:parent-style-name="T1"/>'
              '<style:style style:name="ce1" style:family="table-cell"><style:text-properties '
              'fo:font-family="Wingdings"/></style:style>')
    body = ('<office:text><text:p>新增项目<text:span text:style-name="T1">R</text:span>　延续项目'
            '<text:span text:style-name="T2">\uf0a3</text:span></text:p></office:text>')
    (g,) = open_grids(str(odf_zip(tmp_path / "勾.odt", "text", body, auto_styles=styles, faces=faces)))
    assert g.rows[0][0].text == "新增项目☑　延续项目□"
    sheet = ('<office:spreadsheet><table:table table:name="S"><table:table-row>'
             '<table:table-cell table:style-name="ce1" office:value-type="string"><text:p>新增项目þ¨</text:p>'
             '</table:table-cell><table:table-cell table:style-name="ce1" office:value-type="float" office:value="12">'
             "<text:p>12</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet>")
    (s,) = open_grids(str(odf_zip(tmp_path / "勾.ods", "spreadsheet", sheet, auto_styles=styles)))
    assert [c.text for c in s.rows[0]] == ["新增项目☑□", "12"]  # a number keeps its digits


def test_numbers_as_libreoffice_saves_them(tmp_path):
    cells = ('<table:table-cell table:formula="of:=FALSE()" office:value-type="float" office:value="0" '
             'calcext:value-type="float"><text:p>FALSE</text:p></table:table-cell>'
             '<table:table-cell office:value-type="float" office:value="9.00719925474099E+015" '
             'calcext:value-type="float"><text:p>9.00719925474099E+015</text:p></table:table-cell>'
             '<table:table-cell office:value-type="float" office:value="0.30000000000000004">'
             "<text:p>0.3</text:p></table:table-cell>")
    body = f'<office:spreadsheet><table:table table:name="S"><table:table-row>{cells}</table:table-row>' \
           "</table:table></office:spreadsheet>"
    body = body.replace("<office:spreadsheet>", '<office:spreadsheet xmlns:calcext="urn:org:documentfoundation:'
                                                'names:experimental:calc:xmlns:calcext:1.0">')
    (g,) = open_grids(str(odf_zip(tmp_path / "数.ods", "spreadsheet", body)))
    # a logical formula's result is a boolean (no number); a double is what the sheet shows, 15 digits
    assert [(c.text, c.value) for c in g.rows[0]] == [("FALSE", None), ("9.00719925474099E+015", 9007199254740990),
                                                      ("0.3", 0.3)]
    assert g.rows[0][0].formula == "FALSE()"


def test_a_flat_file_with_a_dtd_and_content_repeated_across_are_refused(tmp_path):
    # (the packaged hostile files are in tests/hostile.py, read in a memory-capped process)
    xxe = tmp_path / "xxe.fodt"
    flat_xml(xxe, "text", "<office:text><text:p>&x;</text:p></office:text>")
    xxe.write_text(xxe.read_text("utf-8").replace("?>", '?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
                                                  1), "utf-8")
    with pytest.raises(formparse.UnsafeFile, match="DTD"):
        formparse.read(xxe)
    across = ('<office:spreadsheet><table:table table:name="S"><table:table-row>'
              '<table:table-cell table:number-columns-repeated="16384"><text:p>填报单位</text:p></table:table-cell>'
              "</table:table-row></table:table></office:spreadsheet>")
    with pytest.raises(formparse.UnsafeFile, match="超过 2000 列"):
        formparse.read(odf_zip(tmp_path / "宽.ods", "spreadsheet", across))
