"""Opening OOXML packages (zip + XML) for reading: hardened XML parsing, part lookup by relationship."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from typing import Any

from lxml import etree

from ..errors import UnreadableFile, UnsafeFile
from ..limits import DEFAULT, Limits

# No entity expansion, no DTDs, no network, no huge trees: a submission is untrusted.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True, remove_pis=True)
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


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


class Package:
    """An OOXML zip opened for reading, checked against the limits before any part is inflated."""

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
    (re.compile(r"(^|/)activeX/", re.I), "ActiveX 控件"),
    (re.compile(r"(^|/)embeddings/", re.I), "嵌入的 OLE 对象或文件"),
    (re.compile(r"(^|/)externalLinks/", re.I), "指向其他工作簿的外部链接"),
)
_ACTIVE_TYPES = ((b"macroEnabled", "启用宏的文件类型"), (b"vbaProject", "宏"), (b"oleObject", "嵌入的 OLE 对象"),
                 (b"activeX", "ActiveX 控件"))
_ACTIVE_RELS = (("/vbaProject", "宏"), ("/oleObject", "嵌入的 OLE 对象"), ("/package", "嵌入的文件"),
                ("/aFChunk", "altChunk 嵌入的外部文档"), ("/externalLink", "外部链接"),
                ("/attachedTemplate", "附加的外部模板"), ("/activeXControl", "ActiveX 控件"),
                ("/frame", "外部框架"), ("/subDocument", "子文档"))
# Field codes that fetch, run or link something when the document is opened or its fields are updated.
_ACTIVE_FIELD = re.compile(r"^\s*(DDEAUTO|DDE|INCLUDETEXT|INCLUDEPICTURE|IMPORT|LINK)\b", re.I)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CHECKED_PART = re.compile(r"^(word/.+|xl/worksheets/.+|xl/workbook)\.xml$")
_QUOTED = re.compile(r'"[^"]*"')


def active_content(pkg: Package) -> list[str]:
    """What in ``pkg`` runs, fetches or embeds (each a short Chinese description naming the part); [] if none."""
    found: list[str] = []

    def add(what: str, where: str) -> None:
        item = f"{what}（{where}）"
        if item not in found:
            found.append(item)

    for name in sorted(pkg.names):
        for pattern, what in _ACTIVE_PARTS:
            if pattern.search(name):
                add(what, name)
    if pkg.has("[Content_Types].xml"):
        types = pkg.read("[Content_Types].xml")
        for needle, what in _ACTIVE_TYPES:
            if needle.lower() in types.lower():
                add(what, "[Content_Types].xml")
    for name in sorted(n for n in pkg.names if n.endswith(".rels")):
        for rel in pkg.xml(name).iter(f"{{{REL}}}Relationship"):
            kind = rel.get("Type", "")
            for suffix, what in _ACTIVE_RELS:
                if kind.endswith(suffix):
                    add(what, name)
            if rel.get("TargetMode") == "External" and not kind.endswith("/hyperlink"):
                add(f"打开时会访问的外部地址 {rel.get('Target', '')[:60]}", name)
    for name in sorted(n for n in pkg.names if _CHECKED_PART.match(n)):
        data = pkg.read(name)
        # only parts that could hold one are parsed (by local name: the prefix is the file's choice)
        if not any(k in data for k in (b"instr", b"altChunk", b"updateFields", b"|")):
            continue
        for what in _active_in(pkg.xml(name)):
            add(what, name)
    return found


def _active_in(root: Any) -> list[str]:
    out = []
    instr: list[str] = []  # field instructions in document order, each field's own
    for el in root.iter(f"{{{_W}}}fldChar", f"{{{_W}}}instrText", f"{{{_W}}}fldSimple", f"{{{_W}}}altChunk",
                        f"{{{_W}}}updateFields", f"{{{_S}}}f", f"{{{_S}}}definedName"):
        tag = etree.QName(el).localname
        if tag == "fldChar" and el.get(f"{{{_W}}}fldCharType") == "begin":
            instr.append("")
        elif tag == "instrText":
            if not instr:
                instr.append("")
            instr[-1] += el.text or ""
        elif tag == "fldSimple":
            instr.append(el.get(f"{{{_W}}}instr", ""))
            instr.append("")
        elif tag == "altChunk":
            out.append("altChunk 嵌入的外部文档")
        elif tag == "updateFields" and el.get(f"{{{_W}}}val", "true").lower() not in ("false", "0", "off"):
            out.append("打开时自动更新所有域")
        elif tag in ("f", "definedName") and "|" in _QUOTED.sub("", el.text or ""):
            out.append("DDE 公式（打开时会启动其他程序）")
    for text in instr:
        m = _ACTIVE_FIELD.match(text)
        if m:
            out.append(f"{m[1].upper()} 域（打开或更新域时会执行或载入外部内容）")
    return out
