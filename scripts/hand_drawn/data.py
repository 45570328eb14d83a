D = dict(
 unit="邵阳市水利局", quota=41, actual=38, person="王红梅", phone="0739-5226688", phone2="13807391234",
 functions="1、负责保障水资源的合理开发利用。2、负责生活、生产经营和生态环境用水的统筹和保障。3、按规定制定水利工程建设有关制度并组织实施。",
 inc=dict(general_budget="1286.4", government_fund="120", non_tax="35.6", higher_subsidy=None, other="12", business_service=None, carryover="48.25", self_raised=None, total="1502.25"),
 exp=dict(basic="1102.15", project="400.1", total="1502.25"),
 tp=dict(reception="6.8", vehicles="15.2", overseas="0", total="22"),
 intro="围绕水利改革发展总体目标，完成以下工作：",
 goals=["完成中小河流治理项目3个，加固病险水库12座。", "农村饮水安全巩固提升工程惠及8万人。", "水土流失综合治理面积达到60平方公里。"],
 ind=[("产出指标","数量指标","加固病险水库","12座",None),
      ("产出指标","质量指标","工程验收合格率","100%",None),
      ("产出指标","时效指标","汛前完成加固","5月31日前","汛期前"),
      ("产出指标","成本指标","水库加固经费","≤400.1万元",None),
      ("效益指标","社会效益","受益人口","8万人",None),
      ("效益指标","生态效益","治理水土流失面积","60平方公里",None),
      ("满意度指标","服务对象满意度","群众满意度","≥90%",None)],
)
import json
def expected(reviews=True, filler=True, phone_footer=None):
    d = D
    rec = {"year": 2020, "unit_name": d["unit"], "amount_unit": "万元.人",
      "basic_info": {"staff_quota": d["quota"], "staff_actual": d["actual"], "contact_person": d["person"], "contact_phone": d["phone"]},
      "functions": d["functions"], "income": d["inc"], "expenditure": d["exp"], "three_public": d["tp"],
      "goals_intro": d["intro"], "goals": d["goals"],
      "indicators": [dict(level1=a, level2=b, content=c, value=v, remark=r) for a,b,c,v,r in d["ind"]]}
    return rec
