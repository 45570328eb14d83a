"""Opening OOXML packages (zip + XML) for reading: hardened XML parsing, part lookup by relationship."""

from __future__ import annotations

import errno
import gc
import io
import os
import posixpath
import re
import sys
import zipfile
import zlib
from collections.abc import Callable
from typing import Any, TypeVar

from lxml import etree

from ..errors import UnreadableFile, UnsafeFile
from ..limits import DEFAULT, Limits

# No entity expansion, no DTDs, no network, no huge trees: a submission is untrusted.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True, remove_pis=True)
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


# A cell's text as SpreadsheetML carries it: Excel reads ``_xHHHH_`` in any cell text as the character
# U+HHHH, so text that holds such a sequence itself has its underscore written ``_x005F_`` (else a unit
# typed "_x0041_" comes back "A", and "_x0001_" as a control character); characters XML cannot carry are
# written ``_xHHHH_``, as Excel does.
_CELL_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")


_T = TypeVar("_T")


def library_write(write: Callable[[], _T], path: str) -> _T:
    """``write()``, with a failure to write inside openpyxl or lxml (lxml says SerialisationError
    "IO_ENOSPC", "IO_EFBIG", …) raised as the OSError it is, naming ``path``.

    The writers' generators that the failure left open are collected here, quietly: otherwise each fails
    again when it is collected, and prints an "Exception ignored" traceback after our one plain line.
    """
    hook = sys.unraisablehook
    try:
        return write()
    except etree.SerialisationError as exc:
        code = getattr(errno, str(exc).strip().removeprefix("IO_"), None)
        code = code if isinstance(code, int) else errno.EIO
        sys.unraisablehook = lambda _unraisable: None
    except OSError as exc:
        code = exc.errno or errno.EIO
        sys.unraisablehook = lambda _unraisable: None
    try:  # the failure (and the frames holding the generators) is gone once its except clause ended
        gc.collect()
    finally:
        sys.unraisablehook = hook
    raise OSError(code, os.strerror(code), path)


def cell_text(text: str) -> str:
    """``text`` written so that Excel (and our reader) read back exactly ``text``."""
    return _CELL_ESCAPE.sub(lambda m: f"_x{ord(m[0]):04X}_", text)


def parse(data: bytes, *, path: str, part: str) -> Any:
    # (XML spells it in capitals; a “<!doctype” is a syntax error the parser reports itself)
    if data.find(b"<!DOCTYPE", 0, 65536) >= 0:
        # OOXML parts never carry a DTD: one is there only to expand entities or reach outside
        raise UnsafeFile(f"文件内部的 {part} 含有 DTD 声明（可能是实体炸弹或 XXE），拒绝读取", path=path)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(f"文件内部的 {part} 已损坏：{exc}", path=path) from exc
    except (ValueError, MemoryError, RecursionError) as exc:
        raise UnsafeFile(f"文件内部的 {part} 无法安全解析：{type(exc).__name__}", path=path) from exc
    if root.getroottree().docinfo.doctype:
        # OOXML parts never carry a DTD: one is there only to expand entities or reach outside
        raise UnsafeFile(f"文件内部的 {part} 含有 DTD 声明（可能是实体炸弹或 XXE），拒绝读取", path=path)
    return root


# ISO/IEC 29500 Strict spells the namespaces and relationship types differently from the transitional OOXML
# every reader here knows (Excel's "Strict Open XML Spreadsheet", Word's "Strict Open XML Document"). The
# element names and structure are the same, so a part's strict URIs are rewritten to the transitional ones
# once, as its bytes are read: every reader then reads strict files as it reads the others.
STRICT_MARK = b"purl.oclc.org/ooxml/"
_STRICT_URI = re.compile(rb"http://purl\.oclc\.org/ooxml/(?:(spreadsheetml|wordprocessingml|presentationml)/main"
                         rb"|drawingml/|officeDocument/(relationships|extendedProperties|customProperties"
                         rb"|sharedTypes|math|customXml|bibliography|docPropsVTypes))")
_STRICT_OFFICE = {b"relationships": b"relationships", b"extendedProperties": b"extended-properties",
                  b"customProperties": b"custom-properties"}


def _transitional(m: re.Match[bytes]) -> bytes:
    if m[1]:
        return b"http://schemas.openxmlformats.org/" + m[1] + b"/2006/main"
    if m[2]:
        return b"http://schemas.openxmlformats.org/officeDocument/2006/" + _STRICT_OFFICE.get(m[2], m[2])
    return b"http://schemas.openxmlformats.org/drawingml/2006/"


