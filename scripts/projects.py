"""Ground truth for the bundled 附件2 submissions: the contract's example (邵阳市科学技术局 市级科技计划项目
专项资金, read from tests/contract) and four invented projects, five in all of three departments. Each
entry is the record in the contract's JSON shape, plus how its file drifts from the official form (see
make_project_samples.py)."""

import json
from pathlib import Path

CONTRACT = (Path(__file__).resolve().parent.parent / "tests" / "contract"
            / "附件2-2020-邵阳市科学技术局-市级科技计划项目专项资金.json")
null = None


def _ind(level1, level2, content, value, remark=None):
    return {"level1": level1, "level2": level2, "content": content, "value": value, "remark": remark}


def _step(content, start, end):
    return {"content": content, "start": start, "end": end}


EXAMPLE = json.loads(CONTRACT.read_text(encoding="utf-8"))
EXAMPLE["_drift"] = {"formats": ["docx", "xlsx"], "funds_one_cell": {"docx"}, "kind_style": "after",
                     "xlsx_kind_style": "tick_after",
                     "spaced_labels": True}

PLATFORM = {
    "schema": "project-2020", "year": 2020, "unit_name": "邵阳市科学技术局", "amount_unit": "万元",
    "project_name": "科技创新平台建设专项", "project_kind": "新增项目",
    "competent_dept": "邵阳市科学技术局", "competent_dept_code": "414001",
    "project_unit": "邵阳市生产力促进中心", "project_leader": "王海波", "contact_phone": "0739-5321066",
    "period": "2020年3月至2022年12月",
    "funds": {"total": "150", "fiscal": "120", "fiscal_higher": "40", "fiscal_local": "80", "own": "30", "other": null},
    "overview": "建设邵阳市科技资源共享服务平台，整合大型科研仪器、科技文献和专家资源，面向企业开放共享。",
    "basis": "《湖南省科技创新平台建设管理办法》；市政府2019年第12次常务会议纪要。",
    "feasibility": "依托市生产力促进中心现有场地和设备，已与省科技信息研究所签订合作协议。",
    "necessity": "全市中小企业研发条件薄弱，急需共享的科研仪器和技术服务。",
    "schedule": [
        _step("完成平台建设方案论证", "2020年3月", "2020年5月"),
        _step("采购共享服务系统并部署", "2020年6月", "2020年9月"),
        _step("仪器设备入网与共享机制建立", "2020年10月", "2021年6月"),
        _step("平台试运行", "2021年7月", "2021年12月"),
        _step("平台验收与绩效评价", "2022年1月", "2022年12月"),
    ],
    "long_term_goal": "建成覆盖全市的科技资源共享服务平台，入网科研仪器300台（套），年服务企业500家次以上。",
    "annual_goal": "完成平台建设方案和共享服务系统部署，入网科研仪器100台（套）。",
    "long_term_indicators": [
        _ind("产出指标", "数量指标", "入网科研仪器", "300台（套）"),
        _ind("产出指标", "数量指标", "年服务企业", "500家次"),
        _ind("产出指标", "质量指标", "平台验收", "通过"),
        _ind("效益指标", "社会效益指标", "降低企业研发成本", "≥20%"),
        _ind("效益指标", "可持续影响指标", "平台持续运行", "≥5年"),
        _ind("满意度指标", "社会公众或服务对象满意度指标", "服务企业满意度", "≥90%"),
    ],
    "annual_indicators": [
        _ind("产出指标", "数量指标", "入网科研仪器", "100台（套）"),
        _ind("产出指标", "时效指标", "系统部署完成时间", "2020年9月底前"),
        _ind("产出指标", "成本指标", "系统采购成本", "≤60万元", "政府采购"),
        _ind("效益指标", "社会效益指标", "服务企业", "100家次"),
        _ind("满意度指标", "社会公众或服务对象满意度指标", "服务企业满意度", "≥85%"),
    ],
    "other_notes": "平台建设期三年，2021、2022年资金按年度另行申报。",
    "filled_by": "王海波", "filled_by_phone": "0739-5321066", "unit_head": "张建国", "filled_date": "2020-01-12",
    "_drift": {"formats": ["xlsx"], "kind_style": "before", "money_text": True, "broken_labels": True},
}

