"""Legacy and disguised files read to the same record as their .docx/.xlsx originals:
.doc and .xls made by real LibreOffice, HTML and MHTML exports named .xls, misnamed files."""

import base64
import shutil
import subprocess
import sys

import pytest

import formparse
from tests.conftest import ROOT, expected_for, needs_soffice, numeric, sample_files

pytestmark = [pytest.mark.acceptance, pytest.mark.slow]  # ~25 s of LibreOffice conversions
sys.path.insert(0, str(ROOT / "scripts"))
from departments import OTHERS, SEED  # noqa: E402
from make_samples import render  # noqa: E402

DEPTS = [SEED, *OTHERS]


def truth(dept):
    return {k: v for k, v in dept.items() if not k.startswith("_")}


@pytest.fixture(scope="module")
def legacy(tmp_path_factory):
    out = tmp_path_factory.mktemp("legacy")
    for fmt, files in (("doc", [p for p in sample_files() if p.suffix == ".docx"]),
                       ("xls", [p for p in sample_files() if p.suffix == ".xlsx"])):
        subprocess.run(["soffice", f"-env:UserInstallation=file://{out}/profile", "--headless", "--convert-to", fmt,
                        "--outdir", str(out), *map(str, files)], check=True, capture_output=True, timeout=600)
    return out


@needs_soffice()
@pytest.mark.parametrize("original", sample_files(), ids=lambda p: p.name)
def test_doc_and_xls_read_like_their_originals(legacy, original):
    path = legacy / f"{original.stem}.{'doc' if original.suffix == '.docx' else 'xls'}"
    assert path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a real OLE2 binary
    assert numeric(formparse.to_dict(formparse.read(path))) == numeric(expected_for(original))


@needs_soffice()
def test_a_legacy_file_under_another_name(legacy, tmp_path):
    src = legacy / "附件1-2020-邵阳市科学技术局.xls"
    for name in ("报表.xlsx", "报表.doc", "报表.et"):
        shutil.copyfile(src, tmp_path / name)
        assert formparse.read(tmp_path / name).unit_name == "邵阳市科学技术局"


@pytest.mark.parametrize("dept", DEPTS, ids=lambda d: d["unit_name"])
def test_html_exported_as_xls(tmp_path, dept):
    path = tmp_path / "导出.xls"
    path.write_text(render(dept), encoding="utf-8")
    assert numeric(formparse.to_dict(formparse.read(path))) == numeric(truth(dept))


def test_html_in_gb18030_with_meta_charset(tmp_path):
    page = render(SEED).replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; '
                                                          'charset=gb2312">')
    path = tmp_path / "导出.xls"
    path.write_bytes(page.encode("gb18030"))
    assert numeric(formparse.to_dict(formparse.read(path))) == numeric(truth(SEED))


def test_mhtml_exported_as_xls(tmp_path):
    body = base64.encodebytes(render(SEED).encode("utf-8")).decode("ascii")
    mht = ("MIME-Version: 1.0\nContent-Type: multipart/related; boundary=\"BOUNDARY\"\n\n--BOUNDARY\n"
           "Content-Type: text/html; charset=\"utf-8\"\nContent-Transfer-Encoding: base64\n\n"
           f"{body}\n--BOUNDARY--\n")
    path = tmp_path / "导出.xls"
    path.write_text(mht, encoding="ascii")
    assert numeric(formparse.to_dict(formparse.read(path))) == numeric(truth(SEED))


@pytest.mark.parametrize("original", sample_files(), ids=lambda p: p.name)
def test_ooxml_under_the_other_name(tmp_path, original):
    wrong = tmp_path / (original.stem + (".xls" if original.suffix == ".xlsx" else ".doc"))
    shutil.copyfile(original, wrong)
    assert numeric(formparse.to_dict(formparse.read(wrong))) == numeric(expected_for(original))


@needs_soffice()
def test_missing_libreoffice_is_a_clear_error(tmp_path, monkeypatch, legacy):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("FORMPARSE_SOFFICE", "")
    with pytest.raises(formparse.ConversionFailed, match="apt-get install libreoffice"):
        formparse.read(legacy / "附件1-2020-邵阳市科学技术局.doc")


@needs_soffice()
def test_libreoffice_failure_is_checked(tmp_path, monkeypatch, legacy):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nexit 0\n")  # exits 0 and converts nothing, as LibreOffice sometimes does
    fake.chmod(0o755)
    monkeypatch.setenv("FORMPARSE_SOFFICE", str(fake))
    with pytest.raises(formparse.ConversionFailed, match="无法转换"):
        formparse.read(legacy / "附件1-2020-邵阳市科学技术局.doc")
