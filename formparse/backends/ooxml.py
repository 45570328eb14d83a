"""Opening OOXML packages (zip + XML) for reading: hardened XML parsing, part lookup by relationship."""

from __future__ import annotations

import posixpath
import zipfile
from typing import Any

from lxml import etree

from ..errors import UnreadableFile

# No entity expansion, no DTDs, no network, no huge trees: a submission is untrusted.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True, remove_pis=True)
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def parse(data: bytes, *, path: str, part: str) -> Any:
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(f"文件内部的 {part} 已损坏：{exc}", path=path) from exc


class Package:
    """An OOXML zip opened for reading."""

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
            self.names = set(self.zip.namelist())
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise UnreadableFile(f"文件已损坏，不是完整的 zip 包 ({exc})", path=path) from exc

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zip.close()

    def has(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str) -> bytes:
        try:
            return self.zip.read(name)
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
