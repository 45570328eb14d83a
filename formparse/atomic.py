"""Outputs appear whole or not at all: written beside their destination, then renamed into place."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(dst: str | Path) -> Iterator[str]:
    """A temporary path in ``dst``'s folder; on success it replaces ``dst``, on failure it is removed."""
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomically(dst: str | Path, write: Callable[[str], object]) -> None:
    with atomic_path(dst) as tmp:
        write(tmp)
