"""``read_folder``: a folder of submissions read into a :class:`~formparse.batch.Batch`, through a ledger
(:mod:`formparse.store`) when one is given. Above both: the store reads with the batch machinery."""

from __future__ import annotations

import concurrent.futures as cf
import os
import time
from pathlib import Path
from typing import Any

from .batch import DEFAULT_TIMEOUT, Batch, Outcome, Problem, Reader, discover, iter_outcomes, schema_reader
from .store import update_store


def read_folder(path: str | Path, *, recursive: bool = True, workers: int | None = None,
                executor: cf.Executor | None = None, timeout: float = DEFAULT_TIMEOUT,
                reader: Reader | None = None, store: str | os.PathLike[str] | None = None,
                schemas: Any = ()) -> Batch:
    """Read every submission in a folder. Never raises for a bad file: it goes to ``Batch.problems``.

    Args:
        path: a folder (searched recursively unless ``recursive=False``) or one file.
        workers: worker processes; default one per CPU; 0 reads in this process.
        executor: any ``concurrent.futures.Executor`` to run the reads on, e.g.
            ``distributed.Client(address).get_executor()``.
        timeout: seconds one file may take before it is abandoned.
        reader: the function that reads one file (default :func:`formparse.read`).
        store: a ledger (an SQLite file, created if need be, or a ``postgresql://`` URL): only files whose
            content it has not seen are read; ``Batch.outcomes`` holds those, ``Batch.changes`` counts new,
            changed, unchanged and gone files, and ``Batch.frames()`` gives the store's current versions
            (see :class:`formparse.Store`). Raises StoreError if the store cannot be used.
        schemas: the user's own forms (Schema objects, schema files or ids), tried besides the bundled
            ones; ``Batch.frames()`` then has their tables too.
    """
    from .schema import as_schemas

    loaded = as_schemas(schemas)
    if loaded and reader is None:
        reader = schema_reader(loaded)
    start = time.perf_counter()
    if store is not None:
        ledger, changes, read = update_store(store, path, recursive=recursive, workers=workers, executor=executor,
                                             timeout=timeout, reader=reader)
        return Batch(str(path), [o.file for o in read], read, time.perf_counter() - start, store=ledger,
                     changes=changes, schemas=loaded)
    unlisted: list[Problem] = []
    files = discover(path, recursive=recursive, unlisted=unlisted)
    outcomes = list(iter_outcomes(path, workers=workers, executor=executor, timeout=timeout, reader=reader,
                                  files=files))
    outcomes += [Outcome(p.file, problem=p) for p in unlisted]
    return Batch(str(path), files + [p.file for p in unlisted], outcomes, time.perf_counter() - start,
                 schemas=loaded)
