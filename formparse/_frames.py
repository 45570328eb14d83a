"""The frames :mod:`formparse.batch` and its worker processes (``python -m formparse._worker``) exchange.

Each frame is a length-prefixed pickle: first ``(sys_path, pickled reader or None)``, then
``(index, path, file)`` tasks (``None`` to stop), each answered by ``(index, Outcome)``.
"""

from __future__ import annotations

import pickle
import struct
from typing import IO, Any

_HEADER = struct.Struct(">I")


def send(stream: IO[bytes], obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def recv(stream: IO[bytes]) -> Any:
    """The next frame; raises EOFError when the other side has gone."""
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        raise EOFError
    size = _HEADER.unpack(head)[0]
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)
