"""Helpers for the clerk's desk tests: HTTP with the standard library, multipart bodies, variant files."""

from __future__ import annotations

import io
import json
import re
import secrets
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

from tests.conftest import SAMPLES

XLSX = SAMPLES / "附件1-2020-邵阳市科学技术局.xlsx"
UNIT = "邵阳市科学技术局"


def multipart(files: list[tuple[str, bytes]], field: str = "files") -> tuple[bytes, str]:
    """A multipart/form-data body as a browser sends it, and its Content-Type."""
    boundary = "----formparse" + secrets.token_hex(8)
    out = io.BytesIO()
    for name, data in files:
        quoted = name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
        out.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{quoted}\"\r\n"
                  "Content-Type: application/octet-stream\r\n\r\n".encode())
        out.write(data)
        out.write(b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def request(url: str, *, method: str = "GET", data: bytes | None = None, headers: dict[str, str] | None = None,
            timeout: float = 300) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def auth(server: Any) -> dict[str, str]:
    """The headers the page sends with a POST: the token, and the cookie it was given."""
    return {"X-Formparse-Token": server.token, "Cookie": f"fp_token={server.token}"}


def upload(server: Any, files: list[tuple[str, bytes]], headers: dict[str, str] | None = None
           ) -> tuple[int, Any]:
    body, ctype = multipart(files)
    code, _h, data = request(server.url + "api/files", method="POST", data=body,
                             headers={"Content-Type": ctype, **(auth(server) if headers is None else headers)})
    return code, json.loads(data)


def get_json(server: Any, path: str) -> Any:
    code, _h, data = request(server.url + path)
    assert code == 200, (path, code, data[:300])
    return json.loads(data)


def renamed_unit(unit: str, src: Path = XLSX) -> bytes:
    """The sample .xlsx with its unit's name replaced (a different submitter's form, same layout)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith(".xml"):
                from xml.sax.saxutils import escape

                data = data.replace(UNIT.encode(), escape(unit).encode())
            zout.writestr(item, data)
    return buf.getvalue()


def with_total(record_file: Path, out: Path, delta: str) -> Path:
    """A form whose 年度收入预算 合计 is off by ``delta`` (the income-sum warning at its cell), filled with
    formparse.fill from the sample's record."""
    from decimal import Decimal

    import formparse

    rec = formparse.read(record_file)
    rec.income.total = (rec.income.total or Decimal(0)) + Decimal(delta)
    formparse.fill(rec, out)
    return out


def listing(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def cell_of(address: str) -> str:
    return re.sub(r"^.*!", "", address)
