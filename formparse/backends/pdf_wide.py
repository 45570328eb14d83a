"""PDF back-end, a sheet wider than the page: LibreOffice Calc (and Excel) print the columns that do not fit
on further pages — all the rows of the left part first, then the same rows of the next part (“top to bottom,
then right”) — and the text of a cell running over the cut stands beyond the edge of the page that shows the
rest. Such pages are put back side by side, as one wide page, before reading.

Only a PDF with text beyond a page's left or right edge starts this (one that would otherwise be refused as
cut off). A page with text beyond its left edge is a right part; its left part is the earlier page whose
horizontal rules stand at the same heights (the same rows printed); the sheet's other pages pair up at the
same distance when their rules agree. The right part is shifted so that its table's left edge meets the left
part's right edge; a text printed on both sides of the cut is then one text (the same characters at the same
places are read once).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from pdfplumber.page import DerivedPage, Page

from .pdf_text import SNAP

# How far (points) a character may stand beyond the page's edge before it is text cut off by the page.
BEYOND = 2.0


Glyph = tuple[str, float, float]  # a character's text, left edge and top


@attrs.define
class _Part:
    """What pairing needs of a page (read once, the page's objects let go after: a PDF's pages are never all
    held at once)."""

    heights: list[float]  # the heights of its horizontal rules
    extent: tuple[float, float] | None  # the left and right edges of its tables (vertical rules)
    out_left: list[Glyph]  # the characters beyond its left edge
    out_right: list[Glyph]  # … beyond its right edge
    spaced: bool  # any character a space


def survey(page: Page) -> _Part:
    width = float(page.width)
    heights = sorted({round(float(e["top"]), 1) for e in page.edges
                      if e.get("orientation") == "h" and e["x1"] - e["x0"] > 2 * SNAP})
    xs = [float(e["x0"]) for e in page.edges if e.get("orientation") == "v"]
    glyphs = [(c["text"], float(c["x0"]), float(c["top"]), float(c["x1"])) for c in page.chars if c.get("text")]
    return _Part(heights, (min(xs), max(xs)) if xs else None,
                 [g[:3] for g in glyphs if not g[0].isspace() and g[1] < -BEYOND],
                 [g[:3] for g in glyphs if not g[0].isspace() and g[3] > width + BEYOND],
                 any(g[0].isspace() for g in glyphs))


def _same_rows(a: list[float], b: list[float], crossed: bool = False, bare: bool = False) -> bool:
    """Whether two parts print the same rows: Calc sets the rows at the same heights on every part, but a part
    draws only its own columns' borders (a row bordered only in the other part's columns has no rule here), so
    one part's rules are all among the other's — at least two of them, the two tables' extents agreeing at
    the top or at the foot; or anywhere (``crossed``) when text printed over the cut says the pages are the two
    sides of one (a part whose bordered cells are a few rows in the middle of the other's: 主管部门 and 项目负责人
    beside the left part's 项目名称 … 项目实施期限); ``bare``: a part with no border at all (only a heading's
    text running over the cut) prints the other's rows when that text says so (the pair proven by it, never
    the pages paired along with it)."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if bare and not small:  # a part printing no border at all (its rows' cells blank): the text decides
        return True
    if len(small) < 2 or not all(any(abs(x - y) <= SNAP for y in large) for x in small):
        return False
    return crossed or abs(small[0] - large[0]) <= SNAP or abs(small[-1] - large[-1]) <= SNAP


def _crossing(left: _Part, right: _Part, dx: float, glyphs: Callable[[int], list[Glyph]], k: int,
              m: int) -> bool | None:
    """Whether the text beyond the cut between pages ``k`` (left) and ``m`` (right) is the same text, printed on
    both at the same place (the right part ``dx`` to the left): True when it is, False when a character beyond
    one part's edge is not on the other, None when nothing runs over the cut."""
    over = [(t, x - dx, y) for t, x, y in left.out_right]
    under = [(t, x + dx, y) for t, x, y in right.out_left]
    if not over and not under:
        return None

    def shown(chars: list[Glyph], t: str, x: float, y: float) -> bool:
        return any(c == t and abs(cx - x) <= SNAP and abs(cy - y) <= SNAP for c, cx, cy in chars)

    return (all(shown(glyphs(m), t, x, y) for t, x, y in over)
            and all(shown(glyphs(k), t, x, y) for t, x, y in under))


