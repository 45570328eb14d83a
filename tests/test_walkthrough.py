"""docs/adding-a-form.md, run as written on a form the project does not ship (tests/selfeval.py): its
``formparse`` commands are taken from the page's sh blocks in order and run in a folder holding the files
they name; then the edited schema (keys renamed, types set, rules added) is tried the same way."""

from __future__ import annotations

import contextlib
import json
import re
import shlex
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import formparse
from tests import selfeval
from tests.conftest import needs_soffice

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "adding-a-form.md"

OTHER = {  # a second bureau's copy, its matrix printed in another order (rows and columns)
    **selfeval.FILLED, "unit": "邵阳市另一局", "phone": "13912345678",
    "matrix": {(0, 0): "50", (0, 1): "60", (0, 2): "70", (1, 0): "40", (1, 1): "50", (1, 2): "45",
               (2, 0): "10", (2, 1): "10", (2, 2): "10", (0, 3): "10", (0, 5): "12"},
    "matrix_order": ((2, 0, 1), (1, 0, 2, 5, 4, 3)),
    "goals": ["目标甲", "目标乙", "目标丙"],
    "table": [["产出指标", "质量指标", "验收合格率", "100%", "100%", "10"]],
}


def doc_commands() -> list[str]:
    """Every ``formparse …`` line of the page's ```sh blocks, in order."""
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip().startswith("formparse ")]


def _make(folder: Path, blank: str) -> None:
    """The files the page names: the blank form, two filled copies, an inbox of three."""
    selfeval.write_xlsx(folder / "空白表.xlsx") if blank == ".xlsx" else selfeval.write_docx(folder / "空白表.docx")
    selfeval.write_xlsx(folder / "某局.xlsx", selfeval.FILLED)
    selfeval.write_docx(folder / "某局.docx", selfeval.FILLED)
    inbox = folder / "收件箱"
    inbox.mkdir()
    shutil.copy(folder / "某局.xlsx", inbox / "某局.xlsx")
    selfeval.write_docx(inbox / "另一局.docx", OTHER)
    selfeval.write_xlsx(inbox / "另一局.xlsx", OTHER)


@attrs.frozen
class Ran:
    exit_code: int
    stdout: str
    stderr: str


def _run(folder: Path, command: str, blank: str) -> Ran:
    """One of the page's commands, as a shell would run it in ``folder`` (in this process: click's runner)."""
    from click.testing import CliRunner

    from formparse.cli import cli

    if blank != ".xlsx":  # the page's commands for a blank .docx: the blank and the filled-back form are .docx
        command = command.replace("空白表.xlsx", f"空白表{blank}").replace("填回.xlsx", f"填回{blank}")
    words = shlex.split(command, comments=True)
    assert words[0] == "formparse"
    words, target = (words[:words.index(">")], words[words.index(">") + 1]) if ">" in words else (words, None)
    if words[1] in ("convert", "check"):
        words.append("--workers=0")  # the same reads, in this process
    with contextlib.chdir(folder):
        res = CliRunner().invoke(cli, words[1:], obj={"debug": False}, catch_exceptions=False)
        if target is not None:
            Path(target).write_text(res.stdout, encoding="utf-8")
    return Ran(res.exit_code, res.stdout, res.stderr)


def walk(folder: Path, blank: str) -> dict[str, Ran]:
    out = {}
    for command in doc_commands():
        res = _run(folder, command, blank)
        assert res.exit_code == 0, (command, res.stderr)
        out[command.split(">")[0].strip()] = res
    return out


