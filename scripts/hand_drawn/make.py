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
         "P2-excel-project-stacked": ["xlsx"]}


def main(out: pathlib.Path) -> None:
    here = pathlib.Path(__file__).parent
    work = pathlib.Path(tempfile.mkdtemp(prefix="hand-drawn-"))
    sys.path.insert(0, str(here))
    import os
    os.chdir(work)
    for script in ("pages_a_b.py", "pages_c_d_e.py", "pages_project.py"):
        runpy.run_path(str(here / script))
    exec(HELPERS)  # C2 and F are edits of C and A
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
'''

if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]).resolve())
