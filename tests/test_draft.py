"""formparse.draft: a schema drafted from a blank official template reads what the hand-written one reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from formparse.backends import open_grids
from formparse.draft import DraftRecord, draft_schema
from formparse.locate import Layout, locate
from formparse.reader import best_layout, read, values_from_layout
from formparse.schema import Schema, Table, load_schema, parse_schema
from formparse.text import clean, compact, norm

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "samples" / "templates"
SUBMISSIONS = ROOT / "samples" / "submissions"


def _drafted(template: Path) -> Schema:
    return parse_schema(draft_schema(open_grids(str(template)), source=str(template)), source=str(template))


def _head(text: str) -> str:
    return norm(text).split(":")[0]


def by_label(layout: Layout, schema: Schema) -> dict[tuple[str, ...], Any]:
    """What a layout read, keyed by where its label is and what the label says (not by schema keys)."""
    mapping, _cells, _problems = values_from_layout(layout, schema)
    out: dict[tuple[str, ...], Any] = {}
    for loc in layout.fields.values():
        text = loc.cell.text if loc.cell is not None else loc.inline_text
        out[("field", loc.label.address, _head(loc.label.text))] = clean(text)
    if layout.title is not None:
        out[("title", layout.title.cell.address)] = layout.title.year
    for lst in layout.lists:
        intro = mapping.get(lst.block.intro) if lst.block.intro else None
        out[("list", lst.label.address)] = (intro, mapping[lst.block.key])
    for table in layout.tables:
        block: Table = table.block
        labels = {c.key: norm(c.label) for c in block.columns}
        rows = [{labels[k]: compact(v) for k, v in item.items() if v is not None}
                for item in mapping[block.key]]
        out[("table", table.label.address)] = rows
    return out


SEED = ["附件1-2020-邵阳市科学技术局.xlsx", "附件1-2020-邵阳市科学技术局.docx"]
ALL_DEPT = sorted(p.name for p in SUBMISSIONS.glob("附件1-*.*"))


@pytest.mark.parametrize("name", ALL_DEPT)
def test_draft_of_blank_dept_form_reads_what_the_hand_written_schema_reads(name: str) -> None:
    path = SUBMISSIONS / name
    template = TEMPLATES / f"dept-overall-2020{path.suffix}"
    drafted = _drafted(template)
    hand = load_schema("dept-overall-2020")
    grids = open_grids(str(path))
    i, hand_layout = best_layout(grids, hand, str(path))
    want = by_label(hand_layout, hand)
    got = by_label(locate(grids[i], drafted), drafted)
    assert want, "the hand-written schema read nothing"
    missing = {k: v for k, v in want.items() if got.get(k, "<not found>") != v}
    assert not missing, {k: (v, got.get(k, "<not found>")) for k, v in missing.items()}


def test_a_drafted_schema_reads_as_it_is_into_a_mapping() -> None:
    """formparse.read with a drafted schema (record = DraftRecord): nested by the draft's keys, the
    values as text, coverage warnings attached — and the same record from .xlsx and .docx."""
    records = []
    for suffix in (".xlsx", ".docx"):
        schema = _drafted(TEMPLATES / f"dept-overall-2020{suffix}")
        rec = read(SUBMISSIONS / f"附件1-2020-邵阳市科学技术局{suffix}", schema=schema)
        assert isinstance(rec, DraftRecord)
        assert rec.warnings == []
        records.append(dict(rec))
    xlsx, docx = records
    assert xlsx == docx
    assert xlsx["year"] == 2020
    assert xlsx["f1"] == "邵阳市科学技术局"  # 填报单位（盖章）：… inline
    assert xlsx["g1"]["h1"] == "373.51"  # 年度收入预算 一般公共预算
    assert len(xlsx["l1"]) == 5  # 目标1 … 目标5 (two in one cell)
    assert xlsx["t1"][0]["c1"] == "产出指标"
