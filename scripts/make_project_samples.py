"""Make the 附件2 samples: filled-in 《项目支出绩效目标申报表》 as submitters' tools make them, and packets.

Each project (scripts/projects.py) is typed up as an HTML table the way real copies look — labels
spaced out or broken over lines, the check boxes of 项目属性 ticked in one of the ways people tick them
(“新增项目□　　延续项目☑”, “☑新增项目　□延续项目”, “√新增”, “新增项目□ 延续项目■”), 资金总额及构成 either as
the printed grid or typed into one text cell, numbered schedule rows, a table split in two, a footer as
a paragraph or left out, dates in 年月日 — and LibreOffice turns it into .docx (Writer) or .xlsx (Calc),
which brings its own drift. Writes:

* ``samples/submissions/附件2-2020-<单位>-<项目>.{docx,xlsx}`` and their truth in ``samples/expected/``;
* ``samples/packets/2020-<单位>-申报材料.docx``: the department's 附件1 and three 附件2, tables in
  sequence with their titles between them (each form from a new page);
* ``samples/packets/2020-<单位>-申报材料.xlsx``: the same four forms, one per sheet (sheets of
  separately converted workbooks copied into one, as a submitter assembles them);
* ``samples/packets/2020-<单位>-申报材料.json``: the four records in order (a JSON array; 附件1 as its
  contract prints it, each 附件2 with its ``"schema"`` tag).

Run from the repository root: ``python scripts/make_project_samples.py`` (needs ``soffice`` on PATH).
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import shutil
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook

sys.path.insert(0, str(Path(__file__).parent))
from departments import SEED  # noqa: E402
from formspec import APPROVAL, FUNDS_KEYS, FUNDS_ROWS, PROJECT_KINDS  # noqa: E402
from make_samples import FULL, NB, convert, esc, sp  # noqa: E402
from make_samples import render as render_dept  # noqa: E402
from projects import PACKET_DEPT, PACKET_PROJECTS, PROJECTS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CN_DIGITS = "〇一二三四五六七八九"


def name_of(p: dict) -> str:
    return f"附件2-{p['year']}-{p['unit_name']}-{p['project_name']}"


def truth_of(p: dict) -> dict:
    return {k: v for k, v in p.items() if not k.startswith("_")}


def kind_text(kind: str | None, style: str) -> str:
    """项目属性 as the submitter ticked it."""
    def box(opt: str, ticked: str, empty: str = "□") -> str:
        return ticked if opt == kind else empty

    a, b = PROJECT_KINDS
    if style == "after":
        return f"{a}{box(a, '☑')}{NB * 4}{b}{box(b, '☑')}"
    if style == "before":
        return f"{box(a, '☑')}{a}{NB * 2}{box(b, '☑')}{b}"
    if style == "tick_prefix":  # only the chosen one, cut short, the tick before it
        return "√" + (kind or "")[:2]
    if style == "filled_square":
        return f"{a}{box(a, '■')} {b}{box(b, '■')}"
    if style == "after_space":
        return f"{a} {box(a, '☑')}{NB * 3}{b} {box(b, '☑')}"
    if style == "tick_after":  # the boxes retyped away, a tick after the chosen one
        return f"{a}{'√' if kind == a else ''}{NB * 4}{b}{'√' if kind == b else ''}"
    raise ValueError(style)


def money(value: str | None, drift: dict) -> str:
    if value is None:
        return ""
    if drift.get("money_text"):
        return f"{Decimal(value):,.2f}万元"
    return value


def funds_text(funds: dict, drift: dict) -> str:
    """资金总额及构成 typed into one cell."""
    def v(key: str) -> str:
        value = funds[key]
        text = "" if value is None else f"{value}万元"
        return text.translate(FULL) if drift.get("fullwidth_money") else text

    if drift.get("funds_semicolons"):  # only what there is, after short labels
        parts = [("资金总额", "total"), ("财政拨款", "fiscal"), ("其中上级财政", "fiscal_higher"),
                 ("本级财政", "fiscal_local"), ("自有资金", "own"), ("其他", "other")]
        return "；".join(f"{label}：{v(k)}" for label, k in parts if funds[k] is not None)
    return (f"资金总额：{v('total')}{NB * 2}财政拨款：{v('fiscal')}（其中：上级财政资金：{v('fiscal_higher')}；"
            f"本级财政资金：{v('fiscal_local')}）<br>自有资金：{v('own')}{NB * 2}其他资金：{v('other')}")


def date_text(iso: str | None, drift: dict) -> str:
    if iso is None:
        return f"{NB * 4}年{NB * 2}月{NB * 2}日" if drift.get("blank_date") else ""
    y, m, d = (int(x) for x in iso.split("-"))
    if drift.get("cn_date"):
        def cn(n: int) -> str:
            tens, ones = divmod(n, 10)
            return (("" if tens == 1 else CN_DIGITS[tens]) + "十" if tens else "") + (CN_DIGITS[ones] if ones else "")
        return "".join(CN_DIGITS[int(c)] for c in str(y)) + f"年{cn(m)}月{cn(d)}日"
    return f"{y}年{m}月{d}日" if not drift.get("spaced_labels") else f"{y} 年 {m} 月 {d} 日"


def indicator_rows(section: str, inds: list[dict], brk: bool) -> list[str]:
    rows = [f'<tr><td rowspan="{len(inds) + 1}"><b>{sp(section, 2, brk)}</b></td><td>一级指标</td><td>二级指标</td>'
            f'<td colspan="2">指标内容</td><td colspan="2">指标值</td><td>备注</td></tr>']
    for i, ind in enumerate(inds):
        cells = ""
        if i == 0 or inds[i - 1]["level1"] != ind["level1"]:
            n = 1
            while i + n < len(inds) and inds[i + n]["level1"] == ind["level1"]:
                n += 1
            cells += f'<td rowspan="{n}">{sp(ind["level1"], 2, brk)}</td>'
        pair = (ind["level1"], ind["level2"])
        if i == 0 or (inds[i - 1]["level1"], inds[i - 1]["level2"]) != pair:
            n = 1
            while i + n < len(inds) and (inds[i + n]["level1"], inds[i + n]["level2"]) == pair:
                n += 1
            cells += f'<td rowspan="{n}">{esc(ind["level2"])}</td>'
        cells += (f'<td colspan="2" align="left">{esc(ind["content"])}</td><td colspan="2">{esc(ind["value"])}</td>'
                  f'<td>{esc(ind["remark"])}</td>')
        rows.append(f"<tr>{cells}</tr>")
    return rows


def body(p: dict, fmt: str) -> str:
    """The form as HTML paragraphs and tables (what goes inside <body>)."""
    drift = p["_drift"]
    brk = bool(drift.get("broken_labels"))
    gap = 4 if drift.get("spaced_labels") else 0

    def lab(text: str) -> str:
        return sp(text, gap, brk) if (gap or brk) else esc(text)

    style = drift["kind_style"] if fmt == "docx" or "xlsx_kind_style" not in drift else drift["xlsx_kind_style"]
    rows = [
        f'<tr><td>{lab("项目名称")}</td><td colspan="7" align="left">{esc(p["project_name"])}</td></tr>',
        f'<tr><td>{lab("项目属性")}</td><td colspan="3">{kind_text(p["project_kind"], style)}</td>'
        f'<td>{lab("主管部门")}</td><td>{esc(p["competent_dept"])}</td><td>{lab("主管部门编码")}</td>'
        f'<td>{esc(p["competent_dept_code"])}</td></tr>',
        f'<tr><td>{lab("项目单位")}</td><td colspan="3">{esc(p["project_unit"])}</td><td>{lab("项目负责人")}</td>'
        f'<td>{esc(p["project_leader"])}</td><td>联系电话</td><td>{esc(p["contact_phone"])}</td></tr>',
        f'<tr><td>{lab("项目起止时间")}</td><td colspan="7" align="left">{esc(p["period"])}</td></tr>',
    ]
    if fmt in drift.get("funds_one_cell", ()):
        rows.append(f'<tr><td>{lab("资金总额及构成")}</td><td colspan="7" align="left">{funds_text(p["funds"], drift)}'
                    "</td></tr>")
    else:
        for k, (row, keys) in enumerate(zip(FUNDS_ROWS, FUNDS_KEYS, strict=True)):
            cells = f'<td rowspan="2">{lab("资金总额及构成")}</td>' if k == 0 else ""
            for (label, _c, v0, v1), key in zip(row, keys, strict=True):
                span = f' colspan="{v1 - v0 + 1}"' if v1 > v0 else ""
                cells += f"<td>{esc(label)}</td><td{span}>{money(p['funds'][key], drift)}</td>"
            rows.append(f"<tr>{cells}</tr>")
    rows.append(f'<tr><td>{lab("项目概况")}</td><td colspan="7" align="left">{esc(p["overview"])}</td></tr>')
    for k, (label, key) in enumerate(zip(APPROVAL, ("basis", "feasibility", "necessity"), strict=True)):
        head = f'<td rowspan="3">{lab("项目立项情况")}</td>' if k == 0 else ""
        rows.append(f'<tr>{head}<td>{lab(label)}</td><td colspan="6" align="left">{esc(p[key])}</td></tr>')
    steps = p["schedule"]
    rows.append(f'<tr><td rowspan="{len(steps) + 1}">{lab("项目实施进度计划")}</td><td colspan="5">项目实施内容</td>'
                "<td>开始时间</td><td>完成时间</td></tr>")
    rows += [f'<tr><td colspan="5" align="left">{i + 1}、{esc(s["content"])}</td><td>{esc(s["start"])}</td>'
             f'<td>{esc(s["end"])}</td></tr>' for i, s in enumerate(steps)]
    rows.append(f'<tr><td rowspan="2">{lab("项目绩效目标")}</td><td colspan="4">长期目标</td>'
                '<td colspan="3">年度目标</td></tr>')
    rows.append(f'<tr><td colspan="4" align="left">{esc(p["long_term_goal"])}</td>'
                f'<td colspan="3" align="left">{esc(p["annual_goal"])}</td></tr>')
    rows += indicator_rows("长期绩效指标", p["long_term_indicators"], brk)
    second = indicator_rows("年度绩效指标", p["annual_indicators"], brk)
    if not drift.get("no_other_notes"):
        second.append(f'<tr><td>{lab("其他说明的问题")}</td>'
                      f'<td colspan="7" align="left">{esc(p["other_notes"])}</td></tr>')
    table = '<table border="1" cellspacing="0" cellpadding="3" width="100%">'
    tables = table + "".join(rows)
    tables += ("</table><p></p>" + table) if drift.get("split_table") else ""
    tables += "".join(second) + "</table>"
    date = date_text(p["filled_date"], drift)
    if drift.get("no_footer"):
        footer = ""
    elif drift.get("footer_paragraph"):
        footer = (f'<p>填报人：{esc(p["filled_by"])}{NB * 6}联系电话：{esc(p["filled_by_phone"])}{NB * 6}'
                  f'单位负责人：{esc(p["unit_head"])}{NB * 6}填报日期：{date}</p>')
    else:
        footer = ('<table border="0"><tr>' + "".join(
            f"<td>{t}</td>" for t in ("填报人：", esc(p["filled_by"]), "联系电话：", esc(p["filled_by_phone"]),
                                      "单位负责人：", esc(p["unit_head"]), "填报日期：", date)) + "</tr></table>")
    title = (f'<p align="center"><b><font size="5">{p["year"]}年度项目支出绩效目标申报表</font></b></p>'
             if drift.get("title_one_line") else
             f'<p align="center"><b><font size="5">项目支出绩效目标申报表</font></b></p>'
             f'<p align="center">（{p["year"]}年度）</p>')
    return (f"<p>附件2</p>{title}<p>填报单位（盖章）：{esc(p['unit_name'])}{NB * 30}</p>"
            f'<p align="right">单位：{esc(p["amount_unit"])}</p>{tables}{footer}')


def page(inner: str, title: str) -> str:
    return (f'<html><head><meta charset="utf-8"><title>{title}</title></head>'
            f'<body style="font-family:SimSun">{inner}</body></html>')


def dept_body() -> str:
    html = render_dept(SEED)
    return html[html.index('<body style="font-family:SimSun">') + len('<body style="font-family:SimSun">'):
                html.rindex("</body>")]


def check_truth(p: dict) -> None:
    """The truth must be what the contract can say, and inside the records' domain."""
    import jsonschema

    from formparse.contract import from_dict, to_dict
    from formparse.records_project import project_domain_problems

    truth = truth_of(p)
    record = from_dict(truth)
    assert to_dict(record) == truth, name_of(p)
    assert project_domain_problems(record) == [], (name_of(p), project_domain_problems(record))
    schema = json.loads((ROOT / "tests" / "contract" / "project-2020.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(truth, schema)


def merge_sheets(books: list[tuple[str, Path]], out: Path) -> None:
    """One workbook with each source workbook's first sheet as its own sheet (values, styles, merges)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, path in books:
        src = load_workbook(path).worksheets[0]
        ws = wb.create_sheet(title)
        for row in src.iter_rows():
            for c in row:
                if type(c).__name__ == "MergedCell":
                    continue
                d = ws.cell(row=c.row, column=c.column, value=c.value)
                if c.has_style:
                    d.font, d.border, d.fill = copy.copy(c.font), copy.copy(c.border), copy.copy(c.fill)
                    d.alignment, d.number_format = copy.copy(c.alignment), c.number_format
        for rng in src.merged_cells.ranges:
            ws.merge_cells(str(rng))
        for key, dim in src.column_dimensions.items():
            ws.column_dimensions[key].width = dim.width
        for key, dim in src.row_dimensions.items():
            if dim.height:
                ws.row_dimensions[key].height = dim.height
    wb.save(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "samples",
                        help="folder to write submissions/, expected/ and packets/ into (default: samples/)")
    args = parser.parse_args(argv)
    if shutil.which("soffice") is None:
        raise SystemExit("make_project_samples.py needs LibreOffice (soffice) on PATH")
    for p in PROJECTS:
        check_truth(p)
    submissions, expected, packets = args.out / "submissions", args.out / "expected", args.out / "packets"
    for d in (submissions, expected, packets):
        d.mkdir(parents=True, exist_ok=True)
    packet = f"{SEED['year']}-{PACKET_DEPT}-申报材料"
    assert SEED["unit_name"] == PACKET_DEPT and all(p["unit_name"] == PACKET_DEPT for p in PACKET_PROJECTS)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        batches: dict[str, list[Path]] = {"docx": [], "xlsx": []}

        def add(fmt: str, stem: str, html: str) -> None:
            src = work / fmt / f"{stem}.html"
            src.parent.mkdir(exist_ok=True)
            src.write_text(html, encoding="utf-8")
            batches[fmt].append(src)

        for p in PROJECTS:
            for fmt in p["_drift"]["formats"]:
                add(fmt, name_of(p), page(body(p, fmt), "附件2"))
            (expected / f"{name_of(p)}.json").write_text(
                json.dumps(truth_of(p), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        breaker = '<p style="page-break-before: always"></p>'
        add("docx", packet, page(dept_body() + "".join(breaker + body(p, "docx") for p in PACKET_PROJECTS), "申报材料"))
        add("xlsx", "packet-0", page(dept_body(), "附件1"))
        for k, p in enumerate(PACKET_PROJECTS, start=1):
            add("xlsx", f"packet-{k}", page(body(p, "xlsx"), "附件2"))
        for fmt, files in batches.items():
            convert(files, fmt, work / "out")
        for p in PROJECTS:
            for fmt in p["_drift"]["formats"]:
                shutil.copyfile(work / "out" / f"{name_of(p)}.{fmt}", submissions / f"{name_of(p)}.{fmt}")
                print("wrote", submissions / f"{name_of(p)}.{fmt}")
        shutil.copyfile(work / "out" / f"{packet}.docx", packets / f"{packet}.docx")
        titles = ["附件1"] + [re.sub(r"[\\/*?:\[\]]", "", p["project_name"])[:31] for p in PACKET_PROJECTS]
        merge_sheets([(t, work / "out" / f"packet-{k}.xlsx") for k, t in enumerate(titles)], work / "packet.xlsx")
        shutil.copyfile(work / "packet.xlsx", packets / f"{packet}.xlsx")
    dept_truth = {k: v for k, v in SEED.items() if not k.startswith("_")}
    forms = [dept_truth] + [truth_of(p) for p in PACKET_PROJECTS]
    (packets / f"{packet}.json").write_text(json.dumps(forms, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("wrote", packets / f"{packet}.docx", "and .xlsx and .json")


if __name__ == "__main__":
    main()
