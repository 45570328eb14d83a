"""Batches: every file accounted for, exact tables, isolation from crashing and hanging files."""

import shutil
import subprocess
import sys
from decimal import Decimal

import pandas as pd
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

import formparse
from formparse.export import convert
from formparse.folder import read_folder
from tests.batchkit import BROKEN, make_folder, misbehaving_read
from tests.conftest import SAMPLES, sample_files


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("inbox")
    expected = make_folder(root, sample_files(), n_good=493, n_duplicates=2)
    assert sum(1 for p in root.rglob("*") if p.is_file()) == 500
    return root, expected


@pytest.fixture(scope="module")
def converted(folder, tmp_path_factory):
    root, _ = folder
    out = tmp_path_factory.mktemp("out")
    first = convert(root, out / "run1", workers=2)
    second = convert(root, out / "run2", workers=2)
    return out, first, second


def test_500_files_every_one_accounted_for(folder, converted):
    root, expected = folder
    out, summary, _ = converted
    forms = pq.read_table(out / "run1" / "forms.parquet").to_pandas()
    problems = pq.read_table(out / "run1" / "problems.parquet").to_pandas()
    assert sorted(forms["file"]) == sorted(expected)  # every good file exactly once
    broken = problems[problems["kind"] != "Duplicate"]
    assert sorted(broken["file"]) == sorted(f"坏文件/{n}" for n in BROKEN)
    assert len(forms) + len(broken) == 500
    dups = problems[problems["kind"] == "Duplicate"]
    assert sorted(dups["file"]) == sorted(f for f in expected if f.startswith("重复/"))
    assert len(dups) == 2
    assert (summary.files, summary.good, summary.broken, summary.duplicates) == (500, 495, 5, 2)
    kinds = dict(zip(broken["file"], broken["kind"], strict=True))
    assert kinds["坏文件/不是表格.docx"] == "NotThisForm"
    assert kinds["坏文件/空文件.xlsx"] == "UnreadableFile"


def test_values_are_right_and_money_sums_exactly(folder, converted):
    root, expected = folder
    out, _, _ = converted
    table = pq.read_table(out / "run1" / "forms.parquet")
    assert str(table.schema.field("income_total").type) == "decimal128(38, 8)"
    forms = table.to_pandas()
    for row in forms.itertuples():
        want = expected[row.file]
        assert row.unit_name == want.unit_name
        assert row.income_total == want.income.total
        assert row.three_public_total == want.three_public.total
        assert row.basic_info_contact_phone == want.basic_info.contact_phone
    total = sum((v for v in forms["income_total"] if v is not None), Decimal(0))
    assert total == sum((r.income.total for r in expected.values() if r.income.total is not None), Decimal(0))
    indicators = pq.read_table(out / "run1" / "indicators.parquet").to_pandas()
    assert len(indicators) == sum(len(r.indicators) for r in expected.values())
    assert set(indicators["file"]) <= set(forms["file"])  # children join back to forms by file


def test_second_run_gives_identical_output(converted):
    out, _, _ = converted
    for name in ("forms", "goals", "indicators", "reviews", "problems"):
        assert (out / "run1" / f"{name}.parquet").read_bytes() == (out / "run2" / f"{name}.parquet").read_bytes()


def test_frames_are_tidy_and_exact():
    batch = read_folder(SAMPLES, workers=2)
    frames = batch.frames()
    assert set(frames) == {"forms", "goals", "indicators", "reviews", "problems", "projects", "projects_schedule",
                           "projects_long_term_indicators", "projects_annual_indicators", "warnings", "cells"}
    projects = frames["projects"]
    assert sorted(projects["file"]) == sorted(p.name for p in SAMPLES.iterdir() if p.name.startswith("附件2-"))
    assert projects["funds_total"].dtype == "float64"
    forms = frames["forms"]
    # the 附件1 files are the forms; the 附件2 samples beside them are not read as 附件1 (issue 14 reads them)
    assert list(forms["file"]) == [p.name for p in sample_files()]
    assert forms["income_total"].dtype == "float64"
    seed = forms[forms["file"] == "附件1-2020-邵阳市科学技术局.docx"].iloc[0]
    assert seed["three_public_total"] == 21.5
    exact = batch.frames(money="decimal")["forms"]
    assert "decimal128" in str(exact["income_total"].dtype)
    assert exact.loc[exact["file"] == seed["file"], "three_public_total"].iloc[0] == Decimal("21.5")
    per_level1 = frames["indicators"].groupby("level1").size()
    assert per_level1["产出指标"] > 0 and per_level1["效益指标"] > 0
    assert [p.kind for p in batch.problems if p.file.startswith("附件1-")] == ["Duplicate"]  # the seed: .docx and .xlsx


