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

from typing import Any

from pdfplumber.page import DerivedPage, Page

from .pdf_text import SNAP

# How far (points) a character may stand beyond the page's edge before it is text cut off by the page.
BEYOND = 2.0


def _beyond(page: Page, left: bool) -> bool:
    width = float(page.width)
    return any(not c["text"].isspace() and (c["x0"] < -BEYOND if left else c["x1"] > width + BEYOND)
               for c in page.chars)


def _rule_heights(page: Page) -> list[float]:
    return sorted({round(float(e["top"]), 1) for e in page.edges
                   if e.get("orientation") == "h" and e["x1"] - e["x0"] > 2 * SNAP})


def _same_rows(a: list[float], b: list[float]) -> bool:
    """Whether two parts print the same rows: Calc sets the rows at the same heights on every part, but a part
    draws only its own columns' borders (a row bordered only in the other part's columns has no rule here), so
    one part's rules are all among the other's — at least two of them, the two tables' extents agreeing at
    the top or at the foot."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if len(small) < 2 or not all(any(abs(x - y) <= SNAP for y in large) for x in small):
        return False
    return abs(small[0] - large[0]) <= SNAP or abs(small[-1] - large[-1]) <= SNAP


def _cut_chars(page: Page, left: bool) -> list[tuple[str, float, float]]:
    """The characters beyond the page's left (or right) edge: (text, x0, top)."""
    width = float(page.width)
    return [(c["text"], float(c["x0"]), float(c["top"])) for c in page.chars if not c["text"].isspace()
            and (c["x0"] < -BEYOND if left else c["x1"] > width + BEYOND)]


def _crossing(left: Page, right: Page, dx: float) -> bool | None:
    """Whether the text beyond the two parts' cut is the same text, printed on both at the same place (the
    right part ``dx`` to the left): True when it is, False when a character beyond one part's edge is not
    on the other, None when nothing runs over the cut."""
    over = [(t, x - dx, y) for t, x, y in _cut_chars(left, left=False)]
    under = [(t, x + dx, y) for t, x, y in _cut_chars(right, left=True)]
    if not over and not under:
        return None

    def shown(chars: list[Any], t: str, x: float, y: float) -> bool:
        return any(c["text"] == t and abs(float(c["x0"]) - x) <= SNAP and abs(float(c["top"]) - y) <= SNAP
                   for c in chars)

    return (all(shown(right.chars, t, x, y) for t, x, y in over)
            and all(shown(left.chars, t, x, y) for t, x, y in under))


def _shift(left: Page, right: Page) -> float | None:
    """How far right of the right part's the left part's characters stand (the same text over the cut on both
    pages: the distance that puts every such character on the other page's), or None."""
    over = _cut_chars(left, left=False) or _cut_chars(right, left=True)
    if not over:
        return None
    t, x, y = over[0]
    other = right if over is not None and _cut_chars(left, left=False) else left
    sign = 1 if other is right else -1
    for c in other.chars:
        if c["text"] == t and abs(float(c["top"]) - y) <= SNAP:
            dx = sign * (x - float(c["x0"]))
            if dx > 0 and _crossing(left, right, dx):
                return dx
    return None


def _extent(page: Page) -> tuple[float, float] | None:
    """The left and right edges of the page's ruled tables (its vertical rules), or None without any."""
    xs = [float(e["x0"]) for e in page.edges if e.get("orientation") == "v"]
    return (min(xs), max(xs)) if xs else None


def _narrower(left: Page, right: Page) -> bool:
    """Whether ``right`` looks like the last columns of ``left``'s rows: its table starts at the same margin and
    stops short of where ``left``'s stops (the pages of one long table all span the same columns)."""
    a, b = _extent(left), _extent(right)
    return a is not None and b is not None and abs(a[0] - b[0]) <= SNAP and b[1] < a[1] - SNAP


def _run(heights: list[list[float]], i: int, step: int, ends: set[int]) -> dict[int, int]:
    """The pairs at ``step`` around the pair (i, i + step) that print the same rows: one after the other,
    (k, k + step) for the pages k of one part (at most ``step`` of them; for a step of 1, every other page);
    ``ends``: pages with text beyond their left edge, never the left part of a pair (nor, beyond their right
    edge, the right part: a middle part, three or more across, is not joined)."""
    def agree(k: int) -> bool:
        return (0 <= k and k + step < len(heights) and k not in ends and _same_rows(heights[k], heights[k + step]))

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


def column_pairs(pages: list[Page]) -> tuple[dict[int, int], tuple[float, float]]:
    """Which page (index) prints the rest of the rows of which, ``{left: right}``, and where the sheet is cut
    (:func:`cut`); empty for a PDF whose pages are not parts of a sheet wider than the page, or whose parts
    cannot be put together for sure (then text beyond an edge is refused as cut off).

    The pages printing the same rows stand at one distance from each other (1 when Calc prints “left to
    right, then down”, the number of pages of a part when “top to bottom, then right”): the distance is that
    of a pair whose rules agree and either whose text over the cut is the same on both, or — in a PDF with no
    text beyond any page's edge — whose second table starts at the first's left edge and stops short of its
    right edge. The other pairs are those at that distance next to it whose rules agree (and where text runs
    over their cut, the same text on both sides)."""
    rights = {j for j, p in enumerate(pages) if _beyond(p, left=True)}
    lefts = {i for i, p in enumerate(pages) if _beyond(p, left=False)}
    heights = [_rule_heights(p) for p in pages]
    if rights or lefts:
        candidates = sorted({(i, j) for j in rights for i in range(j)} | {(i, j) for i in lefts
                                                                          for j in range(i + 1, len(pages))},
                            key=lambda ij: (ij[1] - ij[0], ij[0]))
    else:
        candidates = [(i, j) for i in range(len(pages)) for j in range(i + 1, len(pages))
                      if _narrower(pages[i], pages[j])]
        candidates.sort(key=lambda ij: (ij[1] - ij[0], ij[0]))
    for i, j in candidates:
        if not _same_rows(heights[i], heights[j]) or i in rights or j in lefts:
            continue
        step = j - i
        pairs = _run(heights, i, step, rights | {k - step for k in lefts})
        if rights or lefts:
            dx = _shift(pages[i], pages[j])
            if dx is None or not all(_crossing(pages[k], pages[m], dx) is not False for k, m in pairs.items()):
                continue
        else:
            if not all(_narrower(pages[k], pages[m]) for k, m in pairs.items()):
                continue
            if step > 1 and len(pairs) < step:  # every page of the part has its rest
                continue
            left, right = _extent(pages[i]), _extent(pages[j])
            assert left is not None and right is not None
            dx = left[1] - right[0]
        return pairs, cut(pages, pairs, dx)
    return {}, (0.0, 0.0)


def cut(pages: list[Page], pairs: dict[int, int], dx: float) -> tuple[float, float]:
    """Where the sheet is cut: the right edge of the left parts' tables, and that place on the right parts (``dx``
    to the left). (A page's table may stop short of the cut: the widest is the cut.)"""
    right = max((float(e["x0"]) for i in pairs for e in pages[i].edges if e.get("orientation") == "v"),
                default=0.0)
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
