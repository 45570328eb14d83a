import json, pathlib
E = json.load(open(pathlib.Path(__file__).resolve().parents[2] / "samples/expected/附件2-2020-邵阳市科学技术局-科普活动经费.json", encoding="utf-8"))
E.update(filled_by="张伟", filled_by_phone="0739-5123456", unit_head="王强", filled_date="2020-01-15", other_notes="无")
json.dump(E, open("p_expected.json","w"), ensure_ascii=False)
def v(x): return "" if x is None else x
H = '<html><head><meta charset="utf-8"></head><body>'
f = E["funds"]
def ind_rows(items, carry):
    out = ""; prev = None
    for it in items:
        l1 = it["level1"] if (carry or it["level1"] != prev) else ""
        prev = it["level1"]
        out += f"<tr><td></td><td>{l1}</td><td>{it['level2']}</td><td colspan=2>{it['content']}</td><td colspan=2>{it['value']}</td><td>{v(it['remark'])}</td></tr>"
    return out
# P1: Word, one table, no merges except none (each label typed in its row), funds in one text cell, check mark as √
sched = "".join(f"<tr><td></td><td colspan=5>{n}、{s['content']}</td><td>{s['start']}</td><td>{s['end']}</td></tr>" for n, s in enumerate(E['schedule'], 1))
P1 = H + f"""<p>附件2</p><p align=center>项目支出绩效目标申报表</p><p align=center>（2020年度）</p>
<p>填报单位（盖章）：{E['unit_name']}　　　　　　　　单位：万元</p>
<table border=1>
<tr><td>项目名称</td><td colspan=7>{E['project_name']}</td></tr>
<tr><td>项目属性</td><td colspan=3>新增项目√　　延续项目□</td><td>主管部门</td><td>{E['competent_dept']}</td><td>主管部门编码</td><td>{E['competent_dept_code']}</td></tr>
<tr><td>项目单位</td><td colspan=3>{E['project_unit']}</td><td>项目负责人</td><td>{E['project_leader']}</td><td>联系电话</td><td>{E['contact_phone']}</td></tr>
<tr><td>项目起止时间</td><td colspan=7>{E['period']}</td></tr>
<tr><td>资金总额及构成</td><td colspan=7>资金总额：{f['total']}万元　财政拨款：{f['fiscal']}万元（其中：上级财政资金：0万元；本级财政资金：{f['fiscal_local']}万元）　自有资金：　其他资金：</td></tr>
<tr><td>项目概况</td><td colspan=7>{E['overview']}</td></tr>
<tr><td>项目立项情况</td><td>项目立项的依据</td><td colspan=6>{E['basis']}</td></tr>
<tr><td></td><td>项目申报的可行性</td><td colspan=6>{E['feasibility']}</td></tr>
<tr><td></td><td>项目申报的必要性</td><td colspan=6>{E['necessity']}</td></tr>
<tr><td>项目实施进度计划</td><td colspan=5>项目实施内容</td><td>开始时间</td><td>完成时间</td></tr>
{sched}
<tr><td>项目绩效目标</td><td colspan=4>长期目标</td><td colspan=3>年度目标</td></tr>
<tr><td></td><td colspan=4>{E['long_term_goal']}</td><td colspan=3>{E['annual_goal']}</td></tr>
<tr><td>长期绩效指标</td><td>一级指标</td><td>二级指标</td><td colspan=2>指标内容</td><td colspan=2>指标值</td><td>备注</td></tr>
{ind_rows(E['long_term_indicators'], True)}
<tr><td>年度绩效指标</td><td>一级指标</td><td>二级指标</td><td colspan=2>指标内容</td><td colspan=2>指标值</td><td>备注</td></tr>
{ind_rows(E['annual_indicators'], False)}
<tr><td>其他说明的问题</td><td colspan=7>{E['other_notes']}</td></tr>
</table>
<p>填报人：{E['filled_by']}　　联系电话：{E['filled_by_phone']}　　单位负责人：{E['unit_head']}　　填报日期：2020年1月15日</p>
</body></html>"""
pathlib.Path("P1-word-project-no-merges.html").write_text(P1, encoding="utf-8")
# P2: Excel stacked two-column list for the head, funds a pair a row, then the tables
rows = [("项目名称", E['project_name']), ("项目属性", "□新增项目 ☑延续项目".replace("☑延续","□延续").replace("□新增","☑新增")),
        ("主管部门", E['competent_dept']), ("主管部门编码", E['competent_dept_code']), ("项目单位", E['project_unit']),
        ("项目负责人", E['project_leader']), ("联系电话", E['contact_phone']), ("项目起止时间", E['period']),
        ("资金总额及构成", ""), ("资金总额", f['total']), ("财政拨款", f['fiscal']), ("其中：上级财政资金", v(f['fiscal_higher'])),
        ("本级财政资金", f['fiscal_local']), ("自有资金", v(f['own'])), ("其他资金", v(f['other'])),
        ("项目概况", E['overview']), ("项目立项情况", ""), ("项目立项的依据", E['basis']), ("项目申报的可行性", E['feasibility']), ("项目申报的必要性", E['necessity'])]
body = "".join(f"<tr><td>{a}</td><td colspan=6>{b}</td></tr>" for a, b in rows)
sched2 = "".join(f"<tr><td></td><td colspan=4>{n}、{s['content']}</td><td>{s['start']}</td><td>{s['end']}</td></tr>" for n, s in enumerate(E['schedule'], 1))
def ind2(items):
    return "".join(f"<tr><td></td><td>{it['level1']}</td><td>{it['level2']}</td><td colspan=2>{it['content']}</td><td>{it['value']}</td><td>{v(it['remark'])}</td></tr>" for it in items)
P2 = H + f"""<table border=1><tr><td colspan=7>附件2</td></tr><tr><td colspan=7>项目支出绩效目标申报表</td></tr><tr><td colspan=7>（2020年度）</td></tr>
<tr><td colspan=5>填报单位（盖章）：{E['unit_name']}</td><td colspan=2>单位：万元</td></tr>
{body}
<tr><td>项目实施进度计划</td><td colspan=4>项目实施内容</td><td>开始时间</td><td>完成时间</td></tr>{sched2}
<tr><td>项目绩效目标</td><td colspan=6></td></tr><tr><td>长期目标</td><td colspan=6>{E['long_term_goal']}</td></tr><tr><td>年度目标</td><td colspan=6>{E['annual_goal']}</td></tr>
<tr><td>长期绩效指标</td><td>一级指标</td><td>二级指标</td><td colspan=2>指标内容</td><td>指标值</td><td>备注</td></tr>{ind2(E['long_term_indicators'])}
<tr><td>年度绩效指标</td><td>一级指标</td><td>二级指标</td><td colspan=2>指标内容</td><td>指标值</td><td>备注</td></tr>{ind2(E['annual_indicators'])}
<tr><td>其他说明的问题</td><td colspan=6>{E['other_notes']}</td></tr>
<tr><td>填报人</td><td>{E['filled_by']}</td><td>联系电话</td><td>{E['filled_by_phone']}</td><td>单位负责人</td><td>{E['unit_head']}</td><td>填报日期：2020年1月15日</td></tr>
</table></body></html>"""
pathlib.Path("P2-excel-project-stacked.html").write_text(P2, encoding="utf-8")