POPULAR = {
    "schema": "project-2020", "year": 2020, "unit_name": "邵阳市科学技术局", "amount_unit": "万元",
    "project_name": "科普活动经费", "project_kind": "新增项目",
    "competent_dept": "邵阳市科学技术局", "competent_dept_code": "414001",
    "project_unit": "邵阳市科学技术局", "project_leader": "李娟", "contact_phone": "13975918866",
    "period": "2020年1月至2020年12月",
    "funds": {"total": "50", "fiscal": "50", "fiscal_higher": null, "fiscal_local": "50", "own": null, "other": null},
    "overview": "组织全市科技活动周、科普日和科普进校园活动，资助基层科普阵地建设。",
    "basis": "《中华人民共和国科学技术普及法》",
    "feasibility": "已形成市、县、乡三级科普工作网络，活动组织经验成熟。",
    "necessity": "提升公民科学素质，2020年全市公民具备科学素质比例需达到10%。",
    "schedule": [
        _step("科技活动周", "2020年5月", "2020年5月"),
        _step("全国科普日系列活动", "2020年9月", "2020年9月"),
    ],
    "long_term_goal": "公民具备科学素质比例稳步提升。",
    "annual_goal": "举办科普活动50场以上，受益群众10万人次。",
    "long_term_indicators": [
        _ind("产出指标", "数量指标", "科普活动场次", "≥150场"),
        _ind("效益指标", "社会效益指标", "公民具备科学素质比例", "≥10%"),
    ],
    "annual_indicators": [
        _ind("产出指标", "数量指标", "科普活动场次", "≥50场"),
        _ind("产出指标", "质量指标", "活动覆盖县市区", "12个"),
        _ind("效益指标", "社会效益指标", "受益群众", "10万人次"),
        _ind("满意度指标", "社会公众或服务对象满意度指标", "参与群众满意度", "≥90%"),
    ],
    "other_notes": null,
    "filled_by": null, "filled_by_phone": null, "unit_head": null, "filled_date": null,
    "_drift": {"formats": ["docx"], "kind_style": "tick_prefix", "funds_one_cell": {"docx"}, "no_footer": True,
               "no_other_notes": True, "funds_semicolons": True},
}

PRESCHOOL = {
    "schema": "project-2020", "year": 2020, "unit_name": "邵阳市教育局", "amount_unit": "万元",
    "project_name": "学前教育发展专项资金", "project_kind": "延续项目",
    "competent_dept": "邵阳市教育局", "competent_dept_code": "414002",
    "project_unit": "邵阳市教育局", "project_leader": "陈晓燕", "contact_phone": "13807390125",
    "period": "2020年1月至2020年12月",
    "funds": {"total": "1280.5", "fiscal": "1280.5", "fiscal_higher": "800", "fiscal_local": "480.5", "own": "0",
              "other": "0"},
    "overview": "支持普惠性幼儿园扩容和农村公办幼儿园建设，落实学前教育资助政策。",
    "basis": "《湖南省学前教育三年行动计划（2018—2020年）》",
    "feasibility": "各县市区已完成普惠性幼儿园认定，项目库已建立。",
    "necessity": "全市学前三年毛入园率距省定目标尚有差距，普惠性资源不足。",
    "schedule": [
        _step("下达资金分配方案", "2020年3月", "2020年4月"),
        _step("项目实施与资金拨付", "2020年5月", "2020年11月"),
        _step("绩效自评", "2020年12月", "2020年12月"),
    ],
    "long_term_goal": "学前三年毛入园率达到85%，普惠性幼儿园覆盖率达到80%。",
    "annual_goal": "新增普惠性学位3000个，资助家庭经济困难幼儿5000人次。",
    "long_term_indicators": [
        _ind("产出指标", "数量指标", "新增普惠性学位", "9000个"),
        _ind("效益指标", "社会效益指标", "学前三年毛入园率", "≥85%"),
        _ind("效益指标", "可持续影响指标", "普惠性幼儿园覆盖率", "≥80%"),
        _ind("满意度指标", "社会公众或服务对象满意度指标", "家长满意度", "≥90%"),
    ],
    "annual_indicators": [
        _ind("产出指标", "数量指标", "新增普惠性学位", "3000个"),
        _ind("产出指标", "数量指标", "资助幼儿", "5000人次"),
        _ind("产出指标", "时效指标", "资金下达时间", "2020年4月底前"),
        _ind("效益指标", "社会效益指标", "学前三年毛入园率", "≥83%"),
        _ind("满意度指标", "社会公众或服务对象满意度指标", "家长满意度", "≥90%"),
    ],
    "other_notes": null,
    "filled_by": "陈晓燕", "filled_by_phone": "13807390125", "unit_head": "周国平", "filled_date": null,
    "_drift": {"formats": ["xlsx"], "kind_style": "filled_square", "funds_one_cell": {"xlsx"}, "fullwidth_money": True,
               "title_one_line": True, "blank_date": True},
}

