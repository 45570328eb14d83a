"""Format back-ends, chosen by a file's content (not its name) and imported only when needed."""

from __future__ import annotations

import importlib
import os
import stat
from pathlib import Path
from typing import Any

from ..errors import EncryptedFile, FormparseError, UnreadableFile, UnsafeFile, os_words
from ..grid import Grid
from ..limits import DEFAULT, Limits

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MODULES = {"xlsx": "formparse.backends.xlsx", "docx": "formparse.backends.docx"}
_WRITERS = {"xlsx": "formparse.backends.xlsx_write", "docx": "formparse.backends.docx_write"}


def _head(path: str, limits: Limits = DEFAULT, *, whole: bool = False) -> bytes:
    """The file's first 4 KiB (``whole``: all of it), after checking its size against the limits."""
    try:
        # O_NONBLOCK: a FIFO named like a form opens at once instead of waiting for a writer; anything but a
        # regular file (a FIFO, a device such as /dev/zero, a socket) is refused before a byte is read
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise UnreadableFile(f"不是普通文件（{_file_kind(st.st_mode)}），无法读取", path=path)
            size = st.st_size
            if size > limits.max_file_bytes:
                raise UnsafeFile(f"文件有 {size} 字节，超过上限 {limits.max_file_bytes}", path=path)
            # never more than the limit, even if the file grows while it is read
            cap = limits.max_file_bytes + 1 if whole else 4096
            # (asked for its size, not the limit: a read of n bytes allocates n first, 200 MiB for every form)
            data = fh.read(min(size + 1, cap))
            if len(data) == size + 1 and len(data) < cap:  # it grew while being read: the rest, to the limit
                data += fh.read(cap - len(data))
            return data
    except OSError as exc:
        raise UnreadableFile(f"无法打开文件：{os_words(exc)}", path=path) from exc


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "是文件夹"
    if stat.S_ISFIFO(mode):
        return "是命名管道 FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "是设备文件"
    if stat.S_ISSOCK(mode):
        return "是套接字"
    return "类型未知"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _ole2_kind(path: str, data: bytes | None = None) -> str:
    """What an OLE2 compound file holds, by the stream names in its directory."""
    data = Path(path).read_bytes() if data is None else data
    if _utf16("EncryptedPackage") in data or _utf16("EncryptionInfo") in data:
        return "encrypted"
    if _utf16("WordDocument") in data:
        return "doc"
    if _utf16("Workbook") in data or _utf16("Book") in data:
        return "xls"
    return "ole2"


def _text_kind(head: bytes) -> str | None:
    """HTML, MHTML or plain text (as exported by many systems under an .xls name), by content."""
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith((b"mime-version", b"content-type: multipart")) or b"\nmime-version:" in head.lower():
        return "mhtml"
    if probe.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or b"<html" in probe[:1024]:
        return "html"
    try:
        head.decode("utf-8")
        return "text"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("gb18030")
        if sum(b < 9 for b in head) == 0:
            return "text"
    except UnicodeDecodeError:
        pass
    return None


def _is_pdf(head: bytes) -> bool:
    """A PDF by content: “%PDF-” at the start or (as PDF readers allow) within the first KiB."""
    return b"%PDF-" in head[:1024]


def is_pdf_file(path: str) -> bool:
    """Whether ``path`` holds a PDF, by content (never raises)."""
    try:
        return _is_pdf(_head(path))
    except FormparseError:
        return False


