import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "submissions"
EXPECTED = ROOT / "samples" / "expected"
TEMPLATES = ROOT / "samples" / "templates"
# The contract lives in ../shared (owned outside this repo); tests/contract is our copy of it, and
# test_contract checks the two agree whenever ../shared is there.
SHARED_CONTRACT = ROOT.parent / "shared" / "contract"
CONTRACT = ROOT / "tests" / "contract"
SEED_JSON = CONTRACT / "附件1-2020-邵阳市科学技术局.json"

# CI runs a fixed, reproducible set of generated examples (the same every run: a red CI always means a
# change, never a lucky draw); `--hypothesis-profile=explore` searches afresh, for local bug hunting.
settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("explore", max_examples=200, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("dev", max_examples=30, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("ci")


def numeric(value):
    """Contract JSON with money compared as numbers ("10" == "10.00")."""
    if isinstance(value, dict):
        return {k: numeric(v) for k, v in value.items()}
    if isinstance(value, list):
        return [numeric(v) for v in value]
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


PACKETS = ROOT / "samples" / "packets"


def sample_files(prefix: str = "附件1-"):
    """The bundled single-form submissions of one form, by name prefix: 附件1 (the reader reads these
    today) or "附件2-" (the 附件2 samples, read once the locator knows schemas/project-2020.toml)."""
    return sorted(p for p in SAMPLES.iterdir() if p.suffix in (".xlsx", ".docx") and p.name.startswith(prefix))


def project_sample_files():
    return sample_files("附件2-")


def packet_files():
    return sorted(p for p in PACKETS.iterdir() if p.suffix in (".xlsx", ".docx"))


def expected_for(path: Path) -> dict:
    return json.loads((EXPECTED / f"{path.stem}.json").read_text(encoding="utf-8"))


def needs_soffice():
    return pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice) on PATH")


# A fresh ledger on SQLite and on the test PostgreSQL server (tests/test_store.py): the desk's tests use it too.
from tests.test_store import store_target  # noqa: E402, F401
