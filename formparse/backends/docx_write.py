"""Writing .docx: python-docx opens the file (keeping every part and style); edits go to its XML."""

from __future__ import annotations

import copy
import re
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from ..errors import UnreadableFile
from ..grid import Cell, Grid
from ..limits import DEFAULT
from ..text import format_money
from .docx import W, _children, _val, body_grid
from .ooxml import Package, active_content

# Word's default left and right cell margins (twips), the widest an ASCII character is in the fonts a form
# is shown in (宋体's half-width letters are 0.5 em, Arial's digits 0.56, DejaVu Sans's 0.64; punctuation
# narrower), and the smallest size (half-points) a value is set in to keep it on one line.
_CELL_MARGIN = 108
_ASCII_EM = 0.64  # (a digit of DejaVu Sans, which LibreOffice shows for 宋体 where it is not installed)
_NARROW_EM = 0.4
_MIN_SIZE = 14
# A date written with 年月日 is one word too (“2020年10月” broke after “2020年1” in the 2 cm 完成时间 cell, and
# “2020年1月15日” over three lines beside 填报日期); its 年月日 are full width (1 em).
_DATE_WORD = re.compile(r"[0-9]{4}年(?:[0-9]{1,2}月(?:[0-9]{1,2}日)?)?")
# Word and LibreOffice put a gap of about a quarter em where Chinese meets Latin letters or digits (w:autoSpaceDE,
# w:autoSpaceDN, on by default): “2020 年 1 月”.
_AUTOSPACE_EM = 0.25
_AFTER_SZ = {qn(f"w:{t}") for t in ("szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl",
                                    "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")}
_DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_DOTX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"


def _content_types(path: str) -> bytes | None:
    """The package's [Content_Types].xml, with a template's (.dotx) main part typed as a document's: a
    template written as .docx must say it is a document (None when nothing needs to change)."""
    try:
        with zipfile.ZipFile(path) as zf:
            types = zf.read("[Content_Types].xml")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return None
    return types.replace(_DOTX_MAIN, _DOCX_MAIN) if _DOTX_MAIN in types else None


def _open(path: str, types: bytes | None = None) -> Any:
    try:
        if types is not None:  # python-docx opens documents only: give it the package as a document
            import io

            with zipfile.ZipFile(path) as src:
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, "w") as dst:
                    for info in src.infolist():
                        data = types if info.filename == "[Content_Types].xml" else src.read(info.filename)
                        dst.writestr(info, data, compress_type=info.compress_type)
            buf.seek(0)
            return docx.Document(buf)
        return docx.Document(path)
    except (PackageNotFoundError, KeyError, ValueError, OSError, etree.XMLSyntaxError) as exc:
        raise UnreadableFile(f"不是可读的 .docx 文件 ({type(exc).__name__}: {exc})", path=path) from exc
    except Exception as exc:  # python-docx raises many kinds on malformed parts
        raise UnreadableFile(f"无法读取 .docx 文件 ({type(exc).__name__}: {exc})", path=path) from exc


def _clear_runs(p: Any) -> Any:
    """Remove a paragraph's content, returning a copy of its first run's properties (or None)."""
    rpr = None
    for r in p.iter(qn("w:r")):
        found = r.find(qn("w:rPr"))
        if found is not None:
            rpr = copy.deepcopy(found)
            break
    for child in list(p):
        if child.tag != qn("w:pPr"):
            p.remove(child)
    return rpr


def _put_text(p: Any, text: str, rpr: Any) -> None:
    lines = text.split("\n")
    run = etree.SubElement(p, qn("w:r"))
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    for k, line in enumerate(lines):
        if k:
            etree.SubElement(run, qn("w:br"))
        if line or len(lines) == 1 and text:
            t = etree.SubElement(run, qn("w:t"))
            t.text = line
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _set_tc_text(tc: Any, text: str) -> None:
    paras = list(tc.iter(qn("w:p")))
    if not paras:
        first = etree.SubElement(tc, qn("w:p"))
        rpr = None
    else:
        first = paras[0]
        rpr = _clear_runs(first)
    for child in list(tc):
        if child.tag not in (qn("w:tcPr"),) and child is not first and first not in child.iter():
            tc.remove(child)
    if first.getparent() is not tc:  # the paragraph sat inside a content control: lift it out
        tc.append(first)
        for child in list(tc):
            if child.tag not in (qn("w:tcPr"), qn("w:p")):
                tc.remove(child)
    _put_text(first, text, rpr)  # an empty run still carries the font for whoever types here next


