"""``formparse serve``: the clerk's desk, a local web page to collect, check and export submissions.

It uses the standard library only (``http.server``), so ``pip install formparse`` serves without any other
package. See docs/serve.md for the page and the JSON API.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ._desk import Desk, ServeLimits
from ._http import Server, is_loopback

__all__ = ["Desk", "ServeLimits", "Server", "running", "serve"]


@contextmanager
def running(inbox: str | os.PathLike[str] | None = None, store: str | None = None, *, host: str = "127.0.0.1",
            port: int = 0, limits: ServeLimits | None = None, workers: int | None = None,
            poll: float = 2.0, schemas: Any = ()) -> Iterator[Server]:
    """A server answering in a background thread (tests, notebooks); stopped and its workspace removed on exit."""
    desk = Desk(store, inbox, limits=limits, workers=workers, poll=poll, schemas=schemas)
    old_tmp = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(desk.tmp)  # worker processes and LibreOffice keep their temporary files inside
    try:
        server = Server(desk, host, port)
    except BaseException:
        _restore(old_tmp)
        desk.close()
        raise
    desk.start()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        desk.close()
        _restore(old_tmp)


def _restore(old: str | None) -> None:
    if old is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = old


def serve(inbox: str | os.PathLike[str] | None = None, store: str | None = None, *, host: str = "127.0.0.1",
          port: int = 8765, say: Callable[[str], Any] = print, limits: ServeLimits | None = None,
          schemas: Any = ()) -> None:
    """Serve until Ctrl-C (or SIGTERM); then stop cleanly, removing the workspace (the store stays if given).
    ``schemas``: the user's own forms (Schema objects, schema files or ids), read besides the bundled ones."""
    desk = Desk(store, inbox, limits=limits, schemas=schemas)
    os.environ["TMPDIR"] = str(desk.tmp)
    try:
        server = Server(desk, host, port)
    except BaseException:
        desk.close()
        raise

    def stop(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    # SIGINT too: a server started in the background of a script inherits Ctrl-C ignored, and must still stop
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        desk.start()
        if not is_loopback(host):
            say(f"警告：绑定在 {host}，局域网中的其他电脑也能打开这个页面并看到所有申报 / warning: bound to {host}: "
                "other machines on the network can open this page and see every submission")
        say(f"formparse 收件台 / clerk's desk: {server.url}")
        if inbox is not None:
            say(f"收件箱 / inbox: {inbox}（新文件会自动读取 / new files are read as they arrive）")
        say(f"令牌 / API token: {server.token}")
        say(f"工作区 / workspace: {desk.workspace}（退出时删除 / removed on exit）")
        say("按 Ctrl-C 停止 / press Ctrl-C to stop")
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.server_close()
        desk.close()
        say("已停止 / stopped")
