"""Bad and hostile files: a typed error (or the right record) for each, in bounded time and memory."""

import json
import subprocess
import sys

import pytest

import formparse
from tests.conftest import SEED_JSON, numeric
from tests.hostile import build

# Each read runs in its own process, capped at 2 GB of address space and 60 s: a blow-up or a hang
# fails the test instead of the machine.
CHILD = r"""
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))
import formparse
try:
    rec = formparse.read(sys.argv[1])
    print(json.dumps({"kind": "record", "record": formparse.to_dict(rec)}, ensure_ascii=False))
except formparse.FormparseError as exc:
    print(json.dumps({"kind": type(exc).__name__, "message": str(exc)}, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build(tmp_path_factory.mktemp("hostile"))


def test_corpus_covers_the_classes(corpus):
    assert len(corpus) >= 20


@pytest.mark.parametrize("name", [
    "empty", "truncated", "renamed text", "wrong container (zip of other files)", "wrong container (gzip)",
    "docx named .xlsx", "xlsx named .docx", "encrypted OOXML", "garbage OLE2", "zip bomb", "XML entity bomb",
    "XXE", "duplicate zip entries", "path traversal entry", "far-away cell", "whole-sheet merge",
    "deep table nesting", "huge gridSpan", "bad cell reference", "shared string out of range", "infinite number",
    "no tables", "wrong form", "HTML saved as .xls (not the form)", "MHTML saved as .xls", "legacy .doc", "legacy .xls",
    "xls whole-sheet merge", "xls far-away cell", "xls cyclic sector chain", "xls truncated",
    "ODF zip bomb", "ODF entity bomb", "ODF XXE", "ODF content rows repeated a million times",
    "ODF content repeated past the cell limit", "ODF whole-sheet merge", "ODF deep table nesting",
    "pdf page tree loop", "pdf deep page tree", "pdf many objects", "pdf thousands of pages", "pdf inflate bomb",
    "pdf truncated", "pdf garbage after header", "pdf scan (no text layer)", "pdf encrypted",
])
def test_each_bad_input_gets_its_typed_error(corpus, name):
    if name not in corpus:
        pytest.skip(f"{name}: its maker (LibreOffice / msoffcrypto-tool) is not installed")
    path, want = corpus[name]
    res = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr[-2000:]  # no traceback, no crash, no MemoryError escaping
    got = json.loads(res.stdout)
    assert got["kind"] == want, got
    if want == "record":
        assert numeric(got["record"]) == numeric(json.loads(SEED_JSON.read_text(encoding="utf-8")))
    else:
        assert str(path) in got["message"]
    assert "root:" not in res.stdout  # nothing of /etc/passwd came back


def test_limits_are_configurable(corpus):
    path, _ = corpus["docx named .xlsx"]
    with pytest.raises(formparse.UnsafeFile, match="上限"):
        formparse.read(path, limits=formparse.Limits(max_file_bytes=1000))
    with pytest.raises(formparse.UnsafeFile):
        formparse.read(path, limits=formparse.Limits(max_rows=10))
    assert formparse.read(path, limits=formparse.Limits(max_rows=1000)).unit_name == "邵阳市科学技术局"


def test_cli_gives_one_line_for_every_bad_input(corpus, tmp_path):
    for name, (path, want) in corpus.items():
        if want == "record":
            continue
        res = subprocess.run([sys.executable, "-m", "formparse", "parse", str(path)], capture_output=True,
                             text=True, timeout=60)
        assert res.returncode == 1, name
        assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1, (name, res.stderr)


def test_password_opens_an_encrypted_file(corpus):
    if "encrypted OOXML" not in corpus:
        pytest.skip("msoffcrypto-tool is not installed")
    path, _ = corpus["encrypted OOXML"]
    assert formparse.read(path, password="secret").unit_name == "邵阳市科学技术局"
    with pytest.raises(formparse.EncryptedFile, match="密码不对"):
        formparse.read(path, password="wrong")
    res = subprocess.run([sys.executable, "-m", "formparse", "parse", "--password", "secret", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and json.loads(res.stdout)["unit_name"] == "邵阳市科学技术局"


def _actual(path):
    """The seed's own size on each limited dimension."""
    import zipfile

    from formparse.backends import open_grids

    grid = open_grids(str(path))[0]
    return {
        "max_file_bytes": path.stat().st_size,
        "max_entries": len(zipfile.ZipFile(path).namelist()),
        "max_rows": len(grid.rows),
        "max_cols": max(len(r) for r in grid.rows),
        "max_text_chars": max(len(c.text) for c in grid.reading_order()),
    }


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@pytest.mark.parametrize("limit", ["max_file_bytes", "max_entries", "max_rows", "max_cols", "max_text_chars"])
def test_each_limit_holds_at_its_boundary(suffix, limit):
    from tests.conftest import SAMPLES

    path = SAMPLES / f"附件1-2020-邵阳市科学技术局{suffix}"
    value = _actual(path)[limit]
    formparse.read(path, limits=formparse.Limits(**{limit: value}))  # exactly at the limit: fine
    with pytest.raises(formparse.UnsafeFile):
        formparse.read(path, limits=formparse.Limits(**{limit: value - 1}))


def test_table_depth_boundary(tmp_path):
    from tests.hostile import DOCX, nested_tables, with_part

    path = with_part(DOCX, tmp_path / "nested.docx", "word/document.xml", nested_tables(3))
    with pytest.raises(formparse.NotThisForm):  # three deep is allowed at 3: the file is just not the form
        formparse.read(path, limits=formparse.Limits(max_table_depth=3))
    with pytest.raises(formparse.UnsafeFile, match="嵌套"):
        formparse.read(path, limits=formparse.Limits(max_table_depth=2))


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, 70_000])
def test_a_file_is_read_whole_and_exactly_up_to_the_limit(tmp_path, size):
    from formparse.backends import _head

    path = tmp_path / "f.bin"
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    path.write_bytes(data)
    assert _head(str(path), formparse.Limits(max_file_bytes=size), whole=True) == data
    assert _head(str(path), formparse.Limits(max_file_bytes=size)) == data[:4096]
    if size:
        with pytest.raises(formparse.UnsafeFile):
            _head(str(path), formparse.Limits(max_file_bytes=size - 1), whole=True)
