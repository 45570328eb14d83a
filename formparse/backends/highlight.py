"""Review copies of submissions: the cells a check warned about, highlighted and commented.

A copy is for reading, not for sending back: .docx copies keep every part (python-docx adds real
Word comments); .xlsx copies are written by openpyxl, which drops pictures and charts.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..atomic import atomic_path
from ..errors import CannotFill, cannot_write
from . import is_pdf_file, ooxml_kind
from .docx import qn
from .ooxml import Package, library_write
from .stamp import stamp

YELLOW = "FFFF00"


def _docx(src: str, dst: str, notes: Sequence[tuple[str, str]]) -> int:
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.text.run import Run

    from .docx import body_grid

    doc = Document(src)
    grid = body_grid(doc.element.body, src)
    by_address = {c.address: c for row in grid.rows for c in row if c is not None}
    done = 0
    for address, message in notes:
        cell = by_address.get(address)
        if cell is None or cell.ref is None or cell.ref.tag != qn("w:tc"):
            continue
        tc = cell.ref
        pr = tc.find(qn("w:tcPr"))
        if pr is None:
            pr = OxmlElement("w:tcPr")
            tc.insert(0, pr)
        for old in pr.findall(qn("w:shd")):
            pr.remove(old)
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), YELLOW)
        pr.append(shd)
        p = tc.find(qn("w:p"))
        if p is None:
            continue
        r = p.find(qn("w:r"))
        if r is None:
            r = OxmlElement("w:r")
            p.append(r)
        from docx.text.paragraph import Paragraph

        run = Run(r, Paragraph(p, doc))
        doc.add_comment(runs=[run], text=message, author="formparse", initials="FP")
        done += 1
    library_write(lambda: doc.save(dst), dst)
    stamp(dst, "highlight")  # (a later read of the folder holding it leaves it out)
    return done


def _xlsx(src: str, dst: str, notes: Sequence[tuple[str, str]]) -> int:
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    wb = load_workbook(src)
    fill = PatternFill("solid", start_color=YELLOW, end_color=YELLOW)
    done = 0
    for address, message in notes:
        sheet, _, coord = address.rpartition("!")
        if sheet not in wb.sheetnames:
            continue
        cell: Any = wb[sheet][coord]
        cell.fill = fill
        cell.comment = Comment(message, "formparse", width=300, height=80)
        done += 1
    library_write(lambda: wb.save(dst), dst)
    stamp(dst, "highlight")
    return done


def highlight(src: str | Path, dst: str | Path, notes: Sequence[tuple[str, str]]) -> int:
    """Write a copy of ``src`` at ``dst`` with each (cell address, message) highlighted and commented.
    Returns how many cells were marked. Only .docx/.xlsx can be marked."""
    src, dst = str(src), Path(dst)
    kind = ooxml_kind(src)
    if kind not in ("docx", "xlsx"):
        if is_pdf_file(src):
            raise CannotFill("PDF 只能读取，不能标注；问题所在的页、表、单元格见检查报告", path=src)
        raise CannotFill("只能在 .docx/.xlsx 文件上标注问题单元格", path=src)
    with Package(src) as pkg:
        strict = pkg.is_strict()
    if strict:  # python-docx and openpyxl find parts only by transitional relationship types
        raise CannotFill("这是 Strict Open XML 格式的文件，无法写出标注副本；请在 Office 中另存为普通的 "
                         ".docx/.xlsx 后再标注", path=src)
    try:
        with atomic_path(dst) as tmp:
            done = (_docx if kind == "docx" else _xlsx)(src, tmp, notes)
    except FileExistsError as exc:  # never over a file (it may be the submission itself)
        raise CannotFill("标注副本已存在，没有替换它；请换一个文件夹或先删除它", path=dst) from exc
    except OSError as exc:
        raise cannot_write(exc, dst) from exc
    return done
