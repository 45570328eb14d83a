"""The start-up caches (formparse._startcache): what a process takes from them is what it would have made."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs in a fresh interpreter with the caches in argv[1]: every attrs script of formparse's classes goes through
# the cache and is compared with what compile itself makes of it; prints the counts and a record's JSON.
_PROBE = """
import json, sys, pathlib
import formparse._startcache as s
s.DIR = pathlib.Path(sys.argv[1])
cached = s._compile
checked = []

def compile_checked(source, filename, mode, *args, **kwargs):
    got = cached(source, filename, mode, *args, **kwargs)
    want = compile(source, filename, mode, s._FLAGS, True)
    assert got == want, filename
    assert list(got.co_positions()) == list(want.co_positions()), filename
    checked.append(filename)
    return got

s._compile = compile_checked
import formparse
from formparse.records import Indicator
from formparse.schema_blocks import Field
import formparse.reader, formparse.contract
record = formparse.read(sys.argv[2])
field = Field(key="k", label="标签")
assert field == Field(key="k", label="标签") and hash(field) == hash(Field(key="k", label="标签"))
assert Indicator(level1="产出指标") == Indicator(level1="产出指标")
print(json.dumps({**s.stats, "checked": len(checked), "saved": s.save_scripts(),
                  "record": formparse.dumps(record)}))
"""

SAMPLE = ROOT / "samples" / "submissions" / "附件1-2020-邵阳市科学技术局.xlsx"


def _run(cache: Path, *, bytecode: bool = True) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if not bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    res = subprocess.run([sys.executable, "-c", _PROBE, str(cache), str(SAMPLE)], capture_output=True, text=True,
                         env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.splitlines()[-1])


def test_attrs_methods_from_the_cache_are_the_compiled_ones(tmp_path):
    first = _run(tmp_path)
    assert first["hits"] == 0 and first["misses"] == first["checked"] > 20
    files = list(tmp_path.glob("formparse-attrs.*.bin"))
    assert len(files) == 1
    second = _run(tmp_path)
    # (a frozen class's hash number differs in every process: the cache holds its usual forms, 99.9 % of them)
    assert second["hits"] >= 0.9 * second["checked"] and second["hits"] + second["misses"] == second["checked"]
    assert second["record"] == first["record"]


def test_a_damaged_or_unwritable_cache_is_not_used(tmp_path):
    _run(tmp_path)
    [file] = tmp_path.glob("formparse-attrs.*.bin")
    file.write_bytes(file.read_bytes()[:1000])  # cut short
    again = _run(tmp_path)
    assert again["hits"] == 0 and again["misses"] == again["checked"]
    assert _run(tmp_path)["hits"] > 0  # written whole again
    file.write_bytes(b"\x00not marshal")
    assert _run(tmp_path)["hits"] == 0


def test_no_cache_written_where_python_writes_no_pyc(tmp_path):
    res = _run(tmp_path, bytecode=False)
    assert res["misses"] > 0 and res["saved"] is False
    assert list(tmp_path.iterdir()) == []



def test_bundled_schemas_from_the_cache_while_their_files_are_unchanged(monkeypatch, tmp_path):
    """``_built_bundled`` (uncached here, so the process's own schemas are left alone) on copies of the files."""
    from formparse import _startcache, schema

    folder = tmp_path / "schemas"
    folder.mkdir()
    for path in sorted((ROOT / "schemas").glob("*.toml")):
        (folder / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(_startcache, "DIR", tmp_path / "cache")
    monkeypatch.setattr(_startcache.sys, "dont_write_bytecode", False)
    monkeypatch.setattr(schema, "data_dir", lambda name: folder)
    built: list[str] = []
    real = schema.parse_schema

    def counted(text: str, *, source: str = "<schema>") -> schema.Schema:
        built.append(source)
        return real(text, source=source)

    monkeypatch.setattr(schema, "parse_schema", counted)
    build = schema._built_bundled.__wrapped__
    ids = schema._bundled_ids()
    first = build()
    assert list(first) == list(ids) and len(built) == len(ids) >= 2
    assert list((tmp_path / "cache").glob("formparse-schemas.*.bin"))
    fresh = {i: real(s.text, source=s.source) for i, s in first.items()}
    assert first == fresh and all(s.source == str(folder / f"{i}.toml") for i, s in first.items())

    assert build() == fresh and len(built) == len(ids)  # from the cache: nothing built

    changed = folder / f"{ids[0]}.toml"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n# 修改\n", encoding="utf-8")
    assert build()[ids[0]].text.endswith("# 修改\n") and len(built) == 2 * len(ids)

    [cache] = (tmp_path / "cache").glob("formparse-schemas.*.bin")
    cache.write_bytes(b"\x80\x05not a pickle")
    assert build()[ids[0]].text.endswith("# 修改\n") and len(built) == 3 * len(ids)

    changed.write_text("[[[ 不是 TOML", encoding="utf-8")  # a broken file: its own error, as without a cache
    assert build() == {}
    monkeypatch.setattr(schema, "_built_bundled", build)  # (the process's own cached one left alone)
    try:
        schema._bundled.__wrapped__(ids[0])
    except schema.SchemaError as exc:
        assert "not valid TOML" in str(exc) and str(changed) in str(exc)
    else:
        raise AssertionError("a broken bundled schema was read")


def test_a_lazy_pattern_is_compiled_on_first_use_and_then_is_the_pattern():
    import re

    from formparse._startcache import lazy_re

    for pattern, flags, text in ((r"(\d{4})\s*年\s*(\d{1,2})\s*月", 0, "填报 2020 年 3 月；2021年12月"),
                                 (r"^目标\s*[一二三]", re.M, "总体\n目标一：…\n目标 二"), ("[a-z]+", re.I, "AbC dE")):
        lazy, real = lazy_re(pattern, flags), re.compile(pattern, flags)
        assert "match" not in vars(lazy)  # (nothing compiled yet)
        assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in real.finditer(text)]
        assert "match" in vars(lazy)
        assert lazy.sub("#", text) == real.sub("#", text) and lazy.split(text) == real.split(text)
        assert [m and m.span() for m in (lazy.search(text, 3), lazy.match(text))] == [
            m and m.span() for m in (real.search(text, 3), real.match(text))]
        assert (lazy.pattern, lazy.flags, lazy.groups) == (real.pattern, real.flags, real.groups)
        assert bool(lazy.fullmatch(text)) == bool(real.fullmatch(text)) and lazy.findall(text) == real.findall(text)
