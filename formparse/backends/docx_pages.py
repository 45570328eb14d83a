"""Page headers and footers of a .docx with several sections, each its own (a packet: 附件1 and 附件2 copied into one
document, each form a section with its own header holding its 填报单位 line and its own footer holding its
填报人/联系电话 line).

A section is the body up to a paragraph whose ``w:pPr`` holds a ``w:sectPr`` (the last section: up to the body's
own ``w:sectPr``); it shows the header and footer parts its ``w:headerReference``/``w:footerReference`` name, and
those of the section before for a kind (default, first, even) it does not name (ECMA-376 Part 1, 17.10.5).
When a later section names a part no earlier section showed, each section's new parts are read around that
section's body — its headers' lines after the section's opening lines (附件2, the title) and before its first
table, its footers' lines after it — so each form of a packet gets its own lines; otherwise (one section, or
later sections showing the first's parts again) every part is read around the whole body, as
``docx.read_grids`` does. A part is read once, where it first shows. A section that opens with a table (a
form's table going on in a section of its own, landscape) belongs with the section before.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from typing import Any

from ..limits import Limits
from ..text import norm
from .ooxml import Package

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TR, _PPR, _SECTPR = f"{_W}p", f"{_W}tr", f"{_W}pPr", f"{_W}sectPr"
_HEADERREF, _FOOTERREF, _TYPE = f"{_W}headerReference", f"{_W}footerReference", f"{_W}type"
_RID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class Slice:
    """Rows of a builder, the part of the body one section holds (what ``docx._assembled`` takes)."""

    def __init__(self, rows: list[Any], refs: list[Any], blocks: list[int], longest: int) -> None:
        self.rows, self.refs, self.blocks, self.longest = rows, refs, blocks, longest


def _section_ends(body: Any) -> list[Any]:
    """The paragraphs that end a section (their w:pPr holds a w:sectPr), in document order."""
    out = []
    for p in body.iter(_P):
        ppr = p.find(_PPR)
        if ppr is not None and ppr.find(_SECTPR) is not None:
            out.append(p)
    return out


def _new_parts(pkg: Package, main: str, sects: list[Any]) -> list[tuple[list[str], list[str]]]:
    """Per section, the header and footer parts it shows that no section before showed."""
    rels = pkg.rels(main)
    shown: dict[tuple[str, str], str] = {}
    seen: set[str] = set()
    out = []
    for sect in sects:
        for ref in sect.iterchildren(_HEADERREF, _FOOTERREF) if sect is not None else ():
            rel = rels.get(ref.get(_RID, ""))
            if rel is not None and pkg.has(rel[1]):
                shown[(ref.tag, ref.get(_TYPE, "default"))] = rel[1]
        heads: list[str] = []
        feet: list[str] = []
        for (tag, _), name in shown.items():
            if name not in seen:
                seen.add(name)
                (heads if tag == _HEADERREF else feet).append(name)
        out.append((heads, feet))
    return out


def by_section(pkg: Package, main: str, body: Any, whole: Any, load: Callable[[str], Any],
               built_parts: Callable[..., Any], path: str, limits: Limits) -> list[Any] | None:
    """The parts to assemble — per section: its new headers' rows, its body rows, its new footers' rows — or None
    when no section after the first shows a part of its own (``whole``: the body's builder; ``load``: a part
    name → its parsed root, marks shown; ``built_parts``: ``docx._built_parts``)."""
    ends = _section_ends(body)
    if not ends:
        return None
    sects = [p.find(_PPR).find(_SECTPR) for p in ends] + [body.find(_SECTPR)]
    new = _new_parts(pkg, main, sects)
    if not any(heads or feet for heads, feet in new[1:]):
        return None
    order = {id(el): i for i, el in enumerate(body.iter(_P, _TR))}
    end_at = [order[id(p)] for p in ends]
    rows_of: list[list[int]] = [[] for _ in sects]  # the body's rows of each section
    for r, ref in enumerate(whole.refs):
        at = order.get(id(ref))
        rows_of[bisect_left(end_at, at) if at is not None else len(sects) - 1].append(r)
    # a section that opens with a table (no line of its own before it: a form's table going on in a landscape
    # section) continues the one before: its parts are read with that one's, once
    groups: list[tuple[list[str], list[str]]] = []
    sections: list[list[int]] = []
    for k, ((heads, feet), rows) in enumerate(zip(new, rows_of, strict=True)):
        if k and (not rows or whole.blocks[rows[0]] != -1):
            groups[-1][0].extend(heads)
            groups[-1][1].extend(feet)
            sections[-1].extend(rows)
        else:
            groups.append((list(heads), list(feet)))
            sections.append(list(rows))
    if not any(heads or feet for heads, feet in groups[1:]):
        return None
    new = groups
    parts: list[Any] = []
    for k, ((heads, feet), rows) in enumerate(zip(new, sections, strict=True)):
        # a section's header lines that its own body already holds (the title repeated) add nothing
        folds = {norm(c.text) for r in rows for c in whole.rows[r] if c is not None and c.text}
        label = f"第{k + 1}节" if k else ""
        # the header's lines go where the printed form has them: after the section's opening lines (附件2, the
        # title) and before its first table — so a packet's form keeps its 填报单位 line, not the form before
        lead = next((i for i, r in enumerate(rows) if whole.blocks[r] != -1), len(rows))
        parts.append(_slice(whole, rows[:lead]))
        parts.append(built_parts([load(n) for n in heads], f"{label}页眉", 1_000_000 + 10_000 * k, folds, path,
                                 limits))
        parts.append(_slice(whole, rows[lead:]))
        parts.append(built_parts([load(n) for n in feet], f"{label}页脚", 2_000_000 + 10_000 * k, folds, path,
                                 limits))
    return parts


def _slice(whole: Any, rows: list[int]) -> Slice:
    """The builder's rows ``rows`` (consecutive), their cells renumbered from 0."""
    picked = [whole.rows[r] for r in rows]
    if rows:
        for cell in {id(c): c for row in picked for c in row if c is not None}.values():
            cell.row -= rows[0]
    return Slice(picked, [whole.refs[r] for r in rows], [whole.blocks[r] for r in rows], whole.longest)
