"""Layouts nobody in this project drew: the seed typed up in other ways a submitter might, converted
by real LibreOffice into .docx and .xlsx, must read back to the seed record."""

import html
import itertools
import json
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest

import formparse
from tests.conftest import SEED_JSON, needs_soffice, numeric

pytestmark = [pytest.mark.acceptance, pytest.mark.slow, needs_soffice()]  # structural variants via LibreOffice
SEED = json.loads(SEED_JSON.read_text(encoding="utf-8"))
INCOME = [("一般公共预算", "general_budget"), ("政府性基金", "government_fund"), ("非税收入", "non_tax"),
          ("上级财政补助收入", "higher_subsidy"), ("其他收入", "other"), ("经营服务收入", "business_service"),
          ("上年结转", "carryover"), ("单位自筹", "self_raised"), ("合计", "total")]
VARIANTS = {
    "heading": "section labels as heading rows across the table, their content below",
    "title_in_table": "title and 填报单位 as the first rows of the table",
    "one_line_header": "填报单位 and 单位 on one line",
    "goal_number_cells": "目标N： in a cell of its own, the goal in the next",
    "footer_paragraph": "填报人 and 联系电话 in one paragraph",
    "box_in_one_cell": "each review box is one cell with its prompts on separate lines",
    "money_text": "money typed with thousands separators and 万元",
}
CASES = [("heading", "footer_paragraph", "money_text"), ("title_in_table", "goal_number_cells"),
         ("one_line_header", "box_in_one_cell"), ("heading", "goal_number_cells", "box_in_one_cell"),
         ("title_in_table", "one_line_header", "footer_paragraph", "money_text")]


def td(text="", span=1, rows=1):
    attrs = (f' colspan="{span}"' if span > 1 else "") + (f' rowspan="{rows}"' if rows > 1 else "")
    return f"<td{attrs}>{html.escape(str(text)).replace(chr(10), '<br>')}</td>"


def money(v, flags):
    if v is None:
        return ""
    return f"{Decimal(v):,.2f}万元" if "money_text" in flags else v


def render(flags):
    r, b = SEED, SEED["basic_info"]
    head = "heading" in flags
    w = 10
    rows = []
    top = ["附件1", f"{r['year']}年部门整体支出绩效目标申报表"]
    unit = [f"填报单位（盖章）：{r['unit_name']}", f"单位：{r['amount_unit']}"]
    if "one_line_header" in flags:
        unit = [f"{unit[0]}　　　　　　{unit[1]}"]
    pre = "".join(f"<p>{html.escape(t)}</p>" for t in top + unit)
    if "title_in_table" in flags:
        pre = f"<p>{top[0]}</p>"
        rows += [td(top[1], w)] + [td(t, w) for t in unit]
    cw = w - 1 if not head else w
    if head:
        rows.append(td("部门基本信息", w))
    rows.append(("" if head else td("部门基本信息", 1, 8)) + td("编制人数") + td(b["staff_quota"]) + td("实有人数")
                + td(b["staff_actual"]) + td("预算绩效管理联系人") + td(b["contact_person"]) + td("联系电话")
                + td(b["contact_phone"], cw - 7))
    rows.append(td("单位职能概述") + td(r["functions"], cw - 1))
    rows.append(td("年度收入预算", cw))
    rows.append("".join(td(lab) for lab, _ in INCOME) + (td("", cw - 9) if cw > 9 else ""))
    rows.append("".join(td(money(r["income"][k], flags)) for _, k in INCOME) + (td("", cw - 9) if cw > 9 else ""))
    rows.append(td("年度支出预算", 3) + td("三公经费预算支出", cw - 3))
    labels = ["基本支出", "项目支出", "合计", "公务接待费", "公务用车运行和购置费", "因公出国（境）费", "合计"]
    vals = [r["expenditure"][k] for k in ("basic", "project", "total")] + \
           [r["three_public"][k] for k in ("reception", "vehicles", "overseas", "total")]
    rows.append("".join(td(x) for x in labels) + td("", cw - 7))
    rows.append("".join(td(money(v, flags)) for v in vals) + td("", cw - 7))
    goals = r["goals"]
    if head:
        rows.append(td("部门整体支出绩效目标", w))
        rows.append(td(r["goals_intro"], w))
    else:
        rows.append(td("部门整体支出绩效目标", 1, len(goals) + 1) + td(r["goals_intro"], cw))
    for i, g in enumerate(goals, 1):
        if "goal_number_cells" in flags:
            rows.append(td(f"目标{i}：") + td(g, cw - 1))
        else:
            rows.append(td(f"目标{i}：{g}", cw))
    inds = r["indicators"]
    if head:
        rows.append(td("部门整体支出绩效指标", w))
    header = td("一级指标") + td("二级指标") + td("指标内容", cw - 5) + td("指标值", 2) + td("备注")
    rows.append(("" if head else td("部门整体支出绩效指标", 1, len(inds) + 1)) + header)
    for i, ind in enumerate(inds):
        first = i == 0 or inds[i - 1]["level1"] != ind["level1"]
        level1 = ind["level1"]
        n = sum(1 for _ in itertools.takewhile(lambda x, lv=level1: x["level1"] == lv, inds[i:]))
        rows.append((td(ind["level1"], 1, n) if first else "") + td(ind["level2"]) + td(ind["content"], cw - 5)
                    + td(ind["value"], 2) + td(ind["remark"] or ""))
    boxes = "box_in_one_cell" in flags
    per = 1 if boxes else 3
    if head:
        rows.append(td("财政部门审核意见", w))
    for k, rv in enumerate(r["reviews"]):
        lab = ("" if head or k else td("财政部门审核意见", 1, per * len(r["reviews"])))
        sign = " 审核人：        科室负责人签字：              年   月   日"
        if boxes:
            rows.append(lab + td(rv["office"] + "审核意见") + td(f"审核意见：\n\n\n{sign}", cw - 1))
        else:
            rows.append(lab + td(rv["office"] + "审核意见", 1, 3) + td("审核意见：", cw - 1))
            rows.append(td("", cw - 1))
            rows.append(td(sign, cw - 1))
    table = "<table border='1'>" + "".join(f"<tr>{x}</tr>" for x in rows) + "</table>"
    if "footer_paragraph" in flags:
        foot = f"<p>填报人：{r['filled_by']}　　　　联系电话：{r['filled_by_phone']}</p>"
    else:
        cells = td("填报人：") + td(r["filled_by"]) + td("联系电话：") + td(r["filled_by_phone"])
        foot = f"<table><tr>{cells}</tr></table>"
    return f"<html><head><meta charset='utf-8'></head><body>{pre}{table}{foot}</body></html>"


@pytest.fixture(scope="module")
def converted():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        srcs = []
        for i, flags in enumerate(CASES):
            src = tmp / f"case{i}.html"
            src.write_text(render(flags), encoding="utf-8")
            srcs.append(src)
        for infilter, target in (("HTML (StarWriter)", "docx:MS Word 2007 XML"),
                                 ("HTML (StarCalc)", "xlsx:Calc MS Excel 2007 XML")):
            subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                            f"--infilter={infilter}", "--convert-to", target, "--outdir", str(tmp),
                            *map(str, srcs)], check=True, capture_output=True, timeout=600)
        yield tmp


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
@pytest.mark.parametrize("case", range(len(CASES)), ids=lambda i: "+".join(CASES[i]))
def test_other_layouts_read_to_the_seed(converted, case, suffix):
    path = converted / f"case{case}{suffix}"
    got = formparse.to_dict(formparse.read(path))
    assert numeric(got) == numeric(SEED)
