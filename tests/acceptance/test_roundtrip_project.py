"""附件2: read(fill(r)) == r for records drawn from its whole valid domain, in both formats."""

import pytest
from hypothesis import given, settings

import formparse
from formparse.records_project import ProjectRecord
from tests.strategies_project import project_records

pytestmark = [pytest.mark.acceptance]


# Values exactly equal to a printed label (其他说明的问题 typed as an indicator's 一级指标, a 项目单位 called
# “项目负责人”) stay in: on the official grid the reader tells them from the labels (issue 14).
projects = project_records


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@given(record=projects)
def test_fill_then_read_gives_the_project_back(tmp_path_factory, suffix, record):
    out = tmp_path_factory.mktemp("rt2") / f"project{suffix}"
    formparse.fill(record, out)
    back = formparse.read(out)
    assert isinstance(back, ProjectRecord)
    assert back == record


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@settings(max_examples=10)
@given(record=projects)
def test_a_few_projects_round_trip_quickly(tmp_path_factory, suffix, record):
    out = tmp_path_factory.mktemp("rt2q") / f"project{suffix}"
    formparse.fill(record, out)
    assert formparse.read(out) == record
