"""Reading OpenDocument natively: .ods/.ots spreadsheets and .odt/.ott text documents (zip + lxml), and
their flat XML forms (.fods/.fodt), into the grids the .xlsx and .docx readers give. No LibreOffice.

This module tells an OpenDocument file by its content and reads its parts; ``odf_sheet.py`` makes a
spreadsheet's grids (one per sheet, like ``xlsx.py``), ``odf_document.py`` a text document's grid (like
``docx.py``), both with the XML names and the paragraph text of ``odf_text.py``.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import EncryptedFile, UnreadableFile, UnsafeFile
from ..grid import Grid
from ..limits import DEFAULT, Limits
from .odf_document import _document
from .odf_sheet import _boolean_styles, _hidden_tables, _sheet, excel_formula, sheet_controls
from .odf_text import _TBL, MANIFEST, OFFICE, paragraph_text, q, symbol_fonts
from .ooxml import Package, check_table_depth, parse

__all__ = ["KINDS", "WHAT", "excel_formula", "is_flat", "is_package", "kind_of", "media_type", "paragraph_text",
           "read_flat", "read_grids", "symbol_fonts"]

_MIME = "application/vnd.oasis.opendocument."
# What we read, by the package's media type; every other OpenDocument kind is named in the refusal.
KINDS = {"spreadsheet": "ods", "spreadsheet-template": "ods", "text": "odt", "text-template": "odt",
         "text-master": "odt"}
_OTHER = {"presentation": "演示文稿（.odp）", "presentation-template": "演示文稿模板（.otp）",
          "graphics": "绘图（.odg）", "graphics-template": "绘图模板（.otg）", "chart": "图表（.odc）",
          "formula": "公式（.odf）", "image": "图像（.odi）", "base": "数据库（.odb）", "database": "数据库（.odb）",
          "text-web": "网页模板（.oth）"}
WHAT = {"ods": "OpenDocument 电子表格（.ods）", "odt": "OpenDocument 文本文档（.odt）"}


# ---------------------------------------------------------------------------------------------- sniffing

def media_type(pkg: Package) -> str | None:
    """The package's media type: its ``mimetype`` entry, else the manifest's entry for "/"; None if neither."""
    if pkg.has("mimetype") and pkg.sizes.get("mimetype", 0) <= 200:
        return pkg.read("mimetype").decode("ascii", "replace").strip()
    if pkg.has("META-INF/manifest.xml"):
        for entry in pkg.xml("META-INF/manifest.xml").iter(q(MANIFEST, "file-entry")):
            if entry.get(q(MANIFEST, "full-path")) == "/":
                return entry.get(q(MANIFEST, "media-type"), "")
    return None


def is_package(names: set[str]) -> bool:
    """Whether a zip's entries are an OpenDocument package's (no OOXML content types, a mimetype or manifest)."""
    return "[Content_Types].xml" not in names and ("mimetype" in names or "META-INF/manifest.xml" in names)


def kind_of(mime: str | None, path: str) -> str:
    """'ods' or 'odt' for a media type we read; UnreadableFile naming any other."""
    sub = (mime or "").removeprefix(_MIME) if (mime or "").startswith(_MIME) else None
    if sub in KINDS:
        return KINDS[sub]
    if sub is not None:
        what = _OTHER.get(sub, f"文件（{mime}）")
        raise UnreadableFile(f"这是 OpenDocument {what}，不是表格或文字文档；请提交 .xlsx/.docx/.ods/.odt", path=path)
    raise UnreadableFile(f"zip 包不是 Word/Excel 文件，也不是 OpenDocument 表格或文档（类型 {mime or '未知'}）",
                         path=path)


def is_flat(head: bytes) -> bool:
    """Whether the start of a file is a flat OpenDocument XML (.fods/.fodt): an office:document root."""
    return OFFICE.encode() in head and re.search(rb"<([A-Za-z_][\w.-]*:)?document[\s>]", head) is not None


# ---------------------------------------------------------------------------------------------- reading

def read_grids(path: str, pkg: Package) -> list[Grid]:
    """The grids of an OpenDocument package (closed when done)."""
    with pkg:
        kind = kind_of(media_type(pkg), path)
        if pkg.has("META-INF/manifest.xml") and b"encryption-data" in pkg.read("META-INF/manifest.xml"):
            raise EncryptedFile("文件设置了打开密码（加密的 OpenDocument 文件），请去掉密码后再报送", path=path)
        if not pkg.has("content.xml"):
            raise UnreadableFile("OpenDocument 文件缺少 content.xml", path=path)
        content = pkg.xml("content.xml")
        styles = pkg.xml("styles.xml") if pkg.has("styles.xml") else None
    return _grids(content, styles, kind, path, pkg.limits)


def read_flat(path: str, data: bytes, limits: Limits = DEFAULT) -> list[Grid]:
    """The grids of a flat OpenDocument XML file (.fods/.fodt): content and styles in one document."""
    root = parse(data, path=path, part="XML")
    if root.tag != q(OFFICE, "document"):
        raise UnreadableFile("XML 文件不是 OpenDocument 文档（根元素不是 office:document）", path=path)
    return _grids(root, root, kind_of(root.get(q(OFFICE, "mimetype")) or _body_kind(root), path), path, limits)


def _body_kind(root: Any) -> str | None:
    body = root.find(q(OFFICE, "body"))
    for child in body if body is not None else ():
        if child.tag == q(OFFICE, "spreadsheet"):
            return _MIME + "spreadsheet"
        if child.tag == q(OFFICE, "text"):
            return _MIME + "text"
        if isinstance(child.tag, str):
            return _MIME + child.tag.rpartition("}")[2]
    return None


def _grids(content: Any, styles: Any, kind: str, path: str, limits: Limits) -> list[Grid]:
    body = content.find(q(OFFICE, "body"))
    part = body.find(q(OFFICE, "spreadsheet" if kind == "ods" else "text")) if body is not None else None
    if part is None:
        raise UnreadableFile(f"{WHAT[kind]}没有正文", path=path)
    check_table_depth(part, _TBL, limits, path)
    fonts = symbol_fonts(*((content,) if styles is content else (styles, content)))  # content's styles win
    try:
        if kind == "ods":
            hidden = _hidden_tables(content)
            booleans = _boolean_styles(*((content,) if styles is content else (styles, content)))
            grids = []
            for t in part.iterchildren(_TBL):
                grid = _sheet(t, path, limits, hidden, fonts, booleans)
                sheet_controls(content, t, grid)  # check boxes drawn over the sheet: their marks into the cells
                grids.append(grid)
            return grids
        return [_document(part, styles, path, limits, fonts)]
    except RecursionError as exc:
        raise UnsafeFile("文档结构嵌套过深", path=path) from exc


