"""Ground truth for the bundled submissions: the seed (邵阳市科学技术局, from ../shared) and four
invented departments. Each entry is the record in the contract's JSON shape, plus how its file drifts
from the official form (see make_samples.py)."""

# fmt: off
null = None
true = True
false = False
SEED = {
 "year": 2020,
 "unit_name": "邵阳市科学技术局",
 "amount_unit": "万元.人",
 "basic_info": {
  "staff_quota": 23,
  "staff_actual": 25,
  "contact_person": "刘露",
  "contact_phone": "18973929192"
 },
 "functions": "1、贯彻创新驱动发展战略和创新引领开放崛起战略，拟订全市科技发展、引进国外智力规划和政策并组织实施。2、统筹推进全市创新体系建设和科技体制改革。3、牵头建立统一的市级科技管理平台和科研项目资金协调、评估、监管机制。4、拟订全市基础研究规划、政策和标准并组织实施，组织协调市级重大基础研究和应用基础研究。5、编制市级重大科技项目计划并监督实施，统筹关键共性技术、前沿引领技术、现代工程技术、颠覆性技术研发和创新，牵头组织重大技术攻关和成果应用示范。6、组织拟订高新技术发展及产业化、科技促进农业农村和社会发展的规划、政策和措施。组织开展重点领域技术发展需求分析，提出重大任务并监督实施。7、牵头市级技术转移体系建设，拟订科技成果转移转化和促进产学研结合的相关政策措施并监督实施，指导科技服务业、技术市场、科技金融结合和科技中介组织发展。8、统筹区域科技创新体系建设，指导区域创新发展、科技资源合理布局和协同创新能力建设，推动科技园区建设。9、负责科技监督评价体系建设和相关科技评估管理，指导科技评价机制改革，统筹科研城信建设，组织实施全市创新调查和科技报告制度，指导全市科技保密工作。10、拟订科技对外交往与创新能力开放合作的规划、政策和措施，组织开展国际和区域科技合作与科技人才交流。11、负责引进国外和国内智力工作。12、会同有关部门拟订科技人才队伍建设规划和政策，建立健全科技人才评价和激励机制，组织实施科技人才计划，推动高端科技创新人才队伍建设。13、完成市委、市政府交办的其他任务。",
 "income": {
  "general_budget": "373.51",
  "government_fund": null,
  "non_tax": null,
  "higher_subsidy": null,
  "other": null,
  "business_service": null,
  "carryover": null,
  "self_raised": null,
  "total": "373.51"
 },
 "expenditure": {
  "basic": "363.51",
  "project": "10",
  "total": "373.51"
 },
 "three_public": {
  "reception": "9.5",
  "vehicles": "12",
  "overseas": "0",
  "total": "21.5"
 },
 "goals_intro": "在今年收支预算内，确保完成以下整体目标：",
 "goals": [
  "继续办好科技活动周和全市创新创业大赛活动，激励更多的企业加大科技创新投入。",
  "积极搭建科技创新服务平台，促进科技企业孵化器、众创空间、高新技术产业开发区健康发展。",
  "加大市级工程技术研究中心认定和支持力度。",
  "进一步强化主体培育，推进高新技术产业高质量发展。",
  "进一步深化产学研合作，促进科技成果转移转化。"
 ],
 "indicators": [
  {
   "level1": "产出指标",
   "level2": "数量指标",
   "content": "发展高新技术企业，争取科技型中小企业入库达100家，高新技术企业认定总数达到180家。",
   "value": "100家、180家",
   "remark": null
  },
  {
   "level1": "产出指标",
   "level2": "质量指标",
   "content": "继续办好科技活动周、科技三下乡和全市创新创业大赛活动",
   "value": "12月底前完",
   "remark": null
  },
  {
   "level1": "产出指标",
   "level2": "成本指标",
   "content": "对本单位的各项工作给予经费保障",
   "value": "423.51万元",
   "remark": null
  },
  {
   "level1": "产出指标",
   "level2": "时效指标",
   "content": "进一步创新人才引进方式，拓宽人才引进渠道，增强人才政策的灵活性",
   "value": "12月30日",
   "remark": null
  },
  {
   "level1": "效益指标",
   "level2": "经济指标",
   "content": "举办科技培训10场次，举办科技成果转化对接活动2场，发布科技成果信息100条。",
   "value": "10场次、2场、100条",
   "remark": null
  },
  {
   "level1": "效益指标",
   "level2": "社会效益",
   "content": "做好各种中心工作，美丽乡村建设及精准扶贫工作",
   "value": "对中心工作给予经费保障",
   "remark": null
  },
  {
   "level1": "效益指标",
   "level2": "生态效益",
   "content": "加强支持环保领域科技项目立项",
   "value": "安排环保领域项目",
   "remark": null
  },
  {
   "level1": "效益指标",
   "level2": "可持续性影响",
   "content": "加大科技创新力度，开展科普宣传",
   "value": "提高全民科技创新意识",
   "remark": null
  },
  {
   "level1": "效益指标",
   "level2": "社会公众或服务对象满意度",
   "content": "加强队伍建设，建立一支素质高能办事的科技队伍，提高办事效率。",
   "value": "满意度≥90%",
   "remark": null
  }
 ],
 "reviews": [
  {
   "office": "归口业务科室",
   "opinion": null,
   "reviewer": null,
   "head": null,
   "date": null
  },
  {
   "office": "绩效管理科室",
   "opinion": null,
   "reviewer": null,
   "head": null,
   "date": null
  }
 ],
 "filled_by": "刘露",
 "filled_by_phone": "18973929192"
}

