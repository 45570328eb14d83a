"""Legacy binary formats (.doc, .wps, .et, and the .xls the native reader declines) and RTF through LibreOffice,
converted to OOXML in memory.

LibreOffice runs as a separate process with a private profile (so parallel workers never share
one), a time limit, and its output checked: it exits 0 even when it converted nothing. The result
is read by the same hardened OOXML readers as any .docx/.xlsx. An ordinary .xls does not come here:
``xls.py`` reads it natively; only what that declines (encrypted, BIFF5 or older, damaged) does.

Starting LibreOffice costs seconds; a conversion by a running one, a fraction of that. So each process
keeps one LibreOffice listening on a private pipe (:class:`Office`), started on its first legacy file
and driven over UNO by ``lo_worker.py`` under the Python the ``uno`` module belongs to. Every conversion
is time-limited; one that is late or that kills LibreOffice costs that file a ConversionFailed, and the
next file starts a fresh LibreOffice. Without a ``uno`` Python (or with ``FORMPARSE_LIBREOFFICE=cold``)
each file gets its own ``soffice --convert-to``, as before.
"""

from __future__ import annotations

import atexit
import json
import multiprocessing.util
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

from ..errors import ConversionFailed
from ..limits import DEFAULT, Limits

FILTERS = {"docx": "docx:MS Word 2007 XML", "xlsx": "xlsx:Calc MS Excel 2007 XML"}
TIMEOUT = 120.0
# a LibreOffice that has not connected by then is taken for a broken installation
START_TIMEOUT = 60.0
# conversions before a long-lived LibreOffice is replaced (it grows as it converts)
RECYCLE_AFTER = 200
_WORKER = Path(__file__).with_name("lo_worker.py")


def soffice() -> str:
    """The LibreOffice executable: $FORMPARSE_SOFFICE, or soffice/libreoffice on PATH."""
    found = os.environ.get("FORMPARSE_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ConversionFailed("读取旧版 .doc/.xls/.wps/.et 和 .rtf 文件需要 LibreOffice：请安装（Debian/Ubuntu："
                               "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui），"
                               "或用环境变量 FORMPARSE_SOFFICE 指明 soffice 的位置")
    return found


def convert(path: str, target: str, *, suffix: str, limits: Limits = DEFAULT, timeout: float = TIMEOUT) -> bytes:
    """The file converted to ``target`` ('docx' or 'xlsx'); the input is copied, never touched."""
    exe = soffice()
    with tempfile.TemporaryDirectory(prefix="formparse-lo-") as tmp:
        work = Path(tmp)
        src = work / "in" / f"input{suffix}"
        src.parent.mkdir()
        shutil.copyfile(path, src)
        out = work / "out"
        out.mkdir()
        result = out / f"input.{target}"
        office = shared_office(exe)
        err = b""
        try:
            if office is None:
                raise StartFailed("", path=path)
            office.convert(path, src, result, FILTERS[target].partition(":")[2], timeout)
        except StartFailed:
            err = _convert_cold(exe, path, src, out, target, work, timeout)
        if not result.is_file() or result.stat().st_size == 0:
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["没有输出文件"]
            raise ConversionFailed(f"LibreOffice 无法转换这个文件（{detail[0][:200]}）", path=path)
        if result.stat().st_size > limits.max_file_bytes:
            raise ConversionFailed(f"转换结果超过上限 {limits.max_file_bytes} 字节", path=path)
        return result.read_bytes()


def _convert_cold(exe: str, path: str, src: Path, out: Path, target: str, work: Path, timeout: float) -> bytes:
    """One ``soffice --convert-to`` for one file; its stderr."""
    cmd = [exe, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
           "--nolockcheck", "--convert-to", FILTERS[target], "--outdir", str(out), str(src)]
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                                env={**os.environ, "HOME": str(work)})
    except OSError as exc:
        raise ConversionFailed(f"无法启动 LibreOffice（{exe}）：{exc}", path=path) from exc
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise ConversionFailed(f"LibreOffice 转换超过 {timeout:g} 秒，已中止", path=path) from exc
    return err


class StartFailed(ConversionFailed):
    """The long-lived LibreOffice would not start or connect (the file is then converted the cold way)."""


