"""fill(): grows and shrinks regions, keeps its inputs untouched, writes atomically, refuses what it
cannot carry."""

import hashlib

import pytest
from docx import Document
from openpyxl import load_workbook

import formparse
from formparse.writer import template_path
from tests.conftest import SAMPLES as SAMPLES_DIR
from tests.conftest import SEED_JSON


def seed():
    return formparse.loads(SEED_JSON.read_text(encoding="utf-8"))


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_bundled_template_is_never_modified(tmp_path, suffix):
    tpl = template_path(suffix)
    before = digest(tpl)
    formparse.fill(seed(), tmp_path / f"a{suffix}")
    assert digest(tpl) == before


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_refuses_to_write_over_its_template(tmp_path, suffix):
    path = formparse.fill(seed(), tmp_path / f"a{suffix}")
    before = digest(path)
    with pytest.raises(formparse.CannotFill, match="模板"):
        formparse.fill(seed(), path, template=path)
    assert digest(path) == before


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_failed_fill_leaves_no_file_and_the_old_output_intact(tmp_path, suffix):
    out = formparse.fill(seed(), tmp_path / f"a{suffix}")
    before = digest(out)
    bad = seed()
    bad.goals = ["目标9：编号写进了正文"]
    with pytest.raises(formparse.CannotFill, match="goals"):
        formparse.fill(bad, out, overwrite=True)
    assert digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"a{suffix}"]


def test_format_mismatch_and_unknown_suffix(tmp_path):
    with pytest.raises(formparse.CannotFill, match=r"\.xlsx 或 \.docx"):
        formparse.fill(seed(), tmp_path / "a.pdf")
    with pytest.raises(formparse.CannotFill, match="不同"):
        formparse.fill(seed(), tmp_path / "a.docx", template=template_path(".xlsx"))


@pytest.mark.parametrize("n_goals, n_ind", [(0, 0), (1, 1), (12, 25)])
def test_rows_grow_and_shrink_with_merges_kept(tmp_path, n_goals, n_ind):
    record = seed()
    record.goals = [f"目标正文{i}" for i in range(n_goals)]
    base = seed().indicators
    record.indicators = [base[i % len(base)] for i in range(n_ind)]
    for suffix in (".xlsx", ".docx"):
        out = formparse.fill(record, tmp_path / f"r{suffix}")
        assert formparse.read(out) == record
    ws = load_workbook(tmp_path / "r.xlsx").active
    merged = {str(m) for m in ws.merged_cells.ranges}
    label = next(c for row in ws.iter_rows() for c in row if c.value == "部门整体支出绩效指标")
    span = next(m for m in ws.merged_cells.ranges if label.coordinate in m)
    assert span.max_row - span.min_row == max(1, n_ind)  # the section label spans its header and rows
    if n_ind >= 4:
        assert any(m.startswith("B") and m.split(":")[0][1:] != m.split(":")[1][1:] for m in merged)


def test_new_level1_groups_are_merged_in_docx(tmp_path):
    record = seed()
    record.indicators.append(formparse.Indicator("满意度指标", "服务对象满意度", "群众满意度", "≥90%", None))
    record.indicators.append(formparse.Indicator("满意度指标", "服务对象满意度", "企业满意度", "≥85%", None))
    out = formparse.fill(record, tmp_path / "g.docx")
    assert formparse.read(out) == record
    table = Document(out).tables[0]
    col = [row.cells[1].text for row in table.rows]
    assert col.count("满意度指标") == 2  # python-docx repeats a vertically merged cell per row
    assert sum(1 for t in col if t == "效益指标") == 5


def test_fill_accepts_str_paths_and_makes_folders(tmp_path):
    out = formparse.fill(seed(), str(tmp_path / "new" / "dir" / "x.docx"))
    assert out.is_file()


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_an_existing_output_is_replaced_only_when_asked(tmp_path, suffix):
    out = formparse.fill(seed(), tmp_path / f"a{suffix}")
    before = digest(out)
    other = seed()
    other.unit_name = "另一个单位"
    with pytest.raises(formparse.CannotFill, match="已存在"):
        formparse.fill(other, out)
    assert digest(out) == before
    formparse.fill(other, out, overwrite=True)
    assert formparse.read(out).unit_name == "另一个单位"


def test_writing_back_into_a_docx_keeps_every_other_part(tmp_path):
    """Only the document body changes; styles, settings, numbering, properties stay byte for byte."""
    import zipfile

    from tests.conftest import SAMPLES

    src = SAMPLES / "附件1-2020-邵阳市财政局.docx"
    record = formparse.read(src)
    record.goals[0] = "改过的目标"
    out = formparse.fill(record, tmp_path / "back.docx", template=src)
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        before = {n: a.read(n) for n in a.namelist()}
        after = {n: b.read(n) for n in b.namelist()}
    assert set(before) == set(after)
    changed = {n for n in before if before[n] != after[n]}
    assert changed == {"word/document.xml"}
    assert formparse.read(out) == record