def test_money_columns_compute_in_pandas_and_agree_with_the_records():
    """Every operation an analyst uses on money, on real frames, checked against Decimal arithmetic."""
    batch = read_folder(SAMPLES, workers=0)
    forms = batch.frames()["forms"]
    recs = [batch.records[f] for f in forms["file"]]
    a, b, n = forms["income_general_budget"], forms["income_total"], forms["basic_info_staff_quota"]
    da = [r.income.general_budget for r in recs]
    db = [r.income.total for r in recs]
    dn = [r.basic_info.staff_quota for r in recs]

    def same(series, decimals, places=6):
        got = [None if pd.isna(x) else Decimal(str(round(float(x), places))) for x in series]
        want = [None if d is None else round(d, places) for d in decimals]
        assert got == want

    same(a + b, [x + y for x, y in zip(da, db, strict=True)])
    same(b - a, [y - x for x, y in zip(da, db, strict=True)])
    same(a * b, [x * y for x, y in zip(da, db, strict=True)], 4)
    same(a / b, [x / y for x, y in zip(da, db, strict=True)])
    same(a / b * 100, [x / y * 100 for x, y in zip(da, db, strict=True)], 4)
    same(b * 100 + 1, [y * 100 + 1 for y in db])
    same(b / 3, [y / 3 for y in db])
    same(b * 1.5, [y * Decimal("1.5") for y in db])
    same(b / n, [y / q for y, q in zip(db, dn, strict=True)])
    same(b.round(1), [round(y, 1) for y in db], 1)
    assert round(b.sum(), 6) == float(sum(db))
    assert round(b.mean(), 6) == float(round(sum(db) / len(db), 6))
    by = forms.groupby("unit_name")["income_total"].sum()
    want: dict[str, Decimal] = {}
    for r in recs:
        want[r.unit_name] = want.get(r.unit_name, Decimal(0)) + r.income.total
    assert {k: Decimal(str(round(v, 6))) for k, v in by.items()} == want
    assert list(a < b) == [x < y for x, y in zip(da, db, strict=True)]
    assert list(b > 1000) == [y > 1000 for y in db]
    # the other way round and with floats: int − money, money ÷ float, money − float, == a typed amount
    same(1000 - b, [1000 - y for y in db])
    same(b / 2.5, [y / Decimal("2.5") for y in db])
    same(b - 0.5, [y - Decimal("0.5") for y in db])
    assert list(b == 373.51) == [y == Decimal("373.51") for y in db] and any(b == 373.51)
    assert list(a <= b) == [x <= y for x, y in zip(da, db, strict=True)]
    mean_by = forms.groupby("unit_name")["income_total"].mean()
    counts: dict[str, int] = {}
    for r in recs:
        counts[r.unit_name] = counts.get(r.unit_name, 0) + 1
    assert {k: Decimal(str(round(v, 6))) for k, v in mean_by.items()} == {
        k: round(v / counts[k], 6) for k, v in want.items()}
    # 附件2's money computes the same way
    projects = batch.frames()["projects"]
    precs = [batch.records[f] for f in projects["file"]]
    funds = projects["funds_total"]
    assert round(funds.sum(), 6) == float(sum(r.funds.total for r in precs))
    same(projects["funds_fiscal"].fillna(0) / funds * 100,
         [(r.funds.fiscal or 0) / r.funds.total * 100 for r in precs], 4)


