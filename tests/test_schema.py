import pytest

import formparse
from formparse.schema import data_dir, parse_schema

TEXT = (data_dir("schemas") / "dept-overall-2020.toml").read_text(encoding="utf-8")


def test_bundled_schema_loads():
    schema = formparse.load_schema()
    assert schema.id == "dept-overall-2020"
    assert "部门整体支出绩效指标" in set(schema.required_labels())


@pytest.mark.parametrize("old, new, key", [
    ('type = "money"', 'type = "float"', "blocks[3].groups[0].fields[0].type"),
    ('kind = "band"', 'kind = "grid"', "blocks[3].kind"),
    ('marker = "目标{n}："', 'marker = "目标："', "blocks[5].marker"),
    ('label = "部门整体支出绩效指标"', 'lable = "部门整体支出绩效指标"', "blocks[6]"),
    ('carry = "down", compact', 'carry = "up", compact', "blocks[6].columns[0].carry"),
])
def test_schema_errors_name_the_key(old, new, key):
    assert old in TEXT
    with pytest.raises(formparse.SchemaError) as err:
        parse_schema(TEXT.replace(old, new, 1), source="x.toml")
    assert key in str(err.value) and "x.toml" in str(err.value)


def test_not_toml():
    with pytest.raises(formparse.SchemaError, match="TOML"):
        parse_schema("id = ")


def test_unknown_schema_id():
    with pytest.raises(formparse.SchemaError, match="no bundled schema"):
        formparse.load_schema("nope")


def test_bundled_schemas_are_every_shipped_file_in_name_order():
    from formparse.schema import bundled_schemas

    stems = sorted(p.stem for p in data_dir("schemas").glob("*.toml"))
    assert stems and [s.id for s in bundled_schemas()] == stems
    assert all(s is formparse.load_schema(i) for s, i in zip(bundled_schemas(), stems, strict=True))
