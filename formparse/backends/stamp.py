"""formparse's own outputs know themselves: a stamp in the zip comment of every workbook or document it
writes for people (the summary of ``convert``, the problem list of ``check``, the marked copies of
``check --highlight``), so a folder that holds them (``formparse convert . -o 汇总.xlsx`` run inside the
inbox) never reads them as submissions.

The stamp is the zip's comment, ``formparse:KIND:DIGEST``, where DIGEST sums the names and CRCs of
every part: it is read from the file's last bytes (one small read, no zip opened for a file without it),
and checked against the zip's directory only when it is there. A file someone opened and saved again
(Excel, WPS and LibreOffice write a new zip, without the comment), or changed part by part, no longer
matches and is read as any file is: a form is never skipped because it once was an output of ours.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib

_PREFIX = b"formparse:"
_EOCD = b"PK\x05\x06"  # end of central directory record: 22 bytes, then the comment
_TAIL = 22 + 128  # enough for our comment


def _digest(zf: zipfile.ZipFile) -> str:
    crc = 0
    for info in sorted(zf.infolist(), key=lambda i: i.filename):
        crc = zlib.crc32(f"{info.filename}\0{info.CRC}\0{info.file_size}\n".encode(), crc)
    return f"{crc:08x}"


def stamp(path: str | os.PathLike[str], kind: str) -> None:
    """Stamp the finished zip at ``path`` (a workbook or document just written) as formparse's ``kind``."""
    with zipfile.ZipFile(path, "a") as zf:
        zf.comment = _PREFIX + kind.encode("ascii") + b":" + _digest(zf).encode("ascii")


def _comment(path: str | os.PathLike[str]) -> bytes | None:
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size < 22:
            return None  # a FIFO, a device, a folder: never opened (it could wait forever)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except (OSError, ValueError):
        return None
    try:
        size = min(st.st_size, _TAIL)
        tail = os.pread(fd, size, st.st_size - size) if hasattr(os, "pread") else _read_at(fd, st.st_size - size, size)
    except OSError:
        return None
    finally:
        os.close(fd)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        return None
    length = int.from_bytes(tail[at + 20:at + 22], "little")
    comment = tail[at + 22:]
    return comment if len(comment) == length else None


def _read_at(fd: int, offset: int, size: int) -> bytes:
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, size)


def stamped(path: str | os.PathLike[str]) -> str | None:
    """The kind of formparse output ``path`` is (``"summary"``, ``"highlight"``), or None: not one, or
    changed since (see the module's docstring). Cheap for a file that is not one: its last bytes only."""
    comment = _comment(path)
    if comment is None or not comment.startswith(_PREFIX):
        return None
    kind, _, digest = comment[len(_PREFIX):].partition(b":")
    try:
        with zipfile.ZipFile(path) as zf:
            if _digest(zf).encode("ascii") != digest:
                return None
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return None
    return kind.decode("ascii", "replace")
