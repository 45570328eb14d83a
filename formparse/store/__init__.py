"""The ledger (store): every submission and every version of it, with provenance, in SQLite or PostgreSQL.

``formparse.Store(path_or_url)`` reads one (:meth:`Store.frames`); ``formparse.read_folder(path, store=…)``
and ``formparse convert 收件箱/ -o 汇总.xlsx --store 台账.sqlite`` create and update one. See docs/batch.md.
"""

from ..errors import StoreError
from ._ledger import Changes, Store, file_hash, update_store

__all__ = ["Changes", "Store", "StoreError", "file_hash", "update_store"]
