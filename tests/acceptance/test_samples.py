"""The real files in samples/: each reads to its ground truth, validates against the contract, and
survives fill → read in both formats and written back into itself."""

import json
import subprocess
import sys

import jsonschema
import pytest

import formparse
from tests.conftest import CONTRACT, ROOT, SEED_JSON, expected_for, needs_soffice, numeric, sample_files

pytestmark = pytest.mark.acceptance
SCHEMA = json.loads((CONTRACT / "dept-overall-2020.schema.json").read_text(encoding="utf-8"))
FILES = sample_files()


def test_there_are_samples_of_both_formats_and_the_seed():
    suffixes = {p.suffix for p in FILES}
    assert suffixes == {".xlsx", ".docx"}
    assert len({p.stem for p in FILES}) >= 5
    seed = [p for p in FILES if p.stem == SEED_JSON.stem]
    assert {p.suffix for p in seed} == {".xlsx", ".docx"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_sample_reads_to_its_ground_truth(path):
    data = formparse.to_dict(formparse.read(path))
    jsonschema.validate(data, SCHEMA)
    assert numeric(data) == numeric(expected_for(path))


@pytest.mark.parametrize("path", [p for p in FILES if p.stem == SEED_JSON.stem], ids=lambda p: p.name)
def test_seed_equals_the_contract_example(path):
    data = formparse.to_dict(formparse.read(path))
    assert numeric(data) == numeric(json.loads(SEED_JSON.read_text(encoding="utf-8")))


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_fill_of_a_read_sample_reads_back_the_same(tmp_path, path, suffix):
    record = formparse.read(path)
    out = formparse.fill(record, tmp_path / f"out{suffix}")
    assert formparse.read(out) == record


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_edited_record_written_back_into_the_submission(tmp_path, path):
    """An analyst corrects a record and writes it into a copy of the very file it came from."""
    before = path.read_bytes()
    record = formparse.read(path)
    record.goals.append("新增目标：按季度报送绩效监控情况。")
    record.indicators = record.indicators[:2] + [
        formparse.Indicator("新增一级", "新增二级", "新增内容", "1项", None)
    ] + record.indicators[2:]
    record.three_public.total = (record.three_public.total or 0) + 1
    out = formparse.fill(record, tmp_path / f"back{path.suffix}", template=path)
    assert formparse.read(out) == record
    assert path.read_bytes() == before  # the submission itself is never touched


@needs_soffice()
def test_the_sample_generator_makes_files_that_read_to_their_truth(tmp_path):
    """Regenerate the submissions with real LibreOffice: the committed ones are not special."""
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_samples.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True, timeout=900)
    made = sorted((tmp_path / "submissions").iterdir())
    assert [p.name for p in made] == [p.name for p in FILES]
    for path in made:
        truth = json.loads((tmp_path / "expected" / f"{path.stem}.json").read_text(encoding="utf-8"))
        assert numeric(formparse.to_dict(formparse.read(path))) == numeric(truth), path.name
