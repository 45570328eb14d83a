"""Reading PDF with a text layer (Word/WPS/Excel/LibreOffice “save as PDF”) with pdfplumber.

A PDF has no cells, only characters at positions and the ruling lines drawn around them. The grid is
rebuilt from the lines: pdfplumber finds each table's cells (the rectangles the horizontal and vertical
segments close; a cell whose inner line is missing comes back as one larger rectangle, a merge); the
column and row boundaries of a table are the distinct edges of its cells, so every cell gets its
row/column and span like a merged cell of the other back-ends. The characters whose centre lies in a cell
are its text: lines of a cell that wrap are joined (Chinese without a space, Latin words with one), a line
that ends short of the cell's right edge ends a paragraph (“\\n”, as the .docx reader joins a cell's
paragraphs). Text outside the tables becomes paragraph rows, page by page, in reading order; a table
that begins a page straight after a table that ended the previous one, with the same outer edges, goes
on as the same table. Page numbers in the top and bottom margins are dropped. A ruled cell over several row
bands of its table whose texts stand apart in them is the cells printed without the line between them
(split, or reported: ``pdf_cells.split_unruled``).

This module reads a page (what is where); ``pdf_cells`` turns ruling lines into cells and the tables of every
page into the grid; ``pdf_text`` groups characters into lines and a cell's text; ``pdf_limits`` opens the
file and holds the bounds.

Addresses are where a person looks in the PDF: “第2页表1第3行第4列” (the page, the table's number on that
page, its row on that page, its column) and “第1页第2段”.

Bounded before pdfminer interprets anything: pages (``max_pdf_pages``), objects (``max_pdf_objects``),
each page's content streams inflated (``max_pdf_stream_bytes``, checked by inflating them with a cap) and
characters (``max_pdf_chars``).
"""

from __future__ import annotations

import bisect
import logging
import re
import unicodedata
import zlib
from collections.abc import Sequence
from typing import Any

from ..errors import EncryptedFile, UnreadableFile, UnsafeFile
from ..grid import Grid
from ..limits import DEFAULT, Limits
from .pdf_cells import (
    _TABLES,
    _Assembler,
    _boundaries,
    _cut_ends,
    _distance,
    _drawn,
    _Para,
    _past_cut,
    _PCell,
    _Table,
    _without_empty_cut_rows,
    apart_in_columns,
    nested_in,
    side_by_side,
    split_unruled,
    unnested,
)
from .pdf_limits import _check_objects, _check_page_streams, _open, _pages
from .pdf_runs import overflowing, printed_over, running_off, stacked, stops_on_column
from .pdf_text import (
    GAP_IS_SPACE,
    GAP_IS_SPACE_UNSPACED,
    OVERHANG,
    SNAP,
    _lines,
    _loose,
    _norm,
    _Text,
    _within,
    cell_text,
    unradical,
)
from .pdf_wide import Glyph, Joined, column_pairs, cut, survey, unjoined_parts

# pdfminer logs what it finds odd in a file (a font without a bounding box, …) as warnings; with no handler
# of its own, Python would print them on stderr, around the one line a bad file gets. What matters reaches the
# caller as a FormparseError; an application that configures logging still sees them.
for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

SCAN = "扫描件：没有文字层，请提供 Word/Excel 原件"
# Without ruling lines the cells cannot be told apart for sure (a spreadsheet's text runs over into the
# cells beside it): refused rather than read wrong.
NO_LINES = "PDF 里的表格没有画线（无边框），无法可靠地分出单元格；请提供 Word/Excel 原件，或导出带边框的 PDF"

# A page's top and bottom margins (fraction of its height) where a lone page number is a header/footer.
MARGIN = 0.1
# The outer part of a page's top and bottom margins where Word and WPS set running headers and footers (the
# body starts at 72 pt of 842 with the default margins; a header stands at 36 pt): a line there repeated
# from an earlier page is read once. (A form's own footer, at the foot of its body, is never in it.)
RUNNING = 0.06

# How many characters of a file's pages are kept between surveying and reading them (past it, a page's objects
# are read again: a file of many pages is never held whole).
HELD = 200_000

