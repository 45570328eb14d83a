"""A form's own schema file everywhere: the matrix block, generated records, rules, schema errors by line."""

from __future__ import annotations

import itertools
import pickle
import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import formparse
from formparse.locate import locate
from formparse.reader import record_from_layout
from formparse.schema import load_schema_file, parse_schema
from tests.gridkit import make_grid

ROWS = (("total", "年度资金总额", ()), ("fiscal", "财政拨款", ("其中：财政拨款",)), ("other", "其他资金", ()))
COLS = (("budget", "年初预算数", "money"), ("annual", "全年预算数", "money"), ("executed", "全年执行数", "money"),
        ("rate", "执行率", "text"))

SCHEMA = '''
id = "funds-form"
name = "资金表"

[[blocks]]
kind = "fields"
fields = [{ key = "unit", label = "单位名称" }]

[[blocks]]
kind = "matrix"
key = "funds"
label = "年度资金情况"
rows = [
  { key = "total", label = "年度资金总额" },
  { key = "fiscal", label = "财政拨款", aliases = ["其中：财政拨款"] },
  { key = "other", label = "其他资金" },
]
columns = [
  { key = "budget", label = "年初预算数", type = "money" },
  { key = "annual", label = "全年预算数", type = "money" },
  { key = "executed", label = "全年执行数", type = "money" },
  { key = "rate", label = "执行率" },
]

[[rules]]
kind = "sum"
total = "funds.total.*"
parts = ["funds.fiscal.*", "funds.other.*"]

[[rules]]
kind = "compare"
left = "funds.*.executed"
op = "<="
right = "funds.*.annual"
'''


def values(seed: int) -> dict[tuple[str, str], str]:
    rng = random.Random(seed)
    out: dict[tuple[str, str], str] = {}
    for c, _label, kind in COLS:
        fiscal, other = rng.randint(1, 900), rng.randint(0, 90)
        for r, v in (("fiscal", fiscal), ("other", other), ("total", fiscal + other)):
            out[r, c] = f"{v}.{rng.randint(0, 9)}0" if kind == "money" else f"{rng.randint(50, 100)}%"
        if kind == "money":  # the total is the sum of its parts, to the cent
            out["total", c] = str(Decimal(out["fiscal", c]) + Decimal(out["other", c]))
    for r, *_ in ROWS:  # executed ≤ annual
        out[r, "executed"] = str(min(Decimal(out[r, "executed"]), Decimal(out[r, "annual"])))
    out["total", "executed"] = str(Decimal(out["fiscal", "executed"]) + Decimal(out["other", "executed"]))
    return out


def grid(vals: dict[tuple[str, str], str], row_order: list[int], col_order: list[int], *, alias: bool = False,
         split: int | None = None, halves: bool = False):
    """The matrix as a copy may draw it: rows and columns in any order, 其中：财政拨款 as printed, the rows split
    by a repeated header (a page break) before row ``split``, or (``halves``) its columns in two halves, the
    second under the first with the row labels again."""
    parts = [col_order[:2], col_order[2:]] if halves else [col_order]
    width = 2 + max(len(p) for p in parts)
    rows: list[list[str | None]] = [["单位名称", "某局", *[""] * (width - 2)]]
    for k, cols in enumerate(parts):
        pad = [""] * (width - 2 - len(cols))
        rows.append(["年度资金情况" if k == 0 else "", "", *(COLS[j][1] for j in cols), *pad])
        for n, i in enumerate(row_order):
            if n == split:
                rows.append(["", "", *(COLS[j][1] for j in cols), *pad])
            key, label, aliases = ROWS[i]
            rows.append(["", aliases[0] if alias and aliases else label, *(vals[key, COLS[j][0]] for j in cols),
                         *pad])
    merges = [(1, 0, len(rows) - 1, 0), (0, 1, 0, width - 1)]
    return make_grid(rows, merges)


@pytest.mark.parametrize("seed", range(6))
def test_a_matrix_is_read_by_its_printed_labels_in_any_order(seed: int) -> None:
    rng = random.Random(seed)
    schema = parse_schema(SCHEMA, source="funds.toml")
    vals = values(seed)
    row_order, col_order = rng.sample(range(3), 3), rng.sample(range(len(COLS)), len(COLS))
    split = rng.choice([None, 1, 2])
    layout = locate(grid(vals, row_order, col_order, alias=bool(seed % 2), split=split, halves=seed % 3 == 0),
                    schema)
    assert not layout.problems and not layout.unread, (layout.problems, layout.unread)
    rec = record_from_layout(layout, schema)
    assert rec.warnings == []
    for (r, c), text in vals.items():
        got = rec[f"funds.{r}.{c}"]
        assert got == (Decimal(text) if c != "rate" else text), (r, c)
    # and filled back into every layout the reader reads: the writer writes where the reader reads
    assert {k: loc.cell.address for k, loc in layout.fields.items() if k.startswith("funds.")}.keys() == {
        f"funds.{r}.{c}" for r, _l, _a in ROWS for c, _l2, _k in COLS}


