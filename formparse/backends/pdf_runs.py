"""PDF back-end, text runs: characters the maker wrote one after another on one baseline, each starting where
the one before ended — a text drawn in one go. A spreadsheet's long text not wrapped runs on over its cell's
border (over empty cells, under a neighbour's text, past the page's edge) or is clipped there; its run tells
whose text it is, and whether what the PDF holds of it was cut (``clipped-text``).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator, Sequence
from typing import Any

from .pdf_text import OVERHANG, PAD, SNAP, _Line, _lines, _within

# Characters the maker wrote one after another on one baseline, each starting where the one before ended
# (within this many type sizes: a run's own kerning and rounding come to a few hundredths; a cell's padding parts
# two cells' texts by more, a text clipped under the next cell's starts back over it), are one text drawn in one go.
_RUN_GAP = 0.05
CLIPPED = ("这个单元格的文字越过了它的边线（不换行的长文字：打印时超出单元格，或被相邻单元格截断），读出的文字可能"
           "不完整或混入了相邻单元格的文字；请核对原件")
# A glyph that comes nearer its cell's border than this (points), or stands over it: a text run on over its cell
# (no text a cell holds whole comes nearer its border than the cell's padding: Calc's is 0.7, Word's 5.4; Calc
# clips a text set to the right at the first glyph starting inside the cell, which may start on the border).
_TOUCH = 0.15
# Where a text's part in the next cell starts as far into it as the text starts into its own cell (points), it
# may as well be that cell's own text, set straight after a clipped one (“时效指标（补充” + “按时批复部门预算” when
# the column is a whole number of characters wide).
_SAME_PAD = 0.1
# A centred text's middle lies this near its cell's (points): Calc centres to a tenth of a point.
_CENTRED = 0.5
# A spreadsheet sets a text this near its cell's side (points; Calc 0.7–0.8, Excel about 2): a run that starts
# further in is not set to the left of that cell (nor one ending further in to the right) — it is a text that
# does not fill its cell, whatever ran into it.
_SHEET_PAD = 3.0


def runs(chars: Sequence[dict[str, Any]]) -> Iterator[range]:
    """The runs of ``chars`` (in the content stream's order): characters one after another on one baseline, each
    starting where the one before ended."""
    start = 0
    for end in range(1, len(chars) + 1):
        if end < len(chars):
            a, b = chars[end - 1], chars[end]
            size = max(a["size"], b["size"], 1.0)
            if (a.get("upright", True) and b.get("upright", True) and abs(a["bottom"] - b["bottom"]) <= 0.15 * size
                    and -_RUN_GAP * size <= b["x0"] - a["x1"] <= _RUN_GAP * size):
                continue
        yield range(start, end)
        start = end


def running_off(chars: Sequence[dict[str, Any]], width: float) -> set[int]:
    """The characters beyond the page's left or right edge that go on a run starting on the page (a sheet's long
    text not wrapped, in the last column: Calc writes it whole past the edge, the page shows it cut there), by
    index: read as that cell's, not as a table the page cut (which would start a text beyond the edge)."""
    out: set[int] = set()
    for run in runs(chars):
        first = chars[run[0]]
        if -OVERHANG <= first["x0"] and first["x1"] <= width + OVERHANG:
            out.update(i for i in run if chars[i]["x1"] > width + OVERHANG or chars[i]["x0"] < -OVERHANG)
    return out


