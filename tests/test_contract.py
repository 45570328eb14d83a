import json

import pytest

import formparse
from tests.conftest import CONTRACT, SEED_JSON, SHARED_CONTRACT


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