def _assert_walked(folder: Path, runs: dict[str, Ran]) -> None:
    checked = next(r for c, r in runs.items() if c.startswith("formparse schema check"))
    assert "== 某局.xlsx" in checked.stdout and "== 某局.docx" in checked.stdout
    assert "未读取" not in checked.stdout and "问题" not in checked.stdout, checked.stdout
    # the unedited draft reads into JSON, the matrix keyed by its printed rows and columns
    got = json.loads((folder / "某局.json").read_text(encoding="utf-8"))
    assert next(iter(got)) == "schema" and got["schema"] == "my-form"
    assert got["m1"]["r1"]["c3"] == "128.25" and got["m1"]["r2"]["c1"] == "100" and got["m1"]["r3"]["c2"] == "20"
    assert got["l1"] == selfeval.FILLED["goals"] and got["t1"][1]["c3"] == "服务对象满意度"
    # filled back into the blank and read again: the same JSON
    assert json.loads((folder / "填回.json").read_text(encoding="utf-8")) == got
    # the contract validates what parse printed
    import jsonschema

    jsonschema.validate(got, json.loads((folder / "my-form.schema.json").read_text(encoding="utf-8")))
    # the workbook: a sheet for the form, child sheets for the matrix, the list and the table
    import openpyxl

    book = openpyxl.load_workbook(folder / "汇总.xlsx", read_only=True)
    sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    form = sheets[selfeval.TITLE]
    assert form[0][:5] == ["文件", "位置", "表式", "年度", "部门名称"]
    assert sorted(r[0] for r in form[1:]) == ["另一局.docx", "另一局.xlsx", "某局.xlsx"]
    matrix = sheets["年度资金情况（万元）"]
    assert matrix[0][4:] == ["行", "年度资金情况（万元）", *selfeval.MATRIX_COLUMNS]
    other = [r for r in matrix[1:] if r[0] == "另一局.docx"]  # its rows as printed (reordered), each by label
    assert [(r[5], r[6], r[8]) for r in other] == [("年度资金总额", "50", "70"), ("其中：财政拨款", "40", "45"),
                                                   ("其他资金", "10", "10")]
    assert len(sheets["年度总体目标"]) == 1 + 2 + 3 + 3
    assert not [r for r in sheets["问题文件"][1:] if r[0]]
    # the library the same way
    rec = formparse.read(folder / "收件箱" / "另一局.docx", schemas=[folder / "my-form.toml"])
    assert rec["m1.r1.c3"] == "70" and rec["m1.r2.c3"] == "45" and rec["m1.r1.c6"] == "12" and rec.warnings == []
    # 某局's JSON filled into 另一局's copies (the matrix printed in another order): read back the same
    mine = formparse.loads((folder / "某局.json").read_text(encoding="utf-8"))
    for suffix in (".docx", ".xlsx"):
        out = formparse.fill(mine, folder / f"改写{suffix}", folder / "收件箱" / f"另一局{suffix}")
        again = formparse.read(out, schemas=[folder / "my-form.toml"])
        assert again == mine and again.warnings == []


@pytest.mark.parametrize("blank", [".xlsx", ".docx"])
def test_the_walkthrough_runs_as_written(tmp_path: Path, blank: str) -> None:
    _make(tmp_path, blank)
    _assert_walked(tmp_path, walk(tmp_path, blank))


EDITS = [  # the page's step 3: keys renamed, types set, rules added
    ('key = "m1"', 'key = "funds"'), ('key = "r1"', 'key = "total"'), ('key = "r2"', 'key = "fiscal"'),
    ('key = "r3"', 'key = "other"'),
    ('key = "c1", label = "年初预算数", type = "text"', 'key = "budget", label = "年初预算数", type = "money"'),
    ('key = "c2", label = "全年预算数", type = "text"', 'key = "annual", label = "全年预算数", type = "money"'),
    ('key = "c3", label = "全年执行数", type = "text"', 'key = "executed", label = "全年执行数", type = "money"'),
    ('key = "c4", label = "分值", type = "text"', 'key = "score_max", label = "分值", type = "money"'),
    ('key = "c6", label = "得分", type = "text"', 'key = "score", label = "得分", type = "money"'),
    ('key = "h1", label = "编制人数", type = "text"', 'key = "quota", label = "编制人数", type = "count"'),
    ('key = "f1", label = "部门名称"', 'key = "unit_name", label = "部门名称"'),
    ('key = "f2", label = "联系电话", type = "text"', 'key = "phone", label = "联系电话", type = "phone"'),
]
RULES = '''
[[rules]]
kind = "sum"
total = "funds.total.executed"
parts = ["funds.fiscal.executed", "funds.other.executed"]
tolerance = "0.01"

[[rules]]
kind = "compare"
left = "funds.*.executed"
op = "<="
right = "funds.*.annual"

[[rules]]
kind = "compare"
left = "funds.*.score"
op = "<="
right = "funds.*.score_max"

[[rules]]
kind = "phone"
key = "phone"

[[rules]]
kind = "date"
key = "f5"
'''


