from data import D
import pathlib
i, e, t = D["inc"], D["exp"], D["tp"]
def v(x): return "" if x is None else x
H = '<html><head><meta charset="utf-8"></head><body>'
pages = {}
inc_l = ["一般公共预算","政府基金","非税收入","上级财政补助收入","其他收入","经营服务收入","上年结转","单位自筹","合计"]
inc_k = ["general_budget","government_fund","non_tax","higher_subsidy","other","business_service","carryover","self_raised","total"]
pages["C-word-numbered-paragraph-headings"] = H + f"""
<p align=center>2020年部门整体支出绩效目标申报表</p>
<p>填报单位（盖章）：{D['unit']}</p><p align=right>单位：万元.人</p>
<p>一、部门基本信息</p>
<table border=1><tr><td>编制人数</td><td>{D['quota']}</td><td>实有人数</td><td>{D['actual']}</td></tr>
<tr><td>预算绩效管理联系人</td><td>{D['person']}</td><td>联系电话</td><td>{D['phone']}</td></tr></table>
<p>二、单位职能概述</p><p>{D['functions']}</p>
<p>三、年度收入预算</p>
<table border=1><tr>{''.join(f'<td>{l}</td>' for l in inc_l)}</tr><tr>{''.join(f'<td>{v(i[k])}</td>' for k in inc_k)}</tr></table>
<p>四、年度支出预算</p>
<table border=1><tr><td>基本支出</td><td>项目支出</td><td>合计</td></tr><tr><td>{e['basic']}</td><td>{e['project']}</td><td>{e['total']}</td></tr></table>
<p>五、三公经费预算支出</p>
<table border=1><tr><td>公务接待费</td><td>公务用车运行和购置费</td><td>因公出国（境）费</td><td>合计</td></tr><tr><td>{t['reception']}</td><td>{t['vehicles']}</td><td>{t['overseas']}</td><td>{t['total']}</td></tr></table>
<p>六、部门整体支出绩效目标</p><p>{D['intro']}</p>
""" + "".join(f"<p>目标{n}：{g}</p>" for n,g in enumerate(D['goals'],1)) + """
<p>七、部门整体支出绩效指标</p>
<table border=1><tr><td>一级指标</td><td>二级指标</td><td>指标内容</td><td>指标值</td><td>备注</td></tr>""" + "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td><td>{d}</td><td>{v(r)}</td></tr>" for a,b,c,d,r in D['ind']) + f"""
</table><p>填报人：{D['person']}　　联系电话：{D['phone2']}</p></body></html>"""

# D: Excel WPS-like quirks: labels with colons in their own cells, money with units, separators, dashes for empty
def money(x, n):
    if x is None: return ["—", "/", "", "0.00"][n % 4] if False else ["—", "/", "", ""][n % 4]
    return [f"{x}万元", f"{float(x):,.2f}", x, f"￥{x}"][n % 4]
pages["D-excel-wps-quirks"] = H + f"""<table border=1>
<tr><td colspan=8>2020年部门整体支出绩效目标申报表</td></tr>
<tr><td colspan=5>填报单位（盖章）：{D['unit']}</td><td colspan=3>单位：万元.人</td></tr>
<tr><td rowspan=2>部门基本信息</td><td>编制人数：</td><td>{D['quota']}人</td><td>实有人数：</td><td>{D['actual']}人</td><td></td><td></td><td></td></tr>
<tr><td>预算绩效管理联系人：</td><td>{D['person']}</td><td>联系电话：</td><td>{D['phone']}</td><td></td><td></td><td></td></tr>
<tr><td>单位职能概述</td><td colspan=7>{D['functions']}</td></tr>
<tr><td rowspan=4>年度收入预算</td>{''.join(f'<td>{l}</td>' for l in inc_l[:5])}<td></td><td></td></tr>
<tr>{''.join(f'<td>{money(i[k], n)}</td>' for n,k in enumerate(inc_k[:5]))}<td></td><td></td></tr>
<tr>{''.join(f'<td>{l}</td>' for l in inc_l[5:])}<td></td><td></td><td></td></tr>
<tr>{''.join(f'<td>{money(i[k], n+5)}</td>' for n,k in enumerate(inc_k[5:]))}<td></td><td></td><td></td></tr>
<tr><td colspan=3>年度支出预算</td><td colspan=4>三公经费预算支出</td><td></td></tr>
<tr><td>基本支出</td><td>项目支出</td><td>合计</td><td>公务接待费</td><td>公务用车运行和购置费</td><td>因公出国（境）费</td><td>合计</td><td></td></tr>
<tr><td>{e['basic']}万元</td><td>{e['project']}万元</td><td>{e['total']}万元</td><td>{t['reception']}</td><td>{t['vehicles']}</td><td>{t['overseas']}</td><td>{t['total']}</td><td></td></tr>
<tr><td rowspan=4>部门整体支出绩效目标</td><td colspan=7>{D['intro']}</td></tr>
""" + "".join(f"<tr><td colspan=7>{n}、{g}</td></tr>" for n,g in enumerate(D['goals'],1)) + f"""
<tr><td rowspan={len(D['ind'])+1}>部门整体支出绩效指标</td><td>一级指标</td><td>二级指标</td><td colspan=3>指标内容</td><td>指标值</td><td>备注</td></tr>
""" + "".join(f"<tr><td>{a}</td><td>{b}</td><td colspan=3>{c}</td><td>{d}</td><td>{v(r)}</td></tr>" for a,b,c,d,r in D['ind']) + f"""
<tr><td>填报人：</td><td>{D['person']}</td><td>联系电话：</td><td>{D['phone2']}</td><td></td><td></td><td></td><td></td></tr>
</table></body></html>"""

