"""The long-lived LibreOffice (legacy.Office): one start for many files, a late or crashed conversion costs
only its file, a bad file costs only itself, and LibreOffice never outlives the process that started it."""

import os
import signal
import subprocess
import sys
import time

import pytest

import formparse
from formparse.backends import legacy
from tests.conftest import expected_for, needs_soffice, numeric, sample_files

pytestmark = [pytest.mark.slow, needs_soffice()]

DOCX = [p for p in sample_files() if p.suffix == ".docx"]


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    out = tmp_path_factory.mktemp("doc")
    subprocess.run([legacy.soffice(), f"-env:UserInstallation={(out / 'profile').as_uri()}", "--headless",
                    "--convert-to", "doc", "--outdir", str(out), *map(str, DOCX)], check=True, capture_output=True,
                   timeout=600)
    return [(out / f"{p.stem}.doc", p) for p in DOCX]


@pytest.fixture
def office():
    if legacy.uno_python() is None:
        pytest.skip("no Python with LibreOffice's uno module")
    legacy.close_office()
    yield legacy.shared_office(legacy.soffice())
    legacy.close_office()


def _read_all(docs):
    for doc, original in docs:
        assert numeric(formparse.to_dict(formparse.read(doc))) == numeric(expected_for(original))


def test_many_files_one_libreoffice(office, docs):
    _read_all(docs)
    _read_all(docs)
    assert office.starts == 1 and office.running


def test_a_late_conversion_costs_only_its_file(office, docs, monkeypatch):
    _read_all(docs[:1])
    monkeypatch.setattr(legacy.convert, "__kwdefaults__", {"limits": legacy.DEFAULT, "timeout": 0.001})
    with pytest.raises(formparse.ConversionFailed, match="超过"):
        formparse.read(docs[0][0])
    assert not office.running  # the late LibreOffice was stopped
    monkeypatch.undo()
    _read_all(docs)
    assert office.starts == 2


def test_a_crashed_libreoffice_is_replaced(office, docs):
    _read_all(docs[:1])
    soffice = office.procs[0]
    os.killpg(soffice.pid, signal.SIGKILL)
    soffice.wait()
    _read_all(docs)
    assert office.starts == 2


def test_a_bad_file_costs_only_itself(office, docs, tmp_path):
    bad = tmp_path / "坏.doc"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le") * 8
                    + os.urandom(4096))
    _read_all(docs[:1])
    with pytest.raises(formparse.FormparseError):
        formparse.read(bad)
    _read_all(docs)
    assert office.starts == 1


CHILD = r"""
import os, sys, formparse
from formparse.backends import legacy
formparse.read(sys.argv[1])
print(legacy._office.procs[0].pid, legacy._office.procs[1].pid, flush=True)
os.kill(os.getpid(), 9)
"""


def test_libreoffice_never_outlives_its_process(docs):
    if legacy.uno_python() is None:
        pytest.skip("no Python with LibreOffice's uno module")
    res = subprocess.run([sys.executable, "-c", CHILD, str(docs[0][0])], capture_output=True, text=True, timeout=120)
    pids = [int(p) for p in res.stdout.split()]
    assert len(pids) == 2, res.stderr[-2000:]
    deadline = time.monotonic() + 15
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [p for p in pids if _alive(p)]
    assert not alive


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:  # a zombie (not yet reaped by init) is not running
        return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
