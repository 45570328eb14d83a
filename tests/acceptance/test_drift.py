"""Generated drift: 260 drifted files per format per run (520+), each must read back to its record."""

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import formparse
from tests.drift import drifted
from tests.strategies import records
from tests.test_backend_xlsx_fast import assert_same_or_declined

pytestmark = [pytest.mark.acceptance, pytest.mark.slow]  # ~55 s: 520 drifted files


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@settings(max_examples=260, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), record=records)
def test_drifted_submissions_read_back_exact(suffix, data, record):
    with tempfile.TemporaryDirectory() as tmp:
        path, ops = data.draw(drifted(record, suffix, Path(tmp)), label="drift")
        got = formparse.read(path)
        assert got == record, ops
        if suffix == ".xlsx":  # the calamine read, where it reads the file, gives the exact reader's grids
            event("read by calamine" if assert_same_or_declined(path) else "exact reader")
