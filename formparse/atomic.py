"""Outputs appear whole or not at all, and never over a file that was not meant to be replaced.

A file is written under a temporary name beside its destination, then published in one step. Without
``overwrite`` that step is a hard link (``link(2)`` fails if the name exists, whoever made it a moment
ago), then the temporary name goes; where the file system has no hard links, ``renameat2`` with
RENAME_NOREPLACE (Linux); failing both, the name is claimed with ``O_CREAT | O_EXCL`` and the file
renamed over that empty claim. So two writers racing to one name cannot both succeed, and neither
replaces what the other wrote. With ``overwrite`` the step is ``os.replace``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_UMASK = os.umask(0o022)
os.umask(_UMASK)
_RENAME_NOREPLACE = 1
_AT_FDCWD = -100
# link(2) refuses on file systems without hard links (FAT, some FUSE and network mounts): try the next way
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}


def _renameat2(src: str, dst: str) -> bool:
    """rename(src, dst) failing with FileExistsError if dst exists; False where the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), _RENAME_NOREPLACE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), dst)


def publish(tmp: str | Path, dst: str | Path, *, overwrite: bool = False) -> None:
    """Move the finished file ``tmp`` to ``dst`` in one step.

    Raises:
        FileExistsError: ``dst`` exists and ``overwrite`` is False (``tmp`` is left for the caller).
        OSError: the move itself failed (permissions, read-only, disk full, …).
    """
    tmp, dst = os.fspath(tmp), os.fspath(dst)
    if overwrite:
        os.replace(tmp, dst)
        return
    try:
        os.link(tmp, dst, follow_symlinks=False)
    except FileExistsError as exc:  # named by the output, not by our temporary name (link(2) gives both)
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), dst) from exc
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        if not _renameat2(tmp, dst):
            fd = os.open(dst, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)  # FileExistsError if taken
            os.close(fd)
            try:
                os.replace(tmp, dst)  # over our own empty claim only
            except BaseException:
                os.unlink(dst)  # the claim is ours: never leave an empty file behind
                raise
        return
    os.unlink(tmp)


@contextmanager
def atomic_path(dst: str | Path, *, overwrite: bool = False) -> Iterator[str]:
    """A temporary path in ``dst``'s folder; on success it is published as ``dst``, on failure removed.

    Raises FileExistsError when ``dst`` exists (at the end, however late it appeared) unless ``overwrite``.
    """
    dst = Path(dst)
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:  # a file where the folder should be: not "the output exists"
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), os.fspath(dst.parent)) from exc
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp's 0600 is for the temporary name, not the output
    finally:
        os.close(fd)
    try:
        yield tmp
        publish(tmp, dst, overwrite=overwrite)
    finally:
        Path(tmp).unlink(missing_ok=True)


def write_atomically(dst: str | Path, write: Callable[[str], object], *, overwrite: bool = False) -> None:
    with atomic_path(dst, overwrite=overwrite) as tmp:
        write(tmp)
