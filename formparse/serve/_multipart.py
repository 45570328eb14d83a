"""A streaming ``multipart/form-data`` reader with caps, for uploads (RFC 7578).

The body is read from the socket in chunks and each file part written straight to a file the caller
names (never a name from the request); a part over ``max_part``, more parts than ``max_parts`` or a body
that ends early raise :class:`TooLarge` / :class:`BadUpload` at once, before anything is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import IO, Any

_CHUNK = 64 * 1024
_MAX_HEADERS = 16 * 1024  # one part's header block
_MAX_FIELD = 64 * 1024  # a part that is not a file (kept in memory)


class BadUpload(Exception):
    """The request is not a well-formed multipart body (said in Chinese)."""


class TooLarge(BadUpload):
    """A cap was exceeded."""


def boundary_of(content_type: str) -> bytes:
    """The boundary of a ``multipart/form-data`` Content-Type; BadUpload for anything else."""
    kind, _, params = content_type.partition(";")
    if kind.strip().lower() != "multipart/form-data":
        raise BadUpload("请求不是 multipart/form-data / not a multipart/form-data request")
    m = re.search(r'boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))', params, re.IGNORECASE)
    if not m:
        raise BadUpload("multipart 请求缺少 boundary / no boundary")
    return (m.group(1) or m.group(2)).encode("latin-1", "replace")


def _disposition(headers: bytes) -> tuple[str | None, str | None]:
    """(field name, file name) from a part's headers; the file name as the browser sent it (UTF-8)."""
    text = headers.decode("utf-8", "replace")  # a name that is not UTF-8 keeps U+FFFD, never a lone surrogate
    name = filename = None
    for line in text.split("\r\n"):
        key, _, value = line.partition(":")
        if key.strip().lower() != "content-disposition":
            continue
        for m in re.finditer(r';\s*([A-Za-z*]+)=("[^"]*"|[^;]*)', value):
            k, v = m.group(1).lower(), m.group(2).strip()
            if v.startswith('"') and v.endswith('"') and len(v) >= 2:
                v = v[1:-1]  # browsers send a backslash as it is and a quote as %22 (WHATWG), never escaped
            if k == "name":
                name = v
            elif k == "filename":
                filename = v
            elif k == "filename*" and "''" in v:  # RFC 5987: charset''percent-encoded
                from urllib.parse import unquote

                charset, _, encoded = v.partition("''")
                filename = unquote(encoded, encoding=charset or "utf-8", errors="replace")
    if filename is not None:
        # browsers write a quote in a name as %22 and a newline as %0A (WHATWG); the rest is UTF-8 as typed
        filename = filename.replace("%22", '"').replace("%0D", "\r").replace("%0A", "\n")
    return name, filename


def read_multipart(stream: Any, length: int, boundary: bytes, *, max_parts: int, max_part: int,
                   open_part: Callable[[int, str], IO[bytes]]) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Read ``length`` bytes of a multipart body from ``stream``.

    Each file part (a part with a ``filename``) is written to ``open_part(index, filename)`` (a file the
    caller opened, closed here). Returns ([(field name, file name)], {field: value} of the other parts).
    Raises TooLarge for more than ``max_parts`` file parts or one over ``max_part`` bytes, BadUpload for a
    malformed body.
    """
    remaining = length
    buf = b""

    def more() -> bool:
        nonlocal remaining, buf
        if remaining <= 0:
            return False
        chunk = stream.read(min(_CHUNK, remaining))
        if not chunk:
            raise BadUpload("上传中断：请求体比声明的短 / the body ended early")
        remaining -= len(chunk)
        buf += chunk
        return True

    first = b"--" + boundary
    delimiter = b"\r\n--" + boundary
    while len(buf) < len(first) + 2:
        if not more():
            raise BadUpload("multipart 请求体是空的 / empty body")
    if not buf.startswith(first):
        raise BadUpload("multipart 请求体不以 boundary 开头 / the body does not start with its boundary")
    buf = buf[len(first):]
    files: list[tuple[str, str]] = []
    fields: dict[str, str] = {}
    while True:
        while len(buf) < 2:
            if not more():
                raise BadUpload("multipart 请求体不完整 / the body is cut short")
        if buf.startswith(b"--"):
            return files, fields  # the closing delimiter (an epilogue after it is ignored)
        if not buf.startswith(b"\r\n"):
            raise BadUpload("multipart 分隔行有误 / a malformed delimiter line")
        buf = buf[2:]
        while b"\r\n\r\n" not in buf:
            if len(buf) > _MAX_HEADERS:
                raise TooLarge("multipart 部分的头过长 / a part's headers are too long")
            if not more():
                raise BadUpload("multipart 部分的头不完整 / a part's headers are cut short")
        head, _, buf = buf.partition(b"\r\n\r\n")
        name, filename = _disposition(head)
        sink: IO[bytes] | None = None
        kept = bytearray()
        size = 0
        cap = max_part if filename is not None else _MAX_FIELD
        if filename is not None:
            if len(files) >= max_parts:
                raise TooLarge(f"一次最多上传 {max_parts} 个文件 / at most {max_parts} files per request")
            sink = open_part(len(files), filename)
            files.append((name or "", filename))
        try:
            while True:
                at = buf.find(delimiter)
                if at >= 0:
                    data, buf = buf[:at], buf[at + len(delimiter):]
                else:  # keep what could be the start of a delimiter for the next chunk
                    keep = len(delimiter) - 1
                    data, buf = buf[:-keep] if len(buf) > keep else b"", buf[-keep:] if len(buf) > keep else buf
                size += len(data)
                if size > cap:
                    what = f"文件“{filename}”超过 {cap} 字节" if filename is not None else "表单字段过长"
                    raise TooLarge(f"{what} / a part is over {cap} bytes")
                if data:
                    if sink is not None:
                        sink.write(data)
                    else:
                        kept += data
                if at >= 0:
                    break
                if not more():
                    raise BadUpload("multipart 请求体不完整 / the body is cut short")
        finally:
            if sink is not None:
                sink.close()
        if filename is None and name is not None:
            fields[name] = kept.decode("utf-8", "replace")
