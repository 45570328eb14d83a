"""Make samples/submissions/: filled-in 附件1 forms as a submitter's tools make them, not by our writer.

Each department (scripts/departments.py) is typed up as an HTML table the way the seed looks —
labels spaced out (“编制    人数”), broken over lines (“基本 / 支出”), merged cells — with its own
drift, and LibreOffice turns it into .docx (Writer) or .xlsx (Calc), which brings its own drift
(phone numbers become numbers, text money stays text). One .docx is then hand-edited the way
Word leaves files: a value inside a content control, a tracked insertion and a tracked deletion.
The ground truth goes to samples/expected/NAME.json.

Run from the repository root: ``python scripts/make_samples.py`` (needs ``soffice`` on PATH).
"""

from __future__ import annotations

import argparse
import copy
import html
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).parent))
from departments import OTHERS, SEED  # noqa: E402
from formspec import INCOME  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NB = "&nbsp;"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def sp(label: str, gap: int = 4, broken: bool = False) -> str:
    """A label as submitters space it: “编制    人数”, or broken over two lines."""
    if len(label) < 4:
        return html.escape(label)
    half = len(label) // 2
    a, b = html.escape(label[:half]), html.escape(label[half:])
    return f"{a}{NB * 2}<br>{b}" if broken else f"{a}{NB * gap}{b}"


def esc(text: str | None) -> str:
    return "" if text is None else html.escape(text).replace("\n", "<br>")


FULL = str.maketrans("0123456789.", "０１２３４５６７８９．")


def money(value: str | None, drift: dict) -> str:
    if value is None:
        return ""
    d = Decimal(value)
    if drift.get("money_text"):
        return f"{d:,.2f}万元"
    if drift.get("fullwidth_money") and d != d.to_integral():
        return str(value).translate(FULL)
    return str(value)


