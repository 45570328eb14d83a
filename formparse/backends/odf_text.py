"""OpenDocument XML shared by the spreadsheet and text-document readers (``odf_sheet.py``, ``odf_document.py``):
the namespaces and element names, a paragraph's text as the application shows it (white space, symbol fonts),
and the counts and row/column groups of ODF tables."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..errors import UnreadableFile
from .symbols import is_symbol_font, symbol_text

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"

_MAX_REPEAT_DIGITS = 9  # a repeat count past 999,999,999 is no spreadsheet's


def q(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


_P, _H, _S, _TAB, _BR = q(TEXT, "p"), q(TEXT, "h"), q(TEXT, "s"), q(TEXT, "tab"), q(TEXT, "line-break")
_LIST, _ITEM, _HEADER, _SECTION = q(TEXT, "list"), q(TEXT, "list-item"), q(TEXT, "list-header"), q(TEXT, "section")
_TBL, _ROW, _CELL, _COVERED = q(TABLE, "table"), q(TABLE, "table-row"), q(TABLE, "table-cell"), \
    q(TABLE, "covered-table-cell")
_COLUMN = q(TABLE, "table-column")
# Elements that group rows or columns; their children are read in place.
_ROW_GROUPS = {q(TABLE, t) for t in ("table-row-group", "table-header-rows", "table-rows")}
_COL_GROUPS = {q(TABLE, t) for t in ("table-column-group", "table-header-columns", "table-columns")}
# Never text the form shows: deleted text kept for change tracking, notes and comments (their own parts in
# .docx), alternative text of pictures, a ruby's annotation, declarations.
_SKIP = {q(TEXT, t) for t in ("tracked-changes", "note", "ruby-text", "sequence-decls", "variable-decls",
                               "user-field-decls", "dde-connection-decls", "table-of-content-source",
                               "alphabetical-index-source", "illustration-index-source", "soft-page-break")}
_SKIP |= {q(OFFICE, "annotation"), q(OFFICE, "annotation-end"), q(OFFICE, "forms"), q(SVG, "title"), q(SVG, "desc"),
          q(OFFICE, "binary-data"), q(TABLE, "shapes")}
_SPACE = " \t\r\n"
_TEXT_NS = f"{{{TEXT}}}"
_CONTAINERS = {_LIST, _ITEM, _HEADER, _SECTION, q(TEXT, "index-body"), q(TEXT, "index-title")}
_REPEAT_ROWS, _REPEAT_COLS = q(TABLE, "number-rows-repeated"), q(TABLE, "number-columns-repeated")
_SPAN_ROWS, _SPAN_COLS = q(TABLE, "number-rows-spanned"), q(TABLE, "number-columns-spanned")


# ---------------------------------------------------------------------------------------------- text

class _Walk:
    """One paragraph's text as the application shows it.

    Writer follows ODF 1.3 §6.1.2: a run of white space is one space, white space at a paragraph's start is
    dropped; text:s, text:tab and text:line-break are kept. Calc keeps a cell's characters as written (its
    own files hold “基本··” with both spaces typed), so a spreadsheet's text is read without collapsing.
    Text set in a symbol font (a span or paragraph style naming Wingdings …) is what that font draws."""

    __slots__ = ("collapse", "drop", "fonts", "out")

    def __init__(self, collapse: bool, fonts: dict[str, str]) -> None:
        self.collapse = collapse
        self.fonts = fonts  # style name → the symbol font it sets ({} for most files)
        self.drop = True  # the next white space is dropped (one was just written, or the paragraph starts)
        self.out: list[str] = []

    def text(self, el: Any, font: str | None) -> None:
        if self.fonts:
            font = self.fonts.get(el.get(_STYLE_NAME, ""), font)
        if el.text:
            self.literal(el.text, font)
        out = self.out
        for child in el:
            tag = child.tag
            if tag.__class__ is str and tag not in _SKIP:
                if tag == _S:
                    out.append(" " * _count(child.get(q(TEXT, "c")), 1))
                    self.drop = False
                elif tag == _TAB:
                    out.append("\t")
                    self.drop = False
                elif tag == _BR:
                    out.append("\n")
                    self.drop = False
                elif tag == _P or tag == _H:  # a paragraph in a text box or shape: a line of its own, as in .docx
                    if out and not out[-1].endswith("\n"):
                        out.append("\n")
                    self.drop = True
                    self.text(child, font)
                    out.append("\n")
                    self.drop = True
                else:
                    self.text(child, font)
            if child.tail:
                self.literal(child.tail, font)

    def literal(self, text: str, font: str | None) -> None:
        if font is not None:
            text = symbol_text(font, text)
        if not self.collapse or not any(ch in _SPACE for ch in text):
            self.out.append(text)
            self.drop = False
            return
        kept = []
        drop = self.drop
        for ch in text:
            if ch in _SPACE:
                if not drop:
                    kept.append(" ")
                drop = True
            else:
                kept.append(ch)
                drop = False
        self.drop = drop
        self.out.append("".join(kept))


def paragraph_text(p: Any, *, collapse: bool = True, fonts: dict[str, str] | None = None,
                   font: str | None = None) -> str:
    """A paragraph's text; ``fonts``: the styles that set a symbol font; ``font``: the one it starts in."""
    walk = _Walk(collapse, fonts or {})
    walk.text(p, font)
    return "".join(walk.out)


