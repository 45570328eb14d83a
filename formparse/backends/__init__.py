"""Format back-ends, chosen by a file's content (not its name) and imported only when needed."""

from __future__ import annotations

import importlib
import zipfile
from pathlib import Path
from typing import Any

from ..errors import UnreadableFile
from ..grid import Grid

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MODULES = {"xlsx": "formparse.backends.xlsx", "docx": "formparse.backends.docx"}
_WRITERS = {"xlsx": "formparse.backends.xlsx_write", "docx": "formparse.backends.docx_write"}


def _head(path: str) -> bytes:
    try:
        with Path(path).open("rb") as fh:
            return fh.read(8)
    except OSError as exc:
        raise UnreadableFile(f"无法打开文件：{exc.strerror or exc}", path=path) from exc


def _kind(head: bytes, path: str) -> None:
    if not head:
        raise UnreadableFile("文件是空的", path=path)
    if head.startswith(OLE2):
        raise UnreadableFile("这是旧版 Office 文件 (.doc/.xls) 或加密文件，请另存为 .docx/.xlsx 后再读", path=path)
    if not head.startswith(b"PK"):
        raise UnreadableFile("不是 .docx 或 .xlsx 文件", path=path)


def _ooxml_kind(names: set[str], path: str) -> str:
    if "word/document.xml" in names or any(n.startswith("word/") for n in names):
        return "docx"
    if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
        return "xlsx"
    raise UnreadableFile("zip 包里没有 Word 文档或 Excel 工作簿", path=path)


def sniff(path: str) -> str:
    """The back-end name for a file, by its content: 'xlsx' or 'docx'. Raises UnreadableFile otherwise."""
    _kind(_head(path), path)
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFile(f"文件已损坏，不是完整的 zip 包 ({exc})", path=path) from exc
    return _ooxml_kind(names, path)


def backend(name: str) -> Any:
    return importlib.import_module(_MODULES[name])


def open_grids(path: str) -> list[Grid]:
    """The grids of a file (one per worksheet, or one for a document body); the zip is opened once."""
    from .ooxml import Package

    _kind(_head(path), path)
    pkg = Package(path)
    try:
        kind = _ooxml_kind(pkg.names, path)
    except BaseException:
        pkg.zip.close()
        raise
    grids: list[Grid] = backend(kind).read_grids(path, pkg)
    return grids


def open_document(path: str) -> Any:
    """A back-end Document for writing, opened from ``path`` (which is never written to)."""
    kind = sniff(path)
    mod = importlib.import_module(_WRITERS[kind])
    return mod.XlsxDocument(path) if kind == "xlsx" else mod.DocxDocument(path)
