"""formparse serve: the JSON API over real HTTP on 127.0.0.1, its guards, the multipart reader, the command."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import formparse
from formparse.serve import ServeLimits, running
from formparse.serve._multipart import BadUpload, TooLarge, read_multipart
from tests.conftest import ROOT, SAMPLES
from tests.servekit import XLSX, auth, get_json, multipart, renamed_unit, request, upload, with_total

DOCX_PROJECT = SAMPLES / "附件2-2020-邵阳市科学技术局-科普活动经费.docx"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("serve-files")
    return {"good": XLSX, "project": DOCX_PROJECT, "warned": with_total(XLSX, d / "某局-合计有误.xlsx", "1"),
            "broken": _write(d / "坏.xlsx", XLSX.read_bytes()[:3000])}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    limits = ServeLimits(max_file_bytes=2 * 2**20, max_files=8, max_request_bytes=8 * 2**20, read_timeout=60)
    with running(None, limits=limits, workers=1) as srv:
        yield srv


def test_upload_answers_each_file_with_status_warnings_problems(server, files):
    code, got = upload(server, [(files["good"].name, files["good"].read_bytes()),
                                ("某局-合计有误.xlsx", files["warned"].read_bytes()),
                                (files["project"].name, files["project"].read_bytes()),
                                ("坏.xlsx", files["broken"].read_bytes())])
    assert code == 200
    by_file = {r["file"]: r for r in got}
    assert set(by_file) == {files["good"].name, "某局-合计有误.xlsx", files["project"].name, "坏.xlsx"}
    for row in got:
        assert {"file", "status", "schema", "unit_name", "year", "project", "warnings", "problems"} <= set(row)
    broken = by_file["坏.xlsx"]
    assert broken["status"] == "unreadable" and broken["problems"][0]["kind"] == "UnreadableFile"
    project = by_file[files["project"].name]
    assert project["schema"] == "project-2020" and project["project"] == "科普活动经费"
    # the corrected total is a second version of the same unit's 附件1: the earlier copy is superseded
    warned = by_file["某局-合计有误.xlsx"]
    assert warned["status"] == "warnings" and warned["version"] == 2
    sums = [w for w in warned["warnings"] if w["code"] == "income-sum"]
    assert sums and sums[0]["cell"] and sums[0]["message"]
    rows = {r["file"]: r for r in get_json(server, "api/files")}
    assert rows[files["good"].name]["status"] == "superseded"
    assert rows[files["good"].name]["superseded_by"] == warned["id"]


def test_record_grid_versions_original(server, files):
    rows = {r["file"]: r for r in get_json(server, "api/files")}
    row = rows["某局-合计有误.xlsx"]
    code, _h, data = request(server.url + f"api/files/{row['id']}/record")
    assert code == 200
    assert data.decode("utf-8") == formparse.dumps(formparse.read(files["warned"]))
    detail = get_json(server, f"api/files/{row['id']}")
    rec = formparse.read(files["warned"])
    assert {c["path"] for c in detail["cells"]} == set(rec.provenance.places)
    grid = get_json(server, f"api/files/{row['id']}/grid")
    addresses = {c[4] for g in grid["grids"] for r in g["rows"] for c in r}
    # every value read and every warning's cell is a cell of the grid the page draws
    for c in detail["cells"]:
        assert (f"{c['sheet']}!{c['address']}" if c["sheet"] else c["address"]) in addresses
    assert {w["cell"] for w in detail["warnings"] if w["cell"]} <= addresses
    versions = get_json(server, f"api/files/{row['id']}/versions")
    assert len(versions["versions"]) == 2
    differing = [r["path"] for r in versions["rows"] if r["differs"]]
    assert differing == ["income.total"]
    code, headers, data = request(server.url + f"api/files/{row['id']}/original")
    assert code == 200 and data == files["warned"].read_bytes()
    assert "filename*=UTF-8''" in headers["Content-Disposition"]
    assert request(server.url + "api/files/v999999/record")[0] == 404
    assert request(server.url + "api/files/..%2F..%2Fetc/record")[0] == 404


def test_downloads_open(server, files, tmp_path):
    code, _h, data = request(server.url + "api/summary.xlsx")
    assert code == 200
    forms = pd.read_excel(io.BytesIO(data), sheet_name="申报表", engine="calamine")
    assert "邵阳市科学技术局" in set(forms["填报单位"])
    assert len(forms) == 1  # current versions only: the superseded copy is not in the summary
    code, _h, data = request(server.url + "api/problems.xlsx")
    assert code == 200
    report = pd.read_excel(io.BytesIO(data), engine="calamine")
    assert "坏.xlsx" in set(report["文件"]) and "某局-合计有误.xlsx" in set(report["文件"])
    code, _h, data = request(server.url + "api/marked.zip")
    assert code == 200
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert "某局-合计有误.xlsx" in zf.namelist()
        (tmp_path / "m.xlsx").write_bytes(zf.read("某局-合计有误.xlsx"))
    from openpyxl import load_workbook

    sums = [w for w in formparse.read(files["warned"]).warnings if w.code == "income-sum"]
    sheet, _, cell = sums[0].cell.rpartition("!")
    assert load_workbook(tmp_path / "m.xlsx")[sheet][cell].comment is not None


def test_cross_site_and_rebinding_refused(server, files):
    body, ctype = multipart([("a.xlsx", files["good"].read_bytes())])
    post = server.url + "api/files"
    base = {"Content-Type": ctype}
    assert request(post, method="POST", data=body, headers=base)[0] == 403  # no token
    assert request(post, method="POST", data=body, headers={**base, "X-Formparse-Token": server.token})[0] == 403
    assert request(post, method="POST", data=body, headers={**base, "Cookie": f"fp_token={server.token}"})[0] == 403
    wrong = {**base, "X-Formparse-Token": "x" * 43, "Cookie": "fp_token=" + "x" * 43}
    assert request(post, method="POST", data=body, headers=wrong)[0] == 403
    evil = {**base, **auth(server), "Origin": "http://evil.example"}
    assert request(post, method="POST", data=body, headers=evil)[0] == 403
    assert request(post, method="POST", data=body, headers={**base, **auth(server),
                                                           "Sec-Fetch-Site": "cross-site"})[0] == 403
    # DNS rebinding: a name that resolves here is still not this server's address
    assert request(server.url + "api/files", headers={"Host": f"evil.example:{server.port}"})[0] == 421
    assert request(server.url, headers={"Host": "127.0.0.1:1"})[0] == 421
    same = {**base, **auth(server), "Origin": server.url.rstrip("/")}
    assert request(post, method="POST", data=body, headers=same)[0] == 200


def test_page_sets_strict_cookie_and_policy(server):
    code, headers, data = request(server.url)
    assert code == 200
    assert "SameSite=Strict" in headers["Set-Cookie"] and "HttpOnly" in headers["Set-Cookie"]
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert server.token in data.decode("utf-8")
    page = data.decode("utf-8")
    assert "http" not in page.replace("http-equiv", "").split("<body>")[0].lower()  # no asset from elsewhere
    for name in ("app.js", "app.css"):
        code, _h, asset = request(server.url + "static/" + name)
        assert code == 200 and b"https://" not in asset and b"innerHTML" not in asset
    assert request(server.url + "static/../__init__.py")[0] == 404


def test_upload_caps_reject_before_reading(server, files):
    ws = server.desk.workspace
    before = sorted(os.listdir(ws / "files"))
    big = b"PK" + os.urandom(3 * 2**20)
    code, got = upload(server, [("big.xlsx", big)])
    assert code == 413 and "超过" in got["error"]
    code, got = upload(server, [(f"{i}.xlsx", b"x") for i in range(9)])
    assert code == 413
    # a declared length over the request cap is refused from the header, before any byte is read
    code, _h, data = request(server.url + "api/files", method="POST", data=b"x",
                             headers={"Content-Type": "multipart/form-data; boundary=b", **auth(server),
                                      "Content-Length": str(9 * 2**20)})
    assert code in (413, 400)
    code, _h, _d = request(server.url + "api/files", method="POST", data=b"not multipart",
                           headers={"Content-Type": "text/plain", **auth(server)})
    assert code == 400
    assert sorted(os.listdir(ws / "files")) == before
    assert os.listdir(ws / "incoming") == []


def test_names_are_data_never_paths(server, files, tmp_path):
    names = ["../../../../../../tmp/evil.xlsx", "/etc/passwd.xlsx", "..\\..\\win.xlsx",
             "<img src=x onerror=alert(1)>.xlsx", "a\x00b.xlsx"]
    code, got = upload(server, [(n, renamed_unit(f"名字测试局{i}")) for i, n in enumerate(names)])
    assert code == 200
    shown = [r["file"] for r in got]
    assert shown[:3] == ["tmp/evil.xlsx", "etc/passwd.xlsx", "..\\..\\win.xlsx".replace("\\", "/").lstrip("./")]
    assert shown[3] == "<img src=x onerror=alert(1)>.xlsx" and shown[4] == "ab.xlsx"
    assert all(r["status"] in ("read", "warnings") for r in got)
    assert not Path("/tmp/evil.xlsx").exists() and not Path("/win.xlsx").exists()
    # kept under their content's hash only: no name from the request is a path
    kept = os.listdir(server.desk.workspace / "files")
    assert kept and all(len(k.split(".")[0]) == 64 for k in kept)
    assert sorted(os.listdir(server.desk.workspace)) == ["cache", "files", "incoming", "tmp", "台账.sqlite",
                                                         "台账.sqlite-shm", "台账.sqlite-wal"]


@pytest.mark.parametrize("chunk", [1, 7, 64, 4096])
def test_multipart_reader_across_chunk_edges(chunk, tmp_path):
    payloads = [b"", b"\r\n--", os.urandom(5000), b"--boundary-like\r\n--"]
    body, ctype = multipart([(f"f{i}.bin", p) for i, p in enumerate(payloads)])
    boundary = ctype.split("boundary=")[1].encode()

    class Slow(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.data = io.BytesIO(data)

        def read(self, n: int = -1) -> bytes:
            return self.data.read(min(n, chunk))

    out: list[Path] = []

    def open_part(i: int, name: str):
        out.append(tmp_path / f"{i}")
        return open(out[-1], "wb")

    got, _fields = read_multipart(Slow(body), len(body), boundary, max_parts=10, max_part=10_000, open_part=open_part)
    assert [n for _f, n in got] == [f"f{i}.bin" for i in range(4)]
    assert [p.read_bytes() for p in out] == payloads
    with pytest.raises(TooLarge):
        read_multipart(io.BytesIO(body), len(body), boundary, max_parts=10, max_part=4000, open_part=open_part)
    with pytest.raises(BadUpload):
        read_multipart(io.BytesIO(body[:-40]), len(body), boundary, max_parts=10, max_part=10_000,
                       open_part=open_part)


def test_inbox_read_at_start_and_watched(tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    (inbox / "a.xlsx").write_bytes(renamed_unit("甲局"))
    before = {p.name: p.stat().st_mtime_ns for p in inbox.iterdir()}
    with running(inbox, poll=0.2, workers=1) as srv:
        assert srv.desk.wait_idle(60)
        assert [r["unit_name"] for r in get_json(srv, "api/files")] == ["甲局"]
        sub = inbox / "二科"
        sub.mkdir()
        (sub / "b.xlsx").write_bytes(renamed_unit("乙局"))
        end = time.monotonic() + 60
        while time.monotonic() < end:
            rows = get_json(srv, "api/files")
            if len(rows) == 2:
                break
            time.sleep(0.2)
        assert {r["file"]: r["unit_name"] for r in rows} == {"a.xlsx": "甲局", "二科/b.xlsx": "乙局"}
        workspace = srv.desk.workspace
    assert not workspace.exists()
    assert {p.name: p.stat().st_mtime_ns for p in inbox.iterdir() if p.is_file()} == before  # the inbox only read


def test_store_kept_when_given(store_target):
    with running(None, store_target, workers=1) as srv:
        code, got = upload(srv, [("甲.xlsx", renamed_unit("甲局")), ("乙.xlsx", renamed_unit("乙局"))])
        assert code == 200 and [r["status"] for r in got] == ["warnings", "warnings"]
        code, _h, data = request(srv.url + "api/summary.xlsx")
        assert code == 200
        assert sorted(pd.read_excel(io.BytesIO(data), sheet_name="申报表", engine="calamine")["填报单位"]) == [
            "乙局", "甲局"]
    # the ledger stays after the server: a later run (or convert) sees what was received
    with formparse.Store(store_target) as ledger:
        frames = ledger.frames()
    assert sorted(frames["forms"]["unit_name"]) == ["乙局", "甲局"]
    with running(None, store_target, workers=1) as srv:
        rows = get_json(srv, "api/files")
        assert sorted(r["unit_name"] for r in rows) == ["乙局", "甲局"]
        grid = get_json(srv, f"api/files/{rows[0]['id']}/grid")
        assert grid["grids"] == [] and "工作区" in grid["error"]  # the original was in the first run's workspace


def _start(args: list[str], cwd: Path) -> tuple[subprocess.Popen[str], list[str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "formparse", "serve", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        if "Ctrl-C" in line:
            break
    return proc, lines


def _stop(proc: subprocess.Popen[str]) -> None:
    """Whatever the test found: the server process gone and its pipe closed."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    assert proc.stdout is not None
    proc.stdout.close()