_STYLE_NAME = q(TEXT, "style-name")


def symbol_fonts(*roots: Any) -> dict[str, str]:
    """Style name → symbol font, for every style (text, paragraph, cell) whose font is a symbol font (Wingdings,
    Symbol …), in the given parts (content and styles); {} when none names one."""
    faces: dict[str, str] = {}
    styles: list[Any] = []
    for root in roots:
        if root is None:
            continue
        for face in root.iter(q(STYLE, "font-face")):
            faces[face.get(q(STYLE, "name"), "")] = face.get(q(SVG, "font-family"), "").strip("'\" ")
        styles.extend(root.iter(q(STYLE, "style")))
    if not any(is_symbol_font(f) for f in faces.values()) and not any(
            is_symbol_font(props.get(q(FO, "font-family"), "").strip("'\" "))
            for st in styles for props in st.iterchildren(q(STYLE, "text-properties"))):
        return {}
    own: dict[str, str | None] = {}
    parents: dict[str, str] = {}
    for st in styles:
        name = st.get(q(STYLE, "name"), "")
        parents[name] = st.get(q(STYLE, "parent-style-name"), "")
        props = st.find(q(STYLE, "text-properties"))
        if props is not None:
            family = props.get(q(FO, "font-family"))
            face = props.get(q(STYLE, "font-name"))
            own[name] = family.strip("'\" ") if family else faces.get(face, face) if face else None
    out: dict[str, str] = {}
    for name in parents:
        font, seen, at = None, set(), name
        while at and at not in seen:  # a style without a font of its own takes its parent's
            seen.add(at)
            if own.get(at) is not None:
                font = own[at]
                break
            at = parents.get(at, "")
        if is_symbol_font(font):
            out[name] = font  # type: ignore[assignment]
    return out


def _paragraphs(el: Any) -> Iterator[Any]:
    """The paragraphs and headings of a cell or list, lists and sections read through, tables left out."""
    for child in el:
        tag = child.tag
        if tag == _P or tag == _H:
            yield child
        elif tag in (_LIST, _ITEM, _HEADER, _SECTION):
            yield from _paragraphs(child)


def _count(raw: str | None, default: int, *, path: str = "", what: str = "") -> int:
    """A repeat or span count from an attribute (absent: ``default``), refusing what no count is."""
    if raw is None or raw == "":
        return default
    raw = raw.strip()
    if not raw.isdigit() or len(raw) > _MAX_REPEAT_DIGITS:
        if not path:
            return default  # text:c of text:s: a damaged count is one space
        raise UnreadableFile(f"表格属性 {what} 的值 {raw[:20]!r} 无效", path=path)
    return max(1, int(raw))


def _rows(table: Any) -> Iterator[Any]:
    for child in table:
        if child.tag == _ROW:
            yield child
        elif child.tag in _ROW_GROUPS:
            yield from _rows(child)


def _columns(table: Any) -> Iterator[Any]:
    for child in table:
        if child.tag == _COLUMN:
            yield child
        elif child.tag in _COL_GROUPS:
            yield from _columns(child)