def _nest_offset(tr: Any) -> int:
    """The grid column a table nested in a cell starts at: its cell's (the reader lays it out so)."""
    tc = next(tr.iterancestors(qn("w:tc")), None)
    if tc is None:
        return 0
    outer = next(tc.iterancestors(qn("w:tr")))
    return next((col for col, other in _tcs(outer) if other is tc), 0)


def _tcs(tr: Any) -> list[tuple[int, Any]]:
    """A row's cells with the grid column each starts at."""
    out = []
    col = _nest_offset(tr) + int(_val(tr, "w:trPr/w:gridBefore", "0") or 0)
    for tc in _children(tr, qn("w:tc")):
        out.append((col, tc))
        col += int(_val(tc, "w:tcPr/w:gridSpan", "1") or 1)
    return out


def _set_vmerge(tc: Any, value: str | None) -> None:
    tcpr = tc.find(qn("w:tcPr"))
    if tcpr is None:
        tcpr = etree.Element(qn("w:tcPr"))
        tc.insert(0, tcpr)
    old = tcpr.find(qn("w:vMerge"))
    if old is not None:
        tcpr.remove(old)
    if value is None:
        return
    vm = etree.Element(qn("w:vMerge"))
    if value == "restart":
        vm.set(qn("w:val"), "restart")
    # CT_TcPr's sequence puts vMerge after tcW, gridSpan, hMerge.
    anchor = None
    for name in ("w:hMerge", "w:gridSpan", "w:tcW", "w:cnfStyle"):
        anchor = tcpr.find(qn(name))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addnext(vm)
    else:
        tcpr.insert(0, vm)


_AFTER_TCMAR = {qn(f"w:{t}") for t in ("textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns",
                                        "cellDel", "cellMerge", "tcPrChange")}


_AFTER_VALIGN = {qn(f"w:{t}") for t in ("hideMark", "headers", "cellIns", "cellDel", "cellMerge", "tcPrChange")}


def _sequence_child(parent: Any, tag: str, later: set[str]) -> Any:
    """``parent``'s child ``tag``; made if missing, where the schema's sequence puts it: before the first child
    that is one of ``later`` (Word refuses another order)."""
    child = parent.find(qn(tag))
    if child is None:
        child = etree.Element(qn(tag))
        after = next((c for c in parent if c.tag in later), None)
        if after is not None:
            after.addprevious(child)
        else:
            parent.append(child)
    return child


def _tcpr_child(tc: Any, tag: str, later: set[str]) -> Any:
    """The cell's tcPr child ``tag`` (CT_TcPr is a sequence: made before any of ``later``)."""
    tcpr = tc.find(qn("w:tcPr"))
    if tcpr is None:
        tcpr = etree.Element(qn("w:tcPr"))
        tc.insert(0, tcpr)
    return _sequence_child(tcpr, tag, later)


_AFTER_JC = {qn(f"w:{t}") for t in ("textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId",
                                     "cnfStyle", "rPr", "sectPr", "pPrChange")}


def _centre(tc: Any) -> None:
    """Centre a cell's text both ways (tcPr/vAlign, and each paragraph's jc), as the official form's merged
    一级指标 groups are (a group's first row may be a copy of a row whose cell was not centred)."""
    _tcpr_child(tc, "w:vAlign", _AFTER_VALIGN).set(qn("w:val"), "center")
    for p in _children(tc, qn("w:p")):
        ppr = p.find(qn("w:pPr"))
        if ppr is None:
            ppr = etree.Element(qn("w:pPr"))
            p.insert(0, ppr)
        _sequence_child(ppr, "w:jc", _AFTER_JC).set(qn("w:val"), "center")