def test_decimal_money_columns_compute_exactly():
    """money="decimal": each operation the docs promise, on real frames, equal to Decimal arithmetic."""
    batch = read_folder(SAMPLES, workers=0)
    forms = batch.frames(money="decimal")["forms"]
    recs = [batch.records[f] for f in forms["file"]]
    a, b = forms["three_public_total"], forms["expenditure_total"]
    da, db = [r.three_public.total for r in recs], [r.expenditure.total for r in recs]
    assert list(a + b) == [x + y for x, y in zip(da, db, strict=True)]
    assert list(b - a) == [y - x for x, y in zip(da, db, strict=True)]
    assert list(a * b) == [x * y for x, y in zip(da, db, strict=True)]
    assert list(a * 100) == [x * 100 for x in da]
    assert list(a + 1) == [x + 1 for x in da]
    # a quotient is cut to Arrow's scale (15 places here), not rounded
    assert [q.as_tuple().exponent for q in a / b] == [-15] * len(da)
    want = [(x / y).quantize(Decimal("1e-15"), rounding="ROUND_DOWN") for x, y in zip(da, db, strict=True)]
    assert list(a / b) == want
    assert list(b.round(1)) == [round(y, 1) for y in db]
    assert b.sum() == sum(db)
    mean = sum(db) / len(db)  # Arrow gives it to the column's places (2), rounded
    assert b.mean().as_tuple().exponent == -2 and abs(b.mean() - mean) <= Decimal("0.005")
    assert list(a < b) == [x < y for x, y in zip(da, db, strict=True)]
    by = forms.groupby("unit_name")["income_total"].sum()
    want: dict[str, Decimal] = {}
    for r in recs:
        want[r.unit_name] = want.get(r.unit_name, Decimal(0)) + r.income.total
    assert by.to_dict() == want


def test_duplicates_drop_keeps_each_form_once_in_every_table():
    batch = read_folder(SAMPLES, workers=0)
    kept, dropped = batch.frames(), batch.frames(duplicates="drop")
    dups = {p.file for p in batch.problems if p.kind == "Duplicate"}
    assert dups == {"附件1-2020-邵阳市科学技术局.xlsx", "附件2-2020-邵阳市科学技术局-市级科技计划项目专项资金.xlsx"}
    for table, frame in dropped.items():
        if table != "problems":
            assert not set(frame["file"]) & dups, table
            assert len(frame) == len(kept[table][~kept[table]["file"].isin(dups)]), table
    assert dropped["forms"]["unit_name"].is_unique  # one 附件1 per unit: sums count each once
    assert sorted(dropped["problems"]["kind"]) == ["Duplicate", "Duplicate"]
    with pytest.raises(ValueError, match="duplicates"):
        batch.frames(duplicates="first")


def test_a_packets_children_join_their_own_form_by_file_and_position(tmp_path):
    """A packet file holds several 附件2: each child row carries its form's position, so a join by
    file and position gives each project its own indicators, and duplicates="drop" drops by form."""
    from tests.conftest import PACKETS

    batch = read_folder(PACKETS, workers=0)
    frames = batch.frames()
    projects, annual = frames["projects"], frames["projects_annual_indicators"]
    joined = projects.merge(annual, on=["file", "position", "unit_name"])
    for file in batch.records:
        for where, rec in next(o for o in batch.outcomes if o.file == file and o.record is not None).forms():
            if hasattr(rec, "annual_indicators"):
                mine = joined[(joined["file"] == file) & (joined["position"] == where)]
                assert list(mine["content"]) == [i.content for i in rec.annual_indicators]
                assert set(mine["project_name"]) == {rec.project_name}
    assert list(frames["goals"].columns[:4]) == ["file", "unit_name", "position", "n"]
    # the .xlsx packet repeats the .docx one form by form: dropped, each form once
    dropped = batch.frames(duplicates="drop")
    assert dropped["projects"]["project_name"].is_unique and len(dropped["projects"]) == 3


def test_warnings_frame_lists_the_checks_cost_over_budget_included():
    batch = read_folder(SAMPLES, workers=0)
    w = batch.frames(duplicates="drop")["warnings"]
    assert list(w.columns) == ["file", "unit_name", "position", "code", "category", "label", "cell", "message"]
    want = [(f, w_.code, w_.cell, w_.message) for f, r in batch.records.items() for w_ in r.warnings
            if f != "附件1-2020-邵阳市科学技术局.xlsx"]
    assert list(zip(w["file"], w["code"], w["cell"], w["message"], strict=True)) == want
    over = w[w["code"] == "cost-over-budget"]
    assert list(over["unit_name"]) == ["邵阳市科学技术局"] and list(over["category"]) == ["成本指标超预算"]
    assert "423.51万元" in over["message"].iloc[0]


