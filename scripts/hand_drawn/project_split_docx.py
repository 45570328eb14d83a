import docx, json
E = json.load(open("p_expected.json"))
d = docx.Document()
for t in ["附件2", "项目支出绩效目标申报表", "（2020年度）", f"填报单位（盖章）：{E['unit_name']}　　　　单位：万元"]:
    d.add_paragraph(t)
def v(x): return "" if x is None else str(x)
f = E["funds"]
t = d.add_table(rows=0, cols=8); t.style = "Table Grid"
def row(*cells):
    r = t.add_row().cells
    k = 0
    for text, span in cells:
        c = r[k]
        if span > 1: c = c.merge(r[k + span - 1])
        c.text = text; k += span
    return r
row(("项目名称", 1), (E["project_name"], 7))
row(("项目属性", 1), ("新增项目☑　　延续项目□", 3), ("主管部门", 1), (E["competent_dept"], 1), ("主管部门编码", 1), (E["competent_dept_code"], 1))
row(("项目单位", 1), (E["project_unit"], 3), ("项目负责人", 1), (E["project_leader"], 1), ("联系电话", 1), (E["contact_phone"], 1))
row(("项目起止时间", 1), (E["period"], 7))
a = row(("资金总额及构成", 1), ("资金总额", 1), (v(f["total"]), 2), ("财政拨款", 1), (v(f["fiscal"]), 1), ("其中：上级财政资金", 1), (v(f["fiscal_higher"]), 1))
b = row(("", 1), ("本级财政资金", 1), (v(f["fiscal_local"]), 2), ("自有资金", 1), (v(f["own"]), 1), ("其他资金", 1), (v(f["other"]), 1))
a[0].merge(b[0])
row(("项目概况", 1), (E["overview"], 7))
x = row(("项目立项情况", 1), ("项目立项的依据", 1), (E["basis"], 6))
row(("", 1), ("项目申报的可行性", 1), (E["feasibility"], 6))
y = row(("", 1), ("项目申报的必要性", 1), (E["necessity"], 6))
x[0].merge(y[0])
x = row(("项目实施进度计划", 1), ("项目实施内容", 5), ("开始时间", 1), ("完成时间", 1))
for n, s in enumerate(E["schedule"], 1):
    y = row(("", 1), (f"{n}、{s['content']}", 5), (s["start"], 1), (s["end"], 1))
x[0].merge(y[0])
x = row(("项目绩效目标", 1), ("长期目标", 4), ("年度目标", 3))
y = row(("", 1), (E["long_term_goal"], 4), (E["annual_goal"], 3))
x[0].merge(y[0])
def ind(label, items, table):
    global t
    x = row((label, 1), ("一级指标", 1), ("二级指标", 1), ("指标内容", 2), ("指标值", 2), ("备注", 1))
    prev = None; last = None
    for it in items:
        r = row(("", 1), (it["level1"] if it["level1"] != prev else "", 1), (it["level2"], 1), (it["content"], 2), (it["value"], 2), (v(it["remark"]), 1))
        prev = it["level1"]
        last = r
    x[0].merge(last[0])
ind("长期绩效指标", E["long_term_indicators"], t)
# annual indicators split over a page break: a second table with the header repeated
ann = E["annual_indicators"]
x = row(("年度绩效指标", 1), ("一级指标", 1), ("二级指标", 1), ("指标内容", 2), ("指标值", 2), ("备注", 1))
for k, it in enumerate(ann[:2]):
    r = row(("", 1), (it["level1"] if k == 0 or it["level1"] != ann[k - 1]["level1"] else "", 1), (it["level2"], 1), (it["content"], 2), (it["value"], 2), (v(it["remark"]), 1))
x[0].merge(r[0])
d.add_paragraph("")
t = d.add_table(rows=0, cols=8); t.style = "Table Grid"
row(("", 1), ("一级指标", 1), ("二级指标", 1), ("指标内容", 2), ("指标值", 2), ("备注", 1))
for it in ann[2:]:
    row(("", 1), (it["level1"], 1), (it["level2"], 1), (it["content"], 2), (it["value"], 2), (v(it["remark"]), 1))
row(("其他说明的问题", 1), (E["other_notes"], 7))
d.add_paragraph(f"填报人：{E['filled_by']}　　联系电话：{E['filled_by_phone']}　　单位负责人：{E['unit_head']}　　填报日期：2020年1月15日")
d.save("out/P3-python-docx-project-split.docx")
