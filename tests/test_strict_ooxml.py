"""Strict Open XML (ISO/IEC 29500 Strict, Excel's "Strict Open XML Spreadsheet" and Word's "Strict Open XML
Document"): the bundled submissions with every namespace and relationship type written as Strict spells them
(ECMA-376 Part 1, 5th ed., and Part 4's transitional/strict mapping) read to the same records."""

import re

import pytest

import formparse
from formparse.backends import open_grids
from formparse.backends.ooxml import Package
from formparse.backends.xlsx import read_grids
from tests.conftest import SAMPLES
from tests.partkit import expected, parts_of, read_numeric, rewrite

_T = b"http://schemas.openxmlformats.org/"
_STRICT = [
    (_T + b"spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
    (_T + b"wordprocessingml/2006/main", b"http://purl.oclc.org/ooxml/wordprocessingml/main"),
    (_T + b"officeDocument/2006/relationships", b"http://purl.oclc.org/ooxml/officeDocument/relationships"),
    (_T + b"officeDocument/2006/extended-properties", b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties"),
    (_T + b"officeDocument/2006/docPropsVTypes", b"http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes"),
    (_T + b"officeDocument/2006/math", b"http://purl.oclc.org/ooxml/officeDocument/math"),
    (_T + b"drawingml/2006/", b"http://purl.oclc.org/ooxml/drawingml/"),
]


def _strict(name: str, data: bytes) -> bytes:
    if not name.endswith((".xml", ".rels")):
        return data
    for old, new in _STRICT:
        data = data.replace(old, new)
    if name == "xl/workbook.xml":  # as Excel marks a strict workbook
        data = re.sub(rb"<workbook ", b'<workbook conformance="strict" ', data, count=1)
    return data


FILES = ["附件1-2020-邵阳市科学技术局.xlsx", "附件1-2020-邵阳市科学技术局.docx",
         "附件2-2020-邵阳市科学技术局-科技创新平台建设专项.xlsx", "附件2-2020-邵阳市科学技术局-科普活动经费.docx"]


@pytest.mark.parametrize("name", FILES)
def test_strict_files_read_to_the_same_record(tmp_path, name):
    out = rewrite(SAMPLES / name, tmp_path / name, _strict)
    assert b"purl.oclc.org/ooxml/" in Package(str(out)).zip.read("_rels/.rels")
    assert read_numeric(out) == expected((SAMPLES / name).stem)


def test_strict_workbook_declines_the_fast_reader_and_the_exact_one_reads_it(tmp_path):
    name = FILES[0]
    out = rewrite(SAMPLES / name, tmp_path / name, _strict)
    pkg = Package(str(out), data=out.read_bytes())
    exact = read_grids(str(out), Package(str(out), data=out.read_bytes()), fast=False)
    from formparse.backends import xlsx, xlsx_calamine

    assert xlsx_calamine.grids(pkg, xlsx.workbook(pkg)) is None and pkg.strict
    assert [c.text for c in open_grids(str(out))[0].reading_order()] == [c.text for c in exact[0].reading_order()]


@pytest.mark.parametrize("name", [FILES[0], FILES[1]])
def test_parts_in_an_unknown_namespace_are_unreadable_not_another_form(tmp_path, name):
    def unknown(part, data):
        return data.replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"urn:x-unknown:sheet") \
            .replace(b"http://schemas.openxmlformats.org/wordprocessingml/2006/main", b"urn:x-unknown:word")

    out = rewrite(SAMPLES / name, tmp_path / name, unknown)
    with pytest.raises(formparse.UnreadableFile, match="无法识别文件结构"):
        formparse.read(out)


def test_a_package_whose_relationships_lead_nowhere_is_unreadable(tmp_path):
    name = FILES[0]

    def nowhere(part, data):
        return None if part in ("xl/workbook.xml", "_rels/.rels") else data

    out = rewrite(SAMPLES / name, tmp_path / name, nowhere)
    with pytest.raises(formparse.UnreadableFile, match="无法识别文件结构"):
        formparse.read(out)


@pytest.mark.parametrize("name", [FILES[0], FILES[1]])
def test_fill_with_a_strict_template_writes_or_refuses_clearly(tmp_path, name):
    template = rewrite(SAMPLES / name, tmp_path / f"tpl-{name}", _strict)
    record = formparse.read(SAMPLES / name)
    out = tmp_path / f"out{template.suffix}"
    try:
        formparse.fill(record, out, template=template)
    except formparse.CannotFill as exc:
        assert "Strict" in str(exc) and not out.exists()
    else:  # written transitional throughout: no part mixes the two spellings
        assert formparse.read(out) == record
        assert not any(b"purl.oclc.org/ooxml/" in data for data in parts_of(out).values())


@pytest.mark.parametrize("name", [FILES[0], FILES[1]])
def test_a_review_copy_of_a_strict_file_is_refused_clearly(tmp_path, name):
    from formparse.backends.highlight import highlight

    src = rewrite(SAMPLES / name, tmp_path / name, _strict)
    with pytest.raises(formparse.CannotFill, match="Strict Open XML"):
        highlight(src, tmp_path / "marked" / name, [("Sheet1!A1", "x")])
    assert not (tmp_path / "marked" / name).exists()