def _shift(parts: list[_Part], k: int, m: int, glyphs: Callable[[int], list[Glyph]]) -> float | None:
    """How far right of the right part's (page ``m``) the left part's (page ``k``) characters stand: the
    distance that puts every character beyond the cut on the other page's same character, or None."""
    left, right = parts[k], parts[m]
    if left.out_right:
        (t, x, y), other, sign = left.out_right[0], m, 1
    elif right.out_left:
        (t, x, y), other, sign = right.out_left[0], k, -1
    else:
        return None
    for c, cx, cy in glyphs(other):
        if c == t and abs(cy - y) <= SNAP:
            dx = sign * (x - cx)
            if dx > 0 and _crossing(left, right, dx, glyphs, k, m):
                return dx
    return None


def _narrower(left: _Part, right: _Part) -> bool:
    """Whether ``right`` looks like the last columns of ``left``'s rows: its table starts at the same margin and
    stops short of where ``left``'s stops (the pages of one long table all span the same columns)."""
    a, b = left.extent, right.extent
    return a is not None and b is not None and abs(a[0] - b[0]) <= SNAP and b[1] < a[1] - SNAP


def _run(heights: list[list[float]], i: int, step: int, ends: set[int], crossed: bool = False) -> dict[int, int]:
    """The pairs at ``step`` around the pair (i, i + step) that print the same rows: one after the other,
    (k, k + step) for the pages k of one part (at most ``step`` of them; for a step of 1, every other page);
    ``ends``: pages never the left part of a pair (text beyond their left edge, or a right part's with text
    beyond its right edge: a middle part, three or more across, is not joined); ``crossed``: the pair (i, i +
    step) is proven by text over its cut, the others' rules need only be among each other's (see _same_rows)."""
    def agree(k: int) -> bool:
        return (0 <= k and k + step < len(heights) and k not in ends
                and _same_rows(heights[k], heights[k + step], crossed))

    by = 2 if step == 1 else 1
    pairs = {i: i + step}
    k = i - by
    while agree(k) and (step == 1 or i - k < step):
        pairs[k] = k + step
        k -= by
    k = i + by
    while agree(k) and (step == 1 or k - min(pairs) < step):
        pairs[k] = k + step
        k += by
    return dict(sorted(pairs.items()))


def column_pairs(parts: list[_Part], glyphs: Callable[[int], list[Glyph]]) -> tuple[dict[int, int], float]:
    """Which page (index) prints the rest of the rows of which, ``{left: right}``, and how far the right parts
    are to be shifted right; empty for a PDF whose pages are not parts of a sheet wider than the page, or
    whose parts cannot be put together for sure (then text beyond an edge is refused as cut off).
    ``glyphs(k)``: the characters of page k (read again when needed).

    The pages printing the same rows stand at one distance from each other (1 when Calc prints “left to
    right, then down”, the number of pages of a part when “top to bottom, then right”): the distance is that
    of a pair whose rules agree and either whose text over the cut is the same on both, or — in a PDF with no
    text beyond any page's edge — whose second table starts at the first's left edge and stops short of its
    right edge. The other pairs are those at that distance next to it whose rules agree (and where text runs
    over their cut, the same text on both sides; with none anywhere, narrower too, every page of the part
    paired)."""
    rights = {j for j, p in enumerate(parts) if p.out_left}
    lefts = {i for i, p in enumerate(parts) if p.out_right}
    heights = [p.heights for p in parts]
    n = len(parts)
    if rights or lefts:
        candidates = sorted({(i, j) for j in rights for i in range(j)} | {(i, j) for i in lefts
                                                                          for j in range(i + 1, n)},
                            key=lambda ij: (ij[1] - ij[0], ij[0]))
    else:
        candidates = [(i, j) for i in range(n) for j in range(i + 1, n) if _narrower(parts[i], parts[j])]
        candidates.sort(key=lambda ij: (ij[1] - ij[0], ij[0]))
    for i, j in candidates:
        # (text beyond the cut from one of the two pages: the pair is taken only if it is the same text on both)
        crossed = i in lefts or j in rights
        if not _same_rows(heights[i], heights[j], crossed, bare=crossed) or i in rights or j in lefts:
            continue
        step = j - i
        pairs = _run(heights, i, step, rights | {k - step for k in lefts}, crossed)
        if rights or lefts:
            dx = _shift(parts, i, j, glyphs)
            if dx is None or not all(_crossing(parts[k], parts[m], dx, glyphs, k, m) is not False
                                     for k, m in pairs.items()):
                continue
        else:
            if not all(_narrower(parts[k], parts[m]) for k, m in pairs.items()):
                continue
            if step > 1 and len(pairs) < step:  # every page of the part has its rest
                continue
            left, right = parts[i].extent, parts[j].extent
            assert left is not None and right is not None
            dx = left[1] - right[0]
        return pairs, dx
    return {}, 0.0