# E: indicator table with 序号 column and merged 一级指标 (rowspan), two rows sharing one 二级指标
ind = D['ind']
groups = {}
for row in ind: groups.setdefault(row[0], []).append(row)
trs = ""; n = 0
for l1, rows in groups.items():
    for j, (a,b,c,d,r) in enumerate(rows):
        n += 1
        trs += "<tr>" + f"<td>{n}</td>" + (f"<td rowspan={len(rows)}>{a}</td>" if j == 0 else "") + f"<td>{b}</td><td>{c}</td><td>{d}</td><td>{v(r)}</td></tr>"
pages["E-xlsx-indicators-numbered-merged"] = H + f"""<table border=1>
<tr><td colspan=7>2020年部门整体支出绩效目标申报表</td></tr>
<tr><td colspan=7>填报单位（盖章）：{D['unit']}　　　单位：万元.人</td></tr>
<tr><td rowspan=2>部门基本信息</td><td>编制人数</td><td>{D['quota']}</td><td>实有人数</td><td colspan=3>{D['actual']}</td></tr>
<tr><td>预算绩效管理联系人</td><td>{D['person']}</td><td>联系电话</td><td colspan=3>{D['phone']}</td></tr>
<tr><td>单位职能概述</td><td colspan=6>{D['functions']}</td></tr>
<tr><td rowspan=2>年度收入预算</td>{''.join(f'<td>{l}</td>' for l in inc_l[:6])}</tr>
<tr>{''.join(f'<td>{v(i[k])}</td>' for k in inc_k[:6])}</tr>
<tr><td rowspan=2></td>{''.join(f'<td>{l}</td>' for l in inc_l[6:])}<td colspan=3></td></tr>
<tr>{''.join(f'<td>{v(i[k])}</td>' for k in inc_k[6:])}<td colspan=3></td></tr>
<tr><td rowspan=2>年度支出预算</td><td>基本支出</td><td>项目支出</td><td>合计</td><td colspan=3></td></tr>
<tr><td>{e['basic']}</td><td>{e['project']}</td><td>{e['total']}</td><td colspan=3></td></tr>
<tr><td rowspan=2>三公经费预算支出</td><td>公务接待费</td><td>公务用车运行和购置费</td><td>因公出国（境）费</td><td>合计</td><td colspan=2></td></tr>
<tr><td>{t['reception']}</td><td>{t['vehicles']}</td><td>{t['overseas']}</td><td>{t['total']}</td><td colspan=2></td></tr>
<tr><td rowspan=4>部门整体支出绩效目标</td><td colspan=6>{D['intro']}</td></tr>
""" + "".join(f"<tr><td colspan=6>目标{n}：{g}</td></tr>" for n,g in enumerate(D['goals'],1)) + f"""
<tr><td rowspan={len(ind)+1}>部门整体支出绩效指标</td><td>序号</td><td>一级指标</td><td>二级指标</td><td>指标内容</td><td>指标值</td><td>备注</td></tr>
{trs.replace('<tr>', '<tr>', 1)}
</table></body></html>"""
# fix: rows after the first in the indicator block need no leading cell because of rowspan
for k, s in pages.items():
    pathlib.Path(f"{k}.html").write_text(s, encoding="utf-8")