_PAGE_NUMBER = re.compile(r"^(?:第\d+页(?:[,，/]?共\d+页)?|[-—–]\d+[-—–]|\d+/\d+|\d+|page\d+(?:of\d+)?)$", re.I)


def _across_edge(chars: Sequence[dict[str, Any]], height: float, top: bool) -> list[dict[str, Any]]:
    """The characters beyond the page's top (or bottom) edge, and those of the same columns set straight under
    (over) them: one text set across the edge."""
    def near(c: dict[str, Any]) -> float:  # distance from the edge into the page
        return float(c["top"]) if top else height - float(c["bottom"])

    def far(c: dict[str, Any]) -> float:
        return float(c["bottom"]) if top else height - float(c["top"])

    block = [c for c in chars if not c["text"].isspace() and near(c) < -OVERHANG]
    if not block:
        return []
    x0, x1 = min(c["x0"] for c in block), max(c["x1"] for c in block)
    reach = max(far(c) for c in block)
    ids = {id(c) for c in block}
    for c in sorted(chars, key=near):
        if id(c) in ids:
            continue
        if near(c) > reach + 0.8 * c["size"]:
            break
        if x0 - SNAP <= (c["x0"] + c["x1"]) / 2 <= x1 + SNAP:
            block.append(c)
            ids.add(id(c))
            reach = max(reach, far(c))
    return block


def _column_text(chars: Sequence[dict[str, Any]], span: tuple[float, float]) -> str:
    """The text of the characters standing between ``span``'s left and right, line by line, spaces taken out."""
    inside = [c for c in chars if span[0] - SNAP <= (c["x0"] + c["x1"]) / 2 <= span[1] + SNAP]
    return "".join(_norm(line.text) for line in _lines(inside))


