"""The ``formparse`` command: parse a form to JSON, fill a form from JSON, convert and check folders.

Exit codes: 0 done; 1 a file could not be read or written (convert: some files; check: unreadable
files, or any warning with --strict); 2 a usage error (unknown option, missing argument, an output
name of an unknown kind). Each command imports only what it needs, so ``parse`` starts quickly.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import click

from .errors import CannotWrite, FormparseError, os_words, shown

USAGE_ERROR = 2


def _fail(message: str, debug: bool) -> None:
    if debug:
        raise
    click.echo(f"formparse: {message}", err=True)
    sys.exit(1)


def _usage(ctx: click.Context, message: str) -> None:
    """A usage error of ours, reported like click's (in Chinese), exit code 2."""
    raise click.UsageError(message, ctx)


def _must_exist(path: Path) -> None:
    """An input that is not there is a file that cannot be read (exit 1), for every command alike."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        click.echo(f"formparse: {shown(path)}: 找不到该文件或文件夹 / no such file or folder", err=True)
        sys.exit(1)
    except OSError as exc:  # a name too long, a loop of links, …: said, not a traceback
        click.echo(f"formparse: {shown(path)}: {os_words(exc)}", err=True)
        sys.exit(1)


def _schemas(files: tuple[Path, ...], debug: bool) -> list[Any]:
    """The schemas of ``--schema FILE`` options, loaded (a bad file: its name, key and line, exit 1)."""
    if not files:
        return []
    from .generic import record_class
    from .schema import load_schema_file

    out = []
    for path in files:
        try:
            schema = load_schema_file(path)
            if schema.record is None:
                record_class(schema)  # its JSON's "schema" tag is known from now on (fill)
            out.append(schema)
        except FormparseError as exc:
            _fail(str(exc), debug)
    return out


def _umask_mode(path: Path) -> None:
    """Give a file we just wrote the permissions the user's umask asks for: atomic writes go through a
    temporary file, which mkstemp makes 0600. (convert's outputs are opened normally: already right.)"""
    mask = os.umask(0)
    os.umask(mask)
    try:
        if path.is_file():
            os.chmod(path, 0o666 & ~mask)
    except OSError:
        pass


class _Formatter(click.HelpFormatter):
    """click's help, its headings in Chinese and English."""

    SECTIONS = {"Options": "选项 / Options", "Commands": "命令 / Commands", "Arguments": "参数 / Arguments"}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "用法 / Usage: " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(self.SECTIONS.get(heading, heading))


class _Context(click.Context):
    formatter_class = _Formatter


def _bilingual_help(cmd: click.Command, ctx: click.Context) -> click.Option | None:
    opt = click.Command.get_help_option(cmd, ctx)
    if opt is not None:
        opt.help = "显示此帮助并退出 / show this message and exit."
    return opt


class _Command(click.Command):
    context_class = _Context

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _bilingual_help(self, ctx)


class _Group(click.Group):
    context_class = _Context
    command_class = _Command

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _bilingual_help(self, ctx)


_Group.group_class = _Group


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="formparse", message="%(prog)s %(version)s",
                      help="显示版本并退出 / show the version and exit.")
