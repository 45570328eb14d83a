"""formparse: filled-in 附件1 forms (.xlsx/.docx) → exact records, and records → the official form.

>>> import formparse
>>> rec = formparse.read("附件1-2020-某局.docx")          # doctest: +SKIP
>>> formparse.fill(rec, "out.xlsx")                      # doctest: +SKIP

Names are imported on first use (PEP 562), so ``import formparse`` and a single ``formparse parse``
load only what they need: no batch machinery, pandas or writer for one read.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name → the module that defines it
_WHERE = {
    "Batch": "batch", "Problem": "batch", "read_folder": "folder",
    "Warning": "check", "check": "check",
    "dumps": "contract", "from_dict": "contract", "loads": "contract", "to_dict": "contract",
    "CannotFill": "errors", "ConversionFailed": "errors", "EncryptedFile": "errors", "FormparseError": "errors",
    "InvalidValues": "errors", "NotThisForm": "errors", "SchemaError": "errors", "UnreadableFile": "errors",
    "UnsafeFile": "errors", "CannotWrite": "errors", "AmbiguousLayout": "errors", "StoreError": "errors",
    "Store": "store", "Source": "provenance", "source": "provenance",
    "Limits": "limits",
    "read": "reader", "read_all": "reader", "Found": "reader",
    "BasicInfo": "records", "Expenditure": "records", "Income": "records", "Indicator": "records",
    "Record": "records", "Review": "records", "ThreePublic": "records", "domain_problems": "records",
    "Funds": "records_project", "ProjectRecord": "records_project", "Step": "records_project",
    "project_domain_problems": "records_project",
    "Schema": "schema", "load_schema": "schema", "parse_schema": "schema",
    "fill": "writer", "template_path": "writer",
}

__all__ = [
    "AmbiguousLayout", "BasicInfo", "Batch", "CannotFill", "CannotWrite", "ConversionFailed", "EncryptedFile",
    "Expenditure", "FormparseError", "Income", "Indicator", "InvalidValues", "Limits", "NotThisForm", "Problem",
    "Record", "Review", "Schema", "SchemaError", "ThreePublic", "UnreadableFile", "UnsafeFile", "Warning", "check",
    "domain_problems", "dumps", "fill", "from_dict", "load_schema", "loads", "parse_schema", "read", "read_folder",
    "template_path", "to_dict", "read_all", "Found", "Funds", "ProjectRecord", "Step", "project_domain_problems",
    "Store", "StoreError", "Source", "source",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'formparse' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


if TYPE_CHECKING:
    from .batch import Batch, Problem
    from .check import Warning, check
    from .contract import dumps, from_dict, loads, to_dict
    from .errors import (
        CannotFill,
        ConversionFailed,
        EncryptedFile,
        FormparseError,
        InvalidValues,
        NotThisForm,
        SchemaError,
        StoreError,
        UnreadableFile,
        UnsafeFile,
    )
    from .folder import read_folder
    from .limits import Limits
    from .provenance import Source, source
    from .reader import read
    from .records import BasicInfo, Expenditure, Income, Indicator, Record, Review, ThreePublic, domain_problems
    from .schema import Schema, load_schema, parse_schema
    from .store import Store
    from .writer import fill, template_path
