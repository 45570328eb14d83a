"""The command line and 附件2 records, until the writer fills them (issue 14)."""

import subprocess
import sys

from tests.conftest import CONTRACT


def test_fill_refuses_a_project_record_instead_of_writing_a_blank_dept_form(tmp_path):
    out = tmp_path / "o.xlsx"
    res = subprocess.run([sys.executable, "-m", "formparse", "fill",
                          str(CONTRACT / "附件2-2020-邵阳市科学技术局-市级科技计划项目专项资金.json"), "-o", str(out)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 1 and "ProjectRecord" in res.stderr and "Traceback" not in res.stderr
    assert not out.exists()
