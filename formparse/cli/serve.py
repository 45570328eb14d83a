"""``formparse serve``: the clerk's desk, a local web page over a store."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import os_words
from . import _Command, _fail, _must_exist, _schemas, _usage


@click.command(name="serve", cls=_Command)
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
    from ..errors import StoreError
    from ..serve import serve

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
