"""``formparse convert`` and ``formparse check``: a folder (or one file) read into tables, or checked."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from ..errors import CannotWrite, FormparseError, os_words, shown
from . import _Command, _fail, _must_exist, _schemas, _umask_mode, _usage


@click.command(name="convert", cls=_Command)
@click.argument("folder", type=click.Path(readable=False))
@click.option("-o", "--output", "output_name", type=click.Path(readable=False), required=True,
              help="汇总.xlsx 得到一个工作簿；文件夹得到 Parquet（--format csv 为 CSV）/ "
                   "OUT.xlsx for one workbook; a folder for Parquet (or CSV with --format csv).")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "parquet", "csv"]),
              help="默认按输出名判断 / default: by the output's name.")
@click.option("--labels", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="表头、工作表名、问题类型：表上的中文标签，或英文字段名 / headers, sheet names, problem kinds.")
@click.option("--workers", type=int, help="工作进程数（默认每 CPU 一个；0 为本进程）/ worker processes.")
@click.option("--timeout", type=float, default=120.0, show_default=True,
              help="单个文件最多用时（秒）/ seconds one file may take.")
@click.option("--no-recursive", is_flag=True, help="不读子文件夹 / only the folder itself.")
@click.option("--dask-scheduler", metavar="ADDRESS", help="在 Dask 集群上读取 / run the reads on a Dask cluster.")
@click.option("--force", is_flag=True,
              help="替换已有的输出（文件夹：替换它要写的文件）/ "
                   "replace existing outputs (for a folder: the files it would write).")
@click.option("--store", metavar="台账.sqlite|postgresql://…",
              help="台账：只读新增或更改的文件，保留每个版本；输出为现行版本 / a ledger: read only new or changed "
                   "files, keep every version; the outputs show the current ones.")
@click.option("--cells", is_flag=True,
              help="加一张“数据来源”表：每个值所在的工作表、单元格和显示的文字 / add the provenance table cells.")
@click.option("--schema", "schema_files", multiple=True,
              type=click.Path(dir_okay=False, readable=False, path_type=Path),
              help="另加一个表式文件（.toml）/ also try this layout schema (repeatable).")
@click.pass_context
def convert_cmd(ctx: click.Context, folder: str, output_name: str, fmt: str | None, labels: str,
                workers: int | None, timeout: float, no_recursive: bool, dask_scheduler: str | None,
                force: bool, store: str | None, cells: bool, schema_files: tuple[Path, ...]) -> None:
    """把 FOLDER 里的所有申报表汇总成表：申报表、绩效目标、绩效指标、审核意见、问题文件。有文件读不了时退出码为 1。
    Read every submission in FOLDER into tables (forms, goals, indicators, reviews, problems); exit 1
    when some file could not be read.

    \b
    FOLDER 也可以是台账（.sqlite 文件或 postgresql:// 地址）：不读任何文件，导出其中的现行版本。
    FOLDER may also be a store (an SQLite file or a postgresql:// URL): its current versions are written.

    \b
    示例 / example:
      formparse convert 收件箱/ -o 汇总.xlsx
      formparse convert 收件箱/ -o 汇总.xlsx --store 台账.sqlite
    """
    from ..export import convert, is_store, output_format

    if not output_name:  # (as a Path, "" would be the current folder)
        _usage(ctx, "-o 的输出名是空的 / the output name is empty")
    output = Path(output_name)
    try:
        output_format(output, fmt)
    except ValueError as exc:
        _usage(ctx, str(exc))
    if not is_store(folder):
        _must_exist(Path(folder))
    if store is not None and is_store(folder):
        _usage(ctx, "FOLDER 已是台账：导出台账时不要再给 --store / FOLDER is a store already: no --store")
    extra = _schemas(schema_files, ctx.obj["debug"])

    executor = None
    client = None
    if dask_scheduler:
        try:
            from distributed import Client
        except ImportError:
            _fail("--dask-scheduler needs Dask: pip install 'formparse[dask]'", ctx.obj["debug"])
            return
        client = Client(dask_scheduler)
        executor = client.get_executor()
    bar: Any = None

    def start(n: int) -> None:
        nonlocal bar
        from tqdm import tqdm

        bar = tqdm(total=n, unit="file", disable=not sys.stderr.isatty(), file=sys.stderr)

    def step(_outcome: Any) -> None:
        if bar is not None:
            bar.update(1)

    try:
        summary = convert(folder if is_store(folder) else Path(folder), output, fmt=fmt, labels=labels,
                          workers=workers, executor=executor, timeout=timeout, recursive=not no_recursive,
                          progress=step, on_start=start, overwrite=force, store=store, cells=cells, schemas=extra)
    except FormparseError as exc:
        _fail(str(exc), ctx.obj["debug"])
        return
    except (OSError, ValueError) as exc:
        _fail(f"{shown(output)}: {os_words(exc) if isinstance(exc, OSError) else exc}", ctx.obj["debug"])
        return
    finally:
        if bar is not None:
            bar.close()
        if client is not None:
            client.close()
    click.echo(summary.line(), err=True)
    sys.exit(1 if summary.broken else 0)


@click.command(name="check", cls=_Command)
@click.argument("target", type=click.Path(readable=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, readable=False, path_type=Path),
              help="把提示写成表格：.xlsx 或 .csv / write the warnings as a table to this .xlsx or .csv.")
@click.option("--labels", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="表格的表头与类别：中文或英文代码 / headers and categories: Chinese, or English codes.")
@click.option("--workers", type=int, help="工作进程数（默认每 CPU 一个）/ worker processes for a folder.")
@click.option("--highlight", type=click.Path(file_okay=False, readable=False, path_type=Path),
              help="把有提示的申报表复制到此文件夹并标出单元格 / copies with the problem cells marked.")
@click.option("--strict", is_flag=True, help="有提示时退出码也为 1 / exit 1 when there are warnings, too.")
@click.option("--schema", "schema_files", multiple=True,
              type=click.Path(dir_okay=False, readable=False, path_type=Path),
              help="另加一个表式文件（.toml）/ also try this layout schema (repeatable).")
@click.pass_context
def check_cmd(ctx: click.Context, target: Path, output: Path | None, labels: str, workers: int | None,
              highlight: Path | None, strict: bool, schema_files: tuple[Path, ...]) -> None:
    """检查一份申报表或一个文件夹：合计、成本指标与预算、编制、电话、年度、必填项。
    退出码：0 没有无法读取的文件（只有提示也是 0），1 有文件无法读取，或加 --strict 时有提示。
    Check one submission or a folder: totals, 成本指标 vs budget, staff, phones, year, blanks. Exit 0
    when every file was read (warnings alone do not fail), 1 when some file was unreadable, or with
    --strict when there is any warning.

    \b
    示例 / example:
      formparse check 收件箱/ -o 问题清单.xlsx
    """
    from ..folder import read_folder
    from ..report import warning_rows, write_report

    if output is not None and output.suffix.lower() not in (".xlsx", ".csv"):
        _usage(ctx, f"不认识的输出类型 {output.suffix or '（无扩展名）'}：请用 .xlsx 或 .csv / "
                    "the report must be named *.xlsx or *.csv")
    _must_exist(target)
    _refuse_check_outputs(target, output, highlight)
    extra = _schemas(schema_files, ctx.obj["debug"])
    batch = read_folder(target, workers=workers, schemas=extra)
    rows = warning_rows(batch)
    for row in rows:
        where = f" ({row['cell']})" if row["cell"] else ""
        click.echo(f"{row['file']}: {row['label']}{where}：{row['message']}")
    if output is not None:
        try:
            write_report(rows, output, labels)
            _umask_mode(output)
        except FormparseError as exc:
            _fail(str(exc), ctx.obj["debug"])
    unmarked = 0  # marked copies that could not be written: a file not written is exit 1
    if highlight is not None:
        from ..backends.highlight import highlight as mark

        base = target if target.is_dir() else target.parent
        for file, record in batch.records.items():
            notes = [(w.cell, str(w)) for w in record.warnings if w.cell]
            if not notes:
                continue
            try:
                mark(base / file, highlight / file, notes)
                _umask_mode(highlight / file)
            except FormparseError as exc:
                # a copy that could not be written, or was not written over a file, is exit 1 (a kind that
                # cannot be marked, .xls or .doc, is only said)
                unmarked += isinstance(exc, CannotWrite) or isinstance(exc.__cause__, FileExistsError)
                click.echo(f"formparse: {exc}", err=True)
    bad = [p for p in batch.problems if p.kind != "Duplicate"]
    n_warn = sum(1 for r in rows if r["code"] != "unreadable")
    click.echo(f"共 {len(batch.files)} 个文件：提示 {n_warn} 条，无法读取 {len(bad)} 个 / "
               f"{len(batch.files)} files, {n_warn} warnings, {len(bad)} unreadable", err=True)
    sys.exit(1 if bad or unmarked or (strict and n_warn) else 0)


def _refuse_check_outputs(target: Path, output: Path | None, highlight: Path | None) -> None:
    """Refuse, before a file is read, a report that exists (it is never replaced). A report or marked copies
    may lie in the folder checked: formparse stamps them, and the next run leaves them out."""
    words = None
    if output is not None and os.path.lexists(output):
        words = (output, "输出文件已存在，没有替换它；请换一个文件名或先删除它")
    if words is not None:
        click.echo(f"formparse: {shown(words[0])}: {words[1]}", err=True)
        sys.exit(1)