def render(dept: dict) -> str:
    drift = dept.get("_drift", {})
    brk = bool(drift.get("broken_labels"))
    b, inc, exp, tp = dept["basic_info"], dept["income"], dept["expenditure"], dept["three_public"]

    def staff(n: int | None) -> str:
        return "" if n is None else (f"{n}人" if drift.get("staff_with_unit") else f"{NB * 2}{n}")

    rows: list[str] = []
    rows.append(
        f'<tr><td rowspan="{9 if drift.get("spacer_row") else 8}"><b>部门基本信息</b></td><td>{sp("编制人数")}</td>'
        f'<td>{b["staff_quota"] or ""}</td><td>{sp("实有人数")}</td><td>{staff(b["staff_actual"])}</td>'
        f'<td>{sp("预算绩效管理联系人", broken=brk)}</td><td>{NB}{esc(b["contact_person"])}</td><td>联系电话</td>'
        f'<td colspan="2">{esc(b["contact_phone"])}</td></tr>')
    rows.append(f'<tr><td>{sp("单位职能概述".replace("职能", "　职能　"), gap=2)}</td>'
                f'<td colspan="8" align="left">{esc(dept["functions"])}</td></tr>')
    if drift.get("spacer_row"):
        rows.append("<tr>" + "<td></td>" * 9 + "</tr>")
    rows.append(f'<tr><td colspan="9">{sp("年度收入预算", broken=brk)}</td></tr>')
    rows.append("<tr>" + "".join(f"<td>{sp(h, gap=3)}</td>" for h in INCOME) + "</tr>")
    keys = ["general_budget", "government_fund", "non_tax", "higher_subsidy", "other", "business_service",
            "carryover", "self_raised", "total"]
    rows.append("<tr>" + "".join(f"<td>{money(inc[k], drift)}</td>" for k in keys) + "</tr>")
    rows.append('<tr><td colspan="3">年度支出预算</td><td colspan="6">三公经费预算支出</td></tr>')
    rows.append(f'<tr><td>{sp("基本支出", 2, broken=True)}</td><td>{sp("项目支出", 3)}</td><td>合计</td>'
                f'<td>{sp("公务接待费", 6)}</td><td colspan="2">公务用车运行和购置费</td>'
                f'<td colspan="2">因公出国（境）费</td><td>合计</td></tr>')
    rows.append(f'<tr><td>{money(exp["basic"], drift)}</td><td>{money(exp["project"], drift)}</td>'
                f'<td>{money(exp["total"], drift)}</td><td>{money(tp["reception"], drift)}</td>'
                f'<td colspan="2">{money(tp["vehicles"], drift)}</td><td colspan="2">{money(tp["overseas"], drift)}</td>'
                f'<td>{money(tp["total"], drift)}</td></tr>')
    goals = dept["goals"]
    marks = [f"目标{i + 1}：" + ("、" if i in (0, len(goals) - 1) and dept is SEED else "") + esc(g)
             for i, g in enumerate(goals)]
    if drift.get("goals_one_cell"):
        cells = [esc(dept["goals_intro"]) + "<br>" + "<br>".join(marks)]
        rows.append(f'<tr><td><b>部门整体支出绩效目标</b></td><td colspan="9" align="left">{cells[0]}</td></tr>')
    else:
        if dept is SEED:  # as in the seed: the last two goals share one cell, a blank line between
            marks = marks[:-2] + [marks[-2] + "<br><br>" + marks[-1]]
        rows.append(f'<tr><td rowspan="{len(marks) + 1}"><b>部门整体支出绩效目标</b></td>'
                    f'<td colspan="9" align="left">{esc(dept["goals_intro"])}</td></tr>')
        rows.extend(f'<tr><td colspan="9" align="left">{m}</td></tr>' for m in marks)
    table_one = rows
    rows = []
    inds = dept["indicators"]
    rows.append(f'<tr><td rowspan="{len(inds) + 1}"><b>部门整体支出绩效指标</b></td><td>{sp("一级指标", 2, True)}</td>'
                f'<td>{sp("二级指标", 3)}</td><td colspan="4">指标内容</td><td colspan="2">指标值</td><td>备注</td></tr>')
    for i, ind in enumerate(inds):
        cells = ""
        if i == 0 or inds[i - 1]["level1"] != ind["level1"]:
            n = 1
            while i + n < len(inds) and inds[i + n]["level1"] == ind["level1"]:
                n += 1
            cells += f'<td rowspan="{n}">{sp(ind["level1"], 2, True)}</td>'
        same2 = i > 0 and inds[i - 1]["level2"] == ind["level2"] and inds[i - 1]["level1"] == ind["level1"]
        if not same2:
            n = 1
            while (i + n < len(inds) and inds[i + n]["level2"] == ind["level2"]
                   and inds[i + n]["level1"] == ind["level1"]):
                n += 1
            cells += f'<td rowspan="{n}">{sp(ind["level2"], 3)}</td>'
        cells += (f'<td colspan="4" align="left">{esc(ind["content"])}</td><td colspan="2">{esc(ind["value"])}</td>'
                  f'<td>{esc(ind["remark"])}</td>')
        rows.append(f"<tr>{cells}</tr>")
    revs = dept["reviews"]
    rows.append(f'<tr><td rowspan="{3 * len(revs)}"><b>财政部门审核意见</b></td>' + "".join([]))
    for k, rv in enumerate(revs):
        date = "年   月   日"
        if rv["date"]:
            y, m, d = (int(x) for x in rv["date"].split("-"))
            date = f"{y}年{m}月{d}日"
        sign = (f"{NB}审核人：{esc(rv['reviewer'])}{NB * 8}科室负责人签字：{esc(rv['head'])}{NB * 14}{date}")
        office = sp(rv["office"] + "审核意见", 2, True)
        first = "" if k == 0 else "<tr>"
        rows[-1] += "" if k else ""
        rows.append(f'{first}<td rowspan="3">{office}</td><td colspan="8" align="left">审核意见：</td></tr>'
                    if k else f'<td rowspan="3">{office}</td><td colspan="8" align="left">审核意见：</td></tr>')
        rows.append(f'<tr><td colspan="8" align="left">{esc(rv["opinion"])}</td></tr>')
        rows.append(f'<tr><td colspan="8" align="left">{sign}</td></tr>')
    foot_p = drift.get("footer_paragraph")
    footer = (f'<p>填报人：{esc(dept["filled_by"])}{NB * 8}联系电话：{esc(dept["filled_by_phone"])}</p>' if foot_p else
              f'<table border="0"><tr><td>填报人：</td><td>{esc(dept["filled_by"])}</td><td>联系电话：</td>'
              f'<td>{esc(dept["filled_by_phone"])}</td></tr></table>')
    table = '<table border="1" cellspacing="0" cellpadding="3" width="100%">'
    body = table + "".join(table_one)
    body += ("</table><p></p>" + table) if drift.get("split_table") else ""
    body += "".join(rows) + "</table>"
    return (f'<html><head><meta charset="utf-8"><title>附件1</title></head><body style="font-family:SimSun">'
            f'<p>附件1</p><p align="center"><b><font size="5">{dept["year"]}年部门整体支出绩效目标申报表</font></b></p>'
            f'<p>填报单位（盖章）：{esc(dept["unit_name"])}{NB * 30}</p><p align="right">单位：{esc(dept["amount_unit"])}</p>'
            f'{body}{footer}</body></html>')