def _with(tmp_path, names):
    src = SAMPLES / "附件1-2020-邵阳市交通运输局.xlsx"
    for name in names:
        shutil.copyfile(src, tmp_path / name)
    return tmp_path


def test_a_worker_killed_mid_batch_costs_only_its_file(tmp_path):
    names = [f"a{i}.xlsx" for i in range(6)] + ["crash-me.xlsx"] + [f"b{i}.xlsx" for i in range(6)]
    folder = _with(tmp_path, names)
    batch = read_folder(folder, workers=2, reader=misbehaving_read)
    crashed = [p for p in batch.problems if p.kind == "WorkerCrashed"]
    assert [p.file for p in crashed] == ["crash-me.xlsx"]
    assert len(batch.records) == 12
    assert [o.file for o in batch.outcomes if o.problem is None or o.problem.kind != "Duplicate"] == sorted(names)


def test_a_hanging_file_hits_the_time_limit(tmp_path):
    folder = _with(tmp_path, ["a.xlsx", "hang.xlsx", "c.xlsx"])
    batch = read_folder(folder, workers=2, timeout=3, reader=misbehaving_read)
    assert [(p.file, p.kind) for p in batch.problems if p.kind != "Duplicate"] == [("hang.xlsx", "Timeout")]
    assert sorted(batch.records) == ["a.xlsx", "c.xlsx"]


def test_in_process_reading_gives_the_same_records():
    assert read_folder(SAMPLES, workers=0).records == read_folder(SAMPLES, workers=2).records