def test_command_prints_address_and_stops_on_ctrl_c(tmp_path):
    inbox = tmp_path.parent / f"{tmp_path.name}-inbox"
    inbox.mkdir()
    (inbox / "甲.xlsx").write_bytes(renamed_unit("甲局"))  # Ctrl-C may come while it is being read
    proc, lines = _start([str(inbox), "--port", "0"], tmp_path)
    try:
        url = next(line.split(": ", 1)[1].strip() for line in lines if line.startswith("formparse 收件台"))
        assert url.startswith("http://127.0.0.1:")
        workspace = Path(next(line for line in lines if "workspace" in line).split(": ", 1)[1].split("（")[0])
        assert workspace.is_dir()
        code, _h, _d = request(url + "api/status")
        assert code == 200
        start = time.monotonic()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        assert time.monotonic() - start < 20
        assert not workspace.exists()
    finally:
        _stop(proc)
    assert os.listdir(tmp_path) == []  # nothing written where it ran


def test_command_warns_when_not_loopback(tmp_path):
    proc, lines = _start(["--port", "0", "--host", "0.0.0.0"], tmp_path)
    try:
        assert any("警告" in line and "0.0.0.0" in line for line in lines)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    finally:
        _stop(proc)


def test_command_usage_errors(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "formparse", "serve", str(tmp_path / "none")], env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "找不到" in run.stderr
    bad = tmp_path / "bad.sqlite"
    bad.write_text("not a database")
    run = subprocess.run([sys.executable, "-m", "formparse", "serve", "--store", str(bad), "--port", "0"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "SQLite" in run.stderr and "Traceback" not in run.stderr


def test_status_and_json_errors(server):
    status = get_json(server, "api/status")
    assert {"generation", "pending", "limits"} <= set(status)
    code, _h, data = request(server.url + "api/nothing")
    assert code == 404 and "error" in json.loads(data)


def test_a_packet_gives_a_row_per_form(server):
    from tests.conftest import packet_files

    packet = packet_files()[0]
    found = formparse.read_all(packet)
    code, got = upload(server, [(packet.name, packet.read_bytes())])
    assert code == 200
    assert [(r["file"], r["position"], r["unit_name"]) for r in got] == [
        (packet.name, f.where, f.record.unit_name) for f in found]


def test_port_in_use_is_one_line(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        run = subprocess.run([sys.executable, "-m", "formparse", "serve", "--port", str(port)], env=env, cwd=tmp_path,
                             capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "无法开始服务" in run.stderr and "Traceback" not in run.stderr
    assert os.listdir(tmp_path) == []


def test_a_name_that_is_not_utf8_is_shown_with_replacement(server):
    boundary = "b0undary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"".encode()
            + b"\xff\xfe\xe4\xb8.xlsx\"\r\n\r\n" + renamed_unit("字节名局") + f"\r\n--{boundary}--\r\n".encode())
    code, _h, data = request(server.url + "api/files", method="POST", data=body,
                             headers={"Content-Type": f"multipart/form-data; boundary={boundary}", **auth(server)})
    assert code == 200
    got = json.loads(data)
    assert got[0]["file"].endswith(".xlsx") and "\ufffd" in got[0]["file"] and got[0]["unit_name"] == "字节名局"


@pytest.mark.parametrize("name", ["a\r\nSet-Cookie: x=1.xlsx", '引"号;.xlsx', "../../x.xlsx", "\\x.xlsx",
                                  "%0d%0a.xlsx"])
def test_a_download_header_carries_any_name_safely(name):
    from urllib.parse import unquote

    from formparse.serve._desk import display_name
    from formparse.serve._http import disposition

    shown = display_name(name)
    header = disposition(shown)
    assert "\r" not in header and "\n" not in header
    assert header.count('"') == 2  # the fallback's quotes only
    assert unquote(header.split("filename*=UTF-8''")[1]) == shown.rsplit("/", 1)[-1]
    assert ".." not in shown.split("/") and not shown.startswith("/")


def test_a_form_of_your_own_with_schema(tmp_path):
    """serve --schema: a form the project does not ship is read by its schema file, listed and drawn like
    the bundled ones, and its tables are in 汇总.xlsx."""
    from tests import selfeval

    blank = selfeval.write_xlsx(tmp_path / "blank.xlsx")
    schema = tmp_path / "self.toml"
    res = subprocess.run([sys.executable, "-m", "formparse", "schema", "draft", str(blank), "-o", str(schema)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    selfeval.write_xlsx(inbox / "a.xlsx", {"unit": "某局", "goals": ["目标一"]})
    with running(inbox, poll=0.2, workers=1, schemas=[schema]) as srv:
        assert srv.desk.wait_idle(60)
        (row,) = get_json(srv, "api/files")
        assert row["schema"] == "self" and row["status"] in ("read", "warnings") and not row["problems"], row
        record = get_json(srv, f"api/files/{row['id']}/record")
        assert record["schema"] == "self" and record["l1"] == ["目标一"]
        status, _headers, body = request(srv.url + "api/summary.xlsx")
        assert status == 200
        sheets = pd.read_excel(io.BytesIO(body), sheet_name=None, engine="calamine")
        assert any(len(frame) == 1 and "某局" in frame.to_string() for frame in sheets.values())