def test_a_sum_or_comparison_broken_is_a_warning_naming_the_cell() -> None:
    schema = parse_schema(SCHEMA, source="funds.toml")
    vals = values(1)
    vals["total", "budget"] = str(Decimal(vals["total", "budget"]) + 1)
    vals["other", "executed"] = str(Decimal(vals["other", "annual"]) + 5)
    vals["total", "executed"] = str(Decimal(vals["fiscal", "executed"]) + Decimal(vals["other", "executed"]))
    rec = record_from_layout(locate(grid(vals, [0, 1, 2], [0, 1, 2, 3]), schema), schema)
    got = sorted((w.code, w.label, w.cell) for w in rec.warnings)
    assert got == [("compare", "其他资金 全年执行数", "R5C5"), ("sum", "年度资金总额 年初预算数", "R3C3")]
    assert any("≠ 财政拨款 年初预算数、其他资金 年初预算数之和" in w.message for w in rec.warnings)


def test_generated_records_are_typed_pickle_and_round_trip_json() -> None:
    schema = parse_schema(SCHEMA, source="funds.toml")
    rec = record_from_layout(locate(grid(values(2), [0, 1, 2], [0, 1, 2, 3]), schema), schema)
    assert type(rec).__name__ == "FundsFormRecord" and isinstance(rec.funds.total.budget, Decimal)
    assert pickle.loads(pickle.dumps(rec)) == rec
    text = formparse.dumps(rec)
    assert text.startswith('{\n  "schema": "funds-form",\n  "unit": "某局",\n  "funds": {')
    assert formparse.loads(text) == rec
    twice = text.replace('"unit": "某局",', '"unit": "某局",\n  "unit": "另一局",')
    with pytest.raises(ValueError, match="键重复出现"):
        formparse.loads(twice)


BAD = [  # (what is changed, the key named, the text on the line named)
    ('kind = "matrix"', 'kind = "grid"', "blocks[1].kind", 'kind = "grid"'),
    ('{ key = "rate", label = "执行率" }', '{ key = "rate", label = "执行率", type = "percent" }',
     "blocks[1].columns[3].type", "percent"),
    ('{ key = "other", label = "其他资金" }', '{ key = "total", label = "其他资金" }', "blocks[1].rows[2].key",
     '{ key = "total", label = "其他资金" }'),
    ('op = "<="', 'op = "≤"', "rules[1].op", 'op = "≤"'),
    ('kind = "sum"', 'kind = "total"', "rules[0].kind", 'kind = "total"'),
    ('left = "funds.*.executed"', 'lefft = "funds.*.executed"', "rules[1]", "[[rules]]"),
]


@pytest.mark.parametrize("old, new, key, line_text", BAD)
def test_every_schema_error_names_the_file_the_key_and_its_line(tmp_path: Path, old: str, new: str, key: str,
                                                                line_text: str) -> None:
    assert old in SCHEMA
    text = SCHEMA.replace(old, new, 1)
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(formparse.SchemaError) as err:
        load_schema_file(path)
    message = str(err.value)
    assert str(path) in message and key in message, message
    line = int(message.rsplit("line ", 1)[1].rstrip("）)"))
    assert line_text in text.splitlines()[line - 1], (message, text.splitlines()[line - 1])


def test_commands_name_a_bad_schema_file_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    text = SCHEMA.replace('kind = "matrix"', 'kind = "grid"')
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index('kind = "grid"') + 1
    form = tmp_path / "x.xlsx"
    form.write_bytes(b"")
    for args in (["parse", "--schema", path, form], ["check", "--schema", path, form],
                 ["convert", "--schema", path, tmp_path, "-o", tmp_path / "out.xlsx"],
                 ["fill", "--schema", path, form, "-o", tmp_path / "y.xlsx"], ["schema", "contract", path]):
        res = subprocess.run([sys.executable, "-m", "formparse", *map(str, args)], capture_output=True, text=True,
                             timeout=120)
        assert res.returncode == 1 and "Traceback" not in res.stderr, (args, res.stderr)
        assert f"{path}: blocks[1].kind" in res.stderr and f"line {line}）" in res.stderr, (args, res.stderr)


def test_load_schema_takes_an_id_a_path_or_a_folder_of_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "funds-form.toml").write_text(SCHEMA, encoding="utf-8")
    assert formparse.load_schema(tmp_path / "funds-form.toml").id == "funds-form"
    assert formparse.load_schema(str(tmp_path / "funds-form.toml")).id == "funds-form"
    with pytest.raises(formparse.SchemaError, match="no bundled schema named 'funds-form'.*funds-form.toml"):
        formparse.load_schema("funds-form")
    monkeypatch.setenv("FORMPARSE_SCHEMAS", f"{tmp_path / 'none'}:{tmp_path}")
    assert formparse.load_schema("funds-form").id == "funds-form"
    from formparse.schema import known_schemas

    assert [s.id for s in known_schemas()][0] == "funds-form"
    with pytest.raises(formparse.SchemaError, match="cannot read the schema"):
        formparse.load_schema(tmp_path / "self.toml")