def _zero_side_margins(tc: Any) -> None:
    """Give a cell no left or right margin (tcPr/tcMar; its other margins kept)."""
    mar = _tcpr_child(tc, "w:tcMar", _AFTER_TCMAR)
    for side in ("left", "right"):  # (CT_TcMar: top, left, bottom, right; start/end are the newer names)
        for el in mar.findall(qn(f"w:{side}")):
            mar.remove(el)
    order = ["top", "left", "bottom", "right"]
    for side in ("left", "right"):
        el = etree.Element(qn(f"w:{side}"))
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        after = [c for c in mar if c.tag in {qn(f"w:{s}") for s in order[order.index(side) + 1:]}]
        if after:
            after[0].addprevious(el)
        else:
            mar.append(el)


class DocxDocument:
    """A .docx opened for writing."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.types = _content_types(path)  # a .dotx template's, retyped as a document's (else None)
        self.doc = _open(path, self.types)

    def active_content(self) -> list[str]:
        """Macros, DDE/INCLUDETEXT fields, altChunk, OLE and the like in the template (ooxml.active_content)."""
        with Package(self.path, DEFAULT) as pkg:
            return active_content(pkg)

    def select(self, index: int) -> None:
        if index != 0:
            raise ValueError("a .docx has one body")

    def grid(self) -> Grid:
        return body_grid(self.doc.element.body, self.path)

    def parts(self) -> int:
        return 1

    def cell_at(self, grid: Grid, r: int, c: int) -> Cell | None:
        """The table cell starting at grid position (r, c) in its own row, whatever covered it in ``grid``."""
        tr = grid.row_refs[r]
        if tr is None or tr.tag != qn("w:tr"):
            return None
        tc = dict(_tcs(tr)).get(c)
        if tc is None:
            return None
        span = int(_val(tc, "w:tcPr/w:gridSpan", "1") or 1)
        return Cell(row=r, col=c, text="", colspan=span, ref=tc)

    def set_cell(self, cell: Cell, value: str | Decimal | int | None) -> None:
        if isinstance(value, Decimal):
            text = format_money(value)
        elif value is None:
            text = ""
        else:
            text = str(value)
        el = cell.ref
        if el.tag == qn("w:p"):
            rpr = _clear_runs(el)
            if text:
                _put_text(el, text, rpr)
        else:
            _set_tc_text(el, text)
            self._fit_on_one_line(el, text)

    def _fit_on_one_line(self, tc: Any, text: str) -> None:
        """A phone number, a code or an amount (one word of ASCII), or a date written with 年月日, wider than its
        cell is set smaller, down to 7 pt, so that it stays on one line (the form's columns are fixed:
        0739-5212786 in the 2 cm 联系电话 cell would break after any digit)."""
        if not text or any(ch.isspace() for ch in text) or not (text.isascii() or _DATE_WORD.fullmatch(text)):
            return
        tcw = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
        width = tcw.get(qn("w:w"), "") if tcw is not None else ""
        if tcw is None or tcw.get(qn("w:type"), "dxa") != "dxa" or not width.isdigit():
            return
        run = tc.find(f"{qn('w:p')}/{qn('w:r')}")
        if run is None:
            return
        size = int(_val(run, "w:rPr/w:sz", "0") or 0) or self._default_size()
        ems = sum(_NARROW_EM if ch in "-.,:/()" else _ASCII_EM if ch.isascii() else 1.0 for ch in text)
        ems += _AUTOSPACE_EM * sum(a.isascii() != b.isascii() for a, b in zip(text, text[1:], strict=False))
        if ems * size * 10 <= int(width) - 2 * _CELL_MARGIN:  # twips: size is in half-points
            return
        if not text.isascii() and ems * _MIN_SIZE * 10 > int(width):
            return  # a date that would break even at the smallest size: left as the form sets it
        # the cell's own side margins given to the text, and the size that fits the whole width
        _zero_side_margins(tc)
        fitted = min(size, max(_MIN_SIZE, int(int(width) / (ems * 10))))
        rpr = run.find(qn("w:rPr"))
        if rpr is None:
            rpr = etree.Element(qn("w:rPr"))
            run.insert(0, rpr)
        for tag in ("w:szCs", "w:sz"):  # (CT_RPr: sz and szCs before highlight, u, …, lang)
            _sequence_child(rpr, tag, _AFTER_SZ).set(qn("w:val"), str(fitted))

    def _default_size(self) -> int:
        """The body text's size in half-points: the Normal style's, else the document default's, else 10.5 pt."""
        styles = self.doc.styles.element
        for path in ("w:style[@w:styleId='Normal']/w:rPr/w:sz", "w:docDefaults/w:rPrDefault/w:rPr/w:sz"):
            found = styles.xpath(path)
            if found and (found[0].get(qn("w:val")) or "").isdigit():
                return int(found[0].get(qn("w:val")))
        return 21

    def insert_rows(self, grid: Grid, after_row: int, count: int) -> None:
        tr = grid.row_refs[after_row]
        for _ in range(count):
            new = copy.deepcopy(tr)
            if new.tag == qn("w:p"):
                # an item typed as a paragraph (no table): a copy of it, text kept so that the form located
                # again sees the new item lines (a blank paragraph is no line of the grid); the writer then
                # writes every item line
                tr.addnext(new)
                continue
            for _col, tc in _tcs(new):
                vm = tc.find("w:tcPr/w:vMerge", {"w": W})
                if vm is not None:
                    _set_vmerge(tc, "continue")  # a copy continues whatever spans the template row
                _set_tc_text(tc, "")
            tr.addnext(new)

    def delete_rows(self, grid: Grid, rows: Sequence[int]) -> None:
        for r in sorted(set(rows), reverse=True):
            tr = grid.row_refs[r]
            nxt = tr.getnext()
            if nxt is not None and nxt.tag == qn("w:tr"):
                below = dict(_tcs(nxt))
                for col, tc in _tcs(tr):
                    vm = tc.find("w:tcPr/w:vMerge", {"w": W})
                    if vm is not None and vm.get(qn("w:val")) == "restart" and col in below:
                        low = below[col]
                        low_vm = low.find("w:tcPr/w:vMerge", {"w": W})
                        if low_vm is not None and low_vm.get(qn("w:val"), "continue") == "continue":
                            _set_vmerge(low, "restart")
                            for child in list(low):
                                if child.tag != qn("w:tcPr"):
                                    low.remove(child)
                            for child in tc:
                                if child.tag != qn("w:tcPr"):
                                    low.append(copy.deepcopy(child))
            tr.getparent().remove(tr)

    def merge_down(self, grid: Grid, col: int, runs: Sequence[tuple[int, int]], rows: range) -> None:
        start = {r0: r1 for r0, r1 in runs if r1 > r0}
        inside = {r for r0, r1 in runs for r in range(r0 + 1, r1 + 1) if r1 > r0}
        for r in rows:
            tc = dict(_tcs(grid.row_refs[r])).get(col)
            if tc is None:
                continue
            if r in start:
                _set_vmerge(tc, "restart")
                _centre(tc)  # a group merged down: centred, as the official form's are
            elif r in inside:
                _set_vmerge(tc, "continue")
                _set_tc_text(tc, "")
            else:
                _set_vmerge(tc, None)

    def save(self, path: str) -> None:
        """Copy the original package entry by entry, replacing only the main document part: every other
        part (styles, numbering, images, headers, custom XML) stays byte for byte."""
        main = str(self.doc.part.partname).lstrip("/")
        body = etree.tostring(self.doc.element, xml_declaration=True, encoding="UTF-8", standalone=True)
        with zipfile.ZipFile(self.path) as src, zipfile.ZipFile(path, "w") as dst:
            for info in src.infolist():
                types = info.filename == "[Content_Types].xml" and self.types is not None
                data = body if info.filename == main else self.types if types else src.read(info.filename)
                dst.writestr(info, data, compress_type=info.compress_type)