def _kind(head: bytes, path: str) -> None:
    """Refuse, with the right error, anything that is not an OOXML zip."""
    if not head:
        raise UnreadableFile("文件是空的", path=path)
    if _is_pdf(head):
        raise UnreadableFile("这是 PDF 文件：PDF 只能读取，不能作为模板或标注；请用 .xlsx 或 .docx", path=path)
    if head.startswith(OLE2):
        kind = _ole2_kind(path)
        if kind == "encrypted":
            raise EncryptedFile("文件设置了打开密码（加密的 Office 文件），请去掉密码后再报送", path=path)
        if kind in ("doc", "xls"):
            raise UnreadableFile(f"这是旧版 .{kind} 文件，请用 Word/Excel/WPS 另存为 .{kind}x 后再读", path=path)
        raise UnreadableFile("这是 OLE2 复合文件，但不是 Word 或 Excel 文档", path=path)
    if head.startswith(b"PK"):
        return
    read_only = _read_only_kind(head)
    if read_only is not None:
        raise UnreadableFile(f"这是{read_only}：formparse 能读取它，但只写入 .xlsx/.docx；"
                             "请用 Word/Excel/WPS/LibreOffice 另存为 .docx 或 .xlsx 后再用", path=path)
    text_kind = _text_kind(head)
    if text_kind in ("html", "mhtml"):
        raise UnreadableFile("这是网页（HTML）文件，常见于系统导出的 .xls；请用 Excel 另存为 .xlsx 后再读", path=path)
    if text_kind == "text":
        raise UnreadableFile("这是纯文本文件，不是 .docx 或 .xlsx 文件", path=path)
    raise UnreadableFile("不是 .docx 或 .xlsx 文件（无法识别的内容）", path=path)


def _ooxml_kind(names: set[str], path: str) -> str:
    if "[Content_Types].xml" not in names:
        from .odf import is_package

        if is_package(names):
            raise UnreadableFile("这是 OpenDocument 文件（.ods/.odt）：formparse 能读取它，但只写入 .xlsx/.docx；"
                                 "请用 LibreOffice/WPS 另存为 .xlsx 或 .docx 后再用", path=path)
    if "word/document.xml" in names or any(n.startswith("word/") for n in names):
        return "docx"
    if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
        return "xlsx"
    raise UnreadableFile("zip 包里没有 Word 文档或 Excel 工作簿", path=path)


def sniff(path: str, limits: Limits = DEFAULT) -> str:
    """The back-end name for a file, by its content: 'xlsx' or 'docx'. Raises a FormparseError otherwise."""
    from .ooxml import Package

    _kind(_head(path, limits), path)
    with Package(path, limits) as pkg:
        return _ooxml_kind(pkg.names, path)


def ooxml_kind(path: str) -> str | None:
    """'docx' or 'xlsx' for an OOXML file we can write to; None for anything else (never raises)."""
    try:
        return sniff(path)
    except FormparseError:
        return None


def backend(name: str) -> Any:
    return importlib.import_module(_MODULES[name])


def decrypt(path: str, password: str, limits: Limits = DEFAULT) -> bytes:
    """The OOXML package inside a password-protected file (needs msoffcrypto-tool)."""
    try:
        import msoffcrypto
        from msoffcrypto.exceptions import DecryptionError, InvalidKeyError
    except ImportError as exc:
        raise EncryptedFile("文件设置了打开密码；要用密码读取请安装 msoffcrypto-tool "
                            "(pip install 'formparse[password]')", path=path) from exc
    import io

    out = io.BytesIO()
    try:
        with open(path, "rb") as fh:
            office = msoffcrypto.OfficeFile(fh)
            office.load_key(password=password)
            office.decrypt(out)
    except (InvalidKeyError, DecryptionError) as exc:
        raise EncryptedFile("密码不对，无法打开这个加密文件", path=path) from exc
    except Exception as exc:  # msoffcrypto raises many kinds on damaged containers
        raise UnreadableFile(f"加密文件已损坏，无法解密 ({type(exc).__name__})", path=path) from exc
    data = out.getvalue()
    if len(data) > limits.max_file_bytes:
        raise UnsafeFile(f"解密后的文件超过上限 {limits.max_file_bytes} 字节", path=path)
    return data


def open_grids(path: str, limits: Limits = DEFAULT, password: str | None = None) -> list[Grid]:
    """The grids of a file, whatever its name says: OOXML read directly (the zip opened once), .xls natively
    (xlrd; LibreOffice for what that declines), .doc/.wps/.et and RTF through LibreOffice, HTML/MHTML exports
    read as web pages, OpenDocument (.ods/.odt, packaged or flat XML) natively.

    Every back-end's grids pass through here: their text is normalised once for all of them (zero-width
    characters removed, no-break spaces made spaces; :meth:`Grid.normalise_text`)."""
    return [grid.normalise_text() for grid in _open_grids(path, limits, password)]


