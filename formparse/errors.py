"""The errors formparse raises. Nothing else escapes :func:`formparse.read` or :func:`formparse.fill`."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Sequence
from pathlib import Path

from ._startcache import lazy_re


def shown(name: str | Path) -> str:
    """A file name as text any output can carry, from which the name can be had back (:func:`unshown`).

    A name holding bytes that are not UTF-8 (decoded with surrogateescape, as Python does on Linux) or
    characters no spreadsheet cell can hold (controls, U+FFFE/U+FFFF) has each such byte or control written
    ``\\xNN`` (other code points ``\\uNNNN``) and each backslash doubled; so is a name that holds, as
    typed, what reads as an escape (``\\x41``, ``\\u4e00``, two backslashes): otherwise :func:`unshown`
    would turn it into another name. Any other name is returned as it is.
    """
    text = os.fspath(name)
    if not _UNSHOWABLE.search(text) and not _ESCAPED.search(text):
        return text
    return _UNSHOWABLE.sub(_escape_one, text.replace("\\", "\\\\"))


def _escape_one(m: re.Match[str]) -> str:
    code = ord(m[0])
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # a byte surrogateescape kept
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}"


def unshown(text: str) -> str:
    """The name :func:`shown` gave ``text`` for (a name without escapes is itself)."""
    def back(m: re.Match[str]) -> str:
        if m[0] == "\\\\":
            return "\\"
        code = int(m[0][2:], 16)
        return chr(0xDC00 + code if m[0][1] == "x" and code >= 0x80 else code)

    return _ESCAPED.sub(back, text)


def without_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (which no UTF-8 file can hold) written ``\\uXXXX``."""
    return _SURROGATES.sub(lambda m: f"\\u{ord(m[0]):04x}", text) if _SURROGATES.search(text) else text


_SURROGATES = lazy_re("[\ud800-\udfff]")
_UNSHOWABLE = lazy_re("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_ESCAPED = lazy_re(r"\\\\|\\x[0-9a-f]{2}|\\u[0-9a-f]{4}")


class FormparseError(Exception):
    """Base of every error formparse raises; ``path`` names the file when there is one (exactly; the
    message shows it with :func:`shown`, so it can always be printed)."""

    def __init__(self, message: str, *, path: str | Path | None = None) -> None:
        self.message = message
        self.path = os.fspath(path) if path is not None else None
        super().__init__(f"{shown(self.path)}: {message}" if self.path else message)

    def amend(self, message: str) -> None:
        """The error's message made ``message`` (what it says, with the file named as before)."""
        self.message = message
        self.args = (f"{shown(self.path)}: {message}" if self.path else message,)


class UnreadableFile(FormparseError, ValueError):
    """The file is empty, truncated, not a document, or of a kind we do not read."""


class NotThisForm(FormparseError, ValueError):
    """The file is a readable document but not this form: the labels that were missing are listed."""

    def __init__(self, missing: Sequence[str], *, form: str, path: str | Path | None = None) -> None:
        self.missing = list(missing)
        self.form = form
        super().__init__(f"不是{form}：找不到标签 " + "、".join(f"“{m}”" for m in self.missing), path=path)


class InvalidValues(FormparseError, ValueError):
    """Cells whose content cannot be what their label asks for (e.g. money that is not a number)."""

    def __init__(self, problems: Sequence[str], *, path: str | Path | None = None) -> None:
        self.problems = list(problems)
        super().__init__("；".join(self.problems), path=path)


class SchemaError(FormparseError, ValueError):
    """A layout schema is malformed; the message names the key."""


class CannotFill(FormparseError, ValueError):
    """A record cannot be written into the given template (the message says why)."""


class EncryptedFile(UnreadableFile):
    """The file is password-protected (an encrypted OOXML package inside an OLE2 container)."""


class UnsafeFile(FormparseError, ValueError):
    """The file exceeds a safety limit (size, inflate ratio, entries, sheet extent, …) or is malformed in a
    way only a hostile file is (duplicate zip entries, a DTD in an OOXML part)."""


class ConversionFailed(FormparseError, RuntimeError):
    """LibreOffice could not convert a legacy file."""


class AmbiguousLayout(FormparseError, ValueError):
    """Labels that could belong to several places of the form equally well: ``cells`` names them all."""

    def __init__(self, message: str, *, cells: Sequence[str] = (), path: str | Path | None = None) -> None:
        self.cells = list(cells)
        super().__init__(message, path=path)


class StoreError(FormparseError, ValueError):
    """A store (ledger) cannot be used: not a formparse store, damaged, written by a newer formparse, or a
    database that cannot be reached (the message says which; nothing was written to it)."""


class CannotWrite(FormparseError, OSError):
    """An output could not be written: no permission, a read-only or full disk, … (the message says which)."""


# errno → what it means for whoever wants a file written or read there, in plain words
_OS_WORDS = {
    errno.EACCES: "没有权限（请检查文件或文件夹的权限）",
    errno.EPERM: "操作不被允许（请检查文件或文件夹的权限）",
    errno.EROFS: "所在磁盘是只读的",
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.EFBIG: "文件超过系统允许的大小（或磁盘空间已满）",
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.EEXIST: "已存在",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EMFILE: "打开的文件过多",
    errno.EIO: "磁盘读写出错",
    errno.EBUSY: "文件正被占用",
    errno.ETXTBSY: "文件正被占用",
    errno.EXDEV: "不能跨磁盘移动",
    errno.ELOOP: "符号链接层数过多",
}


def os_words(exc: OSError) -> str:
    """An OSError as a plain sentence (errno first, then the system's own wording)."""
    words = _OS_WORDS.get(exc.errno or -1)
    if words:
        return words
    return f"系统错误：{exc.strerror or exc}"


def cannot_write(exc: OSError, path: str | Path | None = None) -> CannotWrite:
    """A CannotWrite for ``exc`` naming ``path`` (or the file the system named)."""
    where = path if path is not None else exc.filename
    err = CannotWrite(f"无法写入：{os_words(exc)}", path=os.fsdecode(where) if where is not None else None)
    err.errno = exc.errno
    return err
