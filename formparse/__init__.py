"""formparse: filled-in 附件1 forms (.xlsx/.docx) → exact records, and records → the official form.

>>> import formparse
>>> rec = formparse.read("附件1-2020-某局.docx")          # doctest: +SKIP
>>> formparse.fill(rec, "out.xlsx")                      # doctest: +SKIP
"""

from .batch import Batch, Problem, read_folder
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
    UnreadableFile,
    UnsafeFile,
)
from .limits import Limits
from .reader import read
from .records import BasicInfo, Expenditure, Income, Indicator, Record, Review, ThreePublic, domain_problems
from .records_project import Funds, ProjectRecord, Step, project_domain_problems
from .schema import Schema, load_schema, parse_schema
from .writer import fill, template_path

__version__ = "0.1.0"

__all__ = [
    "Batch", "BasicInfo", "CannotFill", "Problem", "read_folder", "Expenditure", "FormparseError", "Income",
    "Indicator", "InvalidValues",
    "NotThisForm", "Record", "Review", "Schema", "SchemaError", "ThreePublic", "UnreadableFile",
    "domain_problems", "dumps", "fill", "from_dict", "load_schema", "loads", "parse_schema", "read",
    "template_path", "to_dict", "ConversionFailed", "EncryptedFile", "Limits", "UnsafeFile",
    "Warning", "check", "Funds", "ProjectRecord", "Step", "project_domain_problems",
]
