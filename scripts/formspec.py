"""The printed layout of 附件1 (2020), as on the paper form in ../shared/seed — shared by the
template builder and the sample-submission generator. Ten grid columns, A..J."""

TITLE = "2020年部门整体支出绩效目标申报表"
INCOME = ["一般公共预算", "政府基金", "非税收入", "上级财政补助收入", "其他收入", "经营服务收入", "上年结转",
          "单位自筹", "合计"]
# (label, first col, last col) on the expenditure header row
EXPENDITURE = [("基本支出", 1, 1), ("项目支出", 2, 2), ("合计", 3, 3)]
THREE_PUBLIC = [("公务接待费", 4, 4), ("公务用车运行和购置费", 5, 6), ("因公出国（境）费", 7, 8), ("合计", 9, 9)]
INDICATOR_COLS = [("一级指标", 1, 1), ("二级指标", 2, 2), ("指标内容", 3, 6), ("指标值", 7, 8), ("备注", 9, 9)]
GROUPS = [("产出指标", ["数量指标", "质量指标", "成本指标", "时效指标"]),
          ("效益指标", ["经济指标", "社会效益", "生态效益", "可持续性影响", "社会公众或服务对象满意度"])]
OFFICES = ["归口业务科室", "绩效管理科室"]
SIGN = " 审核人：        科室负责人签字：              年   月   日"
INTRO = "在今年收支预算内，确保完成以下整体目标："
GOAL_SLOTS = 3
