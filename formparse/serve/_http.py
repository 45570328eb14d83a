"""The HTTP side of ``formparse serve``: the standard library's threading server, the page and the JSON API.

Every request's Host must be the address the server was bound to (a page of another site whose name was
pointed at 127.0.0.1 — DNS rebinding — is refused). A request that changes anything (POST) must also
carry the run's token twice: in the ``X-Formparse-Token`` header and in the ``fp_token`` cookie
(SameSite=Strict, HttpOnly), and its Origin, when sent, must be this server; browsers send neither the
header nor the cookie from another site. Every answer forbids framing, sniffing and any script, style or
request that is not this server's (Content-Security-Policy): the page draws cell text only through
``textContent``, never as HTML.
"""

from __future__ import annotations

import html
import ipaddress
import json
import secrets
import socket
import socketserver
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from . import _api
from ._desk import Desk
from ._multipart import BadUpload, TooLarge, boundary_of, read_multipart

STATIC = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8",
          "index.html": "text/html; charset=utf-8"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
TOKEN_HEADER = "X-Formparse-Token"
COOKIE = "fp_token"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _static(name: str) -> bytes:
    return resources.files("formparse.serve").joinpath("static", name).read_bytes()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, desk: Desk, host: str, port: int) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host.strip("[]"), port), Handler)
        self.desk = desk
        self.token = secrets.token_urlsafe(32)
        self.host = host
        self.port = self.server_address[1]
        shown_host = f"[{host.strip('[]')}]" if ":" in host else host
        self.url = f"http://{shown_host}:{self.port}/"
        names = {shown_host.lower()}
        if is_loopback(host):
            names |= {"localhost", "127.0.0.1", "[::1]"}
        else:  # bound to a LAN address: the machine's own names and any IP literal
            names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
        self.hosts = {f"{n}:{self.port}" for n in names}
        self.any_ip = not is_loopback(host)

    def host_ok(self, value: str | None) -> bool:
        if not value:
            return False
        value = value.strip().lower()
        if value in self.hosts:
            return True
        if self.any_ip:
            name, _, port = value.rpartition(":")
            if port == str(self.port):
                try:
                    ipaddress.ip_address(name.strip("[]"))
                    return True
                except ValueError:
                    return False
        return False


