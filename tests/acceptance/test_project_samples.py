"""The 附件2 samples and packets in samples/.

Two tiers. The first holds the files to their ground truth without the reader (every value of the
truth is in the file, the check boxes and the typed money cell parse to it with formparse.fieldtypes)
so the samples are known good before any locator reads them. The second is what `formparse.read` must
do with them, from schemas/project-2020.toml alone."""

import json
import re
import subprocess
import sys

import jsonschema
import pytest

import formparse
from formparse.backends import open_grids
from formparse.fieldtypes import parse_choice, parse_date, parse_pairs
from formparse.records_project import ProjectRecord, project_domain_problems
from formparse.schema import data_dir
from formparse.text import norm, parse_money
from tests.conftest import (
    CONTRACT,
    EXPECTED,
    PACKETS,
    ROOT,
    expected_for,
    needs_soffice,
    numeric,
    packet_files,
    project_sample_files,
)

pytestmark = pytest.mark.acceptance
SCHEMA = json.loads((CONTRACT / "project-2020.schema.json").read_text(encoding="utf-8"))
EXAMPLE = CONTRACT / "附件2-2020-邵阳市科学技术局-市级科技计划项目专项资金.json"
FILES = project_sample_files()
PACKETS_FILES = packet_files()


def _toml():
    import tomllib

    return tomllib.loads((data_dir("schemas") / "project-2020.toml").read_text(encoding="utf-8"))


def _field(type_):
    return next(f for b in _toml()["blocks"] if b["kind"] == "fields" for f in b["fields"] if f.get("type") == type_)


def _grid_cells(path):
    """(grid, cell) for every filled cell of every form in the file (all sheets of a workbook)."""
    grids = open_grids(str(path))
    return [(g, c) for g in grids for c in g.reading_order() if c.text.strip() or c.value is not None]


def _texts(path):
    return [c for _, c in _grid_cells(path)]


def test_there_are_four_projects_of_three_departments_in_both_formats():
    stems = {p.stem for p in FILES}
    assert len(stems) >= 4
    assert len({s.split("-")[2] for s in stems}) >= 3
    assert {p.suffix for p in FILES} == {".xlsx", ".docx"}
    assert {p.suffix for p in FILES if p.stem == EXAMPLE.stem} == {".xlsx", ".docx"}


def test_the_example_truth_is_the_contract_example_exactly():
    assert (EXPECTED / EXAMPLE.name).read_text(encoding="utf-8").rstrip("\n") == EXAMPLE.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_truth_is_a_valid_record(path):
    truth = expected_for(path)
    jsonschema.validate(truth, SCHEMA)
    record = formparse.from_dict(truth)
    assert isinstance(record, ProjectRecord) and project_domain_problems(record) == []
    assert formparse.to_dict(record) == truth


def _scalar_texts(truth):
    out = [truth[k] for k in ("project_name", "competent_dept", "project_unit", "project_leader", "period",
                              "overview", "basis", "feasibility", "necessity", "long_term_goal", "annual_goal",
                              "other_notes", "unit_name", "filled_by", "unit_head")]
    out += [s[k] for s in truth["schedule"] for k in ("content", "start", "end")]
    for key in ("long_term_indicators", "annual_indicators"):
        out += [i[k] for i in truth[key] for k in ("level1", "level2", "content", "value", "remark")]
    return [t for t in out if t is not None]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_file_holds_its_truth(path):
    """Checked with the field types, not the reader: each text is in some cell; the ticked box, the
    money and the footer's date parse to the truth."""
    assert_holds(path, expected_for(path))


