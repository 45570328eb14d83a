"""read(fill(r)) == r for records drawn from the whole valid domain, in both formats."""

import pytest
from hypothesis import given

import formparse
from tests.strategies import records
from tests.test_backend_docx_fast import same_either_way
from tests.test_backend_xlsx_fast import assert_same_or_declined

pytestmark = pytest.mark.acceptance


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@given(record=records)
def test_fill_then_read_gives_the_record_back(tmp_path_factory, suffix, record):
    out = tmp_path_factory.mktemp("rt") / f"form{suffix}"
    formparse.fill(record, out)
    assert formparse.read(out) == record
    # a filled official form is plain: the fast reads take it, and give exactly the full readers' grids
    assert (assert_same_or_declined if suffix == ".xlsx" else same_either_way)(out)
