"""The command line as users run it: a real subprocess, JSON on stdout, one-line errors."""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SAMPLES, SEED_JSON, numeric


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "formparse", *map(str, args)], capture_output=True, text=True,
                          input=stdin, timeout=120)


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_parse_prints_the_contract_json(suffix):
    res = run("parse", SAMPLES / f"附件1-2020-邵阳市科学技术局{suffix}")
    assert res.returncode == 0, res.stderr
    assert numeric(json.loads(res.stdout)) == numeric(json.loads(SEED_JSON.read_text(encoding="utf-8")))


def test_fill_then_parse(tmp_path):
    out = tmp_path / "o.xlsx"
    res = run("fill", SEED_JSON, "-o", out)
    assert res.returncode == 0, res.stderr
    assert json.loads(run("parse", out).stdout) == json.loads(SEED_JSON.read_text(encoding="utf-8"))
    res = run("fill", "-", "-o", tmp_path / "o.docx", stdin=SEED_JSON.read_text(encoding="utf-8"))
    assert res.returncode == 0, res.stderr


@pytest.mark.parametrize("content, message", [
    (b"", "空"), (b"hello", "不是"), (b"PK\x03\x04broken", "损坏"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "OLE2"),
])
def test_bad_files_give_one_line_and_no_traceback(tmp_path, content, message):
    path = tmp_path / "坏文件.xlsx"
    path.write_bytes(content)
    res = run("parse", path)
    assert res.returncode == 1
    assert res.stdout == ""
    assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert "坏文件.xlsx" in res.stderr and message in res.stderr


def test_a_document_that_is_not_this_form_names_missing_labels(tmp_path):
    from docx import Document
    doc = Document()
    doc.add_paragraph("会议通知")
    path = tmp_path / "通知.docx"
    doc.save(path)
    res = run("parse", path)
    assert res.returncode == 1 and "找不到标签" in res.stderr and "部门基本信息" in res.stderr
    assert "Traceback" not in res.stderr


def test_missing_file_and_bad_json(tmp_path):
    res = run("parse", tmp_path / "nope.docx")
    assert res.returncode != 0 and "Traceback" not in res.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"income": {"total": 1.5}}', encoding="utf-8")
    res = run("fill", bad, "-o", tmp_path / "x.xlsx")
    assert res.returncode == 1 and "bad.json" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_debug_shows_the_traceback(tmp_path):
    path = tmp_path / "e.docx"
    path.write_bytes(b"")
    res = run("--debug", "parse", path)
    assert res.returncode != 0 and "Traceback" in res.stderr


def test_usage_errors_are_in_chinese_with_exit_code_2(tmp_path):
    for args, words in ((["parse", "--bogus", "x"], "没有选项 --bogus"), (["prase", "x"], "没有这个命令"),
                        (["fill"], "缺少参数 'RECORD_JSON'"), (["convert", SAMPLES], "缺少选项 '-o'"),
                        (["convert", SAMPLES, "-o", "o.xlsx", "--workers", "abc"], "“abc”不是整数"),
                        (["convert", SAMPLES, "-o", "o.xlsx", "--labels", "fr"], "“fr”不在可选值"),
                        (["parse", SAMPLES], "是文件夹，应为文件")):
        res = run(*args)
        assert res.returncode == 2, (args, res.stderr)
        assert "用法错误" in res.stderr and words in res.stderr and "Traceback" not in res.stderr, res.stderr
    for args in (("convert", SAMPLES, "-o", tmp_path / "out.txt"), ("check", SAMPLES, "-o", tmp_path / "out.txt"),
                 ("fill", SEED_JSON, "-o", tmp_path / "out.txt"), ("fill", SEED_JSON, "-o", tmp_path / "out")):
        res = run(*args)
        assert res.returncode == 2 and "不认识的输出类型" in res.stderr and "用法错误" in res.stderr, (args, res.stderr)
        assert list(tmp_path.iterdir()) == []  # refused before anything was made


def test_every_command_has_bilingual_help_with_an_example():
    for cmd in ("parse", "fill", "convert", "check", "schema draft", "schema check"):
        res = run(*cmd.split(), "-h")
        assert res.returncode == 0
        assert "示例 / example:" in res.stdout and f"formparse {cmd} " in res.stdout
        assert any("\u4e00" <= ch <= "\u9fff" for ch in res.stdout)
        assert "用法 / Usage:" in res.stdout and "选项 / Options:" in res.stdout
        assert "显示此帮助并退出 / show this message and exit." in res.stdout
    top = run("-h").stdout
    assert "命令 / Commands:" in top and "附件2" in top and "显示版本并退出" in top


@pytest.mark.parametrize("args", [["parse", "{x}.xlsx"], ["fill", "{x}.json", "-o", "o.xlsx"],
                                  ["convert", "{x}", "-o", "o.xlsx"], ["check", "{x}"],
                                  ["schema", "draft", "{x}.xlsx", "-o", "o.toml"]])
