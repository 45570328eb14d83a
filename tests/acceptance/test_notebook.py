"""The analyst's day: a notebook-style script (no main guard, run as a file in a fresh interpreter,
warnings as errors) asks the questions of a finance bureau of the sample folder, and every answer is
checked against the ground truth in samples/expected/, worked out here with Decimal."""

import json
import os
import re
import subprocess
import sys
from decimal import Decimal

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.acceptance

SCRIPT = r'''
import json
import formparse

print("main module ran")  # once: the workers never import this script again

batch = formparse.read_folder(FOLDER)
frames = batch.frames(duplicates="drop")   # as docs/batch.md: the form sent as .docx and .xlsx counted once
forms, ind, goals = frames["forms"], frames["indicators"], frames["goals"]

# 1. total income by department
income = forms.groupby("unit_name")["income_total"].sum()

# 2. 三公经费 as a share of spending, in per cent
share = (forms["three_public_total"] / forms["expenditure_total"] * 100).round(4)
share.index = forms["unit_name"]

# 3. departments whose 成本指标 exceeds the budget: the checks' warnings
w = frames["warnings"]
over = sorted(set(w.loc[w["code"] == "cost-over-budget", "unit_name"]))

# 4. goals joined to indicators
pairs = goals.merge(ind, on=["file", "position", "unit_name"], suffixes=("_goal", "_indicator"))
per_unit = pairs.groupby("unit_name").size()

print(json.dumps({
    "income": {k: format(round(v, 6), "f") for k, v in income.items()},
    "share": {k: format(v, ".4f") for k, v in share.items()},
    "over": over,
    "pairs": {k: int(v) for k, v in per_unit.items()},
    "problems": sorted(p.kind for p in batch.problems),
}, ensure_ascii=False))
'''


def _truth() -> dict:
    income, share, over, pairs = {}, {}, [], {}
    for path in sorted((ROOT / "samples" / "expected").glob("附件1-*.json")):
        d = json.loads(path.read_text(encoding="utf-8"))
        unit = d["unit_name"]
        income[unit] = Decimal(d["income"]["total"])
        spent = Decimal(d["expenditure"]["total"])
        share[unit] = (Decimal(d["three_public"]["total"]) / spent * 100).quantize(Decimal("0.0001"))
        for ind in d["indicators"]:
            m = re.search(r"([0-9][0-9,.]*)\s*万元", ind["value"] or "")
            if ind["level2"] == "成本指标" and m and Decimal(m.group(1).replace(",", "")) > spent:
                over.append(unit)
        pairs[unit] = len(d["goals"]) * len(d["indicators"])
    return {"income": income, "share": share, "over": sorted(set(over)), "pairs": pairs}


def _has_ipython() -> bool:
    try:
        import IPython  # noqa: F401
    except ImportError:
        return False
    return True


_IPYTHON = pytest.param("ipython", marks=pytest.mark.skipif(not _has_ipython(), reason="IPython is not installed"))


@pytest.mark.parametrize("how", ["script", "python -c", "stdin", "spawn", _IPYTHON])
def test_a_notebook_style_script_without_a_main_guard_gets_exact_answers(tmp_path, how):
    code = f"FOLDER = {str(ROOT / 'samples' / 'submissions')!r}\n" + SCRIPT
    if how == "spawn":  # what Windows and macOS do: a worker started by multiprocessing re-imports __main__
        code = "import multiprocessing\nmultiprocessing.set_start_method('spawn')\n" + code
    script = tmp_path / "analysis.py"
    script.write_text(code, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "IPYTHONDIR": str(tmp_path / "ipython")}
    cmd = {"script": [sys.executable, "-W", "error", str(script)],
           "spawn": [sys.executable, "-W", "error", str(script)],
           "python -c": [sys.executable, "-W", "error", "-c", code],
           "stdin": [sys.executable, "-W", "error", "-"],
           # IPython's __main__ is its own namespace with no file to re-import: what Jupyter kernels do
           "ipython": [sys.executable, "-W", "error", "-m", "IPython", "--quick", "--no-banner", "--colors=NoColor",
                       "--HistoryManager.enabled=False", str(script)]}[how]
    res = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
                         input=code if how == "stdin" else None)
    assert res.returncode == 0, res.stderr[-3000:]
    assert res.stderr == ""  # no warnings, no worker noise
    lines = res.stdout.strip().splitlines()
    assert lines.count("main module ran") == 1, res.stdout
    got = json.loads(lines[-1])
    want = _truth()
    assert {k: Decimal(v) for k, v in got["income"].items()} == want["income"]
    assert {k: Decimal(v) for k, v in got["share"].items()} == want["share"]
    assert got["over"] == want["over"] and want["over"]  # the samples do have one
    assert got["pairs"] == want["pairs"]
    assert got["problems"] == ["Duplicate", "Duplicate"]  # 附件1 and one 附件2 of 科学技术局 as .docx and .xlsx
