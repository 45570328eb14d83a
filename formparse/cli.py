"""The ``formparse`` command: parse a form to JSON, fill a form from JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from .contract import dumps, loads
from .errors import CannotFill, FormparseError
from .reader import read
from .records import Record
from .writer import fill


def _fail(message: str, debug: bool) -> None:
    if debug:
        raise
    click.echo(f"formparse: {message}", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="formparse")
@click.option("--debug", is_flag=True, help="Show the Python traceback when something fails.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Read filled-in 附件1 forms (.xlsx/.docx) into JSON and fill official forms from JSON."""
    ctx.obj = {"debug": debug}


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--compact", is_flag=True, help="One line of JSON instead of indented.")
@click.option("--password", help="Open a password-protected file (needs msoffcrypto-tool).")
@click.pass_context
def parse(ctx: click.Context, file: Path, compact: bool, password: str | None) -> None:
    """Print the record in FILE as the contract's JSON."""
    try:
        record = read(file, password=password)
    except FormparseError as exc:
        _fail(str(exc), ctx.obj["debug"])
        return
    except Exception as exc:  # a bug of ours: still one line, never a traceback unless asked
        _fail(f"{file}: 内部错误 {type(exc).__name__}: {exc}", ctx.obj["debug"])
        return
    click.echo(dumps(record, indent=None if compact else 2))
    for warning in record.warnings:
        click.echo(f"提示 {file}: {warning}", err=True)


@cli.command(name="fill")
@click.argument("record_json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The .xlsx or .docx to write.")
@click.option("--template", type=click.Path(dir_okay=False, path_type=Path),
              help="Write into a copy of this file instead of the bundled blank form.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@click.pass_context
def fill_cmd(ctx: click.Context, record_json: Path, output: Path, template: Path | None, force: bool) -> None:
    """Write the record in RECORD_JSON (the contract's JSON; - for stdin) into a form."""
    try:
        text = sys.stdin.read() if str(record_json) == "-" else record_json.read_text(encoding="utf-8")
        record = loads(text)
    except OSError as exc:
        _fail(f"{record_json}: 无法读取 ({exc.strerror or exc})", ctx.obj["debug"])
        return
    except (ValueError, json.JSONDecodeError) as exc:
        _fail(f"{record_json}: 不是符合约定的 JSON 记录：{exc}", ctx.obj["debug"])
        return
    if not isinstance(record, Record):
        # Until the writer takes a record's schema from its class (issue 14), only 附件1 can be filled;
        # anything else would be written into the 附件1 form as blanks.
        try:
            raise CannotFill(f"暂不能填写 {type(record).__name__} 记录（目前只能填写附件1）", path=record_json)
        except CannotFill as exc:  # raised so that --debug shows it like every other failure
            _fail(str(exc), ctx.obj["debug"])
        return
    try:
        fill(record, output, template, overwrite=force)
    except FormparseError as exc:
        _fail(str(exc), ctx.obj["debug"])
        return
    except Exception as exc:
        _fail(f"{output}: 内部错误 {type(exc).__name__}: {exc}", ctx.obj["debug"])
        return
    click.echo(str(output), err=True)


@cli.command(name="convert")
@click.argument("folder", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="OUT.xlsx for one workbook; a folder for Parquet (or CSV with --format csv).")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "parquet", "csv"]), help="Default: by the output's name.")
@click.option("--labels", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Column headers: field names, or the form's Chinese labels (xlsx and csv).")
@click.option("--workers", type=int, help="Worker processes (default: one per CPU; 0: in this process).")
@click.option("--timeout", type=float, default=120.0, show_default=True, help="Seconds one file may take.")
@click.option("--no-recursive", is_flag=True, help="Only the folder itself, not its subfolders.")
@click.option("--dask-scheduler", metavar="ADDRESS", help="Run the reads on a Dask cluster (tcp://host:8786).")
@click.pass_context
def convert_cmd(ctx: click.Context, folder: Path, output: Path, fmt: str | None, labels: str, workers: int | None,
                timeout: float, no_recursive: bool, dask_scheduler: str | None) -> None:
    """Read every submission in FOLDER into tables: forms, goals, indicators, reviews, problems."""
    from .export import convert

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
        summary = convert(folder, output, fmt=fmt, labels=labels, workers=workers, executor=executor,
                          timeout=timeout, recursive=not no_recursive, progress=step, on_start=start)
    except (OSError, ValueError) as exc:
        _fail(f"{output}: {exc}", ctx.obj["debug"])
        return
    finally:
        if bar is not None:
            bar.close()
        if client is not None:
            client.close()
    click.echo(summary.line(), err=True)
    sys.exit(1 if summary.broken else 0)


@cli.command(name="check")
@click.argument("target", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the warnings as a table to this .xlsx (or .csv).")
@click.option("--workers", type=int, help="Worker processes for a folder (default: one per CPU).")
@click.option("--highlight", type=click.Path(file_okay=False, path_type=Path),
              help="Write a copy of each submission with warnings into this folder, problem cells marked.")
@click.pass_context
def check_cmd(ctx: click.Context, target: Path, output: Path | None, workers: int | None,
              highlight: Path | None) -> None:
    """Check one submission or a folder: totals, 成本指标 vs budget, staff, phones, year, blanks."""
    from .batch import read_folder
    from .report import warning_rows, write_report

    batch = read_folder(target, workers=workers)
    rows = warning_rows(batch)
    for row in rows:
        where = f" ({row['cell']})" if row["cell"] else ""
        click.echo(f"{row['file']}: {row['label']}{where}：{row['message']}")
    if output is not None:
        try:
            write_report(rows, output)
        except OSError as exc:
            _fail(f"{output}: {exc}", ctx.obj["debug"])
    if highlight is not None:
        from .backends.highlight import highlight as mark

        base = target if target.is_dir() else target.parent
        for file, record in batch.records.items():
            notes = [(w.cell, str(w)) for w in record.warnings if w.cell]
            if not notes:
                continue
            try:
                mark(base / file, highlight / file, notes)
            except FormparseError as exc:
                click.echo(f"formparse: {exc}", err=True)
    bad = [p for p in batch.problems if p.kind != "Duplicate"]
    n_warn = sum(1 for r in rows if r["code"] != "unreadable")
    click.echo(f"共 {len(batch.files)} 个文件：提示 {n_warn} 条，无法读取 {len(bad)} 个 / "
               f"{len(batch.files)} files, {n_warn} warnings, {len(bad)} unreadable", err=True)
    sys.exit(1 if rows else 0)


def main() -> None:
    cli(prog_name="formparse")