@click.option("--debug", is_flag=True, help="出错时显示 Python 调用栈 / show the traceback when something fails.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """读取填好的附件1（部门整体支出）和附件2（项目支出）绩效目标申报表（.xlsx/.docx，旧版 .doc/.xls），
    汇总、检查，并按记录填写官方表格。
    Read filled-in 附件1 and 附件2 forms into JSON and tables, check them, fill official forms from JSON.

    \b
    退出码 / exit codes:
      0  完成 / done
      1  有文件无法读取或写入（check 加 --strict 时，有提示也算；parse --partial 时，有读不出的栏目）/
         a file could not be read or written (check --strict: a warning; parse --partial: a field not read)
      2  用法错误 / usage error

    每个命令的帮助与示例 / help and an example for each command: formparse COMMAND -h
    """
    ctx.obj = {"debug": debug}


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, readable=False, path_type=Path))
@click.option("--compact", is_flag=True, help="JSON 写成一行 / one line of JSON instead of indented.")
@click.option("--password", help="打开加密文件（需 msoffcrypto-tool）/ open a password-protected file.")
@click.option("--all", "every", is_flag=True,
              help="文件中的每一张表（附件1 与多张附件2），打印为 JSON 数组 / every form in FILE, as a JSON array.")
@click.option("--schema", "schema_files", multiple=True,
              type=click.Path(dir_okay=False, readable=False, path_type=Path),
              help="另加一个表式文件（.toml）/ also try this layout schema (repeatable).")
@click.option("--partial", is_flag=True,
              help="读出能读的部分：读不出的栏目为 null，逐条列为错误（stderr），有错误时退出码为 1 / print what "
                   "could be read, fields that could not be read null, each listed as an error on stderr "
                   "(exit 1 when there is one).")
@click.pass_context
def parse(ctx: click.Context, file: Path, compact: bool, password: str | None, every: bool,
          schema_files: tuple[Path, ...], partial: bool) -> None:
    """把 FILE 中的申报表打印为约定的 JSON（提示写到 stderr）；自动识别是哪一张表（附件1、附件2 …）。
    Print the form in FILE as the contract's JSON (warnings on stderr); which form it is, is recognised.

    \b
    示例 / example:
      formparse parse 附件1-2020-某局.docx > 某局.json
      formparse parse --all 申报材料.docx > 全部.json
      formparse parse --partial 某局.xlsx > 某局.json   # 读不出的栏目为 null，错误写到 stderr，退出码 1
    """
    from .contract import dumps, to_dict
    from .reader import ERROR, read, read_all
    from .schema import load_schema_file

    def report(where: str, warnings: list) -> int:
        for warning in warnings:
            click.echo(f"{'错误' if warning.code == ERROR else '提示'} {where}: {warning}", err=True)
        return sum(1 for w in warnings if w.code == ERROR)

    try:
        extra = [load_schema_file(p) for p in schema_files]
        if every:
            found = read_all(file, schemas=extra, password=password, partial=partial)
            click.echo(json.dumps([to_dict(f.record) for f in found], ensure_ascii=False,
                                  indent=None if compact else 2))
            errors = sum(report(f"{file} {f.where}", f.record.warnings) for f in found)
            if errors:
                sys.exit(1)
            return
        record = read(file, schemas=extra, password=password, partial=partial)
    except FormparseError as exc:
        _fail(str(exc), ctx.obj["debug"])
        return
    except Exception as exc:  # a bug of ours: still one line, never a traceback unless asked
        _fail(f"{file}: 内部错误 {type(exc).__name__}: {exc}", ctx.obj["debug"])
        return
    click.echo(dumps(record, indent=None if compact else 2))
    if report(str(file), record.warnings):
        sys.exit(1)


@cli.command(name="fill")
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
    from .contract import loads
    from .writer import SUFFIXES, fill

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
        from .schema import schema_for

        fill(record, output, template, schema=schema_for(record, extra), overwrite=force)
        _umask_mode(output)
    except FormparseError as exc:
        _fail(str(exc), ctx.obj["debug"])
        return
    except Exception as exc:
        _fail(f"{output}: 内部错误 {type(exc).__name__}: {exc}", ctx.obj["debug"])
        return
    click.echo(str(output), err=True)


@cli.command(name="convert")
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
    from .export import convert, is_store, output_format

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


@cli.command(name="check")
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
    from .folder import read_folder
    from .report import warning_rows, write_report

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
        from .backends.highlight import highlight as mark

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


@cli.command(name="serve")
@click.argument("inbox", required=False, type=click.Path(readable=False, path_type=Path))
@click.option("--store", metavar="台账.sqlite|postgresql://…",
              help="台账：保留每次收到的申报（默认只在本次运行的临时工作区中，退出时删除）/ a ledger kept after "
                   "exit (default: a store in this run's workspace, removed on exit).")
@click.option("--port", type=int, default=8765, show_default=True, help="端口 / the port.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="绑定的地址；不是本机地址时会警告 / the address to bind (a warning when it is not loopback).")
@click.option("--schema", "schema_files", multiple=True,
              type=click.Path(dir_okay=False, readable=False, path_type=Path),
              help="另加一个表式文件（.toml）/ also try this layout schema (repeatable).")
@click.pass_context
def serve_cmd(ctx: click.Context, inbox: Path | None, store: str | None, port: int, host: str,
              schema_files: tuple[Path, ...]) -> None:
    """打开收件台：本机网页，拖入申报表即读取、检查，可看每一份的表格与提示、各版本，下载汇总与问题清单。
    INBOX 文件夹在启动时读取，之后有新文件自动读取。按 Ctrl-C 停止。
    Open the clerk's desk: a local web page to add submissions (drag and drop), see each one's grid with its
    warnings, its versions, and download the summary and the problems. INBOX is read at start and watched.

    \b
    示例 / example:
      formparse serve 收件箱/
      formparse serve 收件箱/ --store 台账.sqlite --port 8800
    """
    from .errors import StoreError
    from .serve import serve

    if inbox is not None:
        _must_exist(inbox)
    if not 0 <= port <= 65535:
        _usage(ctx, f"端口 {port} 不在 0–65535 之间 / the port must be 0–65535")
    extra = _schemas(schema_files, ctx.obj["debug"])
    try:
        serve(inbox, store, host=host, port=port, say=click.echo, schemas=extra)
    except StoreError as exc:
        _fail(str(exc), ctx.obj["debug"])
    except OSError as exc:
        _fail(f"{host}:{port}: 无法开始服务：{os_words(exc)} / cannot serve", ctx.obj["debug"])


@cli.group(name="schema")
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
    from .atomic import write_atomically
    from .backends import open_grids
    from .draft import draft_schema

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
    from .backends import open_grids
    from .draft import describe
    from .reader import best_layout
    from .schema import parse_schema

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
    from .schema import load_schema

    debug = ctx.find_root().obj["debug"]
    try:
        schema = load_schema(schema_file)
        if schema.record is not None:
            from .contract import json_schema_of

            contract = json_schema_of(schema)
        else:
            from .generic import json_schema

            contract = json_schema(schema)
    except FormparseError as exc:
        _fail(str(exc), debug)
        return
    click.echo(json.dumps(contract, ensure_ascii=False, indent=2))


# click's words for a bad value, in Chinese (its English follows in the message)
_CLICK_WORDS = (
    (r"^'(.*)' is not a valid integer", "的值“{}”不是整数"),
    (r"^'(.*)' is not a valid float", "的值“{}”不是数字"),
    (r"^'(.*)' is not one of (.*)\.$", "的值“{}”不在可选值 {} 之中"),
    (r"^(?:File|Directory|Path) '(.*)' is a directory", "“{}”是文件夹，应为文件"),
    (r"^(?:File|Directory|Path) '(.*)' is a file", "“{}”是文件，应为文件夹"),
)


def _in_chinese(exc: click.UsageError) -> str:
    """click's usage error in Chinese, with click's English after it."""
    en = exc.format_message()
    if isinstance(exc, click.MissingParameter):
        what = "参数" if isinstance(exc.param, click.Argument) or exc.param_type == "argument" else "选项"
        name = exc.param.get_error_hint(exc.ctx) if exc.param is not None and exc.ctx is not None else ""
        return f"缺少{what} {name} / {en}"
    if isinstance(exc, click.NoSuchOption):
        near = f"（是不是 {'、'.join(exc.possibilities)}？）" if exc.possibilities else ""
        return f"没有选项 {exc.option_name}{near} / {en}"
    if isinstance(exc, click.BadParameter):
        name = exc.param.get_error_hint(exc.ctx) if exc.param is not None and exc.ctx is not None else ""
        why = exc.message
        for pattern, words in _CLICK_WORDS:
            m = re.search(pattern, why)
            if m:
                why = words.format(*m.groups())
                break
        else:
            why = "取值无效"
        return f"{name} {why} / {en}"
    if isinstance(exc, click.BadOptionUsage):
        return f"选项 {exc.option_name} 用法有误 / {en}"
    if en.startswith("No such command"):
        return f"没有这个命令 / {en}"
    if en.startswith("Got unexpected extra argument"):
        return f"多余的参数 / {en}"
    return en  # ours are already in Chinese


def main(args: list[str] | None = None) -> None:
    try:
        code = cli.main(args, prog_name="formparse", standalone_mode=False)
    except click.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError" and exc.ctx is not None:  # plain `formparse`: the help
            click.echo(exc.ctx.get_help())
            sys.exit(0)
        if exc.ctx is not None:
            click.echo(exc.ctx.get_usage(), err=True)
            cmd = exc.ctx.command_path
            click.echo(f"请运行 / try: {cmd} -h", err=True)
        click.echo(f"用法错误 / usage error: {_in_chinese(exc)}", err=True)
        sys.exit(USAGE_ERROR)
    except click.Abort:
        click.echo("已中止 / aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
