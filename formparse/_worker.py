"""A batch worker: ``python -m formparse._worker``, reading one file at a time for :mod:`formparse.batch`.

It is its own entry point, so it never imports the user's main module again (a script without a
main guard, ``python -c``, a notebook or a spawn-only platform all work). Frames on stdin and
stdout are the frames of :mod:`formparse._frames`. Anything a library prints goes to stderr,
never into the protocol.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys

from ._frames import recv, send
from .batch import read_one


def main() -> None:
    # Ctrl-C reaches the whole process group; the caller stops its workers itself (a traceback from
    # every worker would only bury the caller's own).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The protocol keeps the real stdout; fd 1 then points at stderr, so a print (ours, a library's,
    # a LibreOffice child's) can never corrupt a frame.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    inp = sys.stdin.buffer
    try:
        sys_path, reader_blob = recv(inp)
    except EOFError:
        return
    sys.path[:] = sys_path  # before the reader is unpickled: its module may live on the caller's path
    reader = pickle.loads(reader_blob) if reader_blob is not None else None
    while True:
        try:
            task = recv(inp)
        except EOFError:
            return
        if task is None:
            return
        index, path, file = task
        send(out, (index, read_one(path, file, reader)))


if __name__ == "__main__":
    main()