def test_writing_back_into_an_xlsx_keeps_every_other_part(tmp_path):
    """Comments, data validation, other sheets, pictures: all survive; only the form's sheet changes."""
    import io
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.worksheet.datavalidation import DataValidation

    from tests.conftest import SAMPLES

    src = tmp_path / "submission.xlsx"
    wb = load_workbook(SAMPLES / "附件1-2020-邵阳市教育局.xlsx")
    ws = wb.active
    label = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "编制" in c.value)
    label.comment = Comment("请核对编制人数", "财政局")
    dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
    ws.add_data_validation(dv)
    dv.add(ws.cell(row=label.row, column=label.column + 1).coordinate)
    notes = wb.create_sheet("填表说明")
    notes["A1"] = "金额单位：万元"
    try:
        from openpyxl.drawing.image import Image
        from PIL import Image as PILImage

        png = io.BytesIO()
        PILImage.new("RGB", (20, 20), "red").save(png, format="PNG")
        notes.add_image(Image(png), "B2")
    except ImportError:
        pass
    wb.save(src)
    # an Excel-made workbook carries a calculation chain; it must go, with its references
    with zipfile.ZipFile(src) as z:
        items = {n: z.read(n) for n in z.namelist()}
    items["xl/calcChain.xml"] = (b'<?xml version="1.0"?><calcChain xmlns="http://schemas.openxmlformats.org/'
                                 b'spreadsheetml/2006/main"><c r="J11" i="1"/></calcChain>')
    items["[Content_Types].xml"] = items["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.spreadsheetml.calcChain+xml"/></Types>')
    items["xl/_rels/workbook.xml.rels"] = items["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdCalc" Type="http://schemas.openxmlformats.org/officeDocument/'
                             b'2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>')
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in items.items():
            z.writestr(n, d)
    before = src.read_bytes()
    record = formparse.read(src)
    record.goals.append("新增目标")
    record.indicators = record.indicators[:3]
    out = formparse.fill(record, tmp_path / "back.xlsx", template=src)
    assert src.read_bytes() == before
    assert formparse.read(out) == record
    with zipfile.ZipFile(out) as z:
        after = {n: z.read(n) for n in z.namelist()}
    assert "xl/calcChain.xml" not in after and b"calcChain" not in after["[Content_Types].xml"]
    assert b"calcChain" not in after["xl/_rels/workbook.xml.rels"]
    changed = {n for n in after if after[n] != items[n]}
    assert changed - {"xl/styles.xml"} == {"xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml",
                                           "xl/_rels/workbook.xml.rels"}
    if "xl/styles.xml" in changed:  # a group merged down gets a centred copy of its cell's style: only added
        from lxml import etree

        ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
        old, new = (etree.fromstring(d).find(f"{ns}cellXfs") for d in (items["xl/styles.xml"], after["xl/styles.xml"]))
        assert len(new) > len(old) and [etree.tostring(x) for x in new[:len(old)]] == [etree.tostring(x) for x in old]
    sheet = after["xl/worksheets/sheet1.xml"]
    assert b"legacyDrawing" in sheet and b"dataValidation" in sheet  # the comment and the validation stay
    back = load_workbook(out)
    assert back["填表说明"]["A1"].value == "金额单位：万元"
    assert back.active[label.coordinate].comment.text == "请核对编制人数"


def test_each_review_line_is_written_inside_its_box(tmp_path):
    """The official .xlsx has a blank row between the last review box and 填报人: it is spacing, not a line of
    the box. The second box's 审核人 line stays in the box (it went to column J of the row below, outside it:
    printed, it ran off the page)."""
    rec = formparse.read(SAMPLES_DIR / "附件1-2020-邵阳市财政局.docx")
    assert [r.office for r in rec.reviews] == ["归口业务科室", "绩效管理科室"]
    out = tmp_path / "out.xlsx"
    formparse.fill(rec, out)
    ws = load_workbook(out).active
    label = next(c for row in ws.iter_rows() for c in row if c.value == "绩效管理科室审核意见")
    box = next(m for m in ws.merged_cells.ranges if m.min_row == label.row and m.min_col == label.column)
    lines = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "审核人：" in c.value]
    last = max(lines, key=lambda c: c.row)
    assert box.min_row <= last.row <= box.max_row and last.column == label.column + 1, last.coordinate
    assert formparse.dumps(formparse.read(out)) == formparse.dumps(rec)


def test_every_level1_group_is_boxed_in_xlsx(tmp_path):
    """Rows added for a 一级指标 group are copies of a row inside one (no top border); LibreOffice draws a merged
    cell's edges from its first cell, so each group's first cell must be boxed like the template's, or the
    printed (and PDF-exported) form shows two groups as one cell."""
    rec = formparse.read(SAMPLES_DIR / "附件1-2020-邵阳市财政局.docx")
    out = tmp_path / "out.xlsx"
    formparse.fill(rec, out)
    ws = load_workbook(out).active
    groups = [c for row in ws.iter_rows() for c in row if c.value in ("产出指标", "效益指标")]
    assert len(groups) == 2
    for cell in groups:
        edges = cell.border
        assert (edges.top.style, edges.left.style, edges.right.style) == ("thin", "thin", "thin"), cell.coordinate