def test_an_input_that_is_not_there_is_a_file_that_cannot_be_read(tmp_path, args):
    missing = str(tmp_path / "无此文件")
    res = run(*(a.format(x=missing) for a in args))
    assert res.returncode == 1, res.stderr
    assert "无此文件" in res.stderr and ("不存在" in res.stderr or "找不到" in res.stderr)
    assert "Traceback" not in res.stderr and "No such file" not in res.stderr


def test_fill_refuses_a_misspelt_key_and_writes_with_the_umask(tmp_path):
    data = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    data["income"]["genral_budget"] = data["income"].pop("general_budget")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    res = run("fill", bad, "-o", tmp_path / "x.xlsx")
    assert res.returncode == 1 and "genral_budget → general_budget?" in res.stderr
    assert not (tmp_path / "x.xlsx").exists()
    import os

    old = os.umask(0o027)
    try:
        res = run("fill", SEED_JSON, "-o", tmp_path / "ok.xlsx")
    finally:
        os.umask(old)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "ok.xlsx").stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("text, words", [
    ('{"year": 2020,}', "多余的逗号"), ("[{}]", "最外层应为一个对象"), ('{"year": 2020, "year": 2021}', "键重复出现"),
    ('{"income": {"total": 373.51}}', '金额应写成字符串 "373.51"'), ('{"colour": "red"}', '$.colour = "red"：未知的键'),
])
def test_fill_refuses_bad_json_in_one_message_exit_1_no_traceback(tmp_path, text, words):
    res = run("fill", "-", "-o", tmp_path / "x.xlsx", stdin=text)
    assert res.returncode == 1 and words in res.stderr and "Traceback" not in res.stderr, res.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_fill_takes_json_with_a_bom(tmp_path):
    path = tmp_path / "notepad.json"
    path.write_bytes(b"\xef\xbb\xbf" + SEED_JSON.read_bytes())
    res = run("fill", path, "-o", tmp_path / "x.xlsx")
    assert res.returncode == 0, res.stderr


def test_a_single_parse_imports_none_of_the_batch_machinery():
    """``formparse parse FILE`` starts fast because it loads only what a parse needs (the startup
    benchmark, benchmarks/bench_startup.py, measures the time): no pandas, pyarrow, numpy, tqdm, no batch,
    export, tables or writer module."""
    heavy = ("pandas", "pyarrow", "numpy", "tqdm", "formparse.batch", "formparse.export", "formparse.tables",
             "formparse.writer", "formparse._worker", "docx", "openpyxl")
    probe = ("import sys, runpy\n"
             f"sys.argv = ['formparse', 'parse', {str(SAMPLES / '附件1-2020-邵阳市科学技术局.xlsx')!r}]\n"
             "try:\n    runpy.run_module('formparse', run_name='__main__')\nexcept SystemExit as e:\n"
             "    assert not e.code, e.code\n"
             f"print('LOADED', [m for m in {heavy!r} if m in sys.modules], file=sys.stderr)")
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["unit_name"] == "邵阳市科学技术局"
    assert "LOADED []" in res.stderr, res.stderr
    probe = f"import sys, formparse\nprint([m for m in {heavy!r} if m in sys.modules])"
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert res.stdout.strip() == "[]", res.stdout + res.stderr


def test_every_command_creates_its_files_with_the_users_umask(tmp_path):
    """fill, check (report and highlighted copies), convert (.xlsx, Parquet, CSV) and schema draft alike: a
    file gets 0666 less the umask, a folder 0777 less the umask, as any program's outputs would. An umask
    of 037 (files 0640, folders 0740) tells this apart from a fixed 0600 or 0644."""
    import os
    import shutil

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(SAMPLES / "附件1-2020-邵阳市科学技术局.xlsx", folder / "a.xlsx")  # has warnings to highlight
    out = tmp_path / "out"
    out.mkdir()
    commands = [("fill", SEED_JSON, "-o", out / "f.xlsx"), ("fill", SEED_JSON, "-o", out / "f.docx"),
                ("check", folder, "-o", out / "c.xlsx", "--highlight", out / "标注"),
                ("check", folder, "-o", out / "c.csv"),
                ("convert", folder, "-o", out / "v.xlsx"), ("convert", folder, "-o", out / "pq"),
                ("convert", folder, "-o", out / "csv", "--format", "csv"),
                ("schema", "draft", ROOT / "samples" / "templates" / "dept-overall-2020.xlsx", "-o", out / "s.toml")]
    umask = 0o037
    old = os.umask(umask)
    try:
        for args in commands:
            res = run(*args)
            assert res.returncode == 0, (args, res.stderr)
    finally:
        os.umask(old)
    made = list(out.rglob("*"))
    assert {p.name for p in made} >= {"f.xlsx", "f.docx", "c.xlsx", "c.csv", "v.xlsx", "forms.parquet", "forms.csv",
                                      "s.toml", "a.xlsx", "标注"}
    for p in made:
        want = (0o777 if p.is_dir() else 0o666) & ~umask
        assert p.stat().st_mode & 0o777 == want, (p.relative_to(out), oct(p.stat().st_mode & 0o777))