class Handler(BaseHTTPRequestHandler):
    server: Server
    server_version = "formparse"
    sys_version = ""
    timeout = 120  # a connection that sends nothing for this long is closed (a stalled client holds no thread)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the standard library's name
        pass  # the console shows the address and errors only

    # -- answers ------------------------------------------------------------------------------------

    def _headers(self, code: int, ctype: str, length: int, extra: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(length))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("Cache-Control", "no-store")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()

    def _bytes(self, code: int, data: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
        self._headers(code, ctype, len(data), extra)
        if self.command != "HEAD":
            self.wfile.write(data)

    def _json(self, code: int, value: Any, extra: dict[str, str] | None = None) -> None:
        data = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogateescape")
        self._bytes(code, data, "application/json; charset=utf-8", extra)

    def _error(self, code: int, message: str, close: bool = False) -> None:
        if close:
            self.close_connection = True
        self._json(code, {"error": message}, {"Connection": "close"} if close else None)

    def _file(self, path: Path, ctype: str, name: str) -> None:
        data = path.read_bytes()
        self._bytes(200, data, ctype, {"Content-Disposition": disposition(name)})

    # -- checks -------------------------------------------------------------------------------------

    def _host_ok(self) -> bool:
        if self.server.host_ok(self.headers.get("Host")):
            return True
        self._error(421, "Host 不是本服务的地址（防 DNS 重绑定）/ the Host is not this server's address", close=True)
        return False

    def _cross_site_ok(self) -> bool:
        """A state-changing request: token header and cookie, same origin, not from another site."""
        origin = self.headers.get("Origin")
        if origin is not None:
            parts = urlsplit(origin)
            if parts.scheme != "http" or not self.server.host_ok(parts.netloc) or \
                    parts.netloc.lower() != (self.headers.get("Host") or "").lower():
                self._error(403, "来自其他网站的请求被拒绝 / a cross-site request was refused", close=True)
                return False
        site = self.headers.get("Sec-Fetch-Site")
        if site is not None and site not in ("same-origin", "none"):
            self._error(403, "来自其他网站的请求被拒绝 / a cross-site request was refused", close=True)
            return False
        token = self.server.token
        header = self.headers.get(TOKEN_HEADER) or ""
        cookie = ""
        for part in (self.headers.get("Cookie") or "").split(";"):
            k, _, v = part.strip().partition("=")
            if k == COOKIE:
                cookie = v
        if not (secrets.compare_digest(header, token) and secrets.compare_digest(cookie, token)):
            self._error(403, f"缺少或错误的令牌（{TOKEN_HEADER} 与 Cookie {COOKIE}）/ missing or wrong token",
                        close=True)
            return False
        return True

    # -- routes -------------------------------------------------------------------------------------

    def do_HEAD(self) -> None:  # noqa: N802 - the standard library's name
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        if not self._host_ok():
            return
        path = urlsplit(self.path).path
        query = urlsplit(self.path).query
        desk = self.server.desk
        try:
            if path in ("/", "/index.html"):
                page = _static("index.html").decode("utf-8").replace("{{TOKEN}}", html.escape(self.server.token))
                cookie = f"{COOKIE}={self.server.token}; Path=/; SameSite=Strict; HttpOnly"
                self._bytes(200, page.encode("utf-8"), STATIC["index.html"], {"Set-Cookie": cookie})
            elif path.startswith("/static/") and path[8:] in STATIC and path[8:] != "index.html":
                self._bytes(200, _static(path[8:]), STATIC[path[8:]])
            elif path == "/favicon.ico":
                self._bytes(204, b"", "image/x-icon")
            elif path == "/api/status":
                self._json(200, {"generation": desk.generation, "pending": desk.pending, "read": desk.read_count,
                                 "inbox": str(desk.inbox) if desk.inbox is not None else None,
                                 "store": desk.store_target if desk.kept_store else None,
                                 "limits": {"max_file_bytes": desk.limits.max_file_bytes,
                                            "max_files": desk.limits.max_files,
                                            "max_request_bytes": desk.limits.max_request_bytes}})
            elif path == "/api/files":
                self._json(200, _api.rows(desk))
            elif path == "/api/summary.xlsx":
                self._made(lambda out: _api.summary_xlsx(desk, out), ".xlsx", "汇总.xlsx")
            elif path == "/api/problems.xlsx":
                self._made(lambda out: _api.problems_xlsx(desk, out), ".xlsx", "问题清单.xlsx")
            elif path == "/api/marked.zip":
                self._made(lambda out: _api.marked_zip(desk, out), ".zip", "标注副本.zip")
            elif path.startswith("/api/files/"):
                self._file_route(path[len("/api/files/"):].split("/"), "download=1" in query.split("&"))
            else:
                self._error(404, "没有这个地址 / not found")
        except _api.NotFound:
            self._error(404, "没有这份申报 / no such submission")
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as exc:  # a bug of ours: one JSON line, the server goes on
            self._error(500, f"内部错误 / internal error: {type(exc).__name__}: {exc}")

    def _file_route(self, parts: list[str], download: bool) -> None:
        desk = self.server.desk
        ident = parts[0]
        what = parts[1] if len(parts) > 1 else ""
        if len(parts) > 2:
            raise _api.NotFound(ident)
        if what == "":
            self._json(200, _api.one(desk, ident))
        elif what == "record":
            data = _api.record_json(desk, ident).encode("utf-8", "surrogateescape")
            row = _api._row(desk, ident)
            extra = {"Content-Disposition": disposition(_stem(row["file"]) + ".json")} if download else None
            self._bytes(200, data, "application/json; charset=utf-8", extra)
        elif what == "grid":
            self._json(200, _api.grid(desk, ident))
        elif what == "versions":
            self._json(200, _api.versions(desk, ident))
        elif what == "original":
            path, name = _api.original(desk, ident)
            self._file(path, "application/octet-stream", name)
        else:
            raise _api.NotFound(ident)

    def _made(self, make: Any, suffix: str, name: str) -> None:
        """A download written to the workspace first, then sent (and removed)."""
        desk = self.server.desk
        out = desk.fresh_path(desk.tmp, suffix)
        try:
            make(out)
            ctype = ("application/zip" if suffix == ".zip" else
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            self._file(out, ctype, name)
        finally:
            out.unlink(missing_ok=True)

    def do_POST(self) -> None:  # noqa: N802
        if not self._host_ok() or not self._cross_site_ok():
            return
        path = urlsplit(self.path).path
        try:
            if path == "/api/files":
                self._upload()
            else:
                self._error(404, "没有这个地址 / not found", close=True)
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as exc:
            self._error(500, f"内部错误 / internal error: {type(exc).__name__}: {exc}", close=True)

    def _upload(self) -> None:
        desk = self.server.desk
        limits = desk.limits
        if self.headers.get("Transfer-Encoding"):
            self._error(411, "请给出 Content-Length（不接受分块上传）/ Content-Length required", close=True)
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._error(411, "请给出 Content-Length / Content-Length required", close=True)
            return
        if length < 0 or length > limits.max_request_bytes:
            self._error(413, f"一次上传不能超过 {limits.max_request_bytes} 字节 / the upload is over "
                             f"{limits.max_request_bytes} bytes", close=True)
            return
        try:
            boundary = boundary_of(self.headers.get("Content-Type", ""))
        except BadUpload as exc:
            self._error(400, str(exc), close=True)
            return
        temps: list[Path] = []

        def open_part(_index: int, _name: str) -> Any:
            tmp = desk.fresh_path(desk.incoming)  # never the name sent
            temps.append(tmp)
            return open(tmp, "wb")

        try:
            files, _fields = read_multipart(self.rfile, length, boundary, max_parts=limits.max_files,
                                            max_part=limits.max_file_bytes, open_part=open_part)
        except TooLarge as exc:
            for t in temps:
                t.unlink(missing_ok=True)
            self._error(413, str(exc), close=True)
            return
        except (BadUpload, OSError, TimeoutError) as exc:
            for t in temps:
                t.unlink(missing_ok=True)
            self._error(400, str(exc) if isinstance(exc, BadUpload) else f"上传中断 / upload failed: {exc}",
                        close=True)
            return
        if not files:
            self._error(400, "请求中没有文件 / no file in the request")
            return
        items = [desk.keep(tmp, name) for tmp, (_field, name) in zip(temps, files, strict=True)]
        job = desk.submit(items)
        while not job.done.wait(0.5):
            if desk.stopping.is_set() or not desk.threads[0].is_alive():
                self._error(503, "服务正在关闭 / shutting down", close=True)
                return
        self._json(200, _api.received(desk, items))


def _stem(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[0] if "." in base else base


def disposition(name: str) -> str:
    """An attachment header for a name that is only data: an ASCII fallback and the exact name (RFC 6266)."""
    base = name.rsplit("/", 1)[-1] or "download"
    fallback = "".join(ch if 32 < ord(ch) < 127 and ch not in '"\\;%' else "_" for ch in base)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(base, safe='')}"


__all__ = ["Server", "is_loopback", "socketserver"]