# the mark of a strict document or workbook (a part written transitional must not keep it)
_CONFORMANCE = re.compile(rb"""\s(?:[A-Za-z_][\w.-]*:)?conformance\s*=\s*["']strict["']""")


def transitional(data: bytes) -> bytes:
    """A part's bytes with the ISO Strict namespace and relationship URIs written as the transitional ones
    (and the strict conformance mark dropped)."""
    if STRICT_MARK not in data:
        return data
    return _CONFORMANCE.sub(b"", _STRICT_URI.sub(_transitional, data), count=1)


class Package:
    """An OOXML zip opened for reading, checked against the limits before any part is inflated.

    Parts are read with Strict OOXML's URIs made transitional (:func:`transitional`); ``strict`` says whether
    any part read so far used them (a reader of the raw zip, like python-calamine, must then decline)."""

    def __init__(self, path: str, limits: Limits = DEFAULT, data: bytes | None = None) -> None:
        self.path = path
        self.limits = limits
        self.data = data  # the package's bytes, when it was opened from memory
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data) if data is not None else path)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise UnreadableFile(f"文件已损坏，不是完整的 zip 包 ({exc})", path=path) from exc
        except Exception as exc:  # zipfile raises a variety on crafted central directories
            raise UnreadableFile(f"文件已损坏，zip 目录无法读取 ({type(exc).__name__})", path=path) from exc
        try:
            self._check(infos)
        except BaseException:
            self.zip.close()
            raise
        self.names = {i.filename for i in infos}
        self.sizes = {i.filename: i.file_size for i in infos}
        self._infos = {i.filename: i for i in infos}
        self.strict = False

    def _check(self, infos: list[zipfile.ZipInfo]) -> None:
        lim, path = self.limits, self.path
        if len(infos) > lim.max_entries:
            raise UnsafeFile(f"zip 包有 {len(infos)} 个条目，超过上限 {lim.max_entries}", path=path)
        seen: set[str] = set()
        total = 0
        for info in infos:
            name = info.filename
            if name in seen:
                raise UnsafeFile(f"zip 包中有重名条目 {name!r}（常见于恶意构造的文件）", path=path)
            seen.add(name)
            if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or ":" in name:
                raise UnsafeFile(f"zip 条目名 {name!r} 指向包外（路径穿越）", path=path)
            if info.file_size > lim.max_part_bytes:
                raise UnsafeFile(f"部件 {name} 解压后 {info.file_size} 字节，超过上限 {lim.max_part_bytes}", path=path)
            total += info.file_size
            if total > lim.max_total_bytes:
                raise UnsafeFile(f"解压后总大小超过上限 {lim.max_total_bytes} 字节", path=path)
            if info.file_size > 2**20 and info.file_size > lim.max_inflate_ratio * max(1, info.compress_size):
                raise UnsafeFile(f"部件 {name} 压缩比 {info.file_size // max(1, info.compress_size)}:1，疑似压缩炸弹",
                                 path=path)

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zip.close()

    def has(self, name: str) -> bool:
        return name in self.names

    def _read_in_memory(self, name: str) -> bytes | None:
        """A stored or deflated part of a package held in memory, inflated straight from its bytes (zipfile's
        own reader costs several times more for the small parts of a form). None for anything unusual
        (encryption, other methods, a local header or stream that does not add up): zipfile then reads
        it, and says what is wrong."""
        info = self._infos.get(name)
        data = self.data
        if data is None or info is None or info.flag_bits & 1 or info.compress_type not in (0, 8):
            return None
        start = info.header_offset
        header = data[start : start + 30]
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            return None
        begin = start + 30 + int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
        body = data[begin : begin + info.compress_size]
        if len(body) != info.compress_size:
            return None
        limit = self.limits.max_part_bytes
        if info.compress_type == 0:
            out = body
        else:
            inflater = zlib.decompressobj(-15)
            try:
                out = inflater.decompress(body, limit + 1)
            except zlib.error:
                return None
            if len(out) <= limit and not inflater.eof:
                return None
        if len(out) > limit:
            raise UnsafeFile(f"部件 {name} 解压后超过上限 {limit} 字节", path=self.path)
        if len(out) != info.file_size or zlib.crc32(out) != info.CRC:
            return None
        return out

    def read(self, name: str) -> bytes:
        """A part's bytes (Strict OOXML's URIs made transitional)."""
        data = self._read(name)
        if STRICT_MARK in data:
            self.strict = True
            return transitional(data)
        return data

    def is_strict(self) -> bool:
        """Whether the package itself is Strict OOXML: its relationships name the main part with a strict type
        (python-docx and openpyxl cannot open such a package)."""
        return self.has("_rels/.rels") and STRICT_MARK + b"officeDocument/relationships/officeDocument" in \
            self._read("_rels/.rels")

    def _read(self, name: str) -> bytes:
        fast = self._read_in_memory(name)
        if fast is not None:
            return fast
        try:
            with self.zip.open(name) as fh:
                # the declared size may lie: never inflate more than the limit allows
                data = fh.read(self.limits.max_part_bytes + 1)
            if len(data) > self.limits.max_part_bytes:
                raise UnsafeFile(f"部件 {name} 解压后超过上限 {self.limits.max_part_bytes} 字节", path=self.path)
            return data
        except UnsafeFile:
            raise
        except KeyError as exc:
            raise UnreadableFile(f"文件缺少部件 {name}", path=self.path) from exc
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:  # zlib.error is an Exception too
            raise UnreadableFile(f"文件部件 {name} 已损坏 ({exc})", path=self.path) from exc
        except Exception as exc:
            raise UnreadableFile(f"文件部件 {name} 无法解压 ({type(exc).__name__}: {exc})", path=self.path) from exc

    def xml(self, name: str) -> Any:
        return parse(self.read(name), path=self.path, part=name)

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, target part name) for ``part`` ('' for the package)."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", f"{base}.rels")
        if not self.has(rels_name):
            return {}
        out = {}
        for rel in self.xml(rels_name).iter(f"{{{REL}}}Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id", "")] = (rel.get("Type", ""), name)
        return out

    def main_part(self, default: str) -> str:
        """The package's main document part (word/document.xml, xl/workbook.xml, … wherever it is)."""
        for rel_type, name in self.rels("").values():
            if rel_type == OFFICE_DOC or rel_type.endswith("/officeDocument"):
                if self.has(name):
                    return name
        return default