class Office:
    """One LibreOffice listening on a private pipe with a private profile, and the UNO worker driving it.

    Started on the first :meth:`convert`; stopped by :meth:`close`, or when a conversion is late or
    LibreOffice dies (the next conversion starts a new one)."""

    def __init__(self, exe: str, uno_python: str) -> None:
        self.exe = exe
        self.uno_python = uno_python
        self.lock = threading.Lock()  # one conversion at a time: the pipe carries one request
        self.procs: list[subprocess.Popen[bytes]] = []
        self.home: Path | None = None
        self.done = 0
        self.starts = 0  # LibreOffice processes started (for tests and benchmarks)
        self.broken = False  # it would not start: this process converts file by file instead

    @property
    def running(self) -> bool:
        return bool(self.procs) and all(p.poll() is None for p in self.procs)

    def _start(self, path: str) -> None:
        self.close()
        self.home = Path(tempfile.mkdtemp(prefix="formparse-office-"))
        pipe = f"formparse-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        env = {**os.environ, "HOME": str(self.home)}
        cmd = [self.exe, f"-env:UserInstallation={(self.home / 'profile').as_uri()}", "--headless", "--invisible",
               "--nologo", "--norestore", "--nodefault", "--nolockcheck", "--nofirststartwizard",
               f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]
        try:
            self.procs.append(subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL, start_new_session=True, env=env))
            self.procs.append(subprocess.Popen([self.uno_python, str(_WORKER), pipe, str(START_TIMEOUT),
                                                str(self.procs[0].pid)],
                                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                               stderr=subprocess.DEVNULL, start_new_session=True, env=env))
        except OSError as exc:
            self.close()
            raise ConversionFailed(f"无法启动 LibreOffice（{self.exe}）：{exc}", path=path) from exc
        self.starts += 1
        self.done = 0
        if self._answer(START_TIMEOUT + 5) is None:
            self.close()
            self.broken = True
            raise StartFailed("LibreOffice 启动后没有响应", path=path)

    def _answer(self, timeout: float) -> dict[str, object] | None:
        """The worker's next line, or None if it does not come within ``timeout`` seconds or the worker is gone."""
        stdout = self.procs[1].stdout
        assert stdout is not None
        fd = stdout.fileno()
        buf = b""
        deadline = time.monotonic() + timeout
        while not buf.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if not select.select([fd], [], [], min(left, 0.25))[0]:
                if self.procs[0].poll() is not None:
                    return None  # soffice is gone: no answer will come
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            buf += chunk
        try:
            answer = json.loads(buf)
        except ValueError:
            return None
        return answer if isinstance(answer, dict) else None

    def convert(self, path: str, src: Path, dst: Path, filter_name: str, timeout: float) -> None:
        """Convert ``src`` to ``dst`` with LibreOffice's filter ``filter_name``; ``path`` names the file in errors."""
        with self.lock:
            if not self.running or self.done >= RECYCLE_AFTER:
                self._start(path)
            stdin = self.procs[1].stdin
            assert stdin is not None
            try:
                stdin.write(json.dumps({"src": src.as_uri(), "dst": dst.as_uri(), "filter": filter_name}).encode()
                            + b"\n")
                stdin.flush()
            except OSError:
                answer = None
            else:
                answer = self._answer(timeout)
            self.done += 1
            if answer is None:
                late = self.running
                self.close()  # a hung or dead LibreOffice: the next file gets a new one
                if late:
                    raise ConversionFailed(f"LibreOffice 转换超过 {timeout:g} 秒，已中止", path=path)
                raise ConversionFailed("LibreOffice 在转换这个文件时崩溃了", path=path)
            if not answer.get("ok"):
                raise ConversionFailed(f"LibreOffice 无法转换这个文件（{str(answer.get('error'))[:200]}）", path=path)

    def close(self) -> None:
        """Stop LibreOffice and the worker (their whole process groups) and remove the private profile."""
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    stream.close()
        self.procs = []
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None


_office: Office | None = None
_office_pid = 0
_uno_python: dict[str, str | None] = {}


def uno_python() -> str | None:
    """A Python that can import LibreOffice's ``uno`` module: $FORMPARSE_UNO_PYTHON, or the system python3
    (where distributions install python3-uno); None if there is none."""
    candidates = [os.environ.get("FORMPARSE_UNO_PYTHON") or "", "/usr/bin/python3", shutil.which("python3") or ""]
    for exe in dict.fromkeys(c for c in candidates if c):
        if exe not in _uno_python:
            try:
                ok = subprocess.run([exe, "-c", "import uno"], capture_output=True, timeout=30).returncode == 0
            except (OSError, subprocess.SubprocessError):
                ok = False
            _uno_python[exe] = exe if ok else None
        if _uno_python[exe]:
            return exe
    return None


def shared_office(exe: str) -> Office | None:
    """This process's long-lived LibreOffice (made on first use, and anew in a forked child); None when
    conversions run one ``soffice`` each (no ``uno`` Python, or ``FORMPARSE_LIBREOFFICE=cold``)."""
    global _office, _office_pid
    if os.environ.get("FORMPARSE_LIBREOFFICE", "").lower() == "cold":
        return None
    if _office is not None and _office_pid == os.getpid() and _office.exe == exe:
        return None if _office.broken else _office
    if _office is not None and _office_pid == os.getpid():
        _office.close()
    python = uno_python()
    if python is None:
        return None
    _office, _office_pid = Office(exe, python), os.getpid()  # a forked child never touches its parent's
    # batch workers end through multiprocessing, which runs its finalizers but not atexit's
    multiprocessing.util.Finalize(_office, _office.close, exitpriority=10)
    return _office


def close_office() -> None:
    """Stop this process's long-lived LibreOffice, if one runs (also done at exit)."""
    global _office
    if _office is not None and _office_pid == os.getpid():
        _office.close()
    _office = None


atexit.register(close_office)
