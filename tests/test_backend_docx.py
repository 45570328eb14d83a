"""The .docx back-end on Word constructs python-docx does not show: content controls, tracked
changes, vMerge continuations, gridSpan, several tables."""

import copy
import zipfile

import attrs
import pytest
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

import formparse
from formparse.backends.docx import read_grids
from tests.conftest import SAMPLES, SEED_JSON


def _rewrite(path, edit):
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    edit(root)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    with zipfile.ZipFile(path, "w") as zf:
        for n, data in parts.items():
            zf.writestr(n, data)


def _table(tmp_path, rows):
    doc = Document()
    t = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    path = tmp_path / "t.docx"
    doc.save(path)
    return path, t


def test_content_controls_and_tracked_changes(tmp_path):
    path, _ = _table(tmp_path, [["标签", "值"]])

    def edit(root):
        tcs = list(root.iter(qn("w:tc")))
        p = tcs[1].find(qn("w:p"))
        run = p.find(qn("w:r"))
        # the value's run inside a content control, then a tracked insertion and a deletion
        sdt = etree.SubElement(p, qn("w:sdt"))
        etree.SubElement(sdt, qn("w:sdtPr"))
        etree.SubElement(sdt, qn("w:sdtContent")).append(run)
        ins = etree.SubElement(p, qn("w:ins"))
        r2 = etree.SubElement(ins, qn("w:r"))
        etree.SubElement(r2, qn("w:t")).text = "加"
        dele = etree.SubElement(p, qn("w:del"))
        r3 = etree.SubElement(dele, qn("w:r"))
        etree.SubElement(r3, qn("w:delText")).text = "删"
        # the whole first cell wrapped in a cell-level content control
        wrapper = etree.Element(qn("w:sdt"))
        tcs[0].addprevious(wrapper)
        etree.SubElement(wrapper, qn("w:sdtContent")).append(tcs[0])

    _rewrite(path, edit)
    grid = read_grids(str(path))[0]
    texts = [c.text for c in grid.own_anchors(0)]
    assert texts == ["标签", "值加"]


def test_vmerge_and_gridspan_make_one_cell(tmp_path):
    doc = Document()
    t = doc.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(2, 0)).text = "左"
    t.cell(0, 1).merge(t.cell(0, 2)).text = "宽"
    path = tmp_path / "m.docx"
    doc.save(path)
    grid = read_grids(str(path))[0]
    left = grid.at(0, 0)
    assert left.text == "左" and left.rowspan == 3 and grid.at(2, 0) is left
    assert grid.at(0, 1) is grid.at(0, 2) and grid.at(0, 1).colspan == 2
    assert grid.at(1, 0).address == "表1第1行第1列"


def test_line_breaks_and_paragraphs_in_a_cell(tmp_path):
    path, t = _table(tmp_path, [["a"]])
    doc = Document(path)
    cell = doc.tables[0].cell(0, 0)
    cell.paragraphs[0].add_run().add_break()
    cell.paragraphs[0].add_run("b")
    cell.add_paragraph("")
    cell.add_paragraph("c")
    doc.save(path)
    assert read_grids(str(path))[0].at(0, 0).text == "a\nb\n\nc"


def test_table_split_in_two_reads_as_one_form(tmp_path):
    """Word's Split Table: the indicator rows continue in a second table after an empty paragraph."""
    record = formparse.loads(SEED_JSON.read_text(encoding="utf-8"))
    path = formparse.fill(record, tmp_path / "seed.docx")

    def edit(root):
        tbl = next(root.iter(qn("w:tbl")))
        rows = [tr for tr in tbl if tr.tag == qn("w:tr")]
        at = next(i for i, tr in enumerate(rows) if "经济指标" in "".join(tr.itertext()))
        second = etree.Element(qn("w:tbl"))
        second.append(copy.deepcopy(tbl.find(qn("w:tblPr"))))
        second.append(copy.deepcopy(tbl.find(qn("w:tblGrid"))))
        for tr in rows[at:]:
            second.append(tr)
        para = etree.Element(qn("w:p"))
        tbl.addnext(para)
        para.addnext(second)

    _rewrite(path, edit)
    assert len(Document(path).tables) == 3  # two halves and the footer
    assert formparse.read(path) == record


def test_the_seed_sample_has_its_spacing(tmp_path):
    grid = read_grids(str(SAMPLES / "附件1-2020-邵阳市科学技术局.docx"))[0]
    texts = [c.text for c in grid.reading_order()]
    assert any("编制" in t and "人数" in t and t.replace("\xa0", " ") != "编制人数" for t in texts)
    assert any(t.startswith("基本") and "\n" in t for t in texts)


# -- check boxes drawn with symbol fonts (Word's Insert › Symbol, or a run set in Wingdings) -----------

