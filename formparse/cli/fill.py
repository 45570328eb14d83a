"""``formparse fill``: write a record (the contract's JSON) into a form."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import FormparseError, os_words
from . import _Command, _fail, _schemas, _umask_mode, _usage


@click.command(name="fill", cls=_Command)
@click.argument("record_json", type=click.Path(dir_okay=False, readable=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, readable=False, path_type=Path), required=True,
              help="要写的 .xlsx 或 .docx / the .xlsx or .docx to write.")
@click.option("--template", type=click.Path(dir_okay=False, readable=False, path_type=Path),
              help="写入此文件的副本，而不是自带的空白表 / write into a copy of this file instead of the blank form.")
@click.option("--force", is_flag=True, help="OUTPUT 已存在时替换它 / replace OUTPUT if it exists.")
@click.option("--schema", "schema_files", multiple=True,
              type=click.Path(dir_okay=False, readable=False, path_type=Path),
              help="另加一个表式文件（.toml）/ also try this layout schema (repeatable).")
@click.pass_context
def fill_cmd(ctx: click.Context, record_json: Path, output: Path, template: Path | None, force: bool,
             schema_files: tuple[Path, ...]) -> None:
    """把 RECORD_JSON（约定的 JSON；- 表示标准输入）中的记录填入表格。未知或拼错的键、类型不对的值一并报错。
    Write the record in RECORD_JSON (the contract's JSON; - for stdin) into a form; unknown or misspelt
    keys and wrong types are refused, all listed at once.

    \b
    示例 / example:
      formparse fill 某局.json -o 某局.xlsx
    """
    from ..contract import loads
    from ..writer import SUFFIXES, fill

    if output.suffix.lower() == ".pdf":  # PDF is read only (issue 18)
        _usage(ctx, "PDF 只能读取，不能写入：请用 .xlsx 或 .docx / PDF is read only: write *.xlsx or *.docx")
    if output.suffix.lower() not in SUFFIXES:  # like convert and check: refused before anything is read
        _usage(ctx, f"不认识的输出类型 {output.suffix or '（无扩展名）'}：请用 .xlsx 或 .docx / "
                    "the form to write must be named *.xlsx or *.docx")
    extra = _schemas(schema_files, ctx.obj["debug"])
    try:
        text = sys.stdin.read() if str(record_json) == "-" else record_json.read_text(encoding="utf-8")
        record = loads(text)
    except OSError as exc:
        _fail(f"{record_json}: 无法读取：{os_words(exc)}", ctx.obj["debug"])
        return
    except (ValueError, json.JSONDecodeError) as exc:
        _fail(f"{record_json}: 不是符合约定的 JSON 记录 / not a record in the contract's JSON: {exc}", ctx.obj["debug"])
        return
    try:
        from ..schema import schema_for

        fill(record, output, template, schema=schema_for(record, extra), overwrite=force)
        _umask_mode(output)
    except FormparseError as exc:
        _fail(str(exc), ctx.obj["debug"])
        return
    except Exception as exc:
        _fail(f"{output}: 内部错误 {type(exc).__name__}: {exc}", ctx.obj["debug"])
        return
    click.echo(str(output), err=True)