def printed_over(lines: Sequence[_Line], chars: Sequence[dict[str, Any]], gap: float) -> list[_Line]:
    """Lines outside the tables with a text printed over another text of theirs (a footer's value not wrapped
    running on under the next label, “陈晓燕（补充说明…文联字系用电）话：” as the glyphs stand): the run printed over
    made a line of its own at the same height, so that it and the rest are pieces apart (see _loose). ``chars``:
    the lines' characters in the content stream's order (its runs, see runs)."""
    run_of: dict[int, int] = {}
    for r, run in enumerate(runs(chars)):
        for i in run:
            run_of[id(chars[i])] = r
    out: list[_Line] = []
    for line in lines:
        groups: dict[int, list[dict[str, Any]]] = {}
        for c in line.chars:
            groups.setdefault(run_of.get(id(c), -1), []).append(c)
        # (two of its glyphs over others at least: one alone is punctuation squeezed, “）：” set half a glyph
        # apart as Chromium sets them)
        over = next((r for r, mine in groups.items() if r >= 0 and len(mine) >= 2 and sum(any(
            min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > 0.3 * max(a["size"], 1.0)
            for r2, theirs in groups.items() if r2 != r for b in theirs if not b["text"].isspace())
            for a in mine) >= 2), None)
        if over is None:
            out.append(line)
            continue
        out += _lines(groups[over], gap) + _lines([c for c in line.chars if run_of.get(id(c), -1) != over], gap)
    return out


