"""formparse fill / parse with a 附件2 record: the record's class chooses its form."""

import json
import subprocess
import sys

from tests.conftest import CONTRACT, numeric

EXAMPLE = CONTRACT / "附件2-2020-邵阳市科学技术局-市级科技计划项目专项资金.json"


def test_fill_writes_a_project_record_into_the_project_form_and_parse_gives_it_back(tmp_path):
    for suffix in (".xlsx", ".docx"):
        out = tmp_path / f"o{suffix}"
        res = subprocess.run([sys.executable, "-m", "formparse", "fill", str(EXAMPLE), "-o", str(out)],
                             capture_output=True, text=True, timeout=120)
        assert res.returncode == 0, res.stderr
        back = subprocess.run([sys.executable, "-m", "formparse", "parse", str(out)],
                              capture_output=True, text=True, timeout=120)
        assert back.returncode == 0, back.stderr
        assert numeric(json.loads(back.stdout)) == numeric(json.loads(EXAMPLE.read_text(encoding="utf-8")))
