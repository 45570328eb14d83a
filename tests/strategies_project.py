"""Hypothesis strategies for 附件2 records drawn from the whole valid domain (formparse.records_project),
for the round trip read(fill(r)) == r once the locator reads 附件2, and for the contract today."""

import datetime as dt
import re
import tomllib

from hypothesis import strategies as st

from formparse.records_project import STEP_NUMBER, Funds, ProjectRecord, Step, project_domain_problems
from formparse.schema import data_dir
from tests.strategies import PUNCT, _indicators, digits, money, names

_TOML = tomllib.loads((data_dir("schemas") / "project-2020.toml").read_text(encoding="utf-8"))


def _labels():
    out = []
    for block in _TOML["blocks"]:
        out += [block[k] for k in ("section", "label") if k in block]
        for f in block.get("fields", []) + block.get("columns", []):
            out += [f["label"], *f.get("aliases", [])]
            out += [x for p in f.get("pairs", []) for x in (p["label"], *p.get("aliases", []))]
    return tuple(dict.fromkeys(out))


LABELS = _labels()
KINDS = tuple(next(f["options"] for b in _TOML["blocks"] if b["kind"] == "fields" for f in b["fields"]
                   if f.get("type") == "choice"))
LABEL_LIKE = LABELS + ("新增项目", "延续项目", "□", "☑", "万元", "年度", "1、", "其中", "目标")
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
PIECE = st.one_of(CJK, CJK, CJK, PUNCT, st.sampled_from(LABEL_LIKE), st.just(" "), st.just("\n"))
text = st.lists(PIECE, min_size=1, max_size=24).map("".join).map(str.strip).filter(bool)
one_line = text.map(lambda s: re.sub(r"\s+", "", s)).filter(bool)
maybe = st.none() | text
inline = st.none() | one_line.filter(lambda s: ":" not in s and "：" not in s)
when = st.none() | st.sampled_from(["2020年3月", "2020年12月底前", "2021年", "第一季度"]) | one_line
step_content = st.none() | text.filter(lambda s: not STEP_NUMBER.match(s))
level = st.none() | st.sampled_from(["产出指标", "效益指标", "满意度指标", "数量指标", "经济效益指标"]) | one_line
indicators = st.lists(st.tuples(level, level, maybe, maybe, maybe, text), max_size=8).map(_indicators)


def _step(content, start, end, fallback):
    return Step(fallback if content is None and start is None and end is None else content, start, end)


steps = st.lists(st.builds(_step, step_content, when, when, text.filter(lambda s: not STEP_NUMBER.match(s))),
                 max_size=6)


def _in_domain(rec: ProjectRecord) -> bool:
    return not project_domain_problems(rec, KINDS, LABELS)


project_records = st.builds(
    ProjectRecord,
    year=st.none() | st.integers(1000, 9999),
    unit_name=inline, amount_unit=inline,
    project_name=maybe, project_kind=st.sampled_from((None, *KINDS)),
    competent_dept=maybe, competent_dept_code=st.none() | st.from_regex(r"[0-9]{6}", fullmatch=True) | one_line,
    project_unit=maybe, project_leader=st.none() | names, contact_phone=st.none() | digits | one_line,
    period=maybe,
    funds=st.builds(Funds, *[money] * 6),
    overview=maybe, basis=maybe, feasibility=maybe, necessity=maybe,
    schedule=steps,
    long_term_goal=maybe, annual_goal=maybe,
    long_term_indicators=indicators, annual_indicators=indicators,
    other_notes=maybe,
    filled_by=st.none() | names, filled_by_phone=st.none() | digits, unit_head=st.none() | names,
    filled_date=st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)),
).filter(_in_domain)
