# Hand-drawn variants, each written as its own HTML by hand (not the generator).
from data import D
i, e, t = D["inc"], D["exp"], D["tp"]
def v(x): return "" if x is None else x
H = '<html><head><meta charset="utf-8"></head><body>'
pages = {}

# A: Word retyper. Title and unit as paragraphs; sections as paragraphs; several tables; functions and goals as paragraphs
ind_rows = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td><td>{d}</td><td>{v(r)}</td></tr>" for a,b,c,d,r in D["ind"])
pages["A-word-paragraph-sections"] = H + f"""
<p>附件1</p><p align=center><b>2020年部门整体支出绩效目标申报表</b></p>
<p>填报单位（盖章）：{D['unit']}　　　　　　单位：万元.人</p>
<table border=1>
<tr><td rowspan=2>部门基本信息</td><td>编制人数</td><td>{D['quota']}</td><td>实有人数</td><td>{D['actual']}</td></tr>
<tr><td>预算绩效管理联系人</td><td>{D['person']}</td><td>联系电话</td><td>{D['phone']}</td></tr>
<tr><td>单位职能概述</td><td colspan=4>{D['functions']}</td></tr>
</table>
<table border=1>
<tr><td rowspan=4>年度收入预算</td><td>一般公共预算</td><td>政府基金</td><td>非税收入</td><td>上级财政补助收入</td><td>其他收入</td></tr>
<tr><td>{v(i['general_budget'])}</td><td>{v(i['government_fund'])}</td><td>{v(i['non_tax'])}</td><td>{v(i['higher_subsidy'])}</td><td>{v(i['other'])}</td></tr>
<tr><td>经营服务收入</td><td>上年结转</td><td>单位自筹</td><td>合计</td><td></td></tr>
<tr><td>{v(i['business_service'])}</td><td>{v(i['carryover'])}</td><td>{v(i['self_raised'])}</td><td>{v(i['total'])}</td><td></td></tr>
</table>
<table border=1>
<tr><td colspan=3>年度支出预算</td><td colspan=4>三公经费预算支出</td></tr>
<tr><td>基本支出</td><td>项目支出</td><td>合计</td><td>公务接待费</td><td>公务用车运行和购置费</td><td>因公出国（境）费</td><td>合计</td></tr>
<tr><td>{e['basic']}</td><td>{e['project']}</td><td>{e['total']}</td><td>{t['reception']}</td><td>{t['vehicles']}</td><td>{t['overseas']}</td><td>{t['total']}</td></tr>
</table>
<table border=1>
<tr><td rowspan=4>部门整体支出绩效目标</td><td>{D['intro']}</td></tr>
""" + "".join(f"<tr><td>目标{n}：{g}</td></tr>" for n, g in enumerate(D['goals'], 1)) + f"""
</table>
<table border=1>
<tr><td rowspan={len(D['ind'])+1}>部门整体支出绩效指标</td><td>一级指标</td><td>二级指标</td><td>指标内容</td><td>指标值</td><td>备注</td></tr>
""" + "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td><td>{d}</td><td>{v(r)}</td></tr>" for a,b,c,d,r in D["ind"]) + f"""
</table>
<table border=1>
<tr><td rowspan=2>财政部门审核意见</td><td>归口业务科室审核意见</td><td>审核意见：<br>审核人：　　科室负责人签字：　　年　月　日</td></tr>
<tr><td>绩效管理科室审核意见</td><td>审核意见：<br>审核人：　　科室负责人签字：　　年　月　日</td></tr>
</table>
<p>填报人：{D['person']}　　　　联系电话：{D['phone2']}</p>
</body></html>"""

# B: Excel "list" — everything as a two-column list, bands turned (labels down col A, values col B)
rows = [("2020年部门整体支出绩效目标申报表",""), ("填报单位（盖章）：" + D['unit'], "单位：万元.人"),
 ("部门基本信息",""), ("编制人数", D['quota']), ("实有人数", D['actual']), ("预算绩效管理联系人", D['person']), ("联系电话", D['phone']),
 ("单位职能概述", D['functions']), ("年度收入预算","")]
labels_inc = [("一般公共预算","general_budget"),("政府基金","government_fund"),("非税收入","non_tax"),("上级财政补助收入","higher_subsidy"),("其他收入","other"),("经营服务收入","business_service"),("上年结转","carryover"),("单位自筹","self_raised"),("合计","total")]
rows += [(l, v(i[k])) for l,k in labels_inc]
rows += [("年度支出预算","")] + [(l, e[k]) for l,k in [("基本支出","basic"),("项目支出","project"),("合计","total")]]
rows += [("三公经费预算支出","")] + [(l, t[k]) for l,k in [("公务接待费","reception"),("公务用车运行和购置费","vehicles"),("因公出国（境）费","overseas"),("合计","total")]]
body = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a,b in rows)
pages["B-excel-all-turned-list"] = H + "<table border=1>" + body + f"""
<tr><td>部门整体支出绩效目标</td><td>{D['intro']}</td></tr>""" + "".join(f"<tr><td></td><td>目标{n}：{g}</td></tr>" for n,g in enumerate(D['goals'],1)) + """
</table><br><table border=1><tr><td>部门整体支出绩效指标</td><td>一级指标</td><td>二级指标</td><td>指标内容</td><td>指标值</td><td>备注</td></tr>""" + "".join(f"<tr><td></td><td>{a}</td><td>{b}</td><td>{c}</td><td>{d}</td><td>{v(r)}</td></tr>" for a,b,c,d,r in D['ind']) + f"""
</table><table border=1><tr><td>填报人</td><td>{D['person']}</td><td>联系电话</td><td>{D['phone2']}</td></tr></table></body></html>"""

import pathlib
for k, s in pages.items():
    pathlib.Path(f"{k}.html").write_text(s, encoding="utf-8")
print(list(pages))