def unjoined_parts(parts: list[_Part]) -> tuple[int, int] | None:
    """Two pages (indexes) that print the same rows of different columns — the rules at the same heights (see
    _same_rows), the tables starting at one place and ending at another — when no pages were put together: the
    parts of a sheet wider than the page that cannot be joined for sure (three or more across, nothing printed
    over the cuts). Read one after the other they would set a part's values under the other part's labels;
    refused instead. (The pages of one long table span the same columns.)"""
    for i, a in enumerate(parts):
        for j in range(i + 1, len(parts)):
            b = parts[j]
            if (a.extent is not None and b.extent is not None and abs(a.extent[1] - b.extent[1]) > SNAP
                    and _same_rows(a.heights, b.heights)):
                return i, j
    return None


def cut(parts: list[_Part], pairs: dict[int, int], dx: float) -> tuple[float, float]:
    """Where the sheet is cut: the right edge of the left parts' tables, and that place on the right parts (``dx``
    to the left). (A page's table may stop short of the cut: the widest is the cut.)"""
    right = max((e[1] for i in pairs if (e := parts[i].extent) is not None), default=0.0)
    return right, right - dx


def _shifted(obj: dict[str, Any], dx: float) -> dict[str, Any]:
    out = dict(obj)
    for key in ("x0", "x1"):
        if key in out:
            out[key] = out[key] + dx
    if out.get("pts"):
        out["pts"] = [(x + dx, y) for x, y in out["pts"]]
    return out


class Joined(DerivedPage):
    """``left`` with ``right`` set beside it, where the sheet was cut (``at``: the right edge of the left
    part, the left edge of the right part): one page as wide as both."""

    def __init__(self, left: Page, right: Page, at: tuple[float, float]):
        self.at = at
        self.dx = at[0] - at[1]
        self.right = right
        self.bbox = (0, 0, float(left.width) + float(right.width), float(left.height))
        self.joined: dict[str, list[dict[str, Any]]] | None = None
        super().__init__(left)

    @property
    def objects(self) -> dict[str, list[dict[str, Any]]]:
        if self.joined is None:
            # the text of a cell running over the cut is printed on both pages, past the left part's cut and
            # before the right part's start (clipped there when shown): each part's own is read
            def middle(o: dict[str, Any]) -> float:
                return (float(o["x0"]) + float(o["x1"])) / 2

            out = {k: [o for o in v if k != "char" or middle(o) <= self.at[0]]
                   for k, v in self.parent_page.objects.items()}
            for key, objs in self.right.objects.items():
                out.setdefault(key, []).extend(_shifted(o, self.dx) for o in objs
                                               if key != "char" or middle(o) >= self.at[1])
            self.joined = out
        return self.joined
