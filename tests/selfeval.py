"""A form the project does not ship, made here: a 部门整体支出绩效自评表-like blank (a title, fields, a budget
matrix of printed row × column labels, a band, a list, a table and a footer line of prompts), as .xlsx
(openpyxl) and .docx (python-docx), blank or filled with given values.

``python -m tests.selfeval OUT_DIR`` writes blank and filled copies of both kinds (to try the walk-through of
docs/adding-a-form.md by hand).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

TITLE = "2020年度部门整体支出绩效自评表"
WIDTH = 8
MATRIX_ROWS = ("年度资金总额", "其中：财政拨款", "其他资金")
MATRIX_COLUMNS = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
BAND = (("编制人数", 1), ("实有人数", 2), ("离退休人数", 2), ("临时人员", 2))  # (label, columns it spans)
TABLE = (("一级指标", 1), ("二级指标", 1), ("三级指标", 2), ("年度指标值", 1), ("实际完成值", 1), ("得分", 1))
TABLE_ROWS = 3
GOALS = 3
FOOTER = "填报人：{0}        联系电话：{1}        填报日期：{2}"


def layout(values: dict[str, Any] | None = None) -> tuple[list[list[str | None]], list[tuple[int, int, int, int]]]:
    """The form as rows of cell texts (None: covered by a merge) and merges (r0, c0, r1, c1), filled with
    ``values``: ``unit``, ``phone``, ``matrix`` {(row, col): text}, ``band`` [4 texts], ``goals`` [texts],
    ``table`` [[6 texts]], ``footer`` (name, phone, date), ``matrix_order`` (the printed order of the matrix's
    rows and of its columns)."""
    v = values or {}
    rows: list[list[str | None]] = []
    merges: list[tuple[int, int, int, int]] = []

    def line(cells: list[tuple[str, int]]) -> None:
        r = len(rows)
        row: list[str | None] = []
        for text, span in cells:
            c = len(row)
            row.append(text)
            row += [None] * (span - 1)
            if span > 1:
                merges.append((r, c, r, c + span - 1))
        assert len(row) == WIDTH, row
        rows.append(row)

    line([(TITLE, WIDTH)])
    line([("部门名称", 1), (v.get("unit", ""), 3), ("联系电话", 1), (v.get("phone", ""), 3)])
    first = len(rows)
    # a copy may print the matrix's rows and columns in another order: (row order, column order)
    row_order, col_order = v.get("matrix_order", (range(len(MATRIX_ROWS)), range(len(MATRIX_COLUMNS))))
    line([("年度资金情况（万元）", 1), ("", 1), *((MATRIX_COLUMNS[j], 1) for j in col_order)])
    matrix = v.get("matrix", {})
    for i in row_order:
        line([("", 1), (MATRIX_ROWS[i], 1), *((matrix.get((i, j), ""), 1) for j in col_order)])
    merges.append((first, 0, len(rows) - 1, 0))
    first = len(rows)
    line([("人员情况", 1), *BAND])
    band = v.get("band", [""] * len(BAND))
    line([("", 1), *((band[k], span) for k, (_label, span) in enumerate(BAND))])
    merges.append((first, 0, len(rows) - 1, 0))
    first = len(rows)
    goals = v.get("goals", [])
    for n in range(GOALS):
        line([("年度总体目标" if n == 0 else "", 1), (f"目标{n + 1}：" + (goals[n] if n < len(goals) else ""), 7)])
    merges.append((first, 0, len(rows) - 1, 0))
    first = len(rows)
    line([("绩效指标", 1), *TABLE])
    items = v.get("table", [])
    for n in range(TABLE_ROWS):
        item = items[n] if n < len(items) else [""] * len(TABLE)
        line([("", 1), *((item[k], span) for k, (_label, span) in enumerate(TABLE))])
    merges.append((first, 0, len(rows) - 1, 0))
    footer = v.get("footer", ("", "", "    年  月  日"))
    line([(FOOTER.format(*footer), WIDTH)])
    for r0, c0, r1, c1 in merges:  # texts under a merge are not cells of their own
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    rows[r][c] = None
    return rows, merges


def write_xlsx(path: Path, values: dict[str, Any] | None = None) -> Path:
    import openpyxl

    rows, merges = layout(values)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    for r, row in enumerate(rows, 1):
        for c, text in enumerate(row, 1):
            if text:
                ws.cell(r, c, text)
    for r0, c0, r1, c1 in merges:
        ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    wb.save(path)
    return path


def write_docx(path: Path, values: dict[str, Any] | None = None) -> Path:
    import docx

    rows, merges = layout(values)
    document = docx.Document()
    document.add_paragraph(rows[0][0] or "")
    body = rows[1:]
    table = document.add_table(rows=len(body), cols=WIDTH)
    table.style = "Table Grid"
    for r0, c0, r1, c1 in merges:
        if r0 == 0:
            continue  # the title: a paragraph above the table
        table.cell(r0 - 1, c0).merge(table.cell(r1 - 1, c1))
    for r, row in enumerate(body):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    document.save(str(path))
    return path


FILLED = {
    "unit": "邵阳市某某局", "phone": "0739-5321234",
    "matrix": {(0, 0): "120.5", (0, 1): "130", (0, 2): "128.25", (0, 3): "10", (0, 4): "98.65%", (0, 5): "9.8",
               (1, 0): "100", (1, 1): "110", (1, 2): "108.25", (2, 0): "20.5", (2, 1): "20", (2, 2): "20"},
    "band": ["23", "25", "4", "2"],
    "goals": ["完成年度重点工作任务", "提升科技服务水平"],
    "table": [["产出指标", "数量指标", "举办培训班次数", "≥5次", "6次", "10"],
              ["效益指标", "社会效益指标", "服务对象满意度", "≥90%", "95%", "9"]],
    "footer": ("张三", "13800001234", "2021年1月15日"),
}


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for suffix, write in ((".xlsx", write_xlsx), (".docx", write_docx)):
        write(out / f"自评表-空白{suffix}")
        write(out / f"自评表-某某局{suffix}", FILLED)
