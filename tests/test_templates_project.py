"""The official blank 附件2 templates (scripts/make_templates.py): both formats print every label of
schemas/project-2020.toml in the schema's order, the check boxes blank, and no value."""

import tomllib

import pytest

from formparse.backends import open_document
from formparse.fieldtypes import parse_choice, parse_date
from formparse.schema import data_dir
from formparse.text import norm
from tests.conftest import TEMPLATES

TOML = tomllib.loads((data_dir("schemas") / "project-2020.toml").read_text(encoding="utf-8"))


def _labels_in_order():
    """The printed labels of the schema, in the order its blocks are searched."""
    out = []
    for block in TOML["blocks"]:
        if block["kind"] == "fields":
            if "section" in block:
                out.append(block["section"])
            for f in block["fields"]:
                out.append(f["label"])
                out += [p["label"] for p in f.get("pairs", [])]
        elif block["kind"] == "table":
            out.append(block["label"])
            out += [c["label"] for c in block["columns"]]
            for level1, subs in block.get("prefill", []):
                out += [level1, *subs]
    return out


def _texts(path):
    return [c.text for c in open_document(str(path)).grid().reading_order() if c.text.strip()]


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_blank_template_prints_the_schemas_labels_in_order(suffix):
    texts = _texts(TEMPLATES / f"project-2020{suffix}")
    folded = [norm(t) for t in texts]
    at = 0
    for label in _labels_in_order():
        want = norm(label).rstrip(":")
        hits = [i for i in range(at, len(folded)) if folded[i].rstrip(":") == want or folded[i].startswith(want + ":")]
        assert hits, f"{label} not found after {folded[at - 1] if at else 'the start'}"
        at = hits[0] + 1


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_blank_template_has_no_values(suffix):
    texts = _texts(TEMPLATES / f"project-2020{suffix}")
    kind = next(f for b in TOML["blocks"] if b["kind"] == "fields" for f in b["fields"] if f.get("type") == "choice")
    boxes = [t for t in texts if all(o in t for o in kind["options"])]
    assert len(boxes) == 1 and parse_choice(boxes[0], kind["options"]) is None
    dates = [t for t in texts if "年" in t and "月" in t and "日" in t and "填报" not in t]
    assert dates and all(parse_date(t) is None for t in dates)
    labels = {norm(x).rstrip(":") for x in _labels_in_order()}
    printed = {"附件2", "项目支出绩效目标申报表", "(2020年度)", "单位:万元", "填报单位(盖章)", "1、", "2、", "3、"}
    rest = [t for t in texts if norm(t).rstrip(":") not in labels | printed and t not in boxes + dates]
    assert rest == []


def test_both_formats_print_the_same_texts():
    assert _texts(TEMPLATES / "project-2020.xlsx") == _texts(TEMPLATES / "project-2020.docx")
