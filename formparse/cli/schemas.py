"""``formparse schema draft|check|contract``: layout schemas drafted from a blank form, tried, described."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from ..errors import FormparseError, os_words
from . import _fail, _Group, _umask_mode, _usage


@click.group(name="schema", cls=_Group)
def schema_group() -> None:
    """从空白表起草版式描述（schema），并在填好的表上试读。
    Draft a layout schema from a blank form, and try it on filled-in files.

    \b
    示例 / example:
      formparse schema draft 空白表.xlsx -o schemas/新表.toml
      formparse schema check schemas/新表.toml 某局.xlsx 某局.docx
    """


@schema_group.command(name="draft")
@click.argument("blank", type=click.Path(dir_okay=False, readable=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, readable=False, path_type=Path), required=True,
              help="要写的 .toml / the .toml to write.")
@click.option("--id", "schema_id", help="版式的 id（默认取输出文件名）/ the schema's id (default: OUTPUT's name).")
@click.option("--force", is_flag=True, help="OUTPUT 已存在时替换它 / replace OUTPUT if it exists.")
@click.pass_context
def schema_draft_cmd(ctx: click.Context, blank: Path, output: Path, schema_id: str | None, force: bool) -> None:
    """从空白表 BLANK（.xlsx/.docx）起草版式描述：有字的格是标签，空格是填写处；块（栏目、横排、列表、
    表格）按表格的样子推测，键名按顺序编号（f1、g1.h1、t1.c1…），类型都是 text。请核对后再用。
    Propose a schema from the blank form BLANK: text cells are labels, blank cells value places; blocks are
    guessed from the grid, keys numbered in reading order, every type text. Review it before use.

    \b
    示例 / example:
      formparse schema draft 附件2空白表.docx -o schemas/project-draft.toml
    """
    if output.suffix.lower() != ".toml":
        _usage(ctx, f"输出文件应以 .toml 结尾：{output}")
    from ..atomic import write_atomically
    from ..backends import open_grids
    from ..draft import draft_schema

    debug = ctx.find_root().obj["debug"]
    try:
        try:  # the blank it was drafted from is the form `fill` writes into (a path from the schema's folder)
            template = os.path.relpath(os.path.abspath(blank), os.path.abspath(output.parent))
        except ValueError:  # another drive (Windows)
            template = os.path.abspath(blank)
        text = draft_schema(open_grids(str(blank)), schema_id=schema_id or output.stem, source=blank.name,
                            template=template)
        write_atomically(output, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"), overwrite=force)
        _umask_mode(output)
    except FileExistsError:
        _fail(f"{output}: 已存在（加 --force 替换）/ exists (use --force to replace it)", debug)
        return
    except OSError as exc:
        _fail(f"{output}: 无法写入：{os_words(exc)}", debug)
        return
    except FormparseError as exc:
        _fail(str(exc), debug)
        return
    blocks = text.count("[[blocks]]")
    click.echo(f"已起草 {blocks} 个块 / drafted {blocks} blocks: {output}", err=True)


@schema_group.command(name="check")
@click.argument("schema_file", type=click.Path(dir_okay=False, readable=False, path_type=Path))
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, readable=False, path_type=Path))
@click.pass_context
def schema_check_cmd(ctx: click.Context, schema_file: Path, files: tuple[Path, ...]) -> None:
    """用版式描述 SCHEMA_FILE 定位每个 FILE：列出找到的每个标签及其单元格、值单元格和值，以及未读取的内容。
    Locate SCHEMA_FILE on each FILE: every label found with its cell, its value cell and value, and what is
    left unread. Exit code 1 when a file cannot be read with it.

    \b
    示例 / example:
      formparse schema check schemas/新表.toml 某局.xlsx 某局.docx
    """
    from ..backends import open_grids
    from ..draft import describe
    from ..reader import best_layout
    from ..schema import parse_schema

    debug = ctx.find_root().obj["debug"]
    try:
        schema = parse_schema(schema_file.read_text(encoding="utf-8"), source=str(schema_file))
    except OSError as exc:
        _fail(f"{schema_file}: 无法读取：{os_words(exc)}", debug)
        return
    except UnicodeDecodeError:
        _fail(f"{schema_file}: 不是 UTF-8 文本 / not UTF-8 text", debug)
        return
    except FormparseError as exc:
        _fail(str(exc), debug)
        return
    failed = 0
    for file in files:
        try:
            grids = open_grids(str(file))
            index, layout = best_layout(grids, schema, str(file))
            lines = describe(layout, schema)
        except FormparseError as exc:
            click.echo(f"formparse: {exc}", err=True)
            failed += 1
            continue
        except Exception as exc:  # a bug of ours: one line, the batch goes on
            if debug:
                raise
            click.echo(f"formparse: {file}: 内部错误 {type(exc).__name__}: {exc}", err=True)
            failed += 1
            continue
        where = f"（第 {index + 1} 个表格/工作表 / grid {index + 1}）" if len(grids) > 1 else ""
        click.echo(f"== {file}{where}")
        for line in lines:
            click.echo(line)
    if failed:
        sys.exit(1)


@schema_group.command(name="contract")
@click.argument("schema_file", type=click.Path(dir_okay=False, readable=False, path_type=Path))
@click.pass_context
def schema_contract_cmd(ctx: click.Context, schema_file: Path) -> None:
    """打印 SCHEMA_FILE 所描述的表读出的 JSON 的约定（JSON Schema）：每个键、类型和表上的标签。
    Print the JSON Schema of the JSON `formparse parse --schema SCHEMA_FILE` prints: every key, its type
    and the form's label.

    \b
    示例 / example:
      formparse schema contract self.toml > self.schema.json
    """
    from ..schema import load_schema

    debug = ctx.find_root().obj["debug"]
    try:
        schema = load_schema(schema_file)
        if schema.record is not None:
            from ..contract import json_schema_of

            contract = json_schema_of(schema)
        else:
            from ..generic import json_schema

            contract = json_schema(schema)
    except FormparseError as exc:
        _fail(str(exc), debug)
        return
    click.echo(json.dumps(contract, ensure_ascii=False, indent=2))