def stacked(chars: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The glyphs printed over a glyph of another line (their boxes overlapping by more than 0.3 of the type
    size both ways, their baselines apart): a sheet whose rows are too short for their wrapped texts prints
    them over the rows around, or a text box over the table — what the page shows is not all readable. (A text
    run on under its neighbour on the same baseline is not: see overflowing.)"""
    buckets: dict[tuple[int, int], list[int]] = {}
    for i, c in enumerate(chars):
        if not c["text"].isspace():
            for bx in range(int(c["x0"] // 10), int(c["x1"] // 10) + 1):
                for by in range(int(c["top"] // 10), int(c["bottom"] // 10) + 1):
                    buckets.setdefault((bx, by), []).append(i)
    out: dict[int, dict[str, Any]] = {}
    for found in buckets.values():
        for a, i in enumerate(found):
            for j in found[a + 1:]:
                c, d = chars[i], chars[j]
                size = max(min(c["size"], d["size"]), 1.0)
                if (abs(c["bottom"] - d["bottom"]) > 0.3 * size
                        and min(c["x1"], d["x1"]) - max(c["x0"], d["x0"]) > 0.3 * size
                        and min(c["bottom"], d["bottom"]) - max(c["top"], d["top"]) > 0.3 * size):
                    out[i], out[j] = c, d
    return list(out.values())


def overflowing(chars: Sequence[dict[str, Any]], boxes: Sequence[Sequence[float]],
                rules: Sequence[tuple[float, float, float]]) -> tuple[dict[int, int], set[int]]:
    """Texts drawn over a cell's border: a spreadsheet cell's long text not wrapped, which Excel and Calc print
    on over the empty cells beside it, or clip at a neighbour holding something (Calc writes a centred text whole
    into the text layer, under the neighbour's text: “主管部邵门阳市…”; a text set to the left only up to the
    glyph over the border). Returns the cell each character of such a text belongs to ({character: box}) and the
    boxes whose text may be cut or mixed with another's (a text stopping over a border, or one no cell can be
    told to hold). A text is one run of the content stream (``chars`` in its order); its cell is where its
    alignment sets it: the one whose padding its first character starts at (left), whose padding its last ends
    at (right), or whose middle is its middle (centred)."""
    def box_of(c: dict[str, Any]) -> int | None:
        return next((k for k, b in enumerate(boxes) if _within(c, b, 0.0)), None)

    def over(first: dict[str, Any], last: dict[str, Any]) -> bool:
        """Whether a text from ``first`` to ``last`` was cut at a border: its last glyph over a ruling line or
        ending on it (set to the left, Calc keeps the glyph over the border), or its first glyph over one or
        starting on it (set to the right). Measured against the lines drawn, not the cells' edges: pdfplumber
        snaps an edge to lines drawn near it (a nested table's), which may move it over a glyph."""
        def on(c: dict[str, Any], lo: float, hi: float) -> bool:
            y = (c["top"] + c["bottom"]) / 2
            return any(lo <= x <= hi and top - SNAP <= y <= bottom + SNAP for x, top, bottom in rules)

        return on(first, first["x0"] - _TOUCH, first["x1"] - _TOUCH) or on(last, last["x0"] + _TOUCH,
                                                                           last["x1"] + _TOUCH)

    def overprinted(run: range) -> bool:  # two characters of the run at least printed over another text's
        lo, hi = chars[run[0]], chars[run[-1]]
        size = max(lo["size"], 1.0)
        theirs = [c for i, c in enumerate(chars) if i not in run and abs(c["bottom"] - lo["bottom"]) <= 0.15 * size
                  and min(c["x1"], hi["x1"]) - max(c["x0"], lo["x0"]) > 0.3 * size and not c["text"].isspace()]
        return sum(any(min(c["x1"], chars[r]["x1"]) - max(c["x0"], chars[r]["x0"]) > 0.3 * size for c in theirs)
                   for r in run) >= 2

    homes: dict[int, int] = {}
    cut: set[int] = set()
    edges = sorted({x for b in boxes for x in (b[0], b[2])})  # (a run near none of them is inside its cell)
    for run in runs(chars):
        ink = [i for i in run if not chars[i]["text"].isspace()]  # (a space run over a border shows nothing)
        if not ink:
            continue
        first, last = chars[ink[0]], chars[ink[-1]]
        near = bisect.bisect_left(edges, first["x0"] - _TOUCH)
        if near == len(edges) or edges[near] > last["x1"] + _TOUCH:
            continue
        here, there = box_of(first), box_of(last)
        if here == there or first["x0"] >= last["x0"]:
            if here is not None and over(first, last):
                cut.add(here)
            continue
        where = [box_of(chars[i]) for i in ink]
        x0, x1 = first["x0"], last["x1"]
        anchors = set()
        for k in set(where) - {None}:
            assert k is not None
            b = boxes[k]
            if abs((x0 + x1) - (b[0] + b[2])) <= 2 * _CENTRED:
                anchors.add(k)
                continue
            if k == where[0] and -_TOUCH <= x0 - b[0] <= _SHEET_PAD:  # set to the left: where its next part starts
                nxt = next(n for n, w in enumerate(where) if w != k)
                other, pad = where[nxt], x0 - b[0]
                if other is None or abs(chars[ink[nxt]]["x0"] - boxes[other][0] - pad) > _SAME_PAD or overprinted(run):
                    anchors.add(k)
            if k == where[-1] and -_TOUCH <= b[2] - x1 <= _SHEET_PAD:  # set to the right: where its part before ends
                prv = max(n for n, w in enumerate(where) if w != k)
                other, pad = where[prv], b[2] - x1
                if other is None or abs(boxes[other][2] - chars[ink[prv]]["x1"] - pad) > _SAME_PAD or overprinted(run):
                    anchors.add(k)
        if len(anchors) == 1:
            (k,) = anchors
            homes.update(dict.fromkeys(run, k))
            if over(first, last):
                cut.add(k)  # run on over some cells and stopped over a border: clipped there
        else:
            cut.update(k for k in where if k is not None)
    return homes, cut


def stops_on_column(lines: Sequence[_Line], columns: Sequence[float]) -> list[tuple[float, float]]:
    """Where a text outside the tables (a row printed without borders: 填报人, 联系电话) stops over a column
    boundary of the tables (``columns``), the next text of its line starting at a boundary: a sheet's text
    clipped at a neighbour holding something (“填报人：刘芳（补充说明本项内容的文字” ending over the boundary,
    “联系电话：” further on). (x, top) of each such last glyph. A text the sheet shows whole stays its cell's
    padding inside the boundary; a paragraph of a document that crosses one is followed by nothing, or by a text
    not set at a boundary."""
    out = []
    for line in lines:
        ink = [c for c in sorted(line.chars, key=lambda c: c["x0"]) if not c["text"].isspace()]
        for c, d in itertools.pairwise(ink):
            size = max(c["size"], 1.0)
            if d["x0"] - c["x1"] > size and any(c["x0"] + _TOUCH < x < c["x1"] - _TOUCH for x in columns) and any(
                    0 <= d["x0"] - x <= PAD for x in columns):
                out.append(((c["x0"] + c["x1"]) / 2, c["top"]))
    return out