def assert_holds(path, truth):
    located = _grid_cells(path)
    cells = [c for _, c in located]
    folded = [norm(c.text) for c in cells]
    for text in _scalar_texts(truth):
        assert any(norm(text) in f for f in folded), text
    for phone in (truth["contact_phone"], truth["competent_dept_code"], truth["filled_by_phone"]):
        if phone is not None:
            assert any(norm(phone) in f for f in folded), phone
    kind = _field("choice")
    boxes = [c.text for c in cells if sum(norm(o)[:2] in norm(c.text) for o in kind["options"]) >= 1
             and norm(c.text) not in {norm(kind["label"])} and len(norm(c.text)) < 20
             and any(ch in c.text for ch in "□☑■√✓✔")]
    assert len(boxes) == 1 and parse_choice(boxes[0], kind["options"]) == truth["project_kind"], boxes
    funds_field = _field("pairs")
    pairs = [(p["key"], [p["label"], *p.get("aliases", [])]) for p in funds_field["pairs"]]
    typed = [c.text for c in cells if norm(c.text).startswith("资金总额:")]
    want = {k: (None if v is None else parse_money(v)) for k, v in truth["funds"].items()}
    if typed:
        assert parse_pairs(typed[0], pairs) == want
    else:  # the printed grid: each amount right of its label
        for key, (label, *_) in pairs:
            grid, cell = located[folded.index(norm(label))]
            right = grid.right_of(cell)
            assert (parse_money(right.text) if right is not None else None) == want[key], label
    dates = [m[1] for c in cells for m in [re.search(r"填报日期[:：](.*)$", c.text.strip(), re.S)] if m]
    dates += [cells[i + 1].text for i, f in enumerate(folded) if f == "填报日期:" and i + 1 < len(cells)]
    got = [parse_date(d.strip() or None) for d in dates]
    assert (truth["filled_date"] is None and not [g for g in got if g]) or \
        [g.isoformat() for g in got if g] == [truth["filled_date"]]


def test_packets_hold_one_dept_form_and_three_projects_in_order():
    assert {p.suffix for p in PACKETS_FILES} == {".xlsx", ".docx"}
    for path in PACKETS_FILES:
        forms = json.loads((PACKETS / f"{path.stem}.json").read_text(encoding="utf-8"))
        assert [f.get("schema") for f in forms] == [None, "project-2020", "project-2020", "project-2020"]
        for f in forms[1:]:
            jsonschema.validate(f, SCHEMA)
        folded = [norm(c.text) for c in _texts(path)]
        titles = [i for i, f in enumerate(folded) if f.endswith("绩效目标申报表")]
        assert len(titles) == 4, path.name
        names = [i for i, f in enumerate(folded) for form in forms[1:] if f == norm(form["project_name"])]
        assert names == sorted(names) and len(names) == 3 and titles[1] < names[0] < titles[2] < names[1], path.name


def test_the_xlsx_packet_has_a_form_per_sheet():
    from openpyxl import load_workbook

    path = next(p for p in PACKETS_FILES if p.suffix == ".xlsx")
    wb = load_workbook(path)
    assert len(wb.worksheets) == 4
    heads = [[str(c.value) for row in ws.iter_rows(max_row=3) for c in row if c.value] for ws in wb.worksheets]
    assert ["部门整体支出绩效目标申报表" in " ".join(h) for h in heads] == [True, False, False, False]
    assert all("项目支出绩效目标申报表" in " ".join(h) for h in heads[1:])


@pytest.mark.slow
@needs_soffice()
def test_the_project_sample_generator_makes_files_that_hold_their_truth(tmp_path):
    """Regenerate with real LibreOffice: the committed samples are not special."""
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_project_samples.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True, timeout=900)
    made = sorted((tmp_path / "submissions").iterdir())
    assert [p.name for p in made] == [p.name for p in FILES]
    for path in made:
        assert_holds(path, json.loads((tmp_path / "expected" / f"{path.stem}.json").read_text(encoding="utf-8")))
    assert sorted(p.name for p in (tmp_path / "packets").iterdir()) == sorted(p.name for p in PACKETS.iterdir())


# --- what the reader must do (the lead's locator integrates the schema) -------------------------------

@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_project_sample_reads_to_its_ground_truth(path):
    data = formparse.to_dict(formparse.read(path))
    jsonschema.validate(data, SCHEMA)
    assert numeric(data) == numeric(expected_for(path))


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_fill_of_a_read_project_reads_back_the_same(tmp_path, path, suffix):
    record = formparse.read(path)
    assert isinstance(record, ProjectRecord)
    out = formparse.fill(record, tmp_path / f"out{suffix}")
    assert formparse.read(out) == record


@pytest.mark.parametrize("path", PACKETS_FILES, ids=lambda p: p.name)
def test_packet_reads_into_its_four_records_in_order(path):
    forms = json.loads((PACKETS / f"{path.stem}.json").read_text(encoding="utf-8"))
    found = formparse.read_all(path)
    assert [numeric(formparse.to_dict(f.record)) for f in found] == [numeric(f) for f in forms]
    assert [f.schema for f in found] == ["dept-overall-2020"] + ["project-2020"] * 3
    assert len({f.where for f in found}) == 4  # each says where it was found