def convert(html_files: list[Path], fmt: str, outdir: Path) -> None:
    infilter, target = {"docx": ("HTML (StarWriter)", "docx:MS Word 2007 XML"),
                        "xlsx": ("HTML (StarCalc)", "xlsx:Calc MS Excel 2007 XML")}[fmt]
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", f"--infilter={infilter}",
                        "--convert-to", target, "--outdir", str(outdir), *map(str, html_files)],
                       check=True, capture_output=True, timeout=600)
    for f in html_files:
        if not (outdir / f"{f.stem}.{fmt}").is_file():
            raise SystemExit(f"LibreOffice did not write {f.stem}.{fmt}")


def word_edits(path: Path, dept: dict) -> None:
    """Hand-edit a .docx the way Word leaves it: content controls and tracked changes."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    ns = {"w": W}

    def q(tag: str) -> str:
        return f"{{{W}}}{tag}"

    def runs_with(text: str):
        return [t.getparent() for t in root.iter(q("t")) if t.text and text in t.text]

    # 1. the unit name inside a run-level content control
    run = runs_with(dept["unit_name"])[0]
    t = run.find(q("t"))
    name_run = copy.deepcopy(run)
    t.text = t.text.split(dept["unit_name"])[0]
    name_run.find(q("t")).text = dept["unit_name"]
    sdt = etree.SubElement(etree.Element(q("dummy")), q("sdt"))
    pr = etree.SubElement(sdt, q("sdtPr"))
    etree.SubElement(pr, q("alias")).set(q("val"), "单位名称")
    etree.SubElement(sdt, q("sdtContent")).append(name_run)
    run.addnext(sdt)
    # 2. the 实有人数 value cell wrapped whole in a cell-level content control
    value = str(dept["basic_info"]["staff_actual"])
    tc = next(r for r in runs_with(value) if r.find(q("t")).text.strip() == value).getparent().getparent()
    wrapper = etree.Element(q("sdt"))
    etree.SubElement(etree.SubElement(wrapper, q("sdtPr")), q("tag")).set(q("val"), "staff_actual")
    content = etree.SubElement(wrapper, q("sdtContent"))
    tc.addprevious(wrapper)
    content.append(tc)
    # 3. a tracked insertion and a tracked deletion inside the second goal
    goal = dept["goals"][1]
    run = runs_with(goal)[0]
    t = run.find(q("t"))
    head, word, tail = goal[:2], goal[2:6], goal[6:]
    t.text = t.text.replace(goal, head)
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    after = run
    ins = etree.Element(q("ins"), {q("id"): "901", q("author"): "刘芳", q("date"): "2020-03-10T09:00:00Z"})
    r_ins = copy.deepcopy(run)
    r_ins.find(q("t")).text = word
    ins.append(r_ins)
    dele = etree.Element(q("del"), {q("id"): "902", q("author"): "刘芳", q("date"): "2020-03-10T09:00:00Z"})
    r_del = copy.deepcopy(run)
    dt_el = r_del.find(q("t"))
    dt_el.tag = q("delText")
    dt_el.text = "卫生应急"
    dele.append(r_del)
    r_tail = copy.deepcopy(run)
    r_tail.find(q("t")).text = tail
    for el in (ins, dele, r_tail):
        after.addnext(el)
        after = el
    assert root.find(".//w:sdt", ns) is not None
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    tmp.replace(path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "samples",
                        help="folder to write submissions/ and expected/ into (default: samples/)")
    args = parser.parse_args(argv)
    if shutil.which("soffice") is None:
        raise SystemExit("make_samples.py needs LibreOffice (soffice) on PATH")
    submissions, expected = args.out / "submissions", args.out / "expected"
    submissions.mkdir(parents=True, exist_ok=True)
    expected.mkdir(parents=True, exist_ok=True)
    plan: list[tuple[dict, str]] = [(SEED, "docx"), (SEED, "xlsx")]
    plan += [(d, d["_drift"]["format"]) for d in OTHERS]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        batches: dict[str, list[Path]] = {"docx": [], "xlsx": []}
        for dept, fmt in plan:
            name = f"附件1-{dept['year']}-{dept['unit_name']}"
            src = work / fmt / f"{name}.html"
            src.parent.mkdir(exist_ok=True)
            src.write_text(render(dept), encoding="utf-8")
            batches[fmt].append(src)
            truth = {k: v for k, v in dept.items() if not k.startswith("_")}
            (expected / f"{name}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n",
                                                   encoding="utf-8")
        for fmt, files in batches.items():
            convert(files, fmt, work / "out")
        for dept, fmt in plan:
            name = f"附件1-{dept['year']}-{dept['unit_name']}"
            out = work / "out" / f"{name}.{fmt}"
            if dept.get("_drift", {}).get("content_control"):
                word_edits(out, dept)
            shutil.copyfile(out, submissions / out.name)
            print("wrote", submissions / out.name)


if __name__ == "__main__":
    main()
