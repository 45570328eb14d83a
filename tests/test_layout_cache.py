"""The placement cache never changes a record: every sample and variant read fresh and read again after
files of the same template warmed the cache give the same record and the same warnings."""

from pathlib import Path

import pytest

import formparse
from formparse.contract import to_dict
from formparse.locate import _PLACEMENTS, clear_placements
from tests.conftest import ROOT, sample_files

OTHER_HANDS = ROOT / "samples" / "other-hands"


def corpus():
    files = sample_files()
    if OTHER_HANDS.is_dir():
        files += sorted(p for p in OTHER_HANDS.iterdir() if p.suffix in (".xlsx", ".docx"))
    return files


def outcome(path: Path):
    try:
        rec = formparse.read(path)
    except formparse.FormparseError as exc:
        return type(exc).__name__, str(exc)
    return to_dict(rec), [str(w) for w in rec.warnings]


def test_a_cache_hit_gives_the_record_a_fresh_locate_gives():
    files = corpus()
    clear_placements()
    fresh = {}
    for path in files:
        clear_placements()
        fresh[path] = outcome(path)
    clear_placements()
    for path in files:  # the first pass fills the cache, in turn, for every layout
        outcome(path)
    assert _PLACEMENTS, "nothing was cached"
    for path in reversed(files):
        assert outcome(path) == fresh[path], path.name


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_a_file_of_another_record_on_the_same_template_hits_and_reads_its_own_values(tmp_path, suffix):
    from decimal import Decimal

    a = formparse.read(sample_files()[0])
    b = formparse.loads(formparse.dumps(a))
    b.income.total = (b.income.total or Decimal(0)) + 1
    b.basic_info.contact_person = "另一人"
    b.indicators[0].value = "另一个值"
    b.unit_name = f"{a.unit_name}二分局"  # typed after its label in the label's own cell
    b.filled_by = "王五"
    pa = formparse.fill(a, tmp_path / f"a{suffix}")
    pb = formparse.fill(b, tmp_path / f"b{suffix}")
    clear_placements()
    assert formparse.read(pa) == a
    cached = dict(_PLACEMENTS)
    assert len(cached) == 1
    assert formparse.read(pb) == b
    assert _PLACEMENTS == cached  # a hit: nothing new placed
