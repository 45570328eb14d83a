"""Build the official blank templates samples/templates/<form>.{xlsx,docx}.

Run from the repository root: ``python scripts/make_templates.py [FORM ...]`` (default: every form;
``dept-overall-2020`` is 附件1, ``project-2020`` is 附件2). Each layout follows its paper form
(../shared/seed for 附件1, ../shared/forms/附件2-项目支出绩效目标申报表.md for 附件2): sections down the
left column, merged as printed. Each form is built by its own functions, so building one never
touches another's files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

sys.path.insert(0, str(Path(__file__).parent))
from formspec import (  # noqa: E402
    APPROVAL,
    EXPENDITURE,
    FUNDS_ROWS,
    GOAL_SLOTS,
    GROUPS,
    INCOME,
    INDICATOR_COLS,
    INTRO,
    OFFICES,
    PROJECT_FOOTER,
    PROJECT_GROUPS,
    PROJECT_INDICATOR_COLS,
    PROJECT_KIND_BOXES,
    PROJECT_TITLE,
    PROJECT_YEAR_LINE,
    SCHEDULE_SLOTS,
    SIGN,
    THREE_PUBLIC,
    TITLE,
)

FONT = "宋体"
OUT = Path(__file__).resolve().parent.parent / "samples" / "templates"


def layout() -> tuple[list[tuple[int, int, int, int, str, str]], int]:
    """The table as (row, col, last_row, last_col, text, role) boxes; rows from 0. Role: label/value/left."""
    boxes: list[tuple[int, int, int, int, str, str]] = []

    def put(r: int, c: int, text: str = "", role: str = "label", r1: int | None = None, c1: int | None = None):
        boxes.append((r, c, r if r1 is None else r1, c if c1 is None else c1, text, role))

    # 部门基本信息: basic row, functions, income (3 rows), expenditure (3 rows)
    put(0, 0, "部门基本信息", r1=7)
    for c, text in [(1, "编制人数"), (3, "实有人数"), (5, "预算绩效管理联系人"), (7, "联系电话")]:
        put(0, c, text)
    for c in (2, 4, 6):
        put(0, c, "", "value")
    put(0, 8, "", "value", c1=9)
    put(1, 1, "单位职能概述")
    put(1, 2, "", "left", c1=9)
    put(2, 1, "年度收入预算", c1=9)
    for k, text in enumerate(INCOME):
        put(3, 1 + k, text)
        put(4, 1 + k, "", "value")
    put(5, 1, "年度支出预算", c1=3)
    put(5, 4, "三公经费预算支出", c1=9)
    for text, c0, c1 in EXPENDITURE + THREE_PUBLIC:
        put(6, c0, text, c1=c1)
        put(7, c0, "", "value", c1=c1)
    r = 8
    put(r, 0, "部门整体支出绩效目标", r1=r + GOAL_SLOTS)
    put(r, 1, INTRO, "left", c1=9)
    for k in range(GOAL_SLOTS):
        put(r + 1 + k, 1, f"目标{k + 1}：", "left", c1=9)
    r += GOAL_SLOTS + 1
    n = sum(len(subs) for _, subs in GROUPS)
    put(r, 0, "部门整体支出绩效指标", r1=r + n)
    for text, c0, c1 in INDICATOR_COLS:
        put(r, c0, text, c1=c1)
    r += 1
    for level1, subs in GROUPS:
        put(r, 1, level1, r1=r + len(subs) - 1)
        for k, level2 in enumerate(subs):
            put(r + k, 2, level2)
            for _, c0, c1 in INDICATOR_COLS[2:]:
                put(r + k, c0, "", "left", c1=c1)
        r += len(subs)
    put(r, 0, "财政部门审核意见", r1=r + 3 * len(OFFICES) - 1)
    for office in OFFICES:
        put(r, 1, office + "审核意见", r1=r + 2)
        put(r, 2, "审核意见：", "left", c1=9)
        put(r + 1, 2, "", "left", c1=9)
        put(r + 2, 2, SIGN, "left", c1=9)
        r += 3
    return boxes, r


XLSX_WIDTHS = [7, 10, 10, 10, 11, 13, 10, 11, 11, 12]
DOCX_WIDTHS_CM = [1.4, 1.6, 1.6, 1.6, 1.7, 2.1, 1.6, 1.7, 1.7, 2.0]


def build_xlsx(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "附件1"
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    normal = Font(name=FONT, size=10)
    for i, w in enumerate(XLSX_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws["A1"] = "附件1"
    ws["A1"].font = Font(name="黑体", size=12)
    ws.merge_cells("A2:J2")
    ws["A2"] = TITLE
    ws["A2"].font = Font(name=FONT, size=18, bold=True)
    ws["A2"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[2].height = 36
    ws.merge_cells("A3:F3")
    ws["A3"] = "填报单位（盖章）："
    ws.merge_cells("G3:J3")
    ws["G3"] = "单位：万元.人"
    ws["G3"].alignment = Alignment(horizontal="right", vertical="center")
    for c in ("A3", "G3"):
        ws[c].font = normal
    boxes, end = layout()
    top = 4
    for r0, c0, r1, c1, text, role in boxes:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                cell = ws.cell(row=top + r, column=1 + c)
                cell.border = border
                cell.font = Font(name=FONT, size=10, bold=role == "label" and c0 == 0)
                cell.alignment = Alignment(horizontal="left" if role == "left" else "center",
                                           vertical="center", wrap_text=True)
        if text:
            ws.cell(row=top + r0, column=1 + c0, value=text)
        if (r0, c0) != (r1, c1):
            ws.merge_cells(start_row=top + r0, start_column=1 + c0, end_row=top + r1, end_column=1 + c1)
    for r in range(top, top + end):
        ws.row_dimensions[r].height = 30
    ws.row_dimensions[top + 1].height = 150  # 单位职能概述
    foot = top + end + 1
    ws.cell(row=foot, column=1, value="填报人：").font = normal
    ws.merge_cells(start_row=foot, start_column=2, end_row=foot, end_column=3)
    ws.cell(row=foot, column=5, value="联系电话：").font = normal
    ws.merge_cells(start_row=foot, start_column=6, end_row=foot, end_column=7)
    for c in (2, 6):
        ws.cell(row=foot, column=c).font = normal
        ws.cell(row=foot, column=c).alignment = Alignment(horizontal="left")
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.print_area = f"A1:J{foot}"
    ws.print_title_rows = None
    wb.properties.creator = "formparse"
    wb.save(path)


def _font(run_or_style, name: str, size: float, bold: bool = False) -> None:
    run_or_style.font.name = name
    run_or_style.font.size = Pt(size)
    run_or_style.font.bold = bold
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _borders(table, size: int) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if size else "nil")
        el.set(qn("w:sz"), str(size))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tblpr.append(borders)


def _para(doc, text: str, *, size: float = 10.5, bold: bool = False, align=None, font: str = FONT):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), font, size, bold)
    return p


def build_docx(path: Path) -> None:
    doc = Document()
    _font(doc.styles["Normal"], FONT, 10.5)
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.0)
    sec.top_margin = sec.bottom_margin = Cm(2.0)
    _para(doc, "附件1", size=12, font="黑体")
    _para(doc, TITLE, size=18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "填报单位（盖章）：")
    _para(doc, "单位：万元.人", align=WD_ALIGN_PARAGRAPH.RIGHT)
    boxes, end = layout()
    table = doc.add_table(rows=end, cols=10)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table, 4)
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = Cm(DOCX_WIDTHS_CM[i])
        row.height = Cm(0.9)
    table.rows[1].height = Cm(5.0)
    for row in table.rows:  # a form's row is never torn across two pages
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for r0, c0, r1, c1, _text, _role in boxes:
        if (r0, c0) != (r1, c1):
            table.cell(r0, c0).merge(table.cell(r1, c1))
    for r0, c0, _r1, _c1, text, role in boxes:
        cell = table.cell(r0, c0)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT if role == "left" else WD_ALIGN_PARAGRAPH.CENTER
        if text:
            _font(p.add_run(text), FONT, 10.5, bold=role == "label" and c0 == 0)
    doc.add_paragraph()
    foot = doc.add_table(rows=1, cols=4)
    _borders(foot, 0)
    for i, (text, width) in enumerate([("填报人：", 2.5), ("", 5.0), ("联系电话：", 2.5), ("", 5.0)]):
        cell = foot.cell(0, i)
        cell.width = Cm(width)
        if text:
            _font(cell.paragraphs[0].add_run(text), FONT, 10.5)
    doc.core_properties.author = "formparse"
    doc.save(path)


Boxes = list[tuple[int, int, int, int, str, str]]


def project_layout() -> tuple[Boxes, int]:
    """附件2's table as (row, col, last_row, last_col, text, role) boxes, eight columns A..H."""
    boxes: Boxes = []

    def put(r: int, c: int, text: str = "", role: str = "label", r1: int | None = None, c1: int | None = None):
        boxes.append((r, c, r if r1 is None else r1, c if c1 is None else c1, text, role))

    put(0, 0, "项目名称")
    put(0, 1, "", "left", c1=7)
    put(1, 0, "项目属性")
    put(1, 1, PROJECT_KIND_BOXES, "value", c1=3)
    for r, pairs in ((1, [("主管部门", 4), ("主管部门编码", 6)]), (2, [("项目负责人", 4), ("联系电话", 6)])):
        for text, c in pairs:
            put(r, c, text)
            put(r, c + 1, "", "value")
    put(2, 0, "项目单位")
    put(2, 1, "", "value", c1=3)
    put(3, 0, "项目起止时间")
    put(3, 1, "", "left", c1=7)
    put(4, 0, "资金总额及构成", r1=5)
    for k, row in enumerate(FUNDS_ROWS):
        for text, c, v0, v1 in row:
            put(4 + k, c, text)
            put(4 + k, v0, "", "value", c1=v1)
    put(6, 0, "项目概况")
    put(6, 1, "", "left", c1=7)
    put(7, 0, "项目立项情况", r1=7 + len(APPROVAL) - 1)
    for k, text in enumerate(APPROVAL):
        put(7 + k, 1, text)
        put(7 + k, 2, "", "left", c1=7)
    r = 7 + len(APPROVAL)
    put(r, 0, "项目实施进度计划", r1=r + SCHEDULE_SLOTS)
    put(r, 1, "项目实施内容", c1=5)
    put(r, 6, "开始时间")
    put(r, 7, "完成时间")
    for k in range(SCHEDULE_SLOTS):
        put(r + 1 + k, 1, f"{k + 1}、", "left", c1=5)
        put(r + 1 + k, 6, "", "value")
        put(r + 1 + k, 7, "", "value")
    r += SCHEDULE_SLOTS + 1
    put(r, 0, "项目绩效目标", r1=r + 1)
    put(r, 1, "长期目标", c1=4)
    put(r, 5, "年度目标", c1=7)
    put(r + 1, 1, "", "left", c1=4)
    put(r + 1, 5, "", "left", c1=7)
    r += 2
    n = sum(len(subs) for _, subs in PROJECT_GROUPS)
    for section in ("长期绩效指标", "年度绩效指标"):
        put(r, 0, section, r1=r + n)
        for text, c0, c1 in PROJECT_INDICATOR_COLS:
            put(r, c0, text, c1=c1)
        r += 1
        for level1, subs in PROJECT_GROUPS:
            put(r, 1, level1, r1=r + len(subs) - 1)
            for k, level2 in enumerate(subs):
                put(r + k, 2, level2)
                for _, c0, c1 in PROJECT_INDICATOR_COLS[2:]:
                    put(r + k, c0, "", "left", c1=c1)
            r += len(subs)
    put(r, 0, "其他说明的问题")
    put(r, 1, "", "left", c1=7)
    return boxes, r + 1


