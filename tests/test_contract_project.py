"""附件2's record ⇄ the contract JSON: the example comes back byte for byte, validates, and the
records' domain holds what the JSON can say."""

import datetime as dt
import json
from decimal import Decimal

import attrs
import jsonschema
import pytest
from hypothesis import given

import formparse
from formparse.records_project import Funds, ProjectRecord, Step, project_domain_problems
from tests.conftest import CONTRACT, SEED_JSON
from tests.strategies_project import KINDS, LABELS, project_records

EXAMPLE = CONTRACT / "附件2-2020-邵阳市科学技术局-市级科技计划项目专项资金.json"
SCHEMA = json.loads((CONTRACT / "project-2020.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)  # built once: validate() would check the schema every call


def test_the_example_dumps_back_exactly():
    text = EXAMPLE.read_text(encoding="utf-8")
    record = formparse.loads(text)
    assert isinstance(record, ProjectRecord)
    assert formparse.dumps(record) == text.rstrip("\n")
    jsonschema.validate(formparse.to_dict(record), SCHEMA)
    assert project_domain_problems(record) == []


def test_the_example_has_exact_types():
    record = formparse.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert record.funds.total == Decimal("300") and isinstance(record.funds.total, Decimal)
    assert record.funds.own is None
    assert record.filled_date == dt.date(2020, 1, 10)
    assert record.schedule[0] == Step("发布项目申报指南，组织申报", "2020年3月", "2020年4月")
    assert record.annual_indicators[4].remark == "含工程技术研究中心"
    assert record.competent_dept_code == "414001"


def test_a_blank_record_validates_and_names_its_schema_first():
    data = formparse.to_dict(ProjectRecord())
    assert list(data)[0] == "schema" and data["schema"] == "project-2020"
    assert list(data)[1:] == [a.name for a in attrs.fields(ProjectRecord) if a.name not in ("warnings", "provenance")]
    jsonschema.validate(data, SCHEMA)


def test_dept_overall_json_is_unchanged_and_untagged():
    text = SEED_JSON.read_text(encoding="utf-8")
    record = formparse.loads(text)
    assert type(record) is formparse.Record
    assert "schema" not in formparse.to_dict(record)
    assert formparse.to_dict(record) == json.loads(text)


def test_class_and_tag_are_checked():
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert isinstance(formparse.from_dict(data, ProjectRecord), ProjectRecord)
    with pytest.raises(ValueError, match="schema"):
        formparse.from_dict({**data, "schema": "no-such-form"})
    with pytest.raises(TypeError):
        formparse.to_dict(Funds())
    with pytest.raises(ValueError, match="schema"):
        formparse.from_dict(data, formparse.Record)
    dept = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    assert formparse.from_dict({"schema": "dept-overall-2020", **dept}) == formparse.from_dict(dept)


@pytest.mark.parametrize("path, value, where", [
    (("funds", "total"), 1.5, "funds.total"),
    (("funds", "fiscal"), "三百", "funds.fiscal"),
    (("filled_date",), "2020年1月10日", "filled_date"),
    (("schedule",), [{"content": 3}], "schedule"),
    (("year",), "2020", "year"),
])
def test_wrong_json_types_are_refused_naming_the_path(path, value, where):
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    target = data
    for k in path[:-1]:
        target = target[k]
    target[path[-1]] = value
    with pytest.raises(ValueError, match=where.replace(".", r"\.")):
        formparse.from_dict(data)


@pytest.mark.slow  # 14–23 s measured at the ci profile (200 records of 27 fields and nested lists)
@given(project_records)
def test_json_round_trip_of_any_record(record):
    assert project_domain_problems(record, KINDS, LABELS) == []
    data = formparse.to_dict(record)
    assert formparse.from_dict(json.loads(json.dumps(data))) == record
    VALIDATOR.validate(data)


@pytest.mark.parametrize("change, problem", [
    ({"project_kind": "新项目"}, "project_kind"),
    ({"unit_name": " 某局"}, "unit_name"),
    ({"filled_by": "张三\n李四"}, "filled_by"),
    ({"schedule": [Step()]}, "schedule[0]"),
    ({"schedule": [Step("1、发布指南")]}, "schedule[0].content"),
    ({"funds": Funds(total=Decimal("1234567890123456"))}, "funds.total"),
    ({"year": 20}, "year"),
    ({"annual_indicators": [formparse.Indicator("产出 指标", "数量指标", "x")]}, "annual_indicators[0].level1"),
    ({"long_term_indicators": [formparse.Indicator(None, None, None)]}, "long_term_indicators[0]"),
    ({"filled_date": dt.datetime(2020, 1, 1)}, "filled_date"),
])
def test_domain_problems_name_the_field(change, problem):
    record = formparse.loads(EXAMPLE.read_text(encoding="utf-8"))
    record = attrs.evolve(record, **change)
    assert any(p.startswith(problem) for p in project_domain_problems(record)), project_domain_problems(record)


def test_text_that_reads_like_a_label_is_outside_the_domain_when_labels_are_given():
    record = ProjectRecord(overview="项目名称：另一个项目")
    assert project_domain_problems(record) == []
    assert project_domain_problems(record, labels=LABELS) == [
        "overview: begins like a label of the form followed by a colon"]


def test_step_content_that_merely_starts_with_a_number_is_fine():
    record = ProjectRecord(schedule=[Step("2020年完成验收"), Step("1.5亿元项目招标")])
    assert project_domain_problems(record) == []
