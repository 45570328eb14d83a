"""The .docx back-end: WordprocessingML bodies ⇄ grids. The only module that imports python-docx.

python-docx opens the package; the walk over the body is ours, because python-docx's ``cell.text``
skips content controls (w:sdt) and tracked insertions (w:ins), and its tables do not tell a
vMerge continuation from an empty cell.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from ..errors import UnreadableFile
from ..grid import Cell, Grid
from ..text import format_money

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_SKIP = {qn("w:del"), qn("w:moveFrom"), qn("w:rPr"), qn("w:pPr"), qn("w:instrText"), qn("w:delText"),
         f"{{{MC}}}Fallback", qn("w:tblPr"), qn("w:tcPr"), qn("w:trPr"), qn("w:sdtPr"), qn("w:sdtEndPr")}
# Elements that only wrap others; their children are read in place.
_WRAPPERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:ins"), qn("w:moveTo"),
             qn("w:smartTag"), qn("w:hyperlink"), qn("w:fldSimple"), f"{{{MC}}}AlternateContent",
             f"{{{MC}}}Choice"}


def _open(path: str) -> Any:
    try:
        return docx.Document(path)
    except (PackageNotFoundError, KeyError, ValueError, OSError, etree.XMLSyntaxError) as exc:
        raise UnreadableFile(f"不是可读的 .docx 文件 ({type(exc).__name__}: {exc})", path=path) from exc
    except Exception as exc:  # python-docx raises many kinds on malformed parts
        raise UnreadableFile(f"无法读取 .docx 文件 ({type(exc).__name__}: {exc})", path=path) from exc


def _children(el: Any, *tags: str) -> Iterator[Any]:
    """Children with the given tags, looking through content controls and other wrappers."""
    for child in el:
        if child.tag in tags:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, *tags)


def _text_of(el: Any, out: list[str]) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == qn("w:t"):
            out.append(child.text or "")
        elif tag == qn("w:tab") or tag == qn("w:ptab"):
            out.append("\t")
        elif tag in (qn("w:br"), qn("w:cr")):
            out.append("\n")
        elif tag == qn("w:noBreakHyphen"):
            out.append("-")
        elif tag == qn("w:p"):
            if out and not out[-1].endswith("\n") and "".join(out):
                out.append("\n")
            _text_of(child, out)
            out.append("\n")
        else:
            _text_of(child, out)


def paragraph_text(p: Any) -> str:
    out: list[str] = []
    _text_of(p, out)
    return "".join(out)


def cell_text(tc: Any) -> str:
    """All paragraphs of a cell (nested tables included) joined by line breaks."""
    out: list[str] = []
    _text_of(tc, out)
    return "".join(out).strip("\n")


def _val(el: Any, path: str, default: str | None = None) -> str | None:
    found = el.find(path, {"w": W})
    if found is None:
        return default
    return found.get(qn("w:val"), "")


def _body_items(body: Any) -> Iterator[Any]:
    yield from _children(body, qn("w:p"), qn("w:tbl"))


class _Builder:
    def __init__(self, source: str) -> None:
        self.rows: list[list[Cell | None]] = []
        self.refs: list[Any] = []
        self.blocks: list[int] = []
        self.source = source
        self.n_tables = 0
        self.n_paras = 0

    def paragraph(self, p: Any) -> None:
        self.n_paras += 1
        text = paragraph_text(p)
        if not text.strip():
            return
        r = len(self.rows)
        self.rows.append([Cell(row=r, col=0, text=text, address=f"第{self.n_paras}段", paragraph=True, ref=p)])
        self.refs.append(p)
        self.blocks.append(-1)

    def table(self, tbl: Any) -> None:
        self.n_tables += 1
        t = self.n_tables
        above: dict[int, Cell] = {}  # grid col → the cell last seen there, for vMerge continuations
        for i, tr in enumerate(_children(tbl, qn("w:tr")), start=1):
            r = len(self.rows)
            row: list[Cell | None] = []
            col = int(_val(tr, "w:trPr/w:gridBefore", "0") or 0)
            row.extend([None] * col)
            for tc in _children(tr, qn("w:tc")):
                span = int(_val(tc, "w:tcPr/w:gridSpan", "1") or 1)
                vmerge = _val(tc, "w:tcPr/w:vMerge")
                hmerge = _val(tc, "w:tcPr/w:hMerge")
                left = row[-1] if row else None
                if hmerge is not None and hmerge != "restart" and left is not None and left.row == r:
                    left.colspan += span  # legacy horizontal merge (older Word): widen the cell on the left
                    row.extend([left] * span)
                    for k in range(span):
                        above[col + k] = left
                    col += span
                    continue
                prev = above.get(col)
                if vmerge is not None and vmerge != "restart" and prev is not None and prev.col == col:
                    prev.rowspan = r - prev.row + 1
                    cell = prev
                else:
                    cell = Cell(row=r, col=col, text=cell_text(tc), colspan=span,
                                address=f"表{t}第{i}行第{col + 1}列", ref=tc)
                row.extend([cell] * span)
                for k in range(span):
                    above[col + k] = cell
                col += span
            self.rows.append(row)
            self.refs.append(tr)
            self.blocks.append(t)

    def walk(self, body: Any) -> None:
        for item in _body_items(body):
            if item.tag == qn("w:p"):
                self.paragraph(item)
            else:
                self.table(item)


def body_grid(document: Any, source: str) -> Grid:
    b = _Builder(source)
    b.walk(document.element.body)
    grid = Grid(b.rows, source=source, row_refs=b.refs)
    grid.row_blocks = b.blocks
    return grid


def read_grids(path: str) -> list[Grid]:
    return [body_grid(_open(path), path)]


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


def _tcs(tr: Any) -> list[tuple[int, Any]]:
    out = []
    col = int(_val(tr, "w:trPr/w:gridBefore", "0") or 0)
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


class DocxDocument:
    """A .docx opened for writing."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.doc = _open(path)

    @staticmethod
    def grids(path: str) -> list[Grid]:
        return read_grids(path)

    def select(self, index: int) -> None:
        if index != 0:
            raise ValueError("a .docx has one body")

    def grid(self) -> Grid:
        return body_grid(self.doc, self.path)

    def parts(self) -> int:
        return 1

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

    def insert_rows(self, grid: Grid, after_row: int, count: int) -> None:
        tr = grid.row_refs[after_row]
        for _ in range(count):
            new = copy.deepcopy(tr)
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
            elif r in inside:
                _set_vmerge(tc, "continue")
                _set_tc_text(tc, "")
            else:
                _set_vmerge(tc, None)

    def save(self, path: str) -> None:
        self.doc.save(path)
