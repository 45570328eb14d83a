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


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_files_of_one_template_with_other_counts_of_goals_and_indicators_share_a_placement(tmp_path, suffix):
    """The labels below a longer or shorter table lie lower or higher, a heading merged down the table is longer
    or shorter: the placement is remembered by the order of the label cells, not their rows, and taken for
    every such file — each read as a fresh locate reads it."""
    import copy

    a = formparse.read(sample_files()[0])
    assert len(a.goals) >= 2 and len(a.indicators) >= 3
    variants = []
    for k, (goals, indicators) in enumerate([(len(a.goals), len(a.indicators)), (1, 2), (len(a.goals) + 3, 1),
                                             (2, len(a.indicators) + 4)]):
        rec = formparse.loads(formparse.dumps(a))
        rec.goals = [f"{g}（{k}）" for g in (a.goals * 3)[:goals]]
        rec.indicators = [copy.deepcopy(x) for x in (a.indicators * 5)[:indicators]]
        rec.filled_by = f"填报人{k}"
        variants.append(formparse.fill(rec, tmp_path / f"v{k}{suffix}"))
    fresh = {}
    for path in variants:
        clear_placements()
        fresh[path] = outcome(path)
    clear_placements()
    outcome(variants[0])
    cached = dict(_PLACEMENTS)
    assert len(cached) == 1
    for path in variants[1:]:
        assert outcome(path) == fresh[path], path.name
        assert _PLACEMENTS == cached, f"{path.name}: not taken from the cache"
