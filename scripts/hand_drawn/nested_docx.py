import docx, sys
from data import D
i, e, t = D["inc"], D["exp"], D["tp"]
def v(x): return "" if x is None else str(x)
doc = docx.Document()
doc.add_paragraph("2020年部门整体支出绩效目标申报表")
doc.add_paragraph(f"填报单位（盖章）：{D['unit']}　　　单位：万元.人")
outer = doc.add_table(rows=7, cols=2); outer.style = "Table Grid"
def nested(cell, data):
    cell.paragraphs[0].text = ""
    tb = cell.add_table(rows=len(data), cols=len(data[0])); tb.style = "Table Grid"
    for r, row in enumerate(data):
        for c, x in enumerate(row):
            tb.cell(r, c).text = v(x)
    return tb
outer.cell(0,0).text = "部门基本信息"
nested(outer.cell(0,1), [["编制人数", D['quota'], "实有人数", D['actual']], ["预算绩效管理联系人", D['person'], "联系电话", D['phone']]])
outer.cell(1,0).text = "单位职能概述"; outer.cell(1,1).text = D['functions']
outer.cell(2,0).text = "年度收入预算"
L = ["一般公共预算","政府基金","非税收入","上级财政补助收入","其他收入","经营服务收入","上年结转","单位自筹","合计"]
K = ["general_budget","government_fund","non_tax","higher_subsidy","other","business_service","carryover","self_raised","total"]
nested(outer.cell(2,1), [L[:5], [i[k] for k in K[:5]], L[5:]+[""], [i[k] for k in K[5:]]+[""]])
outer.cell(3,0).text = "年度支出预算"
nested(outer.cell(3,1), [["基本支出","项目支出","合计"], [e['basic'], e['project'], e['total']]])
outer.cell(4,0).text = "三公经费预算支出"
nested(outer.cell(4,1), [["公务接待费","公务用车运行和购置费","因公出国（境）费","合计"], [t['reception'], t['vehicles'], t['overseas'], t['total']]])
outer.cell(5,0).text = "部门整体支出绩效目标"
c = outer.cell(5,1); c.text = D['intro']
for n, g in enumerate(D['goals'], 1): c.add_paragraph(f"目标{n}：{g}")
outer.cell(6,0).text = "部门整体支出绩效指标"
nested(outer.cell(6,1), [["一级指标","二级指标","指标内容","指标值","备注"]] + [list(x) for x in D['ind']])
doc.add_paragraph(f"填报人：{D['person']}　　联系电话：{D['phone2']}")
doc.save("out/G-python-docx-nested-tables.docx")
