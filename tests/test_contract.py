import json

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import formparse
from tests.conftest import CONTRACT, SEED_JSON, SHARED_CONTRACT
from tests.strategies import records
from tests.strategies_project import project_records


@pytest.mark.skipif(not SHARED_CONTRACT.is_dir(), reason="../shared/contract is not beside this checkout")
def test_our_copy_of_the_contract_matches_shared():
    for ours in CONTRACT.iterdir():
        theirs = SHARED_CONTRACT / ours.name
        if not theirs.exists():
            theirs = SHARED_CONTRACT / "examples" / ours.name
        assert json.loads(ours.read_text("utf-8")) == json.loads(theirs.read_text("utf-8")), ours.name


def test_json_round_trip_is_exact_and_in_contract_order():
    text = SEED_JSON.read_text(encoding="utf-8")
    record = formparse.loads(text)
    assert formparse.to_dict(record) == json.loads(text)
    assert list(formparse.to_dict(record)) == list(json.loads(text))


def test_money_is_decimal_and_never_float():
    record = formparse.loads(SEED_JSON.read_text(encoding="utf-8"))
    assert repr(record.income.total) == "Decimal('373.51')"
    assert formparse.to_dict(record)["three_public"]["total"] == "21.5"


@pytest.mark.parametrize("bad, where", [
    ({"income": {"total": 1.5}}, "income"),
    ({"basic_info": {"staff_quota": "23"}}, "staff_quota"),
    ({"goals": [1]}, "goals"),
    ({"income": {"total": "abc"}}, "income"),
])
def test_wrong_json_types_are_refused_naming_the_path(bad, where):
    data = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    for key, value in bad.items():
        if isinstance(value, dict):
            data[key].update(value)
        else:
            data[key] = value
    with pytest.raises(ValueError, match=where):
        formparse.from_dict(data)


def test_unknown_keys_and_wrong_types_are_all_listed_at_once_with_values_and_suggestions():
    data = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    data["income"]["genral_budget"] = data["income"].pop("general_budget")
    data["income"]["total"] = 1.5
    data["colour"] = "red"
    data["indicators"][1]["levl2"] = "数量指标"
    data["reviews"][0]["date"] = "2020/3/1"
    with pytest.raises(ValueError) as info:
        formparse.from_dict(data)
    lines = str(info.value).splitlines()
    assert lines[0].startswith("5 处不符合约定")
    text = str(info.value)
    for expected in ('$.income.genral_budget = "373.51"', "genral_budget → general_budget?",
                     "$.income.total = 1.5", '$.colour = "red"', "levl2 → level2?",
                     '$.reviews[0].date = "2020/3/1"'):
        assert expected in text


def test_the_contract_example_itself_is_accepted_strictly():
    data = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    data["schema"] = "dept-overall-2020"  # parse output may carry the schema id
    assert formparse.to_dict(formparse.from_dict(data)) == json.loads(SEED_JSON.read_text(encoding="utf-8"))


def _seed_text() -> str:
    return SEED_JSON.read_text(encoding="utf-8")


def test_a_key_given_twice_is_listed_with_both_values_beside_the_other_problems():
    text = _seed_text().replace('"unit_name": "邵阳市科学技术局"',
                                '"unit_name": "邵阳市科学技术局", "unit_name": "别的局"', 1)
    text = text.replace('"general_budget"', '"genral_budget"', 1)
    with pytest.raises(ValueError) as info:
        formparse.loads(text)
    msg = str(info.value)
    assert msg.startswith("2 处不符合约定")
    assert '$.unit_name = "别的局"：键重复出现，前一个值为 "邵阳市科学技术局"' in msg
    assert "genral_budget → general_budget?" in msg


def test_a_bom_is_allowed():
    assert formparse.loads("\ufeff" + _seed_text()) == formparse.loads(_seed_text())


@pytest.mark.parametrize("text, words", [
    ('{"year": 2020,\n}', "第 1 行第 14 列：多余的逗号"),
    ('{"year": 2020, "goals": ["a", "b",]}', "第 1 行第 34 列：多余的逗号"),
    ('{"year" 2020}', "第 1 行第 9 列：键名后应为冒号"),
    ('{"year": 2020', "第 1 行第 14 列"),
    ("", "第 1 行第 1 列：缺少值"),
])
def test_syntax_errors_say_where_in_chinese(text, words):
    with pytest.raises(ValueError, match="JSON 语法错误") as info:
        formparse.loads(text)
    assert words in str(info.value) and "JSON syntax error" in str(info.value)


@pytest.mark.parametrize("text, words", [("[{}]", "数组"), ('"x"', "字符串"), ("42", "42")])
def test_the_top_level_must_be_one_object(text, words):
    with pytest.raises(ValueError, match="最外层应为一个对象") as info:
        formparse.loads(text)
    assert words in str(info.value)


def test_money_as_a_json_number_is_refused_with_the_string_to_write():
    text = _seed_text().replace('"total": "373.51"', '"total": 373.51', 1)
    with pytest.raises(ValueError) as info:
        formparse.loads(text)
    assert '$.income.total = 373.51：金额应写成字符串 "373.51"' in str(info.value)


@settings(max_examples=40)
@given(record=st.one_of(records, project_records))
def test_to_dict_walks_a_record_exactly_as_the_cattrs_converter_unstructures_it(record):
    """``to_dict`` (a walk over the attrs fields, so ``formparse parse`` never imports cattrs) gives what the
    contract's cattrs converter gives, key order included; and the reader's own structuring of a located
    mapping gives the record back, as cattrs does."""
    from formparse import contract
    from formparse.reader import _fallback, _structure, structure

    data = contract.to_dict(record)
    data.pop("schema", None)
    expected = contract.converter().unstructure(record)
    assert json.dumps(data, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)
    mapping = attrs.asdict(record, recurse=True, filter=lambda a, _v: a.name != "warnings")
    assert structure(mapping, type(record)) == record == _fallback().structure(mapping, type(record))
    # the per-type builders do what the plain walk over the type does
    assert structure(mapping, type(record)) == _structure(mapping, type(record))