RURAL_ROADS = {
    "schema": "project-2020", "year": 2020, "unit_name": "邵阳市交通运输局", "amount_unit": "万元",
    "project_name": "农村公路养护工程", "project_kind": "延续项目",
    "competent_dept": "邵阳市交通运输局", "competent_dept_code": "414010",
    "project_unit": "邵阳市公路建设养护中心", "project_leader": "周志强", "contact_phone": "0739-5212786",
    "period": "2020年1月至2020年12月",
    "funds": {"total": "2600", "fiscal": "2200", "fiscal_higher": "1500", "fiscal_local": "700", "own": null,
              "other": "400"},
    "overview": "对全市县乡道实施预防性养护和危桥改造，保障农村公路安全畅通。",
    "basis": "《农村公路养护管理办法》（交通运输部令2015年第22号）",
    "feasibility": "养护计划已经市政府批准，施工单位通过公开招标确定。",
    "necessity": "部分县乡道路面破损，危桥存在安全隐患。",
    "schedule": [
        _step("养护计划编制与招标", "2020年1月", "2020年3月"),
        _step("预防性养护施工", "2020年4月", "2020年10月"),
        _step("危桥改造", "2020年4月", "2020年11月"),
        _step("交工验收", "2020年11月", "2020年12月"),
    ],
    "long_term_goal": "农村公路优良中等路率保持在80%以上，消除县乡道危桥。",
    "annual_goal": "完成预防性养护300公里，改造危桥12座。",
    "long_term_indicators": [
        _ind("产出指标", "质量指标", "优良中等路率", "≥80%"),
        _ind("效益指标", "社会效益指标", "县乡道危桥", "全部消除"),
        _ind("效益指标", "生态效益指标", "路域环境整治", "达标"),
        _ind("满意度指标", "社会公众或服务对象满意度指标", "沿线群众满意度", "≥85%"),
    ],
    "annual_indicators": [
        _ind("产出指标", "数量指标", "预防性养护里程", "300公里"),
        _ind("产出指标", "数量指标", "危桥改造", "12座"),
        _ind("产出指标", "质量指标", "交工验收合格率", "100%"),
        _ind("产出指标", "成本指标", "每公里养护成本", "≤5万元", "不含危桥改造"),
        _ind("效益指标", "经济效益指标", "降低车辆运行成本", "≥5%"),
        _ind("满意度指标", "社会公众或服务对象满意度指标", "沿线群众满意度", "≥85%"),
    ],
    "other_notes": "危桥改造资金含省交通运输厅补助1500万元。",
    "filled_by": "刘洋", "filled_by_phone": "13787390011", "unit_head": "赵明", "filled_date": "2020-01-15",
    "_drift": {"formats": ["docx"], "kind_style": "after_space", "split_table": True, "footer_paragraph": True,
               "cn_date": True},
}

PROJECTS = [EXAMPLE, PLATFORM, POPULAR, PRESCHOOL, RURAL_ROADS]
# The packet: the department's 附件1 and three of its projects, in one file.
PACKET_DEPT = "邵阳市科学技术局"
PACKET_PROJECTS = [EXAMPLE, PLATFORM, POPULAR]