def test_the_edited_schema_reads_typed_values_and_checks_its_rules(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from formparse.backends import open_grids
    from formparse.draft import draft_schema

    text = draft_schema(open_grids(str(selfeval.write_xlsx(tmp_path / "空白表.xlsx"))), schema_id="self-eval",
                        template="空白表.xlsx")
    for old, new in EDITS:
        assert old in text, old
        text = text.replace(old, new, 1)
    schema_file = tmp_path / "self-eval.toml"
    schema_file.write_text(text + RULES, encoding="utf-8")
    good = selfeval.write_docx(tmp_path / "good.docx", selfeval.FILLED)
    rec = formparse.read(good, schemas=[schema_file])
    assert rec.funds.total.executed == Decimal("128.25")
    assert rec.funds.other.budget == Decimal("20.5") and rec.g1.quota == 23 and rec.unit_name == "邵阳市某某局"
    assert rec.warnings == []
    bad_values = {**selfeval.FILLED, "phone": "12345", "footer": ("张三", "13800001234", "去年年底"),
                  "matrix": {**selfeval.FILLED["matrix"], (1, 2): "118.25", (2, 2): "25", (0, 5): "12"}}
    bad = selfeval.write_xlsx(tmp_path / "bad.xlsx", bad_values)
    warnings = {(w.code, w.label, w.cell) for w in formparse.read(bad, schemas=[schema_file]).warnings}
    assert warnings == {
        ("sum", "年度资金总额 全年执行数", "自评表!E4"),  # 128.25 ≠ 118.25 + 25
        ("compare", "其中：财政拨款 全年执行数", "自评表!E5"),  # 118.25 > 110
        ("compare", "其他资金 全年执行数", "自评表!E6"),  # 25 > 20
        ("compare", "年度资金总额 得分", "自评表!H4"),  # 12 > 10
        ("phone", "联系电话", "自评表!F2"),
        ("date", "填报日期", "自评表!A16"),
    }
    # JSON out and back, strictly: money as a string, a misspelt key named with the one meant
    data = json.loads(formparse.dumps(rec))
    assert data["schema"] == "self-eval" and data["funds"]["total"]["executed"] == "128.25"
    assert formparse.loads(formparse.dumps(rec)) == rec
    data["funds"]["total"]["exeucted"] = data["funds"]["total"].pop("executed")
    data["funds"]["other"]["budget"] = 20.5
    with pytest.raises(ValueError) as err:
        formparse.from_dict(data)
    assert "exeucted → executed" in str(err.value) and "金额应写成字符串" in str(err.value)
    # filled into the blank the schema names, read back the same
    out = formparse.fill(rec, tmp_path / "out.xlsx")
    assert formparse.read(out, schemas=[schema_file]) == rec
    # `check` names the cells
    res = subprocess.run([sys.executable, "-m", "formparse", "check", "--schema", str(schema_file), str(bad),
                          "--workers", "0"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0 and "年度资金总额 全年执行数 (自评表!E4)：128.25 ≠" in res.stdout, res.stdout
    # a folder of schemas, pointed to once: its forms are tried like the bundled ones, and have their tables
    monkeypatch.setenv("FORMPARSE_SCHEMAS", str(tmp_path))
    assert formparse.read(good) == rec
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    shutil.copy(good, inbox / "good.docx")
    frames = formparse.read_folder(inbox, workers=0).frames()
    assert list(frames["self_eval"]["unit_name"]) == ["邵阳市某某局"]
    funds = frames["self_eval_funds"]
    assert list(funds["label"]) == ["年度资金总额", "其中：财政拨款", "其他资金"]
    assert list(funds["executed"]) == [128.25, 108.25, 20.0]


@pytest.mark.slow
@needs_soffice()
def test_a_blank_saved_by_libreoffice_drafts_and_reads(tmp_path: Path) -> None:
    made = tmp_path / "made"
    made.mkdir()
    selfeval.write_xlsx(made / "空白表.xlsx")
    selfeval.write_docx(made / "某局.docx", selfeval.FILLED)
    with __import__("tempfile").TemporaryDirectory(prefix="lo-") as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                        "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path), str(made / "空白表.xlsx")],
                       check=True, capture_output=True, timeout=600)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                        "docx:MS Word 2007 XML", "--outdir", str(tmp_path), str(made / "某局.docx")],
                       check=True, capture_output=True, timeout=600)
    from formparse.backends import open_grids
    from formparse.draft import draft_schema

    schema_file = tmp_path / "lo.toml"
    schema_file.write_text(draft_schema(open_grids(str(tmp_path / "空白表.xlsx")), schema_id="lo"), encoding="utf-8")
    rec = formparse.read(tmp_path / "某局.docx", schemas=[schema_file])
    assert rec.warnings == [] and rec["m1.r1.c3"] == "128.25" and rec["m1.r3.c1"] == "20.5"