class _Reader(_Assembler):
    def __init__(self, path: str, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self.items: list[_Table | _Para] = []
        self.n_chars = 0
        self.n_text = 0  # characters other than page numbers
        self.ruled = False  # any table drawn with lines
        self.opened: dict[int, _Text] = {}  # a cell's id → how its text lies in the cell's last piece
        self.running: set[tuple[str, int]] = set()  # header and footer lines met so far
        self.doubts: list[tuple[str, str]] = []  # (address, message) of cells that may be several
        self.clipped: list[tuple[str, str]] = []  # (address, message) of cells whose text may be cut short
        self.hints: list[str] = []  # what would explain a refusal (texts printed over one another)
        self.prev: list[dict[str, Any]] | None = None  # the characters of the page before
        self.pending: tuple[str, tuple[float, float], dict[str, Any]] | None = None  # text beyond its foot
        self.n_pages = 0
        self.scanned = 0  # pages that are a picture with at most a few words on it (a scan and its stamp)
        # the characters of each merged cell at the foot of the page's lowest table, and that table's foot
        self.feet: tuple[int, float, list[list[dict[str, Any]]]] | None = None
        self.columns: list[float] = []  # the column boundaries of the tables so far
        self.spaced: bool | None = None  # any page of the file has spaces (None: judged page by page)
        self.sheet = False  # a spreadsheet program made it (its texts outside tables may be clipped at a column)

    def _cut_off(self, n: int, c: dict[str, Any]) -> UnreadableFile:
        return UnreadableFile(f"第{n}页有文字超出了页面（“{c['text']}”）：表格被页面截断，无法完整读取；"
                              "请提供 Word/Excel 原件，或导出时把工作表调整为一页宽", path=self.path)

    def _across_edges(self, n: int, chars: list[dict[str, Any]], height: float) -> list[dict[str, Any]]:
        """The page's characters without a text set across its top or bottom edge that the page before (or
        after) shows whole in the same columns: LibreOffice Calc prints a merged cell's text, centred on the
        whole merged range, on each page the range spans, so its lines may stand beyond this page's edge. A
        text beyond an edge that the neighbouring page does not show is cut off: refused."""
        if self.pending is not None:  # the page before had text beyond its foot: this page must show it
            text, span, first = self.pending
            self.pending = None
            if text not in _column_text(chars, span):
                raise self._cut_off(n - 1, first)
        drop: set[int] = set()
        for top in (True, False):
            block = _across_edge(chars, height, top)
            if not block:
                continue
            span = (min(c["x0"] for c in block), max(c["x1"] for c in block))
            text = _column_text(block, span)
            first = next(c for c in block if not c["text"].isspace())
            if top and (self.prev is None or text not in _column_text(self.prev, span)):
                raise self._cut_off(n, first)
            if not top:
                self.pending = (text, span, first)
            drop.update(id(c) for c in block)
        chars = [c for c in chars if id(c) not in drop]
        self.prev = chars
        return chars

    def _without_repeats(self, n: int, chars: list[dict[str, Any]], tables: Sequence[Any],
                         before: Sequence[dict[str, Any]] | None) -> list[dict[str, Any]]:
        """The page's characters without those over a table going on from the page before that the page before
        shows too: rows a spreadsheet prints again at the top of every page (Excel's and Calc's print titles,
        顶端标题行: the form's title and unit line, at the same place), and the text of a merged cell going on
        from the page before, which Calc prints again centred on the whole merged range and clips (it stays in
        the text layer, at the same left, higher by the page's height). Read once, where they stand first, so
        the table goes on. Only when every character over the table is the same character at the same left on
        the page before: anything else there is text of this page (a new form's title), and all of it stays."""
        if not before or not tables:
            return chars
        topmost = min(tables, key=lambda t: t.bbox[1])
        head = self._head_of(n, topmost.bbox, ())  # (the page before ended with a table of the same edges)
        if head is None:
            return chars
        top = topmost.bbox[1]
        above = [c for c in chars if c["bottom"] <= top + OVERHANG and not c["text"].isspace()]
        if not above or _restarts(head, topmost, chars):
            return chars
        shown: dict[str, list[float]] = {}
        for c in before:
            shown.setdefault(c["text"], []).append(float(c["x0"]))
        if not all(any(abs(float(c["x0"]) - x) <= _SAME_LEFT for x in shown.get(c["text"], ())) for c in above):
            return chars
        gone = {id(c) for c in above}
        return [c for c in chars if id(c) not in gone]

    def _without_reprints(self, n: int, chars: list[dict[str, Any]], tables: Sequence[Any]
                          ) -> list[dict[str, Any]]:
        """The page's characters without the text of a merged cell going on from the foot of the page before,
        printed again: Calc prints a merged cell's text centred on the whole merged range on every page the
        range spans, clipped to the part on that page, and the clipped characters stay in the text layer. On
        the next page they stand at the same lefts, lower by where the range goes on (a row band's top of this
        page's first table) less the foot of the table before; only the whole text, every character, found so."""
        feet, self.feet = self.feet, None
        if feet is None or feet[0] != n - 1 or not tables:
            return chars
        _, foot, texts = feet
        topmost = min(tables, key=lambda t: t.bbox[1])
        starts = sorted({round(float(c[1]), 1) for c in topmost.cells})[:_REPRINT_BANDS]
        at: dict[str, list[dict[str, Any]]] = {}
        for c in chars:
            at.setdefault(c["text"], []).append(c)
        gone: set[int] = set()
        for text in texts:
            for start in starts:
                dy = start - foot
                found = [next((d for d in at.get(c["text"], ()) if abs(float(d["x0"]) - float(c["x0"])) <= _SAME_LEFT
                               and abs(float(d["top"]) - float(c["top"]) - dy) <= _SAME_LEFT * 2), None) for c in text]
                if text and all(d is not None for d in found):
                    gone.update(id(d) for d in found)
                    break
        return [c for c in chars if id(c) not in gone] if gone else chars

    def _head_of(self, n: int, bbox: Sequence[float], chars: Sequence[dict[str, Any]]) -> _Table | None:
        """The first piece of the table that the page's topmost table (``bbox``) goes on, when it does: the
        page before ended with a table of the same left and right edges and nothing stands over this one."""
        x0, top, x1, _ = bbox
        if any(c["bottom"] <= top + OVERHANG and not c["text"].isspace() for c in chars):
            return None
        head, page = None, n
        for i in range(len(self.items) - 1, -1, -1):
            item = self.items[i]
            if (not isinstance(item, _Table) or item.page != page - 1 or abs(item.x0 - x0) > SNAP
                    or abs(item.x1 - x1) > SNAP):
                break
            head, page = item, item.page
            if item.number != 1:
                break
        return head

    def finish(self) -> None:
        if self.pending is not None:  # text beyond the foot of the last page
            raise self._cut_off(self.n_pages, self.pending[2])

    def page(self, n: int, page: Any) -> None:
        self.n_pages = n
        page = page.filter(_drawn)
        chars = [c for c in page.dedupe_chars(tolerance=1).chars if c.get("text")]
        for c in chars:
            c["text"] = unradical(c["text"])
            _on_baseline(c)
        self.n_chars += len(chars)
        if self.n_chars > self.limits.max_pdf_chars:
            raise UnsafeFile(f"PDF 的文字超过 {self.limits.max_pdf_chars} 个字符", path=self.path)
        height, width = float(page.height), float(page.width)
        unmapped = next((c for c in chars if c["text"].startswith("(cid:")), None)
        if unmapped is not None:  # a font without a map from its glyphs to characters: what it shows is unknown
            raise UnreadableFile(f"第{n}页有文字无法识别（字体没有字符映射，{unmapped['text']}）：无法可靠地读取；"
                                 "请提供 Word/Excel 原件", path=self.path)
        # what the page cuts off cannot be read whole: refused rather than read cut, but for a cell's text that
        # runs on past the edge (its cell gets it whole, below)
        past = running_off(chars, width)
        off = next((c for i, c in enumerate(chars) if i not in past and not c["text"].isspace()
                    and (c["x1"] > width + OVERHANG or c["x0"] < -OVERHANG)), None)
        if off is not None:
            raise self._cut_off(n, off)
        past_ids = {id(chars[i]) for i in past}
        before = self.prev  # the characters of the page before
        chars = self._across_edges(n, chars, height)
        cuts = _cut_ends(page.edges) if page.edges else []
        tables = nested_in(page.find_tables({**_TABLES, "explicit_horizontal_lines": cuts})) if page.edges else []
        chars = self._without_reprints(n, chars, tables)
        chars = self._without_repeats(n, chars, tables, before)
        # page numbers in the header or footer (never a number in a table: “2020” of a date a row broken over
        # the page carries to the top of the next)
        margins = (c for c in chars if (c["bottom"] < MARGIN * height or c["top"] > (1 - MARGIN) * height)
                   and not any(_within(c, t.bbox, OVERHANG) for t in tables))
        numbers = {id(c) for line in _lines(margins)
                   if _PAGE_NUMBER.match("".join(unicodedata.normalize("NFKC", line.text).split()))
                   for c in line.chars}
        chars = [c for c in chars if id(c) not in numbers]
        over = stacked(chars)
        if len(over) >= _STACKED:
            shown = "".join(c["text"] for c in sorted(over, key=lambda c: (c["top"], c["x0"]))[:12])
            self.hints.append(f"第{n}页有文字印在别的文字上（“{shown}”）：行高不够，文字超出了单元格，PDF 里的内容"
                              "叠在一起、不全；请提供 Word/Excel 原件，或调整行高后重新导出")
        if _scanned(page, chars, width * height):
            self.scanned += 1
        # (a PDF's maker writes the spaces between words or leaves them out, in the whole file: a page of it
        # without any is read as one that has them, a sheet's part printed on its own page as the rest)
        spaced = self.spaced if self.spaced is not None else any(c["text"].isspace() for c in chars)
        gap = GAP_IS_SPACE if spaced else GAP_IS_SPACE_UNSPACED
        taken: set[int] = set()
        found: list[tuple[float, _Table | _Para]] = []
        topmost = min(tables, key=lambda t: t.bbox[1]) if tables else None
        lowest = max(tables, key=lambda t: t.bbox[3]) if tables else None
        head = self._head_of(n, topmost.bbox, chars) if topmost is not None else None
        rules = [(float(e["x0"]), float(e["top"]), float(e["bottom"])) for e in page.edges or ()
                 if e.get("orientation") == "v"]  # the vertical ruling lines (x, top, bottom)
        # the characters by their vertical middles: those a cell's box may hold are a slice
        mids = sorted(((c["top"] + c["bottom"]) / 2, i) for i, c in enumerate(chars))
        ys_mid = [m for m, _ in mids]
        for k, table in enumerate(tables, start=1):
            boxes: list[tuple[Sequence[float], list[int], Sequence[float]]] = []
            # (a text run on over its cell's border is its cell's whole: see overflowing)
            free = [i for i in range(len(chars)) if i not in taken]
            cells = unnested(table.cells)
            homes, cut = overflowing([chars[i] for i in free], cells, rules)
            homed: dict[int, list[int]] = {}
            for i, box in homes.items():
                homed.setdefault(box, []).append(free[i])
            homes = {free[i]: box for i, box in homes.items()}
            for j, drawn in enumerate(cells):
                bbox = _past_cut(drawn, cuts, height)
                band = mids[bisect.bisect_left(ys_mid, bbox[1]):bisect.bisect_right(ys_mid, bbox[3])]
                inside = sorted([i for _, i in band if i not in taken and i not in homes
                                 and _within(chars[i], bbox, 0.0)] + [i for i in homed.get(j, ()) if i not in taken])
                taken.update(inside)
                boxes.append((bbox, inside, drawn))
            # characters that overhang a cell a little belong to the cell nearest them
            for i, c in enumerate(chars):
                if i in taken or not _within(c, table.bbox, OVERHANG):
                    continue
                near, inside, _ = min(boxes, key=lambda box: _distance(c, box[0]))
                if _distance(c, near) <= OVERHANG:
                    inside.append(i)
                    taken.add(i)
            # the table's row boundaries, where its columns' cells end (a cell over several of them holding
            # texts that stand in different ones may be cells printed without the line between them)
            ys = _boundaries(y for cell in cells for y in (cell[1], cell[3]))
            if table is lowest:
                foot = table.bbox[3]
                self.feet = (n, foot, [[chars[i] for i in inside if not chars[i]["text"].isspace()]
                                       for _, inside, drawn in boxes if abs(drawn[3] - foot) <= SNAP
                                       and any(drawn[1] + SNAP < y < drawn[3] - SNAP for y in ys)])
            xs = _boundaries(x for cell in cells for x in (cell[0], cell[2]))  # (the same, side by side)
            made = []
            open_feet = [cut["top"] for cut in cuts if cut["cut"] == "bottom"]
            for j, (box, inside, drawn) in enumerate(boxes):
                pieces, doubt = split_unruled(drawn, _lines((chars[i] for i in inside), gap), ys)
                for ptop, pbottom, plines in pieces:
                    # (at the foot of the cell as drawn; a cell the page cuts open at its foot goes on on the
                    # next page however much room the cut left under its text: Chromium moves a line that would
                    # not fit whole, with room to spare)
                    foot = pbottom
                    if plines and any(abs(pbottom - y) <= SNAP for y in open_feet):
                        foot = min(pbottom, plines[-1].bottom)
                    side = apart_in_columns(drawn, plines, xs)
                    made.append(_PCell(drawn[0], ptop, drawn[2], pbottom,
                                       cell_text(plines, box[0], box[2], ptop, foot),
                                       "；".join(d for d in (doubt, side) if d) or None, j in cut))
            made = _without_empty_cut_rows(made, cuts)
            if table is topmost and head is not None:
                made = _without_head_rows(made, head.cells)
            self.n_text += sum(len("".join(c.text.text.split())) for c in made)
            x0, top, x1, bottom = table.bbox
            found.append((top, _Table(n, k, made, x0, x1, top, bottom)))
            self.ruled = True
        found = [(t.top, t) for t in side_by_side([t for _, t in found if isinstance(t, _Table)])]
        rest = [c for i, c in enumerate(chars) if i not in taken]
        stray = next((c for c in rest if id(c) in past_ids and not c["text"].isspace()), None)
        if stray is not None:  # (past the edge, and no table cell's text: refused as above)
            raise self._cut_off(n, stray)
        lines = printed_over(_lines(rest, gap), rest, gap)
        self.n_text += sum(len("".join(line.text.split())) for line in lines)
        # a running header or footer (the same line at the same height in a margin of an earlier page) is
        # read once, where it first stands, not again between the pieces of a table going on over pages
        kept = []
        for line in lines:
            key = (_norm(line.text), round(line.top / SNAP))
            if line.bottom < RUNNING * height or line.top > (1 - RUNNING) * height:
                if key in self.running:
                    continue
                self.running.add(key)
            kept.append(line)
        lines = kept
        right = max([line.x1 for line in lines] + [t.bbox[2] for t in tables] + [0.0])
        # the column boundaries a row drawn without lines (a footer) is set against: those of the tables so far
        self.columns = _boundaries([*self.columns, *(x for t in tables for c in t.cells for x in (c[0], c[2]))])
        paras = [_Para(n, 0, parts, top) for top, parts in _loose(lines, spaced, right, self.columns)]
        for x, top in stops_on_column(lines, self.columns) if self.sheet else ():  # (the piece holding it)
            para = next((p for p in reversed(paras) if p.top <= top + SNAP), None)
            if para is None:
                continue
            hit = next((k for k, part in enumerate(para.parts) if part[0] - SNAP <= x <= part[1] + SNAP), None)
            if hit is not None:
                para.cut = para.cut | {hit}
        found += [(p.top, p) for p in paras]
        found.sort(key=lambda x: x[0])
        number = 0
        for _, item in found:
            if isinstance(item, _Para):
                number += 1
                item.number = number
            self.items.append(item)


# Where a glyph's box starts below its baseline, as a share of its height: pdfminer puts the box at the font's
# declared descent, and a maker that writes an odd one (cairo's CJK fonts say -1.05 em: the whole glyph under
# its baseline) shifts every character of that font by most of a line, into the row below. Descents real fonts
# declare lie within these bounds; outside them the box is put where a CJK glyph sits (-0.12 em).
_DESCENT_BOUNDS, _CJK_DESCENT = (-0.45, 0.15), -0.12


# A character printed again stands this close (points) to the left of where it stood on the page before.
_SAME_LEFT = 0.5
# A merged cell going on over a page goes on from one of the first row bands of the next page's first table (the
# first, or the first under rows printed again on every page).
_REPRINT_BANDS = 4

# Glyphs printed over glyphs of other lines on a page (see stacked) that make its print unreadable: a form's
# PDF as its program prints it has none.
_STACKED = 6

# A page is a scan when one picture covers at least this share of it and it has fewer characters than this: what
# scanning apps print over their picture (“扫描全能王 创建”, a date, a page number), not a form's hundreds of labels.
_SCAN_COVER, _SCAN_TEXT = 0.5, 40


def _scanned(page: Any, chars: Sequence[dict[str, Any]], area: float) -> bool:
    if sum(1 for c in chars if not c["text"].isspace()) >= _SCAN_TEXT:
        return False
    return any((float(im["x1"]) - float(im["x0"])) * (float(im["bottom"]) - float(im["top"])) >= _SCAN_COVER * area
               for im in page.images)


def _restarts(head: _Table, table: Any, chars: Sequence[dict[str, Any]]) -> bool:
    """Whether the page's topmost table begins the form again instead of going on from ``head`` (the next form of
    a packet, its title over it the same as the form before's): its first row's first cell says what the first
    piece's does, and the row is not the same row printed again cell for cell."""
    if not head.cells:
        return False
    first = _bands(head.cells)[0]
    band_top = min(float(c[1]) for c in table.cells)
    drawn = sorted((c for c in table.cells if abs(float(c[1]) - band_top) <= SNAP), key=lambda c: float(c[0]))

    def text_in(box: Sequence[float]) -> str:
        return _norm("".join(c["text"] for c in sorted(chars, key=lambda c: (c["top"], c["x0"]))
                             if _within(c, box, 0.0)))

    if not drawn or text_in(drawn[0]) != _norm(first[0].text.text):
        return False
    return not (len(drawn) == len(first) and all(text_in(d) == _norm(p.text.text) for d, p in zip(drawn, first,
                                                                                                      strict=True)))


def _bands(cells: Sequence[_PCell]) -> list[list[_PCell]]:
    """The cells by the row they begin in (their tops within SNAP), top to bottom, each row left to right."""
    out: list[list[_PCell]] = []
    for cell in sorted(cells, key=lambda c: (c.top, c.x0)):
        if out and abs(out[-1][0].top - cell.top) <= SNAP:
            out[-1].append(cell)
        else:
            out.append([cell])
    return out


def _split_band(band: Sequence[_PCell]) -> tuple[list[_PCell], list[_PCell]]:
    """A row's own cells (ending where it ends) and the cells beginning in it that reach into rows under it."""
    foot = min(c.bottom for c in band)
    return [c for c in band if c.bottom <= foot + SNAP], [c for c in band if c.bottom > foot + SNAP]


def _same_row(mine: Sequence[_PCell], theirs: Sequence[_PCell]) -> bool:
    """Whether a row repeats another cell for cell: the same cells at the same places with the same texts. A
    cell merged down is not compared (the page before prints its text where the whole range is); on this page
    it must be empty (its text printed on the page before, not here)."""
    (own, tall), (their_own, _) = _split_band(mine), _split_band(theirs)
    return (len(own) == len(their_own) and any(_norm(p.text.text) for p in own)
            and not any(_norm(c.text.text) for c in tall)
            and all(abs(p.x0 - q.x0) <= SNAP and abs(p.x1 - q.x1) <= SNAP
                    and abs((p.bottom - p.top) - (q.bottom - q.top)) <= SNAP
                    and _norm(p.text.text) == _norm(q.text.text) for p, q in zip(own, their_own, strict=True)))


def _without_head_rows(made: list[_PCell], head: Sequence[_PCell]) -> list[_PCell]:
    """A table piece going on from the page before without its first rows where they repeat the first rows of
    the table's first piece, cell for cell (Word's 标题行重复, a spreadsheet's print titles taking in table
    rows): read once, where they stand first. An empty cell merged down from them begins under them."""
    mine, theirs = _bands(made), _bands(head)
    m = 0
    while m < min(len(mine) - 1, len(theirs)) and _same_row(mine[m], theirs[m]):
        m += 1
    if m == 0:
        return made
    gone = set()
    for row in mine[:m]:
        own, tall = _split_band(row)
        gone.update(id(c) for c in own)
        for c in tall:
            c.top = max(c.top, mine[m][0].top)
    return [c for c in made if id(c) not in gone]


def _on_baseline(c: dict[str, Any]) -> None:
    """Move an upright character's box to its baseline when its font declares an implausible descent."""
    m, h = c.get("matrix"), float(c.get("height") or 0)
    if not m or h <= 0 or not c.get("upright") or m[1] or m[2] or m[0] <= 0 or m[3] <= 0:
        return
    share = (float(c["y0"]) - float(m[5])) / h
    if _DESCENT_BOUNDS[0] <= share <= _DESCENT_BOUNDS[1]:
        return
    shift = float(m[5]) + _CJK_DESCENT * h - float(c["y0"])  # upwards, in PDF units
    c["y0"], c["y1"] = float(c["y0"]) + shift, float(c["y1"]) + shift
    c["top"], c["bottom"], c["doctop"] = (float(c[k]) - shift for k in ("top", "bottom", "doctop"))


def _glyphs(page: Any) -> list[Glyph]:
    out = [(c["text"], float(c["x0"]), float(c["top"])) for c in page.filter(_drawn).chars if c.get("text")]
    page.close()
    return out


# The PDF's maker (its Info dictionary's /Creator or /Producer) a spreadsheet program: LibreOffice Calc, Excel,
# WPS 表格 (et), Numbers.
_SHEET_MAKER = re.compile(r"\bcalc\b|excel|表格|\bet\b|spreadsheet|numbers", re.IGNORECASE)


def _from_a_sheet(info: Any) -> bool:
    """Whether the PDF says a spreadsheet program made it (a text outside its tables that stops over a column
    boundary is then a cell's text clipped; in a Word document it is a paragraph crossing it)."""
    if not isinstance(info, dict):
        return False
    return any(isinstance(info.get(k), str) and _SHEET_MAKER.search(info[k]) for k in ("Creator", "Producer"))


def read_grids(path: str, data: bytes, limits: Limits = DEFAULT, password: str | None = None) -> list[Grid]:
    """The PDF's one grid (every page, in order). Raises UnreadableFile for a scan (no text layer) or a
    damaged file, EncryptedFile for a password, UnsafeFile past a limit."""
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.psparser import PSException

    pdf = _open(path, data, password)
    reader = _Reader(path, limits)
    try:
        _check_objects(pdf.doc, path, limits)
        # every page surveyed first (its rules, and text beyond its edges: a sheet printed over pages across is
        # put back together), the characters counted against the limit on the way; a long file's pages let go
        # of their objects after (read again when their turn comes), a form's few kept
        pages, parts = [], []
        for n, page in _pages(pdf, path, limits):
            _check_page_streams(page, n, path, limits)
            parts.append(survey(page.filter(_drawn)))
            reader.n_chars += sum(1 for c in page.dedupe_chars(tolerance=1).chars if c.get("text"))
            if reader.n_chars > HELD:
                page.close()
            if reader.n_chars > limits.max_pdf_chars:
                raise UnsafeFile(f"PDF 的文字超过 {limits.max_pdf_chars} 个字符", path=path)
            pages.append(page)
        reader.n_chars = 0
        reader.spaced = any(p.spaced for p in parts)
        reader.sheet = _from_a_sheet(pdf.metadata)
        pairs, dx = column_pairs(parts, lambda k: _glyphs(pages[k]))
        apart = unjoined_parts(parts) if not pairs else None
        if apart is not None:
            raise UnreadableFile(f"第{apart[0] + 1}页和第{apart[1] + 1}页打印的是同样的行、不同的列：工作表比页面宽，"
                                 "被分成几页打印，无法可靠地拼回；请提供 Word/Excel 原件，或导出时把工作表调整为一页宽",
                                 path=path)
        at = cut(parts, pairs, dx)
        rights = set(pairs.values())
        for i, page in enumerate(pages):
            if i in rights:
                continue
            reader.page(i + 1, Joined(page, pages[pairs[i]], at) if i in pairs else page)
            page.close()
            if i in pairs:
                pages[pairs[i]].close()
        reader.finish()
    except (UnsafeFile, UnreadableFile):
        raise
    except (MemoryError, RecursionError) as exc:
        raise UnsafeFile("PDF 结构过大或嵌套过深，无法安全读取", path=path) from exc
    except PDFPasswordIncorrect as exc:
        raise EncryptedFile("PDF 设置了打开密码，请去掉密码后再报送，或提供密码", path=path) from exc
    except (PSException, ValueError, TypeError, KeyError, AttributeError, IndexError, AssertionError,
            zlib.error, OverflowError) as exc:
        raise UnreadableFile(f"PDF 已损坏，无法读取 ({type(exc).__name__})", path=path) from exc
    except Exception as exc:  # pdfplumber wraps pdfminer's errors in its own
        raise UnreadableFile(f"PDF 已损坏，无法读取 ({type(exc).__name__})", path=path) from exc
    finally:
        # (not pdf.close(): it walks every page of the page tree again, which is what is being refused)
        pdf.stream.close()
    if reader.n_text == 0 or reader.scanned == reader.n_pages:
        raise UnreadableFile(SCAN, path=path)
    if not reader.ruled:
        raise UnreadableFile(NO_LINES, path=path)
    return [reader.grid()]
