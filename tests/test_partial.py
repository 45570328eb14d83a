"""A partial record on request (issue 18, item 10): everything that could be read, every problem listed."""

import copy
import json
import subprocess
import sys

import jsonschema
import pytest

import formparse
from formparse.errors import InvalidValues, NotThisForm
from tests.conftest import ROOT, SEED_JSON
from tests.structural import Style, build, write_docx, write_xlsx

SEED = formparse.loads(SEED_JSON.read_text(encoding="utf-8"))
CONTRACT = json.loads((ROOT / "tests" / "contract" / "dept-overall-2020.schema.json").read_text(encoding="utf-8"))


def _broken(suffix, tmp_path):
    """The seed form with two bad cells (编制人数 “二十三人多”, 基本支出 “十五”) and a label deleted (单位职能概述)."""
    form = build(SEED, Style())
    boxes = [b for part in form.parts if hasattr(part, "boxes") for b in part.boxes]
    staff = next(b for b in boxes if b.text == str(SEED.basic_info.staff_quota))
    staff.text = "二十三人多"
    basic = next(b for b in boxes if b.key == "expenditure.basic")
    basic.text, basic.num = "十五", None
    next(b for b in boxes if b.text == "单位职能概述").text = ""
    path = tmp_path / f"broken{suffix}"
    (write_xlsx if suffix == ".xlsx" else write_docx)(form, path)
    return path, staff, basic


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_a_partial_record_has_the_bad_fields_null_and_each_problem_as_an_error(tmp_path, suffix):
    path, _, _ = _broken(suffix, tmp_path)
    with pytest.raises(InvalidValues) as exc:
        formparse.read(path)  # the default stays all-or-error
    rec = formparse.read(path, partial=True)
    want = copy.deepcopy(SEED)
    want.basic_info.staff_quota = None
    want.expenditure.basic = None
    want.functions = None
    assert rec == want
    errors = [w for w in rec.warnings if w.code == "error"]
    # the same messages, in the same order (a missing label's has no cell: the whole message is kept)
    assert [str(w) if w.cell else w.message for w in errors] == exc.value.problems
    by_label = {w.label: w for w in errors}
    assert set(by_label) == {"编制人数", "年度支出预算 基本支出", "单位职能概述"}
    assert by_label["编制人数"].cell and "二十三人多" in by_label["编制人数"].message
    assert by_label["年度支出预算 基本支出"].cell and "十五" in by_label["年度支出预算 基本支出"].message
    assert by_label["单位职能概述"].cell is None and "找不到标签" in by_label["单位职能概述"].message
    # the deleted label's text is reported where it stands, not read as another field's value
    assert any(w.code == "unread" and SEED.functions[:10] in w.message for w in rec.warnings)
    jsonschema.validate(formparse.to_dict(rec), CONTRACT)  # nulls are what the contract allows


def test_read_all_partial_and_no_form_at_all(tmp_path):
    path, _, _ = _broken(".xlsx", tmp_path)
    with pytest.raises(InvalidValues):
        formparse.read_all(path)
    [found] = formparse.read_all(path, partial=True)
    assert found.record.expenditure.basic is None and found.record.expenditure.project == SEED.expenditure.project
    other = tmp_path / "通知.xlsx"
    write_xlsx(build(SEED, Style()).__class__([]), other)
    with pytest.raises(NotThisForm):
        formparse.read(other, partial=True)


def _run(*args):
    return subprocess.run([sys.executable, "-m", "formparse", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def test_parse_partial_prints_the_json_and_lists_the_errors_with_exit_code_1(tmp_path):
    path, _, _ = _broken(".xlsx", tmp_path)
    res = _run("parse", "--partial", path)
    assert res.returncode == 1
    data = json.loads(res.stdout)
    assert data["basic_info"]["staff_quota"] is None and data["unit_name"] == SEED.unit_name
    errors = [line for line in res.stderr.splitlines() if line.startswith("错误 ")]
    assert len(errors) == 3 and any("编制人数" in e and "二十三人多" in e for e in errors)
    res = _run("parse", "--all", "--partial", path)
    assert res.returncode == 1 and len(json.loads(res.stdout)) == 1
    assert sum(line.startswith("错误 ") for line in res.stderr.splitlines()) == 3
    ok = _run("parse", "--partial", ROOT / "samples" / "submissions" / "附件1-2020-邵阳市科学技术局.xlsx")
    assert ok.returncode == 0 and json.loads(ok.stdout) == json.loads(SEED_JSON.read_text(encoding="utf-8"))
    assert "错误" not in ok.stderr


# --- the checks of a partial record say nothing of the values that were not read ----------------------------

def _variant(tmp_path, name, edits, suffix=".xlsx"):
    """The seed form with ``edits`` (key or printed label → the text typed instead) applied to its cells."""
    form = build(SEED, Style())
    boxes = [b for part in form.parts if hasattr(part, "boxes") for b in part.boxes]
    for target, text in edits.items():
        box = next(b for b in boxes if target in (b.key, b.text))
        box.text = text
        if hasattr(box, "num"):
            box.num = None
    path = tmp_path / f"{name}{suffix}"
    (write_xlsx if suffix == ".xlsx" else write_docx)(form, path)
    return path


def _checks(rec):
    return {w.code for w in rec.warnings if w.code not in ("error", "unread")}


SEED_CHECKS = {"cost-over-budget", "over-quota"}  # (what the seed itself is warned of)


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@pytest.mark.parametrize(("edits", "silent"), [
    ({"expenditure.basic": "十五"}, {"expenditure-sum"}),  # a part not read: its total is not compared
    ({"基本支出": ""}, {"expenditure-sum"}),  # a part's label gone
    ({"expenditure.total": "很多"}, {"expenditure-sum", "balance", "blank"}),  # nor balanced, nor called blank
    ({"three_public.reception": "九点五", "expenditure.basic": "300"}, {"three_public-sum"}),
])
def test_a_partial_records_checks_leave_out_the_values_not_read(tmp_path, suffix, edits, silent):
    rec = formparse.read(_variant(tmp_path, "partial", edits, suffix), partial=True)
    errors = [w for w in rec.warnings if w.code == "error"]
    assert len(errors) == sum(1 for t in edits.values() if t != "300")
    codes = _checks(rec)
    assert not codes & silent
    assert SEED_CHECKS <= codes
    if "expenditure.basic" in edits and edits["expenditure.basic"] == "300":  # a part read wrong is still checked
        assert "expenditure-sum" in codes


def test_a_part_left_empty_is_checked_a_part_not_read_is_not(tmp_path):
    """(the difference: an empty 基本支出 is the submitter's, and the total is compared with the parts typed)"""
    empty = formparse.read(_variant(tmp_path, "empty", {"expenditure.basic": ""}))
    assert "expenditure-sum" in _checks(empty)
    unread = formparse.read(_variant(tmp_path, "unread", {"expenditure.basic": "十五"}), partial=True)
    assert "expenditure-sum" not in _checks(unread)
    assert unread.expenditure.basic is empty.expenditure.basic is None