def _open_grids(path: str, limits: Limits, password: str | None) -> list[Grid]:
    from .ooxml import Package

    whole = _head(path, limits, whole=True)  # read once: every reader of the file sees the same bytes
    if len(whole) > limits.max_file_bytes:
        raise UnsafeFile(f"文件超过上限 {limits.max_file_bytes} 字节", path=path)
    head = whole[:4096]
    data = None
    if head.startswith(OLE2):
        kind = _ole2_kind(path, whole)
        if kind == "encrypted" and password is not None:
            data = decrypt(path, password, limits)
        elif kind == "encrypted":
            raise EncryptedFile("文件设置了打开密码（加密的 Office 文件），请去掉密码后再报送，或提供密码", path=path)
        else:
            if kind == "xls":
                from . import xls

                try:
                    return xls.read_grids(path, whole, limits)
                except xls.Declined:
                    pass  # encrypted, BIFF5 or older, or damaged: LibreOffice converts it instead
            target = {"doc": "docx", "xls": "xlsx"}.get(kind) or _LEGACY_SUFFIX.get(Path(path).suffix.lower())
            if target is None:
                raise UnreadableFile("这是 OLE2 复合文件，但不是 Word 或 Excel 文档", path=path)
            from .legacy import convert

            data = convert(path, target, suffix="." + (kind if kind in ("doc", "xls") else target[:-1]),
                           limits=limits)
    elif _is_pdf(head):  # PDF (issue 18): read only, from its text layer and ruling lines
        from .pdf import read_grids as read_pdf

        return read_pdf(path, whole, limits, password)
    elif not head.startswith(b"PK"):
        # --- OpenDocument flat XML and RTF (issue 18) ---
        read_only = _read_only_kind(head)
        if read_only == _FLAT_ODF:
            from .odf import read_flat

            return read_flat(path, whole, limits)
        if read_only == _RTF:
            from .legacy import convert

            data = convert(path, "docx", suffix=".rtf", limits=limits)
        # --- end ---
        text_kind = None if data is not None else _text_kind(head)
        if text_kind in ("html", "mhtml"):
            from .html import read_grids as read_html

            return read_html(path, whole, mhtml=text_kind == "mhtml", limits=limits)
        if data is None:
            _kind(head, path)  # raises the right error for text and garbage
    pkg = Package(path, limits, whole if data is None else data)
    if "[Content_Types].xml" not in pkg.names:  # not OOXML: perhaps OpenDocument (issue 18), read natively
        from . import odf

        if odf.is_package(pkg.names):
            return odf.read_grids(path, pkg)
    try:
        kind = _ooxml_kind(pkg.names, path)
    except BaseException:
        pkg.zip.close()
        raise
    grids: list[Grid] = backend(kind).read_grids(path, pkg, fast=FAST_READS)
    return grids


# The fast read (python-calamine, for plain workbooks) gives the same grids as the full .xlsx reader,
# which reads everything else; False reads every file with the full readers (for comparison and
# benchmarks).
FAST_READS = True


# --- OpenDocument and RTF (issue 18): read, never written ---
_FLAT_ODF, _RTF = "OpenDocument 的单文件 XML（.fods/.fodt）", "RTF 文档（.rtf）"


def _read_only_kind(head: bytes) -> str | None:
    """What a file we read but do not write is, by its first bytes: flat OpenDocument XML or RTF; None otherwise
    (an OpenDocument zip is told by its entries, :func:`odf.is_package`)."""
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if probe.startswith(b"{\\rtf"):
        return _RTF
    if probe.startswith(b"<") and b"urn:oasis:names:tc:opendocument:xmlns:office:1.0" in head:
        from .odf import is_flat

        return _FLAT_ODF if is_flat(head) else None
    return None
# --- end ---


# OLE2 files whose streams we do not recognise, converted by what their name says (WPS Office).
_LEGACY_SUFFIX = {".wps": "docx", ".et": "xlsx"}


def open_document(path: str) -> Any:
    """A back-end Document for writing, opened from ``path`` (which is never written to)."""
    kind = sniff(path)
    mod = importlib.import_module(_WRITERS[kind])
    return mod.XlsxDocument(path) if kind == "xlsx" else mod.DocxDocument(path)
