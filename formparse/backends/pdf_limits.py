"""PDF back-end, limits and errors: opening a PDF (a password, a damaged file), and the bounds checked before
pdfminer interprets anything: pages, objects, each page's content streams inflated (with a cap).
"""

from __future__ import annotations

import io
import itertools
import zlib
from collections.abc import Iterable
from typing import Any

from ..errors import EncryptedFile, UnreadableFile, UnsafeFile
from ..limits import Limits


def _open(path: str, data: bytes, password: str | None) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        return pdfplumber.PDF(io.BytesIO(data), password=password or "")
    except Exception as exc:  # pdfplumber wraps every pdfminer error in PdfminerException
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc.__cause__
        if isinstance(cause, PDFPasswordIncorrect) or isinstance(exc, PDFPasswordIncorrect):
            if password:
                raise EncryptedFile("密码不对，无法打开这个加密的 PDF", path=path) from exc
            raise EncryptedFile("PDF 设置了打开密码，请去掉密码后再报送，或提供密码", path=path) from exc
        if isinstance(cause, PDFEncryptionError):
            raise EncryptedFile(f"PDF 的加密方式无法识别 ({cause})", path=path) from exc
        if isinstance(cause, MemoryError | RecursionError):
            raise UnsafeFile("PDF 结构过大或嵌套过深，无法安全读取", path=path) from exc
        raise UnreadableFile(f"PDF 已损坏，无法读取 ({type(cause or exc).__name__})", path=path) from exc


def _check_objects(doc: Any, path: str, limits: Limits) -> None:
    count = 0
    for xref in doc.xrefs:
        for _ in xref.get_objids():
            count += 1
            if count > limits.max_pdf_objects:
                raise UnsafeFile(f"PDF 有超过 {limits.max_pdf_objects} 个对象", path=path)


def _stream_size(stream: Any, cap: int) -> int:
    """How many bytes a stream inflates to, counting no further than ``cap`` + 1 (never inflating more)."""
    from pdfminer.psparser import LIT

    filters = stream.get_filters() if hasattr(stream, "get_filters") else []
    raw = stream.rawdata if stream.rawdata is not None else (stream.data or b"")
    if not filters:
        return len(raw)
    name = filters[0][0]
    if name in (LIT("FlateDecode"), LIT("Fl")):
        d = zlib.decompressobj()
        try:
            out = d.decompress(raw, cap + 1)
        except zlib.error:
            return len(raw)  # damaged: pdfminer reads what it can, bounded by the raw size
        return len(out) if not d.unconsumed_tail else cap + 1
    return len(raw) * 2  # other filters (ASCIIHex, LZW, RunLength…) expand little; they are rare in exports


def _check_page_streams(page: Any, n: int, path: str, limits: Limits) -> None:
    """Refuse a page whose content streams (and the form XObjects it draws) would inflate past the limit,
    before pdfminer interprets them."""
    from pdfminer.pdftypes import PDFStream, resolve1

    cap = limits.max_pdf_stream_bytes
    total = 0
    seen: set[int] = set()
    todo: list[Any] = [page.page_obj.contents]
    resources = [page.page_obj.resources]
    while resources:
        res = resolve1(resources.pop())
        if not isinstance(res, dict):
            continue
        xobjects = resolve1(res.get("XObject"))
        if not isinstance(xobjects, dict):
            continue
        for ref in xobjects.values():
            key = getattr(ref, "objid", None)
            if key is not None:
                if key in seen or len(seen) > 10_000:
                    continue
                seen.add(key)
            obj = resolve1(ref)
            if isinstance(obj, PDFStream) and str(obj.get("Subtype")) == "/'Form'":
                todo.append(obj)
                resources.append(obj.get("Resources"))
    for obj in todo:
        for stream in obj if isinstance(obj, list) else [obj]:
            stream = resolve1(stream)
            if isinstance(stream, PDFStream):
                total += _stream_size(stream, cap - total)
                if total > cap:
                    raise UnsafeFile(f"PDF 第{n}页的内容超过 {cap} 字节（解压后）", path=path)


def _pages(pdf: Any, path: str, limits: Limits) -> Iterable[tuple[int, Any]]:
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    # the pages are counted before any is interpreted: a file past the limit costs no page's content
    objs = list(itertools.islice(PDFPage.create_pages(pdf.doc), limits.max_pdf_pages + 1))
    if len(objs) > limits.max_pdf_pages:
        raise UnsafeFile(f"PDF 超过 {limits.max_pdf_pages} 页", path=path)
    doctop = 0.0
    for i, obj in enumerate(objs, start=1):
        page = Page(pdf, obj, page_number=i, initial_doctop=doctop)
        doctop += float(page.height)
        yield i, page
