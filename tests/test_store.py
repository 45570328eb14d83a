"""The ledger (store): incremental runs, versions, history, provenance, bad stores; on SQLite and PostgreSQL.

PostgreSQL tests need a server: FORMPARSE_TEST_PG_URL (``postgresql://user:pw@host/db``; .ci/run starts one
and sets it). Each test gets a schema of its own, dropped afterwards."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

import formparse
from formparse.store import Store, StoreError
from formparse.store._schema import SCHEMA_VERSION
from tests.batchkit import clone
from tests.conftest import SAMPLES

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("FORMPARSE_TEST_PG_URL")
# distinct forms: three 附件1 of different units and two 附件2 (the .docx/.xlsx twins of one unit left out)
INBOX = ["附件1-2020-邵阳市交通运输局.xlsx", "附件1-2020-邵阳市卫生健康委员会.docx", "附件1-2020-邵阳市科学技术局.xlsx",
         "附件2-2020-邵阳市交通运输局-农村公路养护工程.docx", "附件2-2020-邵阳市教育局-学前教育发展专项资金.xlsx"]


def _pg_schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request, tmp_path):
    """Where a fresh store goes: an SQLite file, or a schema of its own in the test PostgreSQL database (the
    desk's tests use it too, through tests/conftest.py)."""
    if request.param == "sqlite":
        yield str(tmp_path / "台账.sqlite")
        return
    if not PG_URL:
        pytest.skip("PostgreSQL 测试需要 FORMPARSE_TEST_PG_URL（.ci/run 会启动服务器并设置它）/ "
                    "set FORMPARSE_TEST_PG_URL to run the PostgreSQL tests")
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield _pg_schema_url(PG_URL, schema)
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def target(store_target):
    """A fresh store (see store_target)."""
    return store_target


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "收件箱"
    folder.mkdir()
    for name in INBOX:
        shutil.copyfile(SAMPLES / name, folder / name)
    return folder


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


def test_the_ledger_workflow_rerun_correct_add_remove(target, inbox, tmp_path):
    before = _digest(inbox)
    first = formparse.read_folder(inbox, store=target, workers=0)
    assert (first.changes.new, first.changes.read, first.changes.unchanged) == (5, 5, 0)
    forms = first.frames()
    assert len(forms["forms"]) == 3 and len(forms["projects"]) == 2
    first.store.close()

    again = formparse.read_folder(inbox, store=target, workers=0)
    assert (again.changes.new, again.changes.changed, again.changes.unchanged, again.changes.read) == (0, 0, 5, 0)
    assert again.outcomes == []  # nothing read: hashes only
    again.store.close()

    # a corrected copy replaces one submission (written into the submission itself, as a clerk would), and a
    # new department sends its form
    name = "附件1-2020-邵阳市科学技术局.xlsx"
    rec = formparse.read(inbox / name)
    old_total = rec.three_public.total
    rec.three_public.total = old_total + Decimal("10")
    fixed = tmp_path / "更正.xlsx"
    formparse.fill(rec, fixed, template=inbox / name)
    shutil.copyfile(fixed, inbox / name)
    clone(SAMPLES / "附件1-2020-邵阳市教育局.xlsx", inbox / "附件1-2020-新单位.xlsx", "邵阳市教育局", "邵阳市新单位")
    third = formparse.read_folder(inbox, store=target, workers=0)
    assert (third.changes.new, third.changes.changed, third.changes.unchanged, third.changes.read) == (1, 1, 4, 2)
    frames = third.frames()
    forms = frames["forms"]
    assert len(forms) == 4 and "邵阳市新单位" in set(forms["unit_name"])
    science = forms[forms["file"] == name]
    assert science["three_public_total"].tolist() == [float(old_total + 10)]
    history = third.store.frames(versions="all")
    versions = history["versions"]
    mine = versions[versions["file"] == name]
    assert len(mine) == 2 and mine["current"].tolist() == [False, True]
    assert mine["superseded_by"].iloc[0] == mine["version"].iloc[1]
    assert sorted(history["forms"].loc[history["forms"]["file"] == name, "three_public_total"]) == [
        float(old_total), float(old_total + 10)]
    superseded = frames["problems"][frames["problems"]["kind"] == "Superseded"]
    assert len(superseded) == 1 and name in superseded["message"].iloc[0]
    third.store.close()

    # the corrected copy taken back: the first version is current again, nothing read
    original = SAMPLES / name
    shutil.copyfile(original, inbox / name)
    back = formparse.read_folder(inbox, store=target, workers=0)
    assert (back.changes.changed, back.changes.read) == (1, 0)
    forms = back.frames()["forms"]
    assert forms.loc[forms["file"] == name, "three_public_total"].tolist() == [float(old_total)]
    assert back.store.counts()["versions"] == 7
    back.store.close()
    shutil.copyfile(fixed, inbox / name)  # and corrected once more, for what follows

    # the same content under a second name is one version; a file taken away is gone
    shutil.copyfile(inbox / INBOX[0], inbox / "再次报送.xlsx")
    (inbox / INBOX[1]).unlink()
    fourth = formparse.read_folder(inbox, store=target, workers=0)
    assert (fourth.changes.new, fourth.changes.gone, fourth.changes.read) == (1, 1, 0)
    assert fourth.store.counts()["versions"] == 7
    fourth.store.close()
    assert all(_digest(inbox)[k] == v for k, v in before.items() if k not in (name, INBOX[1]))


@pytest.mark.slow  # the command run as a user runs it, several times
def test_convert_with_a_store_then_from_the_store(target, inbox, tmp_path):
    from formparse.export import convert

    out1 = tmp_path / "汇总.xlsx"
    run = subprocess.run([sys.executable, "-m", "formparse", "convert", str(inbox), "-o", str(out1), "--store",
                          target, "--workers", "0", "--cells"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "新增 5，更改 0，未变 0，已删除 0" in run.stderr and "5 new, 0 changed, 0 unchanged, 0 gone" in run.stderr
    rerun = convert(inbox, tmp_path / "再次.xlsx", store=target, workers=0)
    assert (rerun.changes.unchanged, rerun.changes.read, rerun.good) == (5, 0, 5)
    out2 = tmp_path / "导出.xlsx"
    res = subprocess.run([sys.executable, "-m", "formparse", "convert", target, "-o", str(out2), "--cells"],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    a, b = load_workbook(out1, read_only=True), load_workbook(out2, read_only=True)
    assert a.sheetnames == b.sheetnames and "数据来源" in a.sheetnames
    def values(book, sheet):
        return [[c.value for c in r] for r in book[sheet].iter_rows()]

    for sheet in a.sheetnames:
        assert values(a, sheet) == values(b, sheet)
    cells = [[c.value for c in r] for r in b["数据来源"].iter_rows()]
    assert cells[0] == ["文件", "位置", "字段", "工作表", "单元格", "显示内容"] and len(cells) > 300


def test_store_frames_are_the_batchs_frames_plus_versions(target, inbox):
    batch = formparse.read_folder(inbox, workers=0)
    stored = formparse.read_folder(inbox, store=target, workers=0)
    stored.store.close()
    with Store(target) as store:
        frames, exact = store.frames(), store.frames(money="decimal")
        every = store.frames(versions="all")
    plain = batch.frames()
    assert set(frames) == set(plain) | {"versions"}
    for table, frame in plain.items():
        assert frames[table].reset_index(drop=True).equals(frame.reset_index(drop=True)), table
    for table, frame in batch.frames(money="decimal").items():
        assert exact[table].reset_index(drop=True).equals(frame.reset_index(drop=True)), table
    assert every["forms"].drop(columns="version").equals(frames["forms"])
    assert set(every["indicators"]["version"]) <= set(every["versions"]["version"])
    assert len(frames["versions"]) == 5 and frames["versions"]["current"].all()


def test_every_value_in_the_tables_has_its_cells_row(target, inbox):
    stored = formparse.read_folder(inbox, store=target, workers=0)
    frames = stored.frames()
    stored.store.close()
    cells = frames["cells"]
    paths = set(zip(cells["file"], cells["path"], strict=True))
    for _i, row in frames["indicators"].iterrows():
        for col in ("level1", "level2", "content", "value"):
            if not pd_isna(row[col]):
                assert (row["file"], f"indicators[{row['n'] - 1}].{col}") in paths
    for _i, row in frames["forms"].iterrows():
        assert (row["file"], "income.total") in paths and (row["file"], "unit_name") in paths


def pd_isna(value):
    import pandas as pd

    return pd.isna(value)


@pytest.mark.slow  # the command run as a user runs it, several times
def test_a_store_that_is_not_ours_damaged_or_newer_is_refused_in_one_line(tmp_path, inbox):
    other = tmp_path / "别的.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE users (name TEXT)")
    conn.close()
    text = tmp_path / "笔记.sqlite"
    text.write_text("不是数据库", encoding="utf-8")
    damaged = tmp_path / "损坏.sqlite"
    formparse.read_folder(inbox, store=damaged, workers=0).store.close()
    data = damaged.read_bytes()
    damaged.write_bytes(data[:100] + b"\xff" * 4000 + data[4100:])
    newer = tmp_path / "新版.sqlite"
    formparse.read_folder(inbox, store=newer, workers=0).store.close()
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    conn.close()
    cases = {other: "不是 formparse 台账", text: "不是 SQLite 数据库", damaged: "损坏", newer: "更新版本的 formparse",
             "postgresql://nobody:pw@127.0.0.1:1/none": "无法连接 PostgreSQL"}
    for store, words in cases.items():
        before = Path(store).read_bytes() if isinstance(store, Path) else None
        with pytest.raises(StoreError, match=words):
            formparse.read_folder(inbox, store=store, workers=0)
        with pytest.raises(StoreError, match=words):
            Store(store).frames()
        res = subprocess.run([sys.executable, "-m", "formparse", "convert", str(inbox), "-o", str(tmp_path / "o.xlsx"),
                              "--store", str(store), "--workers", "0"], capture_output=True, text=True, timeout=120)
        assert res.returncode == 1 and words in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr
        assert "Traceback" not in res.stderr and not (tmp_path / "o.xlsx").exists()
        if before is not None:
            assert Path(store).read_bytes() == before  # nothing written
    assert "pw" not in str(pytest.raises(StoreError, Store, "postgresql://nobody:pw@127.0.0.1:1/none").value)


def test_an_older_store_is_migrated_forward(tmp_path, inbox):
    path = tmp_path / "旧.sqlite"
    formparse.read_folder(inbox, store=path, workers=0).store.close()
    with sqlite3.connect(path) as conn:  # as version 1 wrote it
        conn.execute("DROP INDEX cells_path")
        conn.execute("DROP TABLE snapshots")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.close()
    with Store(path) as old:  # read as it is
        assert old.version == 1 and len(old.frames()["forms"]) == 3
    again = formparse.read_folder(inbox, store=path, workers=0)
    assert again.store.version == SCHEMA_VERSION and again.changes.unchanged == 5
    again.store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'cells_path'").fetchone()
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'snapshots'").fetchone()
    conn.close()


def _kill_mid_run(target: str, inbox: Path, tmp_path: Path) -> None:
    script = ("import sys, formparse; from tests.batchkit import slow_read; "
              "formparse.read_folder(sys.argv[1], store=sys.argv[2], workers=0, reader=slow_read)")
    proc = subprocess.Popen([sys.executable, "-c", script, str(inbox), target], cwd=ROOT,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            time.sleep(0.1)
            try:
                with Store(target) as store:
                    if store.counts()["contents"] >= 2:
                        break
            except StoreError:
                continue  # not made yet
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.slow
def test_a_run_killed_mid_batch_leaves_the_store_consistent_and_the_rerun_completes(target, tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for i in range(10):
        clone(SAMPLES / "附件1-2020-邵阳市教育局.xlsx", inbox / f"附件1-{i:02d}.xlsx", "邵阳市教育局", f"单位{i:02d}")
    _kill_mid_run(target, inbox, tmp_path)
    with Store(target) as store:
        counts = store.counts()
        assert 2 <= counts["contents"] < 10
        # whole files only: each content read has its file, its version, its rows
        assert counts["versions"] == counts["contents"] == counts["files"]
        assert counts["value_rows"] == 4 * counts["versions"]
    if not target.startswith("postgresql"):
        with sqlite3.connect(target) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    rerun = formparse.read_folder(inbox, store=target, workers=0)
    assert rerun.changes.read == 10 - counts["contents"] and rerun.changes.unchanged == counts["contents"]
    assert rerun.store.counts()["versions"] == 10 and len(rerun.frames()["forms"]) == 10
    rerun.store.close()


@pytest.mark.slow
def test_two_runs_writing_one_store_at_once(target, inbox):
    script = "import sys, formparse; formparse.read_folder(sys.argv[1], store=sys.argv[2], workers=0)"
    procs = [subprocess.Popen([sys.executable, "-c", script, str(inbox), target], cwd=ROOT,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    with Store(target) as store:
        counts = store.counts()
        frames = store.frames()
    assert counts["contents"] == counts["files"] == 5
    assert len(frames["forms"]) == 3 and len(frames["projects"]) == 2


@pytest.mark.slow
def test_dask_workers_read_and_the_driver_writes(target, inbox):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        with distributed.Client(c) as client:
            batch = formparse.read_folder(inbox, store=target, executor=client.get_executor())
    assert batch.changes.read == 5
    frames = batch.frames()
    batch.store.close()
    assert len(frames["forms"]) == 3 and len(frames["cells"]) > 300


def test_a_database_holding_tables_of_our_names_but_not_a_store_is_left_alone(target, inbox):
    """On either database: tables named like the ledger's without its marker are someone else's."""
    if target.startswith("postgresql"):
        import psycopg

        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute("CREATE TABLE versions (id INTEGER)")
    else:
        with sqlite3.connect(target) as conn:
            conn.execute("CREATE TABLE versions (id INTEGER)")
        conn.close()
    with pytest.raises(StoreError, match="不是 formparse 台账"):
        formparse.read_folder(inbox, store=target, workers=0)
    if target.startswith("postgresql"):
        with psycopg.connect(target, autocommit=True) as conn:
            assert conn.execute("SELECT COUNT(*) FROM information_schema.tables "
                                "WHERE table_schema = current_schema()").fetchone()[0] == 1


def test_frames_come_from_a_snapshot_until_the_store_changes(target, inbox):
    first = formparse.read_folder(inbox, store=target, workers=0)
    made = first.frames()
    again = first.frames()  # from the snapshots now
    generation = first.store.generation()
    first.store.close()
    for table in made:
        assert made[table].equals(again[table]), table
    (inbox / INBOX[0]).unlink()
    shutil.copyfile(SAMPLES / "附件1-2020-邵阳市财政局.docx", inbox / "附件1-2020-邵阳市财政局.docx")
    second = formparse.read_folder(inbox, store=target, workers=0)
    assert second.store.generation() > generation
    forms = second.frames()["forms"]
    second.store.close()
    assert "邵阳市财政局" in set(forms["unit_name"]) and len(forms) == 4  # the snapshot of before is not used
