"""read(fill(r)) == r for records drawn from the whole valid domain, in both formats."""

import pytest
from hypothesis import given

import formparse
from tests.strategies import records
from tests.test_backend_xlsx_fast import assert_same_or_declined

pytestmark = [pytest.mark.acceptance, pytest.mark.slow]  # ~30 s: 200 records per format


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@given(record=records)
def test_fill_then_read_gives_the_record_back(tmp_path_factory, suffix, record):
    out = tmp_path_factory.mktemp("rt") / f"form{suffix}"
    formparse.fill(record, out)
    assert formparse.read(out) == record
    if suffix == ".xlsx":
        assert assert_same_or_declined(out)  # a filled official form is plain: calamine reads it, exactly