PROJECT_XLSX_WIDTHS = [12, 13, 13, 10, 12, 12, 14, 12]
PROJECT_DOCX_WIDTHS_CM = [2.2, 2.3, 2.3, 1.6, 2.0, 2.2, 2.4, 2.0]


def _xlsx_table(ws, boxes: Boxes, top: int, border: Border) -> None:
    for r0, c0, r1, c1, text, role in boxes:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                cell = ws.cell(row=top + r, column=1 + c)
                cell.border = border
                cell.font = Font(name=FONT, size=10, bold=role == "label" and c0 == 0)
                cell.alignment = Alignment(horizontal="left" if role == "left" else "center",
                                           vertical="center", wrap_text=True)
        if text:
            ws.cell(row=top + r0, column=1 + c0, value=text)
        if (r0, c0) != (r1, c1):
            ws.merge_cells(start_row=top + r0, start_column=1 + c0, end_row=top + r1, end_column=1 + c1)


def build_project_xlsx(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "附件2"
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    normal = Font(name=FONT, size=10)
    for i, w in enumerate(PROJECT_XLSX_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws["A1"] = "附件2"
    ws["A1"].font = Font(name="黑体", size=12)
    ws.merge_cells("A2:H2")
    ws["A2"] = PROJECT_TITLE
    ws["A2"].font = Font(name=FONT, size=18, bold=True)
    ws["A2"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[2].height = 36
    ws.merge_cells("A3:H3")
    ws["A3"] = PROJECT_YEAR_LINE
    ws["A3"].font = normal
    ws["A3"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells("A4:E4")
    ws["A4"] = "填报单位（盖章）："
    ws.merge_cells("F4:H4")
    ws["F4"] = "单位：万元"
    ws["F4"].alignment = Alignment(horizontal="right", vertical="center")
    for c in ("A4", "F4"):
        ws[c].font = normal
    boxes, end = project_layout()
    top = 5
    _xlsx_table(ws, boxes, top, border)
    for r in range(top, top + end):
        ws.row_dimensions[r].height = 30
    for r0, c0, _r1, _c1, text, _role in boxes:  # the long texts get room
        if c0 == 0 and text in ("项目概况", "项目立项情况", "其他说明的问题"):
            ws.row_dimensions[top + r0].height = 60
    foot = top + end + 1
    for k, (text, _width) in enumerate(PROJECT_FOOTER):
        cell = ws.cell(row=foot, column=1 + k, value=text or None)
        cell.font = normal
        cell.alignment = Alignment(horizontal="left")
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.print_area = f"A1:H{foot}"
    wb.properties.creator = "formparse"
    wb.save(path)


def _grid_widths(table, widths_cm: list[float]) -> None:
    """The table grid's column widths (Word and LibreOffice lay columns out by these, not by cell widths)."""
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_cm, strict=True):
        col.set(qn("w:w"), str(int(Cm(width).twips)))


def build_project_docx(path: Path) -> None:
    doc = Document()
    _font(doc.styles["Normal"], FONT, 10.5)
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.0)
    sec.top_margin = sec.bottom_margin = Cm(2.0)
    _para(doc, "附件2", size=12, font="黑体")
    _para(doc, PROJECT_TITLE, size=18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, PROJECT_YEAR_LINE, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "填报单位（盖章）：")
    _para(doc, "单位：万元", align=WD_ALIGN_PARAGRAPH.RIGHT)
    boxes, end = project_layout()
    table = doc.add_table(rows=end, cols=8)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table, 4)
    _grid_widths(table, PROJECT_DOCX_WIDTHS_CM)
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = Cm(PROJECT_DOCX_WIDTHS_CM[i])
        row.height = Cm(0.9)
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a form's row is never torn
    for r0, c0, r1, c1, _text, _role in boxes:
        if (r0, c0) != (r1, c1):
            table.cell(r0, c0).merge(table.cell(r1, c1))
    for r0, c0, _r1, _c1, text, role in boxes:
        cell = table.cell(r0, c0)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT if role == "left" else WD_ALIGN_PARAGRAPH.CENTER
        if text:
            _font(p.add_run(text), FONT, 10.5, bold=role == "label" and c0 == 0)
    doc.add_paragraph()
    foot = doc.add_table(rows=1, cols=len(PROJECT_FOOTER))
    _borders(foot, 0)
    _grid_widths(foot, [w for _, w in PROJECT_FOOTER])
    for i, (text, width) in enumerate(PROJECT_FOOTER):
        cell = foot.cell(0, i)
        cell.width = Cm(width)
        if text:
            _font(cell.paragraphs[0].add_run(text), FONT, 10.5)
    doc.core_properties.author = "formparse"
    doc.save(path)


FORMS = {
    "dept-overall-2020": (build_xlsx, build_docx),
    "project-2020": (build_project_xlsx, build_project_docx),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("forms", nargs="*", metavar="FORM",
                        help=f"which templates to build (default: all of {', '.join(FORMS)})")
    args = parser.parse_args(argv)
    unknown = [f for f in args.forms if f not in FORMS]
    if unknown:
        parser.error(f"unknown form {unknown[0]!r} (known: {', '.join(FORMS)})")
    OUT.mkdir(parents=True, exist_ok=True)
    for name in args.forms or FORMS:
        xlsx, docx = FORMS[name]
        xlsx(OUT / f"{name}.xlsx")
        docx(OUT / f"{name}.docx")
        print(f"wrote {OUT}/{name}.xlsx and .docx")


if __name__ == "__main__":
    main()
