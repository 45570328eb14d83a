"""Legacy binary formats (.doc, .xls, WPS .wps/.et) through LibreOffice, converted to OOXML in memory.

LibreOffice runs as a separate process with a private profile (so parallel workers never share
one), a time limit, and its output checked: it exits 0 even when it converted nothing. The result
is read by the same hardened OOXML readers as any .docx/.xlsx. An ordinary .xls does not come here:
``xls.py`` reads it natively; only what that declines (encrypted, BIFF5 or older, damaged) does.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import ConversionFailed
from ..limits import DEFAULT, Limits

FILTERS = {"docx": "docx:MS Word 2007 XML", "xlsx": "xlsx:Calc MS Excel 2007 XML"}
TIMEOUT = 120.0


def soffice() -> str:
    """The LibreOffice executable: $FORMPARSE_SOFFICE, or soffice/libreoffice on PATH."""
    found = os.environ.get("FORMPARSE_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ConversionFailed("读取旧版 .doc/.xls/.wps/.et 文件需要 LibreOffice：请安装（Debian/Ubuntu："
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
        result = out / f"input.{target}"
        if not result.is_file() or result.stat().st_size == 0:
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["没有输出文件"]
            raise ConversionFailed(f"LibreOffice 无法转换这个文件（{detail[0][:200]}）", path=path)
        if result.stat().st_size > limits.max_file_bytes:
            raise ConversionFailed(f"转换结果超过上限 {limits.max_file_bytes} 字节", path=path)
        return result.read_bytes()