OTHERS = [
 {
  "year": 2020, "unit_name": "邵阳市财政局", "amount_unit": "万元.人",
  "basic_info": {"staff_quota": 86, "staff_actual": 91, "contact_person": "王建平", "contact_phone": "0739-5326018"},
  "functions": "1、贯彻执行国家财税方针政策，拟订全市财政发展规划。\n2、负责市级预算编制和执行，组织预算绩效管理。\n3、管理市级国有资产和政府债务。",
  "income": {"general_budget": "1286.4", "government_fund": "120", "non_tax": "35.5", "higher_subsidy": null, "other": null,
             "business_service": null, "carryover": "48.25", "self_raised": null, "total": "1490.15"},
  "expenditure": {"basic": "1102.15", "project": "388", "total": "1490.15"},
  "three_public": {"reception": "18.6", "vehicles": "22", "overseas": "5", "total": "45.6"},
  "goals_intro": "在今年收支预算内，确保完成以下整体目标：",
  "goals": ["全面实施预算绩效管理，市级部门绩效目标覆盖率达到100%。", "防范化解政府债务风险，债务率控制在警戒线以内。",
            "推进国库集中支付电子化改革。"],
  "indicators": [
    {"level1": "产出指标", "level2": "数量指标", "content": "完成市级部门预算审核", "value": "62个部门", "remark": null},
    {"level1": "产出指标", "level2": "数量指标", "content": "开展重点项目绩效评价", "value": "15个", "remark": "含2个专项资金"},
    {"level1": "产出指标", "level2": "数量指标", "content": "组织财政业务培训", "value": "6期", "remark": null},
    {"level1": "产出指标", "level2": "质量指标", "content": "预算编制准确率", "value": "≥98%", "remark": null},
    {"level1": "产出指标", "level2": "成本指标", "content": "保障机关正常运转", "value": "1102.15万元", "remark": null},
    {"level1": "产出指标", "level2": "时效指标", "content": "按时批复部门预算", "value": "人代会后20日内", "remark": null},
    {"level1": "效益指标", "level2": "经济指标", "content": "盘活存量资金", "value": "3000万元", "remark": null},
    {"level1": "效益指标", "level2": "社会效益", "content": "财政资金使用效益提升", "value": "明显提升", "remark": null},
    {"level1": "效益指标", "level2": "生态效益", "content": "支持生态环境保护资金到位", "value": "100%", "remark": null},
    {"level1": "效益指标", "level2": "可持续性影响", "content": "财政运行平稳可持续", "value": "长期", "remark": null},
    {"level1": "效益指标", "level2": "社会公众或服务对象满意度", "content": "预算单位满意度", "value": "≥90%", "remark": null}
  ],
  "reviews": [
    {"office": "归口业务科室", "opinion": "同意报送。", "reviewer": "李明", "head": "赵刚", "date": "2020-03-16"},
    {"office": "绩效管理科室", "opinion": null, "reviewer": null, "head": null, "date": null}
  ],
  "filled_by": "王建平", "filled_by_phone": "0739-5326018",
  "_drift": {"format": "docx", "split_table": true, "money_text": true, "footer_paragraph": true}
 },
 {
  "year": 2020, "unit_name": "邵阳市教育局", "amount_unit": "万元.人",
  "basic_info": {"staff_quota": 120, "staff_actual": 116, "contact_person": "陈晓燕", "contact_phone": "13807390125"},
  "functions": "贯彻执行国家教育方针政策，统筹全市各级各类教育发展，负责教育经费的统筹管理。",
  "income": {"general_budget": "5620.8", "government_fund": null, "non_tax": "310", "higher_subsidy": "1200", "other": "12.5",
             "business_service": null, "carryover": null, "self_raised": null, "total": "7143.3"},
  "expenditure": {"basic": "2143.3", "project": "5000", "total": "7143.3"},
  "three_public": {"reception": "12", "vehicles": "30.5", "overseas": "0", "total": "42.5"},
  "goals_intro": "在今年收支预算内，确保完成以下整体目标：",
  "goals": ["推进义务教育优质均衡发展。", "改善农村学校办学条件。", "落实学生资助政策，资助面100%。", "加强教师队伍建设。",
            "推进职业教育产教融合。", "做好校园安全工作。", "完成教育信息化2.0建设任务。"],
  "indicators": [
    {"level1": "产出指标", "level2": "数量指标", "content": "新建改扩建学校", "value": "8所", "remark": null},
    {"level1": "产出指标", "level2": "质量指标", "content": "义务教育巩固率", "value": "≥98%", "remark": null},
    {"level1": "产出指标", "level2": "成本指标", "content": "生均公用经费", "value": "按标准足额保障", "remark": null},
    {"level1": "产出指标", "level2": "时效指标", "content": "资助资金发放", "value": "学期内完成", "remark": null},
    {"level1": "效益指标", "level2": "经济指标", "content": "减轻家庭教育负担", "value": "有效减轻", "remark": null},
    {"level1": "效益指标", "level2": "社会效益", "content": "教育公平水平", "value": "稳步提高", "remark": null},
    {"level1": "效益指标", "level2": "生态效益", "content": "绿色校园创建", "value": "10所", "remark": null},
    {"level1": "效益指标", "level2": "可持续性影响", "content": "教育事业持续发展", "value": "持续", "remark": null},
    {"level1": "效益指标", "level2": "社会公众或服务对象满意度", "content": "家长满意度", "value": "≥92%", "remark": null}
  ],
  "reviews": [
    {"office": "归口业务科室", "opinion": null, "reviewer": null, "head": null, "date": null},
    {"office": "绩效管理科室", "opinion": null, "reviewer": null, "head": null, "date": null}
  ],
  "filled_by": "陈晓燕", "filled_by_phone": "13807390125",
  "_drift": {"format": "xlsx", "fullwidth_money": true, "spacer_row": true, "staff_with_unit": true}
 },
 {
  "year": 2020, "unit_name": "邵阳市卫生健康委员会", "amount_unit": "万元.人",
  "basic_info": {"staff_quota": 64, "staff_actual": 60, "contact_person": "刘芳", "contact_phone": "15907391234"},
  "functions": "组织拟订全市卫生健康事业发展规划，统筹规划卫生健康资源配置，组织实施公共卫生服务。",
  "income": {"general_budget": "2360", "government_fund": null, "non_tax": null, "higher_subsidy": "800", "other": null,
             "business_service": null, "carryover": "140.6", "self_raised": null, "total": "3300.6"},
  "expenditure": {"basic": "900.6", "project": "2400", "total": "3300.6"},
  "three_public": {"reception": "8", "vehicles": "15.2", "overseas": "0", "total": "23.2"},
  "goals_intro": "在今年收支预算内，确保完成以下整体目标：",
  "goals": ["完成基本公共卫生服务项目，人均经费标准74元。", "加强疫情防控体系建设。", "推进县域医共体建设。"],
  "indicators": [
    {"level1": "产出指标", "level2": "数量指标", "content": "建立居民电子健康档案", "value": "≥90%", "remark": null},
    {"level1": "产出指标", "level2": "质量指标", "content": "传染病报告及时率", "value": "100%", "remark": null},
    {"level1": "产出指标", "level2": "成本指标", "content": "项目支出控制在预算内", "value": "2400万元", "remark": null},
    {"level1": "产出指标", "level2": "时效指标", "content": "年度任务完成时间", "value": "12月31日前", "remark": null},
    {"level1": "效益指标", "level2": "社会效益", "content": "居民健康素养水平", "value": "≥20%", "remark": "省考核指标"},
    {"level1": "效益指标", "level2": "可持续性影响", "content": "公共卫生服务能力", "value": "持续提升", "remark": null},
    {"level1": "满意度指标", "level2": "服务对象满意度", "content": "群众就医满意度", "value": "≥90%", "remark": null}
  ],
  "reviews": [
    {"office": "归口业务科室", "opinion": null, "reviewer": null, "head": null, "date": null},
    {"office": "绩效管理科室", "opinion": null, "reviewer": null, "head": null, "date": null}
  ],
  "filled_by": "刘芳", "filled_by_phone": "15907391234",
  "_drift": {"format": "docx", "content_control": true, "tracked_changes": true}
 },
 {
  "year": 2020, "unit_name": "邵阳市交通运输局", "amount_unit": "万元.人",
  "basic_info": {"staff_quota": 45, "staff_actual": 47, "contact_person": "周志强", "contact_phone": "0739-5212786"},
  "functions": "负责全市公路、水路交通运输行业管理，拟订交通运输发展规划并组织实施。",
  "income": {"general_budget": "980", "government_fund": "2500", "non_tax": null, "higher_subsidy": null, "other": null,
             "business_service": null, "carryover": null, "self_raised": "20", "total": "3500"},
  "expenditure": {"basic": "700", "project": "2800", "total": "3500"},
  "three_public": {"reception": "6", "vehicles": "0", "overseas": "0", "total": "6"},
  "goals_intro": "在今年收支预算内，确保完成以下整体目标：",
  "goals": ["完成农村公路提质改造200公里。", "推进城乡客运一体化。"],
  "indicators": [
    {"level1": "产出指标", "level2": "数量指标", "content": "农村公路提质改造", "value": "200公里", "remark": null},
    {"level1": "产出指标", "level2": "质量指标", "content": "工程质量合格率", "value": "100%", "remark": null},
    {"level1": "效益指标", "level2": "社会效益", "content": "群众出行条件改善", "value": "明显改善", "remark": null},
    {"level1": "效益指标", "level2": "社会公众或服务对象满意度", "content": "沿线群众满意度", "value": "≥90%", "remark": null}
  ],
  "reviews": [
    {"office": "归口业务科室", "opinion": "材料齐全，同意。", "reviewer": "孙伟", "head": "黄海", "date": "2020-03-20"},
    {"office": "绩效管理科室", "opinion": "同意。\n请按绩效目标组织实施。", "reviewer": "钱丽", "head": "吴军", "date": "2020-03-25"}
  ],
  "filled_by": "周志强", "filled_by_phone": "0739-5212786",
  "_drift": {"format": "xlsx", "goals_one_cell": true, "broken_labels": true}
 }
]