# What a template may carry that must never reach an "official" output: code, content fetched or run
# when the file is opened, and embedded packages. fill refuses such a template (docs/security.md).
_ACTIVE_PARTS = (
    (re.compile(r"(^|/)vba(Project\.bin|Data\.xml)$", re.I), "宏"),
    (re.compile(r"(^|/)(macrosheets|dialogsheets)/", re.I), "Excel 4.0 宏表"),
    (re.compile(r"(^|/)activeX/", re.I), "ActiveX 控件"),
    (re.compile(r"(^|/)embeddings/", re.I), "嵌入的 OLE 对象或文件"),
    (re.compile(r"(^|/)externalLinks/", re.I), "指向其他工作簿的外部链接"),
    (re.compile(r"(^|/)(connections\.xml|queryTables/)", re.I), "外部数据连接"),
)
_ACTIVE_TYPES = ((b"macroenabled", "启用宏的文件类型"), (b"vbaproject", "宏"), (b"macrosheet", "Excel 4.0 宏表"),
                 (b"dialogsheet", "Excel 4.0 宏表"), (b"oleobject", "嵌入的 OLE 对象"), (b"activex", "ActiveX 控件"),
                 (b"connections+xml", "外部数据连接"), (b"querytable", "外部数据连接"))
_ACTIVE_RELS = (("/vbaproject", "宏"), ("/xlmacrosheet", "Excel 4.0 宏表"), ("/xlintlmacrosheet", "Excel 4.0 宏表"),
                ("/dialogsheet", "Excel 4.0 宏表"), ("/oleobject", "嵌入的 OLE 对象"), ("/package", "嵌入的文件"),
                ("/afchunk", "altChunk 嵌入的外部文档"), ("/externallink", "外部链接"),
                ("/attachedtemplate", "附加的外部模板"), ("/activexcontrol", "ActiveX 控件"),
                ("/control", "ActiveX 控件"),
                ("/frame", "外部框架"), ("/subdocument", "子文档"), ("/connections", "外部数据连接"),
                ("/querytable", "外部数据连接"))
