import openpyxl
from openpyxl.styles import Alignment
from data import D
i, e, t = D["inc"], D["exp"], D["tp"]
wb = openpyxl.Workbook()
ws0 = wb.active; ws0.title = "填报说明"; ws0["A1"] = "请按要求填写附件1，金额单位为万元。"
ws = wb.create_sheet("附件1")
rows = [["2020年部门整体支出绩效目标申报表"], [f"填报单位（盖章）：{D['unit']}", None, None, None, None, None, "单位：万元.人"],
 ["部门基本信息", "编制人数\n" + str(D['quota']), "实有人数\n" + str(D['actual']), "预算绩效管理联系人\n" + D['person'], "联系电话\n" + D['phone']],
 ["单位职能概述", D['functions']],
 ["年度收入预算", "一般公共预算", "政府基金", "非税收入", "上级财政补助收入", "其他收入", "经营服务收入", "上年结转", "单位自筹", "合计"],
 [None, float(i['general_budget']), float(i['government_fund']), float(i['non_tax']), None, float(i['other']), None, float(i['carryover']), None, "=SUM(B6:I6)"],
 ["年度支出预算", "基本支出", "项目支出", "合计"], [None, float(e['basic']), float(e['project']), "=B8+C8"],
 ["三公经费预算支出", "公务接待费", "公务用车运行和购置费", "因公出国（境）费", "合计"], [None, 6.8, 15.2, 0, "=SUM(B10:D10)"],
 ["部门整体支出绩效目标", D['intro']], *[[None, f"目标{n}：{g}"] for n, g in enumerate(D['goals'], 1)],
 ["部门整体支出绩效指标", "一级指标", "二级指标", "指标内容", "指标值", "备注"], *[[None, *x] for x in D['ind']],
 ["填报人：", D['person'], "联系电话：", D['phone2']]]
for r in rows: ws.append(r)
wb.save("out/H-openpyxl-label-newline-value-formulas.xlsx")
