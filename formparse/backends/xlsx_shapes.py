"""Text typed in text boxes and shapes drawn over an .xlsx sheet, read as lines of the form.

A clerk may type a line of the form (填报单位（盖章）：…) into a text box over the sheet instead of a cell. The
sheet's drawing (``xl/drawings/drawingN.xml``, its relationship of type ``…/drawing``) anchors each shape
(``xdr:twoCellAnchor``, ``xdr:oneCellAnchor``, ``xdr:absoluteAnchor``; ECMA-376 Part 1 20.5); a shape's
text is its ``xdr:txBody``'s paragraphs (``a:p``, runs ``a:t``). Each shape's text the sheet's cells do not
already hold becomes a paragraph after the sheet's rows (“文本框1”), in the order the shapes are drawn from
the top left: the sheet's own rows keep their numbers, and what the text box says is read or reported.
Shapes that are form controls or ActiveX controls (their caption is read with the box,
:mod:`.xlsx_controls`) and hidden shapes are left out.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from ..grid import Cell, Grid
from ..text import norm
from .ooxml import Package, parse

_ANCHORS = {"twoCellAnchor", "oneCellAnchor", "absoluteAnchor"}


def _local(el: Any) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _position(anchor: Any) -> tuple[int, int]:
    """(row, col) of a cell anchor's top left corner; (-1, -1) for an absolute one."""
    start = next((c for c in anchor if _local(c) == "from"), None)
    if start is None:
        return -1, -1
    found = {_local(c): (c.text or "").strip() for c in start}
    try:
        return int(found.get("row", "-1")), int(found.get("col", "-1"))
    except ValueError:
        return -1, -1


def _texts(anchor: Any) -> list[str]:
    """The text of each shape of an anchor that is neither a control nor hidden."""
    out = []
    for body in anchor.iter():
        if _local(body) != "txBody":
            continue
        shape = body.getparent()
        props = next((c for c in shape.iter() if _local(c) == "cNvPr"), None) if shape is not None else None
        if props is not None and props.get("hidden") in ("1", "true"):
            continue
        if shape is not None and any(_local(c) == "compatExt" for c in shape.iter()):
            continue  # a form control's or ActiveX control's shape: read as a box
        lines = ["".join(t.text or "" for t in p.iter() if _local(t) == "t") for p in body if _local(p) == "p"]
        text = "\n".join(lines).strip()
        if text:
            out.append(text)
    return out


def add_shape_lines(pkg: Package, part: str, grid: Grid) -> None:
    """The text of the shapes drawn over sheet ``part`` that its cells lack, as paragraphs after its rows."""
    found: list[tuple[tuple[int, int], str]] = []
    for rel_type, target in pkg.rels(part).values():
        if not rel_type.endswith("/drawing") or not pkg.has(target):
            continue
        data = pkg.read(target)
        if b"txBody" not in data:
            continue
        for anchor in parse(data, path=pkg.path, part=target).iter():
            if _local(anchor) in _ANCHORS:
                found += [(_position(anchor), text) for text in _texts(anchor)]
    if not found:
        return
    folds = {norm(c.text) for row in grid.rows for c in row if c is not None and c.text}
    k = 0
    for _, text in sorted(found, key=lambda f: f[0]):
        folded = norm(text)
        if folded in folds:
            continue
        folds.add(folded)
        k += 1
        r = len(grid.rows)
        grid.rows.append([Cell(row=r, col=0, text=text, address=f"文本框{k}", paragraph=True)])
        grid.row_refs.append(None)
        grid.row_blocks.append(-1)