# Field codes that fetch, run, link or embed something when the document is opened or its fields are updated.
# (a name in quotes is taken for the name too: the check must not depend on how leniently Word parses)
_ACTIVE_FIELD = re.compile(r'^[\s"]*(DDEAUTO|DDE|INCLUDETEXT|INCLUDEPICTURE|IMPORT|LINK|DATABASE|EMBED)\b', re.I)
# Worksheet functions that fetch from the network or run code when a workbook is calculated (fill asks
# Excel to recalculate on open): WEBSERVICE, IMAGE (a picture from a URL), RTD (a COM server), and the
# Excel 4.0 functions that call into DLLs or start programs; after any run of prefixes (_xlfn._xlws.…).
# A user-defined function (_xludf.NAME) runs an add-in's or a macro's code whatever its name.
_ACTIVE_FUNCTION = re.compile(r"(?<![A-Za-z0-9_.])(?:_xl(?:fn|ws)\.)*(WEBSERVICE|IMAGE|RTD|CALL|REGISTER(?:\.ID)?"
                              r"|EXEC|EXECUTE|_xludf\.[A-Za-z0-9_.]+)\s*\(", re.I)
# Both spellings of each namespace (transitional, and ISO strict): a part is judged by namespace, not prefix.
_W_NS = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main",
         "http://purl.oclc.org/ooxml/wordprocessingml/main")
_S_NS = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
_FORMULA_TAGS = {"f", "formula", "formula1", "formula2"}  # cells, conditional formats, data validation, x14
_QUOTED = re.compile(r'"[^"]*"|\'[^\']*\'')  # string literals and quoted sheet names
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Parts that hold only text or formatting, however large (a million shared strings): never parsed here.
_INERT_TYPES = ("sharedstrings+xml", "styles+xml", "theme+xml", "core-properties+xml", "extended-properties+xml",
                "fonttable+xml", "numbering+xml", "stylesWitheffects+xml".lower(), "websettings+xml")
# A part holding none of these words, once decoded, has no field, formula, chunk or setting of concern.
_NEEDLES = ("instr", "altchunk", "updatefields", "mailmerge", "|", "&#", "formula", "<f", ":f",
            "definedname", "webservice", "image", "rtd", "call", "register", "exec", "_xludf", "ddelink", "olelink",
            "externalbook")


def _content_types(pkg: Package) -> tuple[dict[str, str], dict[str, str], bytes]:
    """(part name → content type, extension → content type, the raw [Content_Types].xml), all lower case."""
    if not pkg.has("[Content_Types].xml"):
        return {}, {}, b""
    raw = pkg.read("[Content_Types].xml")
    overrides, defaults = {}, {}
    for el in parse(raw, path=pkg.path, part="[Content_Types].xml").iter():
        if not isinstance(el.tag, str):
            continue
        tag = etree.QName(el).localname
        if tag == "Override":
            overrides[el.get("PartName", "").lstrip("/").lower()] = el.get("ContentType", "").lower()
        elif tag == "Default":
            defaults[el.get("Extension", "").lower()] = el.get("ContentType", "").lower()
    return overrides, defaults, raw.lower()


