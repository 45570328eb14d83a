"""The ``formparse`` command: parse a form to JSON, fill a form from JSON, convert and check folders.

Exit codes: 0 done; 1 a file could not be read or written (convert: some files; check: unreadable
files, or any warning with --strict); 2 a usage error (unknown option, missing argument, an output
name of an unknown kind). Each command imports only what it needs, so ``parse`` starts quickly.
"""

from __future__ import annotations

import gc
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import click

from ..errors import FormparseError, os_words, shown

USAGE_ERROR = 2
_GC_PAUSED = False


def _started() -> None:
    """The command's modules are imported: the cyclic collector back on, and what the imports made moved out
    of its way for good (``gc.freeze``: modules, classes and functions live as long as the process anyway)."""
    global _GC_PAUSED
    if _GC_PAUSED:
        _GC_PAUSED = False
        gc.freeze()
        gc.enable()


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
    from ..generic import record_class
    from ..schema import load_schema_file

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


class _Root(_Group):
    """The ``formparse`` group: ``parse`` is defined here, every other command in a module of this package that
    is imported only when that command is run or listed (help), so a parse builds none of them."""

    LAZY = {"check": "folders", "convert": "folders", "fill": "fill", "schema": "schemas", "serve": "serve"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.LAZY:
            self.add_command(getattr(_commands(self.LAZY[cmd_name]), _ATTRS[cmd_name]), cmd_name)
            _started()
        return self.commands.get(cmd_name)


# the function a lazily loaded command is in its module (kept importable from here, see __getattr__)
_ATTRS = {"check": "check_cmd", "convert": "convert_cmd", "fill": "fill_cmd", "schema": "schema_group",
          "serve": "serve_cmd"}
_EXPORTS = {"fill_cmd": "fill", "convert_cmd": "folders", "check_cmd": "folders", "serve_cmd": "serve",
            "schema_group": "schemas", "schema_draft_cmd": "schemas", "schema_check_cmd": "schemas",
            "schema_contract_cmd": "schemas"}


def _commands(module: str) -> Any:
    """The module of this package that holds the commands of ``module``."""
    if module == "fill":
        from . import fill

        return fill
    if module == "folders":
        from . import folders

        return folders
    if module == "serve":
        from . import serve

        return serve
    from . import schemas

    return schemas


def __getattr__(name: str) -> Any:
    """The commands that moved to this package's modules, still importable from ``formparse.cli``."""
    if name in _EXPORTS:
        return getattr(_commands(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"]})
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
    from ..contract import dumps, to_dict
    from ..reader import ERROR, read, read_all
    from ..schema import load_schema_file

    _started()

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
    global _GC_PAUSED
    if args is None and gc.isenabled():  # the command line's own process (a caller's args: its process, not ours)
        # start-up makes tens of thousands of objects that live as long as the process; the collector ran ~35
        # times over them (≈ 5 % of a parse): paused until the command's imports are done, see _started
        gc.disable()
        _GC_PAUSED = True
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
