"""附件2 drawn otherwise, on grids: the same record whatever merges, spacer rows and columns, or repeated
section labels a copy has — the locator knows 附件2 only from schemas/project-2020.toml."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import formparse
from formparse.backends import open_grids
from formparse.locate import locate
from formparse.reader import record_from_layout
from formparse.schema import load_schema
from tests.conftest import ROOT
from tests.gridkit import insert_blank_row, make_grid, to_spec

SCHEMA = load_schema("project-2020")
SAMPLE = ROOT / "samples" / "submissions" / "附件2-2020-邵阳市科学技术局-市级科技计划项目专项资金.xlsx"


@pytest.fixture(scope="module")
def spec():
    return to_spec(open_grids(str(SAMPLE))[0])


def read_spec(rows, merges, paragraphs):
    grid = make_grid(rows, merges, paragraphs)
    return record_from_layout(locate(grid, SCHEMA), SCHEMA)


def insert_blank_col(spec, at):
    rows, merges, paragraphs = spec
    rows = [r[:at] + [""] + r[at:] for r in rows]
    new = []
    for r0, c0, r1, c1 in merges:
        if c0 >= at:
            new.append((r0, c0 + 1, r1, c1 + 1))
        elif c1 >= at:
            new.append((r0, c0, r1, c1 + 1))
            for r in range(r0, r1 + 1):
                rows[r][at] = None
        else:
            new.append((r0, c0, r1, c1))
    return rows, new, paragraphs


def unmerge(spec):
    rows, merges, paragraphs = spec
    rows = [[("" if t is None else t) for t in r] for r in rows]
    return rows, [], paragraphs


def test_the_sample_grid_reads_as_the_file(spec):
    assert read_spec(*spec) == formparse.read(SAMPLE)


@settings(max_examples=25)
@given(data=st.data())
def test_spacer_rows_columns_and_no_merges_change_nothing(spec, data):
    want = formparse.read(SAMPLE)
    s = spec
    if data.draw(st.booleans(), label="no merges"):
        s = unmerge(s)
    for _ in range(data.draw(st.integers(0, 3), label="blank rows")):
        s = insert_blank_row(s, data.draw(st.integers(3, len(s[0]) - 1), label="row"))
    for _ in range(data.draw(st.integers(0, 2), label="blank columns")):
        s = insert_blank_col(s, data.draw(st.integers(1, len(s[0][0])), label="col"))
    assert read_spec(*s) == want


def test_a_blank_amount_on_a_grid_without_merges_does_not_take_the_next_rows_value(spec):
    """本级财政资金 left blank, 资金总额及构成 typed once (no merges): the cell under the pair label is 项目概况's
    value, beside its own label in its own row — never the blank amount's (found by the structural generator)."""
    rows, merges, paragraphs = unmerge(spec)
    r, c = next((r, row.index("本级财政资金")) for r, row in enumerate(rows) if "本级财政资金" in row)
    rows[r][c + 1] = ""
    rec = read_spec(rows, merges, paragraphs)
    want = formparse.read(SAMPLE)
    want.funds.fiscal_local = None
    assert rec == want


@pytest.mark.parametrize(("first", "second", "kind"), [("新增项目", "延续项目√", "延续项目"),
                                                       ("☑新增项目", "□延续项目", "新增项目"),
                                                       ("新增项目□", "延续项目□", None)])
def test_check_box_options_each_in_a_cell_of_their_own_read_as_one_choice(spec, first, second, kind):
    """项目属性's options typed in two cells beside the label: one choice, read from both (an option alone in
    the first cell, unticked, is not the choice; found by the structural generator)."""
    rows, merges, paragraphs = spec
    r = next(r for r, row in enumerate(rows) if row[1] and "延续项目" in row[1])
    merges = [m for m in merges if m[:2] != (r, 1)]
    rows = [list(row) for row in rows]
    rows[r][1:4] = [first, second, ""]
    layout = locate(make_grid(rows, merges, paragraphs), SCHEMA)
    rec = record_from_layout(layout, SCHEMA)
    want = formparse.read(SAMPLE)
    want.project_kind = kind
    assert rec == want
    assert not [u for u in layout.unread if "延续项目" in u.text]


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_a_fill_into_a_copy_with_the_options_in_two_cells_keeps_them_there(tmp_path, suffix):
    """Writing into such a copy ticks the option in the cell that names it; the other cell's box empties."""
    from tests.structural import write_docx, write_xlsx
    from tests.structural_project import ProjectStyle, build

    rec = formparse.read(SAMPLE)
    rec.project_kind = "新增项目"
    template = tmp_path / f"two-cells{suffix}"
    (write_xlsx if suffix == ".xlsx" else write_docx)(build(rec, ProjectStyle(kind_cells=2)), template)
    assert formparse.read(template) == rec
    rec.project_kind = "延续项目"
    out = tmp_path / f"filled{suffix}"
    formparse.fill(rec, out, template=template)
    assert formparse.read(out) == rec
    texts = [c.text for c in open_grids(str(out))[0].reading_order()]
    assert "新增项目□" in texts and "延续项目☑" in texts


def test_a_row_heading_typed_in_each_of_its_rows_is_no_value_of_the_blank_field_above(spec):
    """资金总额及构成 typed in both its rows instead of merged, 项目起止时间 above it left blank: the heading's
    copies are the heading, not the blank field's value (found by the structural generator)."""
    rows, merges, paragraphs = spec
    rows = [list(row) for row in rows]
    r = next(r for r, row in enumerate(rows) if row[0] and "".join(row[0].split()) == "资金总额及构成")
    merges = [m for m in merges if m[:2] != (r, 0)]
    rows[r + 1][0] = "资金总额及构成"
    rows[r - 1][1] = ""
    want = formparse.read(SAMPLE)
    want.period = None
    assert read_spec(rows, merges, paragraphs) == want


@pytest.mark.parametrize("alias", ["单位", "金额单位", "计量单位"])
def test_two_labelled_values_in_one_line_split_at_the_label_written(spec, alias):
    """“填报单位（盖章）：… 金额单位：万元” in one cell: the second value's label is the alias written, not the
    shorter label inside it (found by the structural generator)."""
    rows, merges, paragraphs = spec
    rows = [list(row) for row in rows]
    r = next(r for r, row in enumerate(rows) if row[0] and row[0].startswith("填报单位"))
    rows[r][0] = f"填报单位（盖章）：邵阳市科学技术局　　　　{alias}：万元"
    rows[r + 1][0] = ""
    assert read_spec(rows, merges, paragraphs) == formparse.read(SAMPLE)