def _as_text(data: bytes) -> str:
    """An XML part's text in whatever encoding it declares by its byte order mark (UTF-8 or UTF-16)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(data) > 1 and (data[0] == 0 or data[1] == 0)):
        for codec in ("utf-16", "utf-16-le", "utf-16-be"):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                continue
    return data.decode("utf-8", "replace")


def active_content(pkg: Package) -> list[str]:
    """What in ``pkg`` runs, fetches or embeds (each a short Chinese description naming the part); [] if none.

    Every part is looked at, wherever it lies and whatever it is called: parts by name, the content types,
    every relationship, any part that is an OLE2 compound file, and every XML part that could hold a field,
    a formula or a setting (by namespace, in UTF-8 or UTF-16, character references and all)."""
    found: list[str] = []

    def add(what: str, where: str) -> None:
        item = f"{what}（{where}）"
        if item not in found:
            found.append(item)

    overrides, defaults, types = _content_types(pkg)
    for needle, what in _ACTIVE_TYPES:
        if needle in types:
            add(what, "[Content_Types].xml")
    for name in sorted(pkg.names):
        for pattern, what in _ACTIVE_PARTS:
            if pattern.search(name):
                add(what, name)
        if name.endswith("/"):
            continue
        if _starts_with(pkg, name, _OLE2_MAGIC):
            add("嵌入的 OLE 对象或文件", name)
    for name in sorted(n for n in pkg.names if n.lower().endswith(".rels")):
        for rel in pkg.xml(name).iter(f"{{{REL}}}Relationship"):
            kind = rel.get("Type", "").strip().lower()
            for suffix, what in _ACTIVE_RELS:
                if kind.endswith(suffix):
                    add(what, name)
            if rel.get("TargetMode", "").strip().lower() == "external" and not kind.endswith("/hyperlink"):
                add(f"打开时会访问的外部地址 {rel.get('Target', '')[:60]}", name)
    for name in sorted(pkg.names):
        low = name.lower()
        if low.endswith((".rels", "/")) or low == "[content_types].xml":
            continue
        ctype = overrides.get(low) or defaults.get(low.rpartition(".")[2], "")
        if any(t in ctype for t in _INERT_TYPES) or not (low.endswith(".xml") or "xml" in ctype):
            continue
        text = _as_text(pkg.read(name)).lower()
        # only parts that could hold one are parsed (the words cannot hide: element names are never escaped,
        # and a character reference makes the part be parsed)
        if not any(k in text for k in _NEEDLES):
            continue
        for what in _active_in(pkg.xml(name)):
            add(what, name)
    return found


def _starts_with(pkg: Package, name: str, magic: bytes) -> bool:
    try:
        with pkg.zip.open(name) as fh:
            return fh.read(len(magic)) == magic
    except Exception:  # a damaged entry: reading it for real says what is wrong
        return False


class _Field:
    __slots__ = ("code", "computed", "in_result")

    def __init__(self) -> None:
        self.code = ""  # the field's own instruction text, nested fields left out
        self.computed = False  # its instruction begins with a nested field (the field's name is computed)
        self.in_result = False


def _active_in(root: Any) -> list[str]:
    out = []
    codes: list[str] = []  # every field's own instruction, nested fields' text left out
    stack: list[_Field] = []
    computed = False
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        q = etree.QName(el)
        tag, ns = q.localname, q.namespace
        if ns in _W_NS:
            if tag == "fldChar":
                kind = el.get(f"{{{ns}}}fldCharType", "")
                if kind == "begin":
                    if stack and not stack[-1].in_result and not stack[-1].code.strip():
                        stack[-1].computed = True
                    stack.append(_Field())
                elif kind == "separate" and stack:
                    stack[-1].in_result = True
                elif kind == "end" and stack:
                    field = stack.pop()
                    codes.append(field.code)
                    computed = computed or field.computed
            elif tag == "instrText":
                if not stack:  # an instruction outside any field: judged on its own
                    codes.append(el.text or "")
                elif not stack[-1].in_result:
                    stack[-1].code += el.text or ""
            elif tag == "fldSimple":
                codes.append(el.get(f"{{{ns}}}instr", ""))
            elif tag == "altChunk":
                out.append("altChunk 嵌入的外部文档")
            elif tag == "updateFields" and el.get(f"{{{ns}}}val", "true").lower() not in ("false", "0", "off"):
                out.append("打开时自动更新所有域")
            elif tag == "mailMerge":
                out.append("邮件合并的数据源（打开时会查询外部数据）")
        if ns in _S_NS and tag in ("ddeLink", "oleLink", "externalBook"):
            out.append("指向其他程序或工作簿的外部链接")  # an externalLink part's body, wherever it was put
        if tag in _FORMULA_TAGS or (tag == "definedName" and ns in _S_NS):
            formula = _QUOTED.sub("", el.text or "")
            if "|" in formula:
                out.append("DDE 公式（打开时会启动其他程序）")
            m = _ACTIVE_FUNCTION.search(formula)
            if m:
                out.append(f"{m[1].upper()} 函数（计算时会访问网络或运行程序）")
    codes += [f.code for f in stack]  # fields never closed
    computed = computed or any(f.computed for f in stack)
    for text in codes:
        m = _ACTIVE_FIELD.match(text)
        if m:
            out.append(f"{m[1].upper()} 域（打开或更新域时会执行或载入外部内容）")
    if computed:
        out.append("域名由嵌套的域生成（常见于隐藏 DDE 等域的手法）")
    return list(dict.fromkeys(out))


def check_table_depth(root: Any, table_tag: str, limits: Limits, path: str) -> None:
    """Refuse (UnsafeFile) a document whose tables nest deeper than ``limits.max_table_depth`` (a .docx's
    ``w:tbl`` or an OpenDocument's ``table:table``, given as ``table_tag``), before any is read."""
    depths: dict[Any, int] = {}
    for tbl in root.iter(table_tag):  # in document order: a table's enclosing table comes first
        outer = next(tbl.iterancestors(table_tag), None)
        depth = depths[tbl] = 1 if outer is None else depths.get(outer, 0) + 1
        if depth > limits.max_table_depth:
            raise UnsafeFile(f"表格嵌套超过 {limits.max_table_depth} 层", path=path)