def test_the_bundled_forms_keep_their_records() -> None:
    """附件1 and 附件2 name their Python record classes: nothing is generated for them."""
    from formparse.generic import record_type

    assert [record_type(s).__name__ for s in formparse.schema.bundled_schemas()] == ["Record", "ProjectRecord"]


def test_rows_of_a_matrix_each_once_and_keys_unique() -> None:
    with pytest.raises(formparse.SchemaError, match=r"blocks\[0\]\.rows\[1\]\.key is given twice"):
        parse_schema('id = "x"\nname = "x"\n[[blocks]]\nkind = "matrix"\nkey = "m"\n'
                     'rows = [{ key = "a", label = "甲" }, { key = "a", label = "乙" }]\n'
                     'columns = [{ key = "c", label = "丙" }]\n')
    for a, b in itertools.permutations(['key = "f"', 'key = "f.g"']):
        text = (f'id = "x"\nname = "x"\n[[blocks]]\nkind = "fields"\nfields = [{{ {a}, label = "甲" }}, '
                f'{{ {b}, label = "乙" }}]\n')
        with pytest.raises(formparse.SchemaError, match="is inside f"):
            parse_schema(text)


@pytest.mark.parametrize("seed", range(4))
def test_the_first_forms_rules_written_as_data_warn_as_its_python_checks(seed: int) -> None:
    """附件1's [[rules]] give exactly formparse.check.check's warnings, in its order, on varied records."""
    import copy

    import attrs

    from formparse.check import check
    from formparse.rules import check_rules

    schema = formparse.load_schema()
    assert schema.rules is None and schema.checks
    rng = random.Random(seed)
    root = Path(__file__).resolve().parent.parent / "samples" / "expected"
    bases = [formparse.loads(p.read_text(encoding="utf-8")) for p in sorted(root.glob("附件1-*.json"))]
    cells = {"income.total": "A1", "expenditure.total": "A2", "basic_info.staff_actual": "B3", "year": "C1",
             "filled_by_phone": "D9", "indicators": "A18", "indicators[0].value": "E19"}
    for _ in range(40):
        rec = copy.deepcopy(rng.choice(bases))
        for group in (rec.income, rec.expenditure, rec.three_public):
            for f in attrs.fields(type(group)):
                if rng.random() < 0.3:
                    setattr(group, f.name, rng.choice([None, Decimal(rng.randint(0, 500)), Decimal("1.50")]))
        info = rec.basic_info
        info.staff_actual = rng.choice([info.staff_actual, None, 0, 100])
        info.staff_quota = rng.choice([info.staff_quota, None, 0, 100])
        info.contact_phone = rng.choice([info.contact_phone, None, "123", "13800001234"])
        rec.filled_by_phone = rng.choice([rec.filled_by_phone, None, "abc", "0739-5321234"])
        rec.unit_name = rng.choice([rec.unit_name, None])
        rec.indicators = rng.choice([rec.indicators, []])
        rec.year = rng.choice([rec.year, None, 1999])
        assert check_rules(rec, schema, cells) == check(rec, cells)


@pytest.mark.parametrize("corner", [None, "", "项目"])
def test_a_matrix_without_a_section_label_is_drafted_and_read(tmp_path: Path, corner: str | None) -> None:
    """Row labels in the sheet's first column, column labels over them; over the row labels nothing at all,
    an empty cell, or a heading (a note)."""
    import openpyxl

    from formparse.backends import open_grids
    from formparse.draft import draft_schema

    def make(path: Path, values: dict[str, str]) -> Path:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws["A1"] = "某某资金表"
        ws.merge_cells("A1:D1")
        if corner is not None:
            ws["A2"] = corner or None
            ws["A2"].border = openpyxl.styles.Border(left=openpyxl.styles.Side(style="thin"))
        ws["B2"], ws["C2"], ws["D2"] = "年初预算数", "全年预算数", "得分"
        ws["A3"], ws["A4"] = "年度资金总额", "其中：财政拨款"
        for key, value in values.items():
            ws[key] = value
        wb.save(path)
        return path

    blank = make(tmp_path / "blank.xlsx", {})
    text = draft_schema(open_grids(str(blank)), schema_id="funds")
    assert 'kind = "matrix"' in text and "kind = \"table\"" not in text, text
    filled = make(tmp_path / "filled.xlsx", {"B3": "1", "C3": "2", "D3": "3", "B4": "4", "C4": "5", "D4": "6"})
    path = tmp_path / "funds.toml"
    path.write_text(text, encoding="utf-8")
    rec = formparse.read(filled, schemas=[path])
    assert rec.warnings == [] and formparse.to_dict(rec)["m1"] == {
        "r1": {"c1": "1", "c2": "2", "c3": "3"}, "r2": {"c1": "4", "c2": "5", "c3": "6"}}