def test_xlsx_output_neutralises_formulas_and_uses_labels(tmp_path):
    record = formparse.read(SAMPLES / "附件1-2020-邵阳市交通运输局.xlsx")
    record.functions = "=HYPERLINK(\"http://example.invalid\",\"点我\")"
    record.goals = ["+1 保持", "-负面", "@SUM(A1)"]
    folder = tmp_path / "in"
    folder.mkdir()
    formparse.fill(record, folder / "x.docx")
    convert(folder, tmp_path / "o.xlsx")  # Chinese by default
    wb = load_workbook(tmp_path / "o.xlsx")
    assert wb.sheetnames == ["申报表", "绩效目标", "绩效指标", "审核意见", "项目支出绩效目标申报表", "项目实施进度计划",
                             "长期绩效指标", "年度绩效指标", "问题文件"]
    forms = wb["申报表"]
    header = [c.value for c in forms[1]]
    assert "年度收入预算 合计" in header and "三公经费预算支出 合计" in header
    assert len(set(header)) == len(header)  # the two 联系电话 are told apart
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
        assert ws.print_title_rows == "$1:$1" and ws.page_setup.orientation == "landscape"
    cell = forms.cell(row=2, column=header.index("单位职能概述") + 1)
    assert cell.data_type == "s" and cell.value == record.functions and cell.quotePrefix
    goals = [c for c in wb["绩效目标"]["E"][1:]]  # file, unit, position, 序号, 绩效目标
    assert [c.value for c in goals] == record.goals and all(c.quotePrefix for c in goals)
    money = forms.cell(row=2, column=header.index("年度收入预算 合计") + 1)
    assert money.value == float(record.income.total) and "#,##0.00" in money.number_format
    convert(folder, tmp_path / "en.xlsx", labels="en")
    en = load_workbook(tmp_path / "en.xlsx")
    assert en.sheetnames == ["forms", "goals", "indicators", "reviews", "projects", "projects_schedule",
                             "projects_long_term_indicators", "projects_annual_indicators", "problems"]
    assert "income_total" in [c.value for c in en["forms"][1]]
    convert(folder, tmp_path / "pq")
    goals = pq.read_table(tmp_path / "pq" / "goals.parquet").to_pandas()
    assert list(goals["text"]) == record.goals  # Parquet keeps the exact text
    convert(folder, tmp_path / "csv", fmt="csv")
    text = (tmp_path / "csv" / "forms.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text


def test_cli_convert_exit_codes_and_summary(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(SAMPLES / "附件1-2020-邵阳市财政局.docx", folder / "a.docx")
    res = subprocess.run([sys.executable, "-m", "formparse", "convert", str(folder), "-o", str(tmp_path / "o.xlsx")],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "1 files, 1 good, 0 problems" in res.stderr and "Traceback" not in res.stderr
    (folder / "坏.xlsx").write_bytes(b"")
    res = subprocess.run([sys.executable, "-m", "formparse", "convert", str(folder), "-o", str(tmp_path / "o2")],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 1 and "2 files, 1 good, 1 problems" in res.stderr


def test_dask_local_cluster_gives_the_same_batch(tmp_path):
    distributed = pytest.importorskip("distributed")
    folder = tmp_path / "in"  # the 附件1 samples (the 附件2 ones are not read yet: issue 14)
    folder.mkdir()
    for p in sample_files():
        shutil.copyfile(p, folder / p.name)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            on_dask = read_folder(folder, executor=client.get_executor())
        res = subprocess.run([sys.executable, "-m", "formparse", "convert", str(folder), "-o", str(tmp_path / "d"),
                              "--dask-scheduler", cluster.scheduler_address], capture_output=True, text=True,
                             timeout=300)
    local = read_folder(folder, workers=2)
    assert on_dask.records == local.records and on_dask.problems == local.problems
    assert res.returncode == 0, res.stderr
    forms = pq.read_table(tmp_path / "d" / "forms.parquet").to_pandas()
    assert sorted(forms["file"]) == sorted(local.records)


def test_bad_files_do_not_change_the_good_files_output(tmp_path):
    from tests.hostile import build

    good = tmp_path / "good"
    good.mkdir()
    for p in sample_files():
        shutil.copyfile(p, good / p.name)
    mixed = tmp_path / "mixed"
    shutil.copytree(good, mixed)
    for path, want in build(tmp_path / "corpus").values():
        if want != "record":
            shutil.copyfile(path, mixed / f"bad-{path.name}")
    convert(good, tmp_path / "out-good", workers=2)
    summary = convert(mixed, tmp_path / "out-mixed", workers=2)
    assert summary.broken >= 15
    for table in ("forms", "goals", "indicators", "reviews"):
        assert (tmp_path / "out-good" / f"{table}.parquet").read_bytes() == \
            (tmp_path / "out-mixed" / f"{table}.parquet").read_bytes()


def test_a_batch_from_a_script_piped_to_python(tmp_path):
    """forkserver workers re-import the main script; piped to ``python -`` there is none to import."""
    folder = _with(tmp_path, ["a.xlsx", "b.xlsx", "c.xlsx"])
    code = ("import formparse\n"
            f"b = formparse.read_folder({str(folder)!r}, workers=2)\n"
            "print(sorted(b.records), sorted(p.kind for p in b.problems))\n")
    res = subprocess.run([sys.executable, "-"], input=code, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-1500:]
    assert res.stdout.strip() == "['a.xlsx', 'b.xlsx', 'c.xlsx'] ['Duplicate', 'Duplicate']"


def test_a_worker_that_dies_before_taking_a_file_costs_only_that_file(tmp_path, monkeypatch):
    from formparse import batch as batch_module

    folder = _with(tmp_path, ["a.xlsx", "b.xlsx", "c.xlsx"])
    calls = {"n": 0}
    real_give = batch_module._Worker.give

    def flaky_give(self, index, path, file):
        calls["n"] += 1
        if file == "b.xlsx":
            raise BrokenPipeError("worker gone")
        return real_give(self, index, path, file)

    monkeypatch.setattr(batch_module._Worker, "give", flaky_give)
    result = read_folder(folder, workers=2)
    assert sorted(result.records) == ["a.xlsx", "c.xlsx"]
    assert [(p.file, p.kind) for p in result.problems if p.kind != "Duplicate"] == [("b.xlsx", "WorkerCrashed")]


def test_a_reader_from_the_main_module_is_refused_clearly_unless_read_in_process(tmp_path):
    folder = _with(tmp_path, ["a.xlsx"])

    def local_read(path):
        return formparse.read(path)

    local_read.__module__ = "__main__"  # what a function typed into a notebook or a script is
    with pytest.raises(ValueError, match="workers=0"):
        read_folder(folder, workers=1, reader=local_read)
    assert sorted(read_folder(folder, workers=0, reader=local_read).records) == ["a.xlsx"]