def _sym(run, font, char):
    from docx.oxml import OxmlElement
    el = OxmlElement("w:sym")
    el.set(qn("w:font"), font)
    el.set(qn("w:char"), char)
    run._r.append(el)


def _kind_cell(doc):
    return next(c for t in doc.tables for row in t.rows for c in row.cells if "新增项目" in c.text)


def _retick(path, out, draw):
    """The sample with its 项目属性 cell redrawn by ``draw(paragraph)``."""
    doc = Document(str(path))
    cell = _kind_cell(doc)
    for p in cell.paragraphs[1:]:
        p._p.getparent().remove(p._p)
    p = cell.paragraphs[0]
    for r in list(p._p):
        if r.tag != qn("w:pPr"):
            p._p.remove(r)
    draw(p)
    doc.save(str(out))
    return out


PROJECT_DOCX = SAMPLES / "附件2-2020-邵阳市科学技术局-市级科技计划项目专项资金.docx"


@pytest.mark.parametrize(("ticked", "draw"), [
    ("延续项目", lambda p: (p.add_run("新增项目"), _sym(p.add_run(), "Wingdings 2", "F0A3"),
                           p.add_run("　　延续项目"), _sym(p.add_run(), "Wingdings 2", "F052"))),
    ("新增项目", lambda p: (p.add_run("新增项目"), _sym(p.add_run(), "Wingdings", "F0FE"),
                           p.add_run("　　延续项目"), _sym(p.add_run(), "Wingdings", "F0A8"))),
    ("新增项目", lambda p: (p.add_run("新增项目"), setattr(p.add_run("R").font, "name", "Wingdings 2"),
                           p.add_run("　　延续项目"), setattr(p.add_run("£").font, "name", "Wingdings 2"))),
    ("延续项目", lambda p: (p.add_run("新增项目□　　延续项目"), _sym(p.add_run(), "Symbol", "F0D6"))),
    (None, lambda p: (p.add_run("新增项目"), _sym(p.add_run(), "Wingdings", "00A8"),
                      p.add_run("　　延续项目"), _sym(p.add_run(), "Wingdings", "00A8"))),
])
def test_symbol_font_ticks_are_read(tmp_path, ticked, draw):
    path = _retick(PROJECT_DOCX, tmp_path / "ticked.docx", draw)
    rec = formparse.read(path)
    assert rec.project_kind == ticked
    assert rec == attrs.evolve(formparse.read(PROJECT_DOCX), project_kind=ticked)  # nothing else changed


def test_an_unknown_symbol_in_a_check_box_is_an_error_naming_the_cell(tmp_path):
    path = _retick(PROJECT_DOCX, tmp_path / "odd.docx",
                   lambda p: (p.add_run("新增项目"), _sym(p.add_run(), "Wingdings", "F04A"),
                              p.add_run("　　延续项目"), _sym(p.add_run(), "Wingdings", "F0A8")))
    with pytest.raises(formparse.InvalidValues) as exc:
        formparse.read(path)
    assert "项目属性" in str(exc.value) and "无法识别的符号" in str(exc.value) and "表" in str(exc.value)


def test_chinese_text_in_a_run_with_a_symbol_latin_font_stays(tmp_path):
    doc = Document()
    run = doc.add_table(rows=1, cols=1).cell(0, 0).paragraphs[0].add_run("审核R")
    run.font.name = "Wingdings 2"
    doc.save(str(tmp_path / "t.docx"))
    assert read_grids(str(tmp_path / "t.docx"))[0].rows[0][0].text == "审核☑"


def test_an_unknown_symbol_in_a_text_is_kept_and_warned_about_with_its_cell(tmp_path):
    def draw(p):  # 项目属性 as printed, and a Wingdings pencil (no mark a form uses) typed after it
        p.add_run("新增项目☑　　延续项目□")
        _sym(p.add_run(), "Wingdings", "F021")

    with pytest.raises(formparse.InvalidValues):  # in a check box it is an error …
        formparse.read(_retick(PROJECT_DOCX, tmp_path / "odd.docx", draw))
    doc = Document(str(PROJECT_DOCX))  # … in a text it stays, with a warning naming the cell
    row = next(r for t in doc.tables for r in t.rows if "".join(r.cells[0].text.split()) == "项目概况")
    value = row.cells[1]
    _sym(value.paragraphs[0].add_run(), "Wingdings", "F021")
    doc.save(str(tmp_path / "text.docx"))
    rec = formparse.read(tmp_path / "text.docx")
    assert rec.overview.endswith("\ufffd")
    [w] = [w for w in rec.warnings if w.code == "symbol"]
    assert w.cell.startswith("表") and "无法识别" in w.message
