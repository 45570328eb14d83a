"""Blocks found by their members (issue 18, item 9): a heading worded otherwise than the schema knows (a
county's “项目资金申请” for 资金总额及构成) is placed where it stands when its member labels are found together,
with a warning quoting it; a heading whose members are not found together still fails."""

import pytest

import formparse
from formparse.errors import InvalidValues, NotThisForm
from formparse.schema import load_schema
from tests.conftest import ROOT, SEED_JSON
from tests.structural import Style, build, expected, write_docx, write_xlsx
from tests.structural_project import ProjectStyle
from tests.structural_project import build as build_project
from tests.structural_project import expected as expected_project

SEED = formparse.loads(SEED_JSON.read_text(encoding="utf-8"))
PROJECT_JSON = ROOT / "tests" / "contract" / "附件2-2020-邵阳市科学技术局-市级科技计划项目专项资金.json"
PROJECT = formparse.loads(PROJECT_JSON.read_text(encoding="utf-8"))


def headings(schema_id):
    """Every heading of a schema that has member labels: group and section labels with labels under them, and
    pairs fields (their amounts' labels)."""
    out = []
    for block in load_schema(schema_id).blocks:
        out += [g.label for g in getattr(block, "groups", ())]
        if getattr(block, "section", None):
            out.append(block.section)
        if getattr(block, "columns", None) or getattr(block, "offices", None):
            out.append(block.label)
        out += [f.label for f in getattr(block, "fields", ()) if f.pairs]
    return out


def reword(form, old, new):
    """The form with the cell(s) reading ``old`` typed ``new`` instead."""
    hits = 0
    for part in form.parts:
        for box in getattr(part, "boxes", ()):
            if "".join(box.text.split()) == old:
                box.text, hits = new, hits + 1
    assert hits, old
    return form


def _write(form, path):
    return (write_xlsx if path.suffix == ".xlsx" else write_docx)(form, path)


CASES = [("dept-overall-2020", h, Style()) for h in headings("dept-overall-2020")] + [
    ("dept-overall-2020", "年度收入预算", Style(group="left", merges="none")),
    ("dept-overall-2020", "三公经费预算支出", Style(group="above", merges="none")),
] + [("project-2020", h, ProjectStyle()) for h in headings("project-2020")] + [
    ("project-2020", "资金总额及构成", ProjectStyle(merges="none")),
    # a table's title typed on a line of its own above its header row, which begins one column right
    ("project-2020", "年度绩效指标", ProjectStyle(sections=(("年度绩效指标", "above"),))),
    ("project-2020", "年度绩效指标", ProjectStyle(sections=(("长期绩效指标", "above"), ("年度绩效指标", "above")),
                                           merges="none")),
]


# each case in one format in the quick run (alternating), in the other with the slow tests
QUICK = [pytest.param(*c, suffix, id=f"{c[1]}-{k}{suffix}") for k, c in enumerate(CASES)
         for suffix in [(".xlsx", ".docx")[k % 2]]]
SLOW = [pytest.param(*c, suffix, id=f"{c[1]}-{k}{suffix}", marks=pytest.mark.slow) for k, c in enumerate(CASES)
        for suffix in [(".docx", ".xlsx")[k % 2]]]


@pytest.mark.parametrize("schema_id, heading, style, suffix", QUICK + SLOW)
def test_a_heading_worded_otherwise_is_placed_by_its_members(tmp_path, suffix, schema_id, heading, style):
    other = "本栏另称" + heading[-2:]  # no label of either form
    if schema_id == "project-2020":
        form, want = build_project(PROJECT, style), expected_project(PROJECT, style)
    else:
        form, want = build(SEED, style), expected(SEED, style)
    rec = formparse.read(_write(reword(form, heading, other), tmp_path / f"reworded{suffix}"))
    assert rec == want
    [warning] = [w for w in rec.warnings if w.code.startswith("heading")]
    assert warning.code == "heading-reworded" and warning.label == heading and warning.cell
    assert f"“{other}” 用作 “{heading}”" in warning.message
    assert not [w for w in rec.warnings if w.code == "unread"]


def test_a_heading_left_blank_is_not_guessed(tmp_path):
    """Nothing typed where the heading goes: an error as before (a partial read gives the rest)."""
    path = _write(reword(build_project(PROJECT, ProjectStyle()), "资金总额及构成", ""), tmp_path / "blank.docx")
    with pytest.raises(InvalidValues, match="资金总额及构成"):
        formparse.read(path)
    rec = formparse.read(path, partial=True)
    assert rec.project_name == PROJECT.project_name and rec.funds.total is None


def test_a_reworded_heading_whose_members_are_not_found_together_still_fails(tmp_path):
    # the amounts typed in one cell: no member label of 资金总额及构成 stands in a cell of its own
    style = ProjectStyle(funds="text")
    path = _write(reword(build_project(PROJECT, style), "资金总额及构成", "项目资金申请"), tmp_path / "text.xlsx")
    with pytest.raises(InvalidValues, match="资金总额及构成"):
        formparse.read(path)
    # 年度收入预算 reworded and most of its headers too: an identifying heading is missing
    form = reword(build(SEED, Style()), "年度收入预算", "收入情况")
    for label in ("一般公共预算", "政府基金", "非税收入", "上级财政补助收入", "其他收入", "经营服务收入", "上年结转"):
        form = reword(form, label, label + "数")
    with pytest.raises(NotThisForm, match="年度收入预算"):
        formparse.read(_write(form, tmp_path / "income.xlsx"))


def test_the_member_rule_leaves_other_forms_alone(tmp_path):
    """A 附件2 read as 附件1: its indicator tables have 附件1's column labels, but 附件1's other identifying
    labels are missing — refused as before, naming them all."""
    path = _write(build_project(PROJECT, ProjectStyle()), tmp_path / "project.xlsx")
    with pytest.raises(NotThisForm) as exc:
        formparse.read(path, schema=load_schema("dept-overall-2020"))
    for label in ("部门基本信息", "年度收入预算", "部门整体支出绩效指标"):
        assert label in str(exc.value)
