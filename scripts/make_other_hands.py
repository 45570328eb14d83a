"""Make samples/other-hands/: 附件1 forms laid out by other hands (issue 10), with their ground truth.

Each file is one fixed combination of the structural classes (tests/structural.py), made the way other
tools make them: openpyxl writing a plain grid (as scripts and Excel do), python-docx (as Word users
type), LibreOffice from a web page (as WPS/LibreOffice users save .docx/.xlsx, and legacy .doc/.xls).
The record each file shows goes to samples/other-hands/NAME.json (the contract's JSON). Every written
file is checked by an independent reader (openpyxl / python-docx) to show every text of its form.

Run from the repository root: ``python scripts/make_other_hands.py`` (needs ``soffice`` on PATH).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.structural import (  # noqa: E402
    Style,
    build,
    convert,
    dumps_expected,
    expected,
    missing_texts,
    random_record,
    write_docx,
    write_html,
    write_xlsx,
)

A = (("政府基金", "政府性基金"), ("单位职能概述", "部门职能概述"), ("公务用车运行和购置费", "公务用车购置及运行费"))
# name, tool, style: each a different combination of the classes
CASES: list[tuple[str, str, Style]] = [
    ("group-left-merged", "openpyxl", Style(group="left")),
    ("group-left-once-plain-grid", "openpyxl", Style(group="left_once", merges="none")),
    ("group-above-unmerged", "python-docx", Style(group="above")),
    ("basic-list-two-columns", "python-docx", Style(basic="list")),
    ("basic-values-below", "openpyxl", Style(basic="below", group="above")),
    ("income-two-header-rows", "openpyxl", Style(income_split=True)),
    ("income-two-rows-group-left", "lo-docx", Style(income_split=True, group="left", basic="list")),
    ("plain-grid-no-merges", "lo-xlsx", Style(merges="none", level1="blank")),
    ("wide-headers-value-in-second", "openpyxl", Style(merges="wide", blank_cols=(4,))),
    ("blank-columns", "lo-docx", Style(blank_cols=(1, 6))),
    ("section-labels-repeated", "openpyxl", Style(repeat_sections=True, merges="none", level1="repeat")),
    ("split-table-level1-retyped", "python-docx", Style(split=4, split_level1="retype")),
    ("split-table-level1-carried", "lo-docx", Style(split=5, split_level1="blank", level1="blank", level2="blank")),
    ("no-reviews-no-filler", "openpyxl", Style(reviews=False, footer="none")),
    ("no-reviews-footer-paragraph", "python-docx", Style(reviews=False, footer="paragraph", box_one_cell=True)),
    ("notes-sheet-hidden-helpers", "openpyxl", Style(notes_sheet=True, hidden_row="before", hidden_col=10)),
    ("float-noise-general-and-fixed", "openpyxl", Style(numbers="mixed")),
    ("formulas-cached-values", "openpyxl", Style(numbers="formula", group="left")),
    ("aliases-other-county", "lo-xlsx",
     Style(aliases=A + (("预算绩效管理联系人", "联系人"), ("三公经费预算支出", "三公经费")))),
    ("legacy-doc-list-split", "lo-doc", Style(basic="list", split=3, split_left="repeat", footer="inline")),
    ("legacy-xls-plain-grid-left", "lo-xls", Style(merges="none", group="left_once", reviews=False)),
    ("everything-at-once", "openpyxl", Style(group="left", basic="below", income_split=True, merges="wide",
                                              blank_cols=(3,), repeat_sections=True, level1="blank", split=6,
                                              split_level1="blank", reviews=False, footer="inline",
                                              notes_sheet=True, hidden_row="after", hidden_col=5, numbers="mixed",
                                              aliases=A)),
    ("split-second-table-indicator-columns-only", "python-docx", Style(split=5, split_left="none")),
]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "samples" / "other-hands")
    args = parser.parse_args(argv)
    if shutil.which("soffice") is None:
        raise SystemExit("make_other_hands.py needs LibreOffice (soffice) on PATH")
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20201)
    index = ["# 他人排版的附件1 / Forms laid out by other hands", "",
             "Made by `scripts/make_other_hands.py` (issue 10); each file's record is `NAME.json`"
             " (the contract's JSON).",
             "Classes are the issue's numbering (tests/structural.py `Style.classes()`).", "",
             "| file | made by | classes |", "|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pages: dict[str, list[tuple[str, object, Path]]] = {}
        for name, tool, style in CASES:
            record = random_record(rng)
            if style.split is not None:
                style = replace(style, split=min(style.split, max(1, len(record.indicators) - 1)))
            form = build(record, style)
            truth = expected(record, style)
            suffix = {"openpyxl": "xlsx", "python-docx": "docx"}.get(tool) or tool.split("-")[1]
            made_by = tool if tool in ("openpyxl", "python-docx") else f"LibreOffice (HTML → .{suffix})"
            index.append(f"| {name}.{suffix} | {made_by} | {'; '.join(style.classes())} |")
            (args.out / f"{name}.json").write_text(dumps_expected(truth), encoding="utf-8")
            if tool == "openpyxl":
                path = write_xlsx(form, args.out / f"{name}.xlsx")
            elif tool == "python-docx":
                path = write_docx(form, args.out / f"{name}.docx")
            else:
                fmt = tool.split("-")[1]
                pages.setdefault(fmt, []).append((name, form, write_html(form, work / f"{name}.html")))
                continue
            check(form, path)
            print("wrote", path)
        for fmt, items in pages.items():
            made = convert([p for _, _, p in items], fmt, work / fmt)
            for (name, form, _), path in zip(items, made, strict=True):
                dest = args.out / f"{name}.{fmt}"
                shutil.copyfile(path, dest)
                if fmt in ("docx", "xlsx"):
                    check(form, dest)
                print("wrote", dest)
    (args.out / "README.md").write_text("\n".join(index) + "\n", encoding="utf-8")


def check(form, path: Path) -> None:
    lost = missing_texts(form, path)
    if lost:
        raise SystemExit(f"{path.name} does not show {lost[:5]}")


if __name__ == "__main__":
    main()
