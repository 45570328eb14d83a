"""The ``formparse`` command: parse a form to JSON, fill a form from JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .contract import dumps, loads
from .errors import FormparseError
from .reader import read
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
@click.pass_context
def parse(ctx: click.Context, file: Path, compact: bool) -> None:
    """Print the record in FILE as the contract's JSON."""
    try:
        record = read(file)
    except FormparseError as exc:
        _fail(str(exc), ctx.obj["debug"])
        return
    except Exception as exc:  # a bug of ours: still one line, never a traceback unless asked
        _fail(f"{file}: 内部错误 {type(exc).__name__}: {exc}", ctx.obj["debug"])
        return
    click.echo(dumps(record, indent=None if compact else 2))


@cli.command(name="fill")
@click.argument("record_json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The .xlsx or .docx to write.")
@click.option("--template", type=click.Path(dir_okay=False, path_type=Path),
              help="Write into a copy of this file instead of the bundled blank form.")
@click.pass_context
def fill_cmd(ctx: click.Context, record_json: Path, output: Path, template: Path | None) -> None:
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
    try:
        fill(record, output, template)
    except FormparseError as exc:
        _fail(str(exc), ctx.obj["debug"])
        return
    except Exception as exc:
        _fail(f"{output}: 内部错误 {type(exc).__name__}: {exc}", ctx.obj["debug"])
        return
    click.echo(str(output), err=True)


def main() -> None:
    cli(prog_name="formparse")
