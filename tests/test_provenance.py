"""Provenance: every value read knows its file, form, sheet, cell address and the text shown there.

Checked against the files themselves: each address is looked up again in a fresh grid of the file (as the
back-end opens it), and the text there must be the text recorded, and must hold the value read."""

from __future__ import annotations

import re
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import formparse
from formparse.backends import open_grids
from formparse.limits import DEFAULT
from formparse.provenance import Source, cell_rows, value_at

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples" / "submissions").glob("*.*"))
# .xlsx, .docx and .xls (read natively); .doc goes through LibreOffice: its addresses are the .docx back-end's
OTHER_HANDS = sorted(p for p in (ROOT / "samples" / "other-hands").glob("*.*")
                     if p.suffix in (".xlsx", ".docx", ".xls"))
PACKETS = sorted(p for p in (ROOT / "samples" / "packets").glob("*.*") if p.suffix in (".xlsx", ".docx"))


def _texts_by_address(path: Path) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for grid in open_grids(str(path), DEFAULT):
        for cell in grid.reading_order():
            sheet, bang, address = cell.address.rpartition("!")
            out.setdefault((sheet if bang else "", address if bang else cell.address), cell.text)
    return out


_SPACE = re.compile(r"\s+")


def _holds(text: str, value: object) -> bool:
    """Whether the shown text holds the value read (white space aside: labels and values are spaced freely)."""
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, Decimal | int):
        digits = _SPACE.sub("", text).replace(",", "").replace("，", "")
        whole = format(value, "f").split(".")[0].lstrip("-")
        return whole in digits or bool(re.search(r"[0-9０-９一二三四五六七八九十]", digits))
    if isinstance(value, str):
        v, t = _SPACE.sub("", value), _SPACE.sub("", text)
        # a choice: the option ticked (“√新增”) names the value (新增项目)
        ticked = [m for m in re.findall(r"[√☑■✓✔]([^\s□√☑■✓✔]+)", text) if m]
        return v in t or any(m in v for m in ticked)
    return True


def _check_file(path: Path) -> int:
    texts = _texts_by_address(path)
    checked = 0
    for found in formparse.read_all(path):
        rec = found.record
        assert len(rec.provenance) > 0
        for p in rec.provenance:
            src = rec.source(p)
            assert isinstance(src, Source) and src.file == str(path)
            key = (src.sheet, src.address)
            if key not in texts:  # an empty sheet position: a blank value, read from a blank cell
                assert src.text == "" and value_at(rec, p) in (None, []), (path.name, p, src)
                continue
            # a value typed over several cells (paragraphs under a heading) records them all, the first first
            assert src.text == texts[key] or src.text.startswith(texts[key] + "\n"), (path.name, p, src, texts[key])
            value = value_at(rec, p)
            assert _holds(src.text, value), (path.name, p, value, src.text)
            checked += 1
    return checked


@pytest.mark.parametrize("path", SAMPLES + PACKETS, ids=lambda p: p.name)
def test_every_value_of_the_samples_stands_at_its_address(path):
    assert _check_file(path) > 40


@pytest.mark.parametrize("path", OTHER_HANDS, ids=lambda p: p.name)
def test_every_value_of_other_hands_copies_stands_at_its_address(path):
    try:
        formparse.read_all(path)
    except formparse.FormparseError:
        pytest.skip("a copy the readers refuse on purpose")
    assert _check_file(path) > 10


def test_every_value_of_the_record_has_a_place():
    """Every non-empty scalar, list item and table cell of the record has its provenance path."""
    rec = formparse.read(ROOT / "samples/submissions/附件1-2020-邵阳市科学技术局.xlsx")
    prov = set(rec.provenance)
    wanted = {"unit_name", "income.total", "three_public.total", "basic_info.staff_quota", "year", "functions"}
    wanted |= {f"goals[{i}]" for i in range(len(rec.goals))}
    wanted |= {f"indicators[{i}].{k}" for i, ind in enumerate(rec.indicators)
               for k in ("level1", "level2", "content", "value", "remark") if getattr(ind, k) is not None}
    wanted |= {f"reviews[{i}].opinion" for i in range(len(rec.reviews))}
    assert wanted <= prov, wanted - prov
    assert rec.source("income.total").address[0].isalpha() and rec.source("income.total").sheet
    assert rec.source("three_public.total").text.strip() == "21.5" or Decimal(
        rec.source("three_public.total").text.replace(",", "")) == Decimal("21.5")
    with pytest.raises(KeyError):
        rec.source("indicators[999].value")


def test_a_word_address_names_table_row_and_column():
    rec = formparse.read(ROOT / "samples/submissions/附件1-2020-邵阳市科学技术局.docx")
    src = rec.source("indicators[0].content")
    assert src.sheet == "" and re.fullmatch(r"表\d+第\d+行第\d+列", src.address)


def test_provenance_is_not_in_the_json_and_survives_pickling():
    import pickle

    rec = formparse.read(ROOT / "samples/submissions/附件1-2020-邵阳市科学技术局.docx")
    assert "provenance" not in formparse.dumps(rec)
    again = pickle.loads(pickle.dumps(rec))
    assert again.source("income.total") == rec.source("income.total")
    assert formparse.from_dict(formparse.to_dict(rec)) == rec  # provenance is not part of the value


def test_batch_cells_frame_has_a_row_per_value_and_names_the_batch_file(tmp_path):
    batch = formparse.read_folder(ROOT / "samples" / "packets", workers=0)
    cells = batch.frames()["cells"]
    assert list(cells.columns) == ["file", "position", "path", "sheet", "address", "text"]
    rows = sum(len(cell_rows(f, r)) for o in batch.outcomes for _w, r in o.forms() for f in [o.file])
    assert len(cells) == rows > 0
    assert set(cells["file"]) == {p.name for p in PACKETS}
    docx = cells[cells["file"].str.endswith(".docx")]
    assert docx["position"].nunique() > 1  # a packet: each form's values name their form


@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_drifted_copies_keep_their_addresses_right(data):
    from tests.drift import drifted

    record = formparse.read(ROOT / "samples/submissions/附件1-2020-邵阳市科学技术局.docx")
    suffix = data.draw(st.sampled_from([".docx", ".xlsx"]))
    with tempfile.TemporaryDirectory() as tmp:
        path, _ops = data.draw(drifted(record, suffix, Path(tmp)), label="drift")
        assert _check_file(path) > 40


def test_convert_cells_writes_the_cells_table_in_every_format(tmp_path):
    import pyarrow.parquet as pq

    from formparse.export import convert

    folder = tmp_path / "in"
    folder.mkdir()
    for p in PACKETS:
        (folder / p.name).write_bytes(p.read_bytes())
    convert(folder, tmp_path / "pq", cells=True, workers=0)
    convert(folder, tmp_path / "csv", fmt="csv", cells=True, workers=0)
    plain = convert(folder, tmp_path / "plain", workers=0)
    assert plain.good == len(PACKETS) and not (tmp_path / "plain" / "cells.parquet").exists()
    frame = formparse.read_folder(folder, workers=0).frames()["cells"]
    table = pq.read_table(tmp_path / "pq" / "cells.parquet").to_pandas()
    assert table[["file", "path", "address", "text"]].values.tolist() == frame[
        ["file", "path", "address", "text"]].astype(object).values.tolist()
    header = (tmp_path / "csv" / "cells.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "文件,位置,字段,工作表,单元格,显示内容"


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted((ROOT / "samples" / "other-hands").glob("*.doc")), ids=lambda p: p.name)
def test_a_legacy_doc_read_through_libreoffice_keeps_its_addresses(path):
    assert _check_file(path) > 10
