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

# 附件2 《项目支出绩效目标申报表》 (../shared/forms/附件2-项目支出绩效目标申报表.md): eight grid columns, A..H.
PROJECT_TITLE = "项目支出绩效目标申报表"
PROJECT_YEAR_LINE = "（2020年度）"
PROJECT_KINDS = ["新增项目", "延续项目"]
PROJECT_KIND_BOXES = "新增项目□　　延续项目□"
# 资金总额及构成, two rows of (label, value columns) after the group label
FUNDS_ROWS = [[("资金总额", 1, 2, 3), ("财政拨款", 4, 5, 5), ("其中：上级财政资金", 6, 7, 7)],
              [("本级财政资金", 1, 2, 3), ("自有资金", 4, 5, 5), ("其他资金", 6, 7, 7)]]
FUNDS_KEYS = [["total", "fiscal", "fiscal_higher"], ["fiscal_local", "own", "other"]]
APPROVAL = ["项目立项的依据", "项目申报的可行性", "项目申报的必要性"]
SCHEDULE_SLOTS = 3
PROJECT_INDICATOR_COLS = [("一级指标", 1, 1), ("二级指标", 2, 2), ("指标内容", 3, 4), ("指标值", 5, 6), ("备注", 7, 7)]
PROJECT_GROUPS = [("产出指标", ["数量指标", "质量指标", "时效指标", "成本指标"]),
                  ("效益指标", ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"]),
                  ("满意度指标", ["社会公众或服务对象满意度指标"])]
# the footer line: (text, width in cm) of a borderless one-row table, 17 cm in all
PROJECT_FOOTER = [("填报人：", 2.0), ("", 1.8), ("联系电话：", 2.4), ("", 2.0), ("单位负责人：", 2.8), ("", 1.6),
                  ("填报日期：", 2.4), ("    年  月  日", 2.0)]
