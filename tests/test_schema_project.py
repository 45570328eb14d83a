"""The 附件2 schema draft (schemas/project-2020.toml) against the contract it must produce.

The loader does not accept its new options yet (the lead's issue-10 locator will), so this reads the
TOML itself: every key of the contract is placed by exactly one block, the options are those of the
contract, and every new option the file uses is documented at its top."""

import json
import re
import tomllib
from decimal import Decimal

import pytest

from formparse.errors import SchemaError
from formparse.fieldtypes import format_choice, format_pairs, parse_choice, parse_pairs
from formparse.schema import data_dir, parse_schema
from tests.conftest import CONTRACT

TEXT = (data_dir("schemas") / "project-2020.toml").read_text(encoding="utf-8")
TOML = tomllib.loads(TEXT)
CONTRACT_SCHEMA = json.loads((CONTRACT / "project-2020.schema.json").read_text(encoding="utf-8"))


def _placed_keys():
    keys = []
    for block in TOML["blocks"]:
        if block["kind"] == "title":
            keys.append(block["key"])
        elif block["kind"] == "fields":
            for f in block["fields"]:
                if f.get("type") == "pairs":
                    keys += [f"{f['key']}.{p['key']}" for p in f["pairs"]]
                else:
                    keys.append(f["key"])
        elif block["kind"] == "table":
            keys += [f"{block['key']}[].{c['key']}" for c in block["columns"]]
    return keys


def _contract_keys(schema, prefix=""):
    out = []
    for name, prop in schema["properties"].items():
        if name == "schema":
            continue
        if "$ref" in prop and prop["$ref"].endswith("indicator"):
            prop = CONTRACT_SCHEMA["$defs"]["indicator"]
        if prop.get("type") == "object":
            out += _contract_keys(prop, f"{prefix}{name}.")
        elif prop.get("type") == "array":
            item = prop["items"]
            if "$ref" in item:
                item = CONTRACT_SCHEMA["$defs"][item["$ref"].rsplit("/", 1)[1]]
            out += _contract_keys(item, f"{prefix}{name}[].")
        else:
            out.append(prefix + name)
    return out


def test_every_contract_key_is_placed_once():
    placed = _placed_keys()
    assert len(placed) == len(set(placed))
    assert sorted(placed) == sorted(_contract_keys(CONTRACT_SCHEMA))


def test_choice_options_are_the_contracts_and_round_trip():
    field = next(f for b in TOML["blocks"] if b["kind"] == "fields" for f in b["fields"] if f.get("type") == "choice")
    enum = CONTRACT_SCHEMA["properties"][field["key"]]["enum"]
    assert field["options"] + [None] == enum
    for value in enum:
        assert parse_choice(format_choice(value, field["options"], box=field["box"]), field["options"]) == value


def test_pairs_labels_read_the_forms_typed_cell():
    field = next(f for b in TOML["blocks"] if b["kind"] == "fields" for f in b["fields"] if f.get("type") == "pairs")
    pairs = [(p["key"], [p["label"], *p.get("aliases", [])]) for p in field["pairs"]]
    text = "资金总额：300万元 财政拨款：300万元（其中：上级财政资金：0万元；本级财政：300万元） 自有资金：0 其他：0"
    got = parse_pairs(text, pairs, unit=field["unit"])
    assert got == {"total": 300, "fiscal": 300, "fiscal_higher": 0, "fiscal_local": 300, "own": 0, "other": 0}
    values = {"total": Decimal("300"), "fiscal": None, "fiscal_higher": Decimal("0.5"), "fiscal_local": None,
              "own": Decimal(2), "other": None}
    assert parse_pairs(format_pairs(values, pairs), pairs) == values


def test_title_patterns_find_the_year_on_either_line():
    title = TOML["blocks"][0]
    pattern, year = re.compile(title["pattern"]), re.compile(title["year"]["pattern"])
    assert pattern.match("附件2项目支出绩效目标申报表")["year"] is None
    assert pattern.match("2020年度项目支出绩效目标申报表")["year"] == "2020"
    assert year.match("(2020年度)")["year"] == "2020" and year.match("(年度)")["year"] is None
    assert year.match(title["year"]["text"].format(year=2020).replace("（", "(").replace("）", ")"))


NEW_OPTIONS = {"year": "title.year", "value": "value =", "options": "choice", "box": "box =", "unit": "unit",
               "pairs": "pairs", "numbered": "numbered", "slots": "slots"}


def test_new_options_are_documented_at_the_top():
    header = TEXT.split("\nid = ")[0]
    used = set()
    for block in TOML["blocks"]:
        used |= set(block) - {"kind", "key", "label", "pattern", "text", "blank", "fields", "section", "columns",
                              "required_any", "prefill"}
        for f in block.get("fields", []) + block.get("columns", []):
            used |= set(f) - {"key", "label", "aliases", "type", "optional", "carry", "compact", "merge"}
            if f.get("type") not in (None, "text", "phone", "count", "money"):
                assert f'"{f["type"]}"' in header, f["type"]
    assert used <= set(NEW_OPTIONS), used - set(NEW_OPTIONS)
    for option in used:
        assert NEW_OPTIONS[option] in header, option


def test_the_loader_takes_every_new_option():
    schema = parse_schema(TEXT, source="project-2020.toml")
    fields = {f.key: f for b in schema.blocks for f in getattr(b, "fields", ())}
    assert fields["project_kind"].type == "choice" and fields["project_kind"].options == ("新增项目", "延续项目")
    assert [p.key for p in fields["funds"].pairs][:2] == ["total", "fiscal"]
    assert fields["filled_date"].type == "date" and schema.blocks[0].year_pattern is not None
    with pytest.raises(SchemaError, match="options"):
        parse_schema(TEXT.replace('options = ["新增项目", "延续项目"], ', ""), source="x.toml")
