"""Every corpus file and a seeded set of generated layouts read to the bytes recorded in
tests/data/corpus_digest.json (scripts/corpus_digest.py): a change of behaviour is recorded on purpose."""

from __future__ import annotations

import json
import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import corpus_digest  # noqa: E402


@pytest.mark.slow
def test_every_corpus_file_reads_as_recorded() -> None:
    reference = json.loads(corpus_digest.REFERENCE.read_text(encoding="utf-8"))
    now = corpus_digest.digests()
    changed = sorted(k for k in reference if now.get(k) != reference[k])
    assert not changed, f"read differently from the reference (python scripts/corpus_digest.py): {changed[:20]}"
    assert len(now) >= len(reference) > 150


def test_outcome_tells_a_refusal_from_a_record(tmp_path) -> None:
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"not a zip")
    refused = corpus_digest.outcome(bad)
    good = corpus_digest.outcome(ROOT / "samples" / "submissions" / "附件1-2020-邵阳市科学技术局.xlsx")
    assert refused.startswith("refused ") and "<file>" in refused
    assert json.loads(good.splitlines()[0])["record"]["basic_info"]["contact_phone"]
