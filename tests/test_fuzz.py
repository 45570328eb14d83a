"""Mutated submissions: read() gives a record or a FormparseError, never anything else, never a hang.

2,000+ mutated files per run (byte flips, truncation, zip entry edits, XML edits with huge numbers
and odd Unicode). For longer runs outside CI: fuzz/atheris_read.py.
"""

import io
import signal
import warnings
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import formparse
from tests.conftest import sample_files

BASES = {p.name: p.read_bytes() for p in sample_files()}
ODD = ["\u202e", "\ufeff", "\u0000", "𠀀𪚥", "\ud7ff", "e\u0301", "1e308", "-1e308", "99999999999999999999999",
       "NaN", "=cmd|' /C calc'!A0", "\n" * 50, "目标1：" * 20, "合计", "﻿", "\x0b", "A0", "ZZZ1", "-1"]


class Hang(Exception):
    pass


def _alarm(_signum, _frame):
    raise Hang("a read took longer than 20 s")


def _zip_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _zip(items: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in items:
                zf.writestr(name, data)
    return buf.getvalue()


@st.composite
def mutated(draw):
    name = draw(st.sampled_from(sorted(BASES)))
    data = BASES[name]
    how = draw(st.sampled_from(["flip", "truncate", "entry", "xml", "xml", "xml"]))
    if how == "flip":
        buf = bytearray(data)
        for _ in range(draw(st.integers(1, 20))):
            buf[draw(st.integers(0, len(buf) - 1))] ^= draw(st.integers(1, 255))
        return name, bytes(buf)
    if how == "truncate":
        return name, data[: draw(st.integers(0, len(data) - 1))]
    parts = _zip_parts(data)
    names = sorted(parts)
    target = draw(st.sampled_from(names))
    if how == "entry":
        op = draw(st.sampled_from(["drop", "duplicate", "garble", "empty"]))
        items = list(parts.items())
        if op == "drop":
            items = [(n, d) for n, d in items if n != target]
        elif op == "duplicate":
            items.append((target, parts[target]))
        elif op == "garble":
            items = [(n, draw(st.binary(max_size=200)) if n == target else d) for n, d in items]
        else:
            items = [(n, b"" if n == target else d) for n, d in items]
        return name, _zip(items)
    xml_names = [n for n in names if n.endswith(".xml") and "document" in n or "sheet" in n or "sharedStrings" in n]
    target = draw(st.sampled_from(xml_names or names))
    try:
        root = etree.fromstring(parts[target])
    except etree.XMLSyntaxError:
        return name, data
    elements = list(root.iter())
    for _ in range(draw(st.integers(1, 5))):
        el = elements[draw(st.integers(0, len(elements) - 1))]
        op = draw(st.sampled_from(["text", "attr", "drop", "copy"]))
        value = draw(st.sampled_from(ODD) | st.text(max_size=30) | st.integers(-10**30, 10**30).map(str))
        value = "".join(ch for ch in value if ch in "\t\n\r" or (ord(ch) >= 0x20 and not 0xD800 <= ord(ch) < 0xE000))
        try:
            if op == "text":
                el.text = value
            elif op == "attr" and el.attrib:
                key = draw(st.sampled_from(sorted(el.attrib)))
                el.set(key, value)
            elif op == "drop" and el.getparent() is not None:
                el.getparent().remove(el)
            elif op == "copy" and el.getparent() is not None:
                el.addnext(etree.fromstring(etree.tostring(el)))
        except (ValueError, TypeError):
            pass
    parts[target] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return name, _zip(list(parts.items()))


@pytest.mark.slow  # 2,000 mutated files
@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=mutated())
def test_mutated_files_give_a_record_or_a_typed_error(tmp_path_factory, case):
    name, data = case
    path = tmp_path_factory.getbasetemp() / f"fuzz{name[-5:]}"
    path.write_bytes(data)
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(20)
    try:
        formparse.read(path)
    except formparse.FormparseError as exc:
        assert str(path) in str(exc)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("name", sorted(BASES))
def test_every_base_reads(name, tmp_path):
    path = tmp_path / name
    path.write_bytes(BASES[name])
    assert formparse.read(path).unit_name
