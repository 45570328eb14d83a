"""Text pasted from web pages and chat apps: zero-width characters, no-break, typographic and full-width
spaces sprinkled through every label and value of a real submission read to the same record."""

import re
from xml.sax.saxutils import escape, unescape

import pytest

import formparse
from formparse.grid import Cell, Grid
from formparse.text import boundary
from tests.conftest import SAMPLES
from tests.partkit import TEXT, expected, read_numeric, rewrite

# (inside the text: zero-width ones only; at the ends: spaces of every kind too, which values are trimmed of)
_INSIDE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
_ENDS = ["\u00a0", "\u202f", "\u3000", "\u2002", "\u200b", "\ufeff"]


def _sprinkle(text: str, k: int, spaces: bool) -> str:
    """Zero-width characters inside and around ``text``; with ``spaces`` (a whole value or label: a string
    of one run), spaces of every kind around it instead."""
    ends = _ENDS if spaces else _INSIDE
    mid = len(text) // 2
    return ends[k % len(ends)] + text[:mid] + _INSIDE[k % len(_INSIDE)] + text[mid:] + ends[(k + 1) % len(ends)]


_WHOLE = re.compile(rb"<si><t(?: [^>]*)?>[^<]*</t></si>")


def _sprinkled(name: str, data: bytes) -> bytes:
    if name not in ("xl/sharedStrings.xml", "word/document.xml"):
        return data
    count = iter(range(10**9))
    whole = {m.start() + 4 for m in _WHOLE.finditer(data)}  # where a string of one run starts its <t>

    def one(m):
        text = unescape(m[2].decode("utf-8"), {"&#10;": "\n", "&#13;": "\r", "&#9;": "\t"})
        return m[1].replace(b"<t>", b'<t xml:space="preserve">').replace(b"<w:t>", b'<w:t xml:space="preserve">') \
            + escape(_sprinkle(text, next(count), m.start() in whole)).encode("utf-8") + m[3]

    return TEXT.sub(one, data)


@pytest.mark.parametrize("name", ["附件1-2020-邵阳市科学技术局.xlsx", "附件1-2020-邵阳市科学技术局.docx",
                                  "附件2-2020-邵阳市教育局-学前教育发展专项资金.xlsx",
                                  "附件2-2020-邵阳市交通运输局-农村公路养护工程.docx"])
def test_odd_characters_in_every_label_and_value_read_to_the_same_record(tmp_path, name):
    src = SAMPLES / name
    out = rewrite(src, tmp_path / name, _sprinkled)
    assert read_numeric(out) == expected(src.stem)


def test_boundary_rules():
    assert boundary("编\u200b制\u2060人数\ufeff") == "编制人数"
    assert boundary("张\u00a0三\u202f李\u2003四") == "张 三 李 四"
    assert boundary("一　二") == "一　二"  # the full-width space indents Chinese text; it is white space already


def test_normalise_touches_only_cells_that_need_it():
    plain, odd = Cell(0, 0, "单位"), Cell(0, 1, "\u200b万元\u00a0")
    grid = Grid([[plain, odd]]).normalise_text()
    assert grid.at(0, 1).text == "万元 " and plain.text == "单位"
    assert formparse  # the package imports (the boundary runs in formparse.backends.open_grids)
