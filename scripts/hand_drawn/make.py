"""Hand-drawn copies of 附件1 and 附件2 (issue 10): each page written by hand as a Word/WPS/Excel user would
retype the form — section headings as numbered paragraphs, text as paragraphs, a whole form as a two-column
list, WPS-style colons and units, tables nested in cells — not by the structural generator.

Run from this folder: ``python make.py OUTDIR`` (needs ``soffice``). Writes the HTML pages, converts them
with LibreOffice (HTML → .docx/.xlsx/.doc/.xls), and builds the nested-table .docx with python-docx.
"""
import pathlib
import runpy
import shutil
import subprocess
import sys
import tempfile

CONV = {"docx": ("HTML (StarWriter)", "docx:MS Word 2007 XML"), "xlsx": ("HTML (StarCalc)", "xlsx:Calc MS Excel 2007 XML"),
        "doc": ("HTML (StarWriter)", "doc:MS Word 97"), "xls": ("HTML (StarCalc)", "xls:MS Excel 97")}
# page → the formats it is saved as
PAGES = {"A-word-paragraph-sections": ["docx"], "B-excel-all-turned-list": ["xlsx", "xls"],
         "C-word-numbered-paragraph-headings": ["docx", "doc"], "C2-word-functions-paragraphs": ["docx"],
         "D-excel-wps-quirks": ["xlsx"], "E-xlsx-indicators-numbered-merged": ["xlsx"],
         "F-word-nested-indicator-table": ["docx"], "P1-word-project-no-merges": ["docx"],
         "P2-excel-project-stacked": ["xlsx"], "N-word-totals-first-groups-swapped": ["docx", "xlsx"]}


def main(out: pathlib.Path) -> None:
    here = pathlib.Path(__file__).parent
    work = pathlib.Path(tempfile.mkdtemp(prefix="hand-drawn-"))
    sys.path.insert(0, str(here))
    import os
    os.chdir(work)
    for script in ("pages_a_b.py", "pages_c_d_e.py", "pages_project.py"):
        runpy.run_path(str(here / script))
    exec(HELPERS, {})  # C2, F and N are edits of C and A
    out.mkdir(parents=True, exist_ok=True)
    for page, formats in PAGES.items():
        for fmt in formats:
            infilter, target = CONV[fmt]
            with tempfile.TemporaryDirectory() as profile:
                subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                                f"--infilter={infilter}", "--convert-to", target, "--outdir", str(out),
                                str(work / f"{page}.html")], check=True, capture_output=True)
            shutil.move(out / f"{page}.{fmt}", out / f"hand-{page}.{fmt}")
    (work / "out").mkdir(exist_ok=True)
    runpy.run_path(str(here / "nested_docx.py"))
    shutil.move(work / "out" / "G-python-docx-nested-tables.docx", out / "hand-G-python-docx-nested-tables.docx")
    runpy.run_path(str(here / "project_split_docx.py"))
    shutil.move(work / "out" / "P3-python-docx-project-split.docx", out / "hand-P3-python-docx-project-split.docx")
    runpy.run_path(str(here / "label_over_value_xlsx.py"))
    shutil.move(work / "out" / "H-openpyxl-label-newline-value-formulas.xlsx",
                out / "hand-H-openpyxl-label-newline-value-formulas.xlsx")


HELPERS = r'''
import re
from data import D
s = open("C-word-numbered-paragraph-headings.html", encoding="utf-8").read()
f = D["functions"]
parts = re.split(r"(?=\d、)", f)[1:]
s = s.replace(f"<p>{f}</p>", "".join(f"<p>{p}</p>" for p in parts) + "<p></p>").replace("<p>目标2", "<p></p><p>目标2")
open("C2-word-functions-paragraphs.html", "w", encoding="utf-8").write(s)
s = open("A-word-paragraph-sections.html", encoding="utf-8").read()
m = re.search(r'<tr><td rowspan=(\d+)>部门整体支出绩效指标</td>(.*?)</table>', s, re.S)
rows = re.findall(r"<tr>.*?</tr>", "<tr>" + m.group(2), re.S)
s = s[:m.start()] + f'<tr><td>部门整体支出绩效指标</td><td><table border=1>{"".join(rows)}</table></td></tr></table>' + s[m.end():]
open("F-word-nested-indicator-table.html", "w", encoding="utf-8").write(s)
# N: every band's 合计 typed first, 三公经费预算支出 left of 年度支出预算
i, e, t = D["inc"], D["exp"], D["tp"]
def v(x): return "" if x is None else x
s = open("A-word-paragraph-sections.html", encoding="utf-8").read()
inc_l = ["合计","一般公共预算","政府基金","非税收入","上级财政补助收入","其他收入","经营服务收入","上年结转","单位自筹"]
inc_k = ["total","general_budget","government_fund","non_tax","higher_subsidy","other","business_service","carryover","self_raised"]
new_inc = ('<table border=1><tr><td rowspan=2>年度收入预算</td>' + "".join(f'<td>{l}</td>' for l in inc_l) + '</tr><tr>'
           + "".join(f'<td>{v(i[k])}</td>' for k in inc_k) + '</tr></table>')
new_exp = f"""<table border=1><tr><td colspan=4>三公经费预算支出</td><td colspan=3>年度支出预算</td></tr>
<tr><td>合计</td><td>公务接待费</td><td>公务用车运行和购置费</td><td>因公出国（境）费</td><td>合计</td><td>基本支出</td><td>项目支出</td></tr>
<tr><td>{t['total']}</td><td>{t['reception']}</td><td>{t['vehicles']}</td><td>{t['overseas']}</td><td>{e['total']}</td><td>{e['basic']}</td><td>{e['project']}</td></tr></table>"""
tables = re.findall(r"<table border=1>.*?</table>", s, re.S)
s = s.replace(tables[1], new_inc).replace(tables[2], new_exp)
open("N-word-totals-first-groups-swapped.html", "w", encoding="utf-8").write(s)
'''

if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]).resolve())
