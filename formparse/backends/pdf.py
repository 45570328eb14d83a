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
on as the same table. Page numbers in the top and bottom margins are dropped.

Addresses are where a person looks in the PDF: “第2页表1第3行第4列” (the page, the table's number on that
page, its row on that page, its column) and “第1页第2段”.

Bounded before pdfminer interprets anything: pages (``max_pdf_pages``), objects (``max_pdf_objects``),
each page's content streams inflated (``max_pdf_stream_bytes``, checked by inflating them with a cap) and
characters (``max_pdf_chars``).
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from ..errors import EncryptedFile, UnreadableFile, UnsafeFile
from ..grid import Cell, Grid
from ..limits import DEFAULT, Limits

# pdfminer logs what it finds odd in a file (a font without a bounding box, …) as warnings; with no handler
# of its own, Python would print them on stderr, around the one line a bad file gets. What matters reaches the
# caller as a FormparseError; an application that configures logging still sees them.
for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

SCAN = "扫描件：没有文字层，请提供 Word/Excel 原件"
# Without ruling lines the cells cannot be told apart for sure (a spreadsheet's text runs over into the
# cells beside it): refused rather than read wrong.
NO_LINES = "PDF 里的表格没有画线（无边框），无法可靠地分出单元格；请提供 Word/Excel 原件，或导出带边框的 PDF"

# Two edges closer than this (points) are one boundary: exporters draw a cell's border from each side
# with rounding of a few hundredths, and Word offsets a border by half its width.
SNAP = 2.0
# How far (points) a character's centre may lie outside its cell's box and still belong to it (glyphs of
# some fonts overhang their cell; a rule drawn over a descender).
OVERHANG = 2.0
# A page's top and bottom margins (fraction of its height) where a lone page number is a header/footer.
MARGIN = 0.1
# The outer part of a page's top and bottom margins where Word and WPS set running headers and footers (the
# body starts at 72 pt of 842 with the default margins; a header stands at 36 pt): a line there repeated
# from an earlier page is read once. (A form's own footer, at the foot of its body, is never in it.)
RUNNING = 0.06
# Table settings: ruling lines only (text alignment would make cells of any two columns of text).
_TABLES = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3,
           "join_tolerance": 3, "intersection_tolerance": 3, "edge_min_length": 3}

_PAGE_NUMBER = re.compile(r"^(?:第\d+页(?:[,，/]?共\d+页)?|[-—–]\d+[-—–]|\d+/\d+|\d+|page\d+(?:of\d+)?)$", re.I)


def _cjk(ch: str) -> bool:
    """A character Chinese text is set in (ideographs, full-width forms and CJK punctuation), which wraps
    without a space."""
    if not ch:
        return False
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or 0x3000 <= o <= 0x303F
            or 0x20000 <= o <= 0x3FFFF or unicodedata.east_asian_width(ch) in ("W", "F"))


@attrs.define
class _Line:
    chars: list[dict[str, Any]]
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    gap: float = 0.3  # see _line_text
    head_space: bool = False  # spaces were typed before the line's first character
    tail_space: bool = False  # … after its last (where a line wrapped at a space)

    @property
    def text(self) -> str:
        return _line_text(self.chars, self.gap)


# A gap between two characters wider than this many type sizes is a space the text layer does not write
# as a character. Where it writes spaces (LibreOffice, WPS, Word) only a wide gap is one: LibreOffice and Word
# set 0.2 of the type size between Chinese and Latin characters; where it writes none, a Latin space is
# about 0.25 of the type size.
GAP_IS_SPACE = 0.3
GAP_IS_SPACE_UNSPACED = 0.22


def _line_text(chars: Sequence[dict[str, Any]], gap_is_space: float = GAP_IS_SPACE) -> str:
    """Characters of one line left to right, with a space for each gap wider than ``gap_is_space``."""
    out: list[str] = []
    prev: dict[str, Any] | None = None
    for ch in chars:
        text = ch["text"]
        if prev is not None and not text.isspace() and not (out and out[-1].isspace()):
            gap = ch["x0"] - prev["x1"]
            if gap > gap_is_space * max(ch["size"], prev["size"], 1.0):
                out.append(" ")
        out.append(text)
        prev = ch
    return "".join(out)


def _lines(chars: Iterable[dict[str, Any]], gap: float = GAP_IS_SPACE) -> list[_Line]:
    """Characters grouped into lines (their vertical middles within half the type size), top to bottom."""
    lines: list[_Line] = []
    for ch in sorted(chars, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"])):
        mid = (ch["top"] + ch["bottom"]) / 2
        line = lines[-1] if lines else None
        if line is not None and abs(mid - (line.top + line.bottom) / 2) <= 0.5 * max(line.size, ch["size"], 1.0):
            line.chars.append(ch)
            line.x0, line.x1 = min(line.x0, ch["x0"]), max(line.x1, ch["x1"])
            line.top, line.bottom = min(line.top, ch["top"]), max(line.bottom, ch["bottom"])
            line.size = max(line.size, ch["size"])
        else:
            lines.append(_Line([ch], ch["x0"], ch["x1"], ch["top"], ch["bottom"], ch["size"], gap))
    for line in lines:
        line.chars.sort(key=lambda c: c["x0"])
        while line.chars and line.chars[-1]["text"].isspace():
            line.chars.pop()
            line.tail_space = True
        while line.chars and line.chars[0]["text"].isspace():
            line.chars.pop(0)
            line.head_space = True
        if line.chars:
            line.x0, line.x1 = line.chars[0]["x0"], line.chars[-1]["x1"]
    return [line for line in lines if line.chars]


# Characters that may not begin a line (Chinese line breaking pushes the character before them down too).
_CLOSING = set("，。、；：？！）」』】》〉”’…—·,.;:?!)]}%％")


def _first_token_width(line: _Line) -> float:
    """How wide the first thing the line starts with is: a Chinese character with the punctuation that may
    not begin a line after it, or a Latin word."""
    chars = line.chars
    end = chars[0]["x1"]
    if _cjk(chars[0]["text"]) and chars[0]["text"] not in _CLOSING:
        # a Latin number straight after the punctuation stays with it too (“设。9、” breaks as one)
        latin = False
        for ch in chars[1:]:
            text = ch["text"]
            if text in _CLOSING:
                pass
            elif text.isascii() and text.isalnum() and (latin or end == ch["x0"] or ch["x0"] - end < 0.3 * ch["size"]):
                if not latin and chars[0]["x1"] == end:
                    break  # a number straight after the character, without punctuation: a break is allowed
                latin = True
            else:
                break
            end = ch["x1"]
        return end - chars[0]["x0"]
    for ch in chars[1:]:
        text = ch["text"]
        if text.isspace() or (_cjk(text) and text not in _CLOSING) or ch["x0"] - end > 0.3 * ch["size"]:
            break
        end = ch["x1"]
    return end - chars[0]["x0"]


@attrs.define
class _Text:
    """A cell's text; ``slack``: when its last line is at the cell's foot, the room left after that line (the
    text may go on in the cell's piece on the next page if what follows would not have fitted), else None;
    ``lead``: how wide the first word of its first line is."""

    text: str
    slack: float | None = None
    lead: float = 0.0
    size: float = 0.0


def _goes_on(above: _Text | None, below: _Text | None) -> bool:
    """Whether ``below`` (a cell's piece at the top of a page) is the rest of ``above`` (the piece at the
    foot of the page before): the first word below would not have fitted on the last line above."""
    if above is None or below is None or above.slack is None or not above.text.strip() or not below.text.strip():
        return False
    return below.lead > above.slack - 0.25 * above.size


def cell_text(lines: Sequence[_Line], x0: float, x1: float, top: float | None = None,
              bottom: float | None = None) -> _Text:
    """A cell's lines as its text: a line the next one's first word would not have fitted after was
    wrapped (joined: Chinese directly, Latin with a space, a word broken at the edge directly); any other
    line ends a paragraph (“\\n”)."""
    if not lines:
        return _Text("")
    # the cell's padding, as far as its lines show it (never more than a few points)
    pad = max(0.0, min(PAD, min(line.x0 - x0 for line in lines)))
    room = (x1 - x0) - 2 * pad
    out = [lines[0].text]
    for prev, line in itertools.pairwise(lines):
        width = prev.x1 - prev.x0
        if width + _first_token_width(line) > room - 0.25 * prev.size:
            out.append(_joint(prev, line, room))
        else:
            out.append("\n")
        out.append(line.text)
    # the text may go on in the cell's piece on the next page when it fills the piece from its top to its foot
    # (a text that ended there has room under it, or above it when set in the middle)
    last = lines[-1]
    at_foot = (top is not None and bottom is not None and lines[0].top - top < 0.6 * lines[0].size
               and bottom - last.bottom < 1.3 * last.size)
    return _Text("".join(out), room - (last.x1 - last.x0) if at_foot else None, _first_token_width(lines[0]),
                 last.size)


def _joint(prev: _Line, line: _Line, room: float) -> str:
    """What stands between a wrapped line and the next: a space where one was typed at the break; nothing after
    or before Chinese or a hyphen; between Latin characters, nothing where the text layer writes its spaces
    (the break had none: a word broken at the cell's edge); elsewhere nothing after a line of one word, else
    a space unless the line runs to within a character of the edge."""
    last, first = prev.chars[-1]["text"], line.chars[0]["text"]
    if prev.tail_space or line.head_space:
        return " "
    if _cjk(last) or _cjk(first) or last == "-":
        return ""
    if prev.gap == GAP_IS_SPACE:  # a page whose text layer writes spaces
        return ""
    if " " not in prev.text:
        return ""  # one word the width of the cell (“≥98” ↵ “%”, a phone number) broken where it had to be
    return "" if prev.x1 - prev.x0 > room - 0.7 * prev.size else " "


# The most padding (points) a cell is taken to have inside its borders (Word's default is 5.4).
PAD = 8.0


@attrs.define
class _PCell:
    x0: float
    top: float
    x1: float
    bottom: float
    text: _Text


@attrs.define
class _Table:
    page: int  # 1-based
    number: int  # the table's number on its page
    cells: list[_PCell]
    x0: float
    x1: float
    top: float
    bottom: float
    chain: int = 0  # the table it belongs to (a table broken over pages is one)


@attrs.define
class _Para:
    """A line of text outside the tables; ``parts``: its pieces, where wide gaps split it (the cells of a
    table drawn without lines, e.g. a “填报人：… 联系电话：…” footer)."""

    page: int
    number: int
    parts: list[list[Any]]  # [x0, x1, text] of each piece
    top: float


def _boundaries(values: Iterable[float]) -> list[float]:
    """Distinct edges, those within SNAP of each other taken as one."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _index(bounds: Sequence[float], v: float) -> int:
    return min(range(len(bounds)), key=lambda i: abs(bounds[i] - v))


def _drawn(obj: dict[str, Any]) -> bool:
    """Whether a graphic is a ruling line: a stroked line or rectangle, or a filled rectangle thin enough to be
    a line (shading behind a cell is not a border); white strokes are invisible."""
    kind = obj.get("object_type")
    if kind not in ("rect", "line", "curve"):
        return True
    color = obj.get("stroking_color") if obj.get("stroke", True) else obj.get("non_stroking_color")
    if isinstance(color, list | tuple) and color and all(isinstance(v, int | float) for v in color):
        if (len(color) in (1, 3) and min(color) >= 0.99) or (len(color) == 4 and max(color) <= 0.01):
            return False  # white (gray 1, RGB 1,1,1 or CMYK 0,0,0,0)
    if kind == "rect" and not obj.get("stroke"):
        return min(obj["width"], obj["height"]) <= 2.0
    return True


# A gap in a line outside the tables holding typed spaces and wider than this many type sizes separates two
# cells of a table drawn without lines (a run of typed spaces between a label and the next). Where the text
# layer writes its spaces as characters (LibreOffice, WPS), any gap wider than GAP_SPACE type sizes without a
# space in it does (LibreOffice and Word set 0.2 of the type size between Chinese and Latin characters).
CELL_GAP = 4.0
GAP_SPACE = 0.3
# Where the text layer writes no spaces, a gap wider than a type size (no typed space is that wide).
GAP_UNSPACED = 1.0


def _parts(line: _Line, spaced: bool) -> list[list[Any]]:
    """A line's pieces [x0, x1, text], split where a gap stands between cells of a table without lines."""
    parts: list[list[dict[str, Any]]] = [[]]
    prev: dict[str, Any] | None = None
    space = False
    for ch in line.chars:
        if ch["text"].isspace():
            space = True
            if parts[-1]:
                parts[-1].append(ch)
            continue
        if prev is not None:
            gap = ch["x0"] - prev["x1"]
            size = max(ch["size"], prev["size"], 1.0)
            if gap > (CELL_GAP if space else GAP_SPACE if spaced else GAP_UNSPACED) * size:
                while parts[-1] and parts[-1][-1]["text"].isspace():
                    parts[-1].pop()
                parts.append([])
        parts[-1].append(ch)
        prev, space = ch, False
    for p in parts:
        while p and p[-1]["text"].isspace():
            p.pop()
    return [[p[0]["x0"], p[-1]["x1"], _line_text(p, line.gap)] for p in parts if p]


def _goes_on_below(last: tuple[_Line, list[list[Any]]], line: _Line, pieces: list[list[Any]]) -> bool:
    """Whether ``line`` holds the wrapped rest of cells of the row above (a table drawn without lines whose
    cells are set at their tops): the row has two cells or more, the line is straight under it, and each of
    its pieces starts within a different cell of the row, never the first (a row of its own starts there)."""
    above, row = last
    if len(row) < 2 or not 0 <= line.top - above.bottom < 0.6 * line.size:
        return False
    homes = []
    for x0, _, _ in pieces:
        home = next((k for k, c in enumerate(row) if c[0] - SNAP <= x0 <= c[1] + SNAP), None)
        if home is None or home == 0 or home in homes:
            return False
        homes.append(home)
    return True


def _loose(lines: list[_Line], spaced: bool, right: float) -> list[tuple[float, list[list[Any]]]]:
    """Lines outside the tables as rows of pieces [x0, x1, text]. Lines that overlap one another (the cells of
    one row of a table drawn without lines, each cell's lines at its own height) make one row, a piece per
    column (pieces one above another in a column joined). A line straight under a row whose last piece runs
    to the right edge of the page's text goes on with that piece (a paragraph that wraps)."""
    crowds: list[list[_Line]] = []
    for line in lines:
        crowd = crowds[-1] if crowds else None
        if crowd is not None and line.top < max(c.bottom for c in crowd) - 0.1 * line.size:
            crowd.append(line)
        else:
            crowds.append([line])
    out: list[tuple[float, list[list[Any]]]] = []
    last: tuple[_Line, list[list[Any]]] | None = None  # the row above and its lowest line
    for crowd in crowds:
        pieces = [(line, part) for line in crowd for part in _parts(line, spaced)]
        if len(crowd) == 1 and last is not None and _goes_on_below(last, crowd[0], [p for _, p in pieces]):
            above, row = last
            for x0, _, text in (p for _, p in pieces):
                col = next(c for c in row if c[0] - SNAP <= x0 <= c[1] + SNAP)
                col[2] += _joint_text(col[2], text, True) + text
            last = (crowd[0], row)
            continue
        if len(crowd) == 1 and len(pieces) == 1 and last is not None:
            line, (x0, x1, text) = pieces[0]
            above, row = last
            end = row[-1]
            if (line.top - above.bottom <= line.size and end[1] >= right - 1.5 * above.size
                    and row[0][0] - SNAP <= x0 <= end[1]):
                end[2] += _joint_text(end[2], text, True) + text
                last = (line, row)
                continue
        columns: list[list[Any]] = []  # [x0, x1, [(top, text)]]
        for line, (x0, x1, text) in sorted(pieces, key=lambda p: p[1][0]):
            if columns and x0 < columns[-1][1]:
                col = columns[-1]
                col[1] = max(col[1], x1)
                col[2].append((line.top, text))
            else:
                columns.append([x0, x1, [(line.top, text)]])
        row = []
        for x0, x1, texts in columns:
            texts.sort(key=lambda t: t[0])
            text = texts[0][1]
            for _, more in texts[1:]:
                text += _joint_text(text, more, True) + more
            row.append([x0, x1, text])
        out.append((crowd[0].top, row))
        last = (max(crowd, key=lambda c: c.bottom), row)
    return out


def _cut_ends(edges: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Horizontal lines closing a table the page cut: where two or more vertical rules end at the same height
    with no horizontal rule there (LibreOffice Calc draws no border where a page break cuts merged cells), a
    line joining their ends, so the cells above the cut are cells."""
    vertical = [e for e in edges if e.get("orientation") == "v"]
    flat = [e for e in edges if e.get("orientation") == "h"]

    def open_end(e: dict[str, Any], y: float) -> bool:
        """No horizontal rule meets this end of the rule, and no rule goes on from it (Word draws a rule per
        cell)."""
        x = e["x0"]
        return not any(abs(h["top"] - y) <= SNAP and h["x0"] - SNAP <= x <= h["x1"] + SNAP for h in flat) and not any(
            v is not e and abs(v["x0"] - x) <= SNAP and v["top"] - SNAP <= y <= v["bottom"] + SNAP for v in vertical)

    out: list[dict[str, Any]] = []
    for end in ("top", "bottom"):
        loose = [e for e in vertical if open_end(e, e[end])]
        for y in _boundaries(e[end] for e in loose):
            ends = [e for e in vertical if abs(e[end] - y) <= SNAP]  # the rules ending there, open or not
            if len(ends) < 2:
                continue
            x0, x1 = min(e["x0"] for e in ends), max(e["x0"] for e in ends)
            out.append({"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0.0,
                        "orientation": "h", "object_type": "line", "cut": end})
    return out


def _past_cut(bbox: Sequence[float], cuts: Sequence[dict[str, Any]], height: float) -> tuple[float, ...]:
    """A cell the page cut reaches on to the page's edge: Calc draws a merged cell's text over the whole merged
    range, each page showing its piece, so the part of the text beyond the cut lies in the margin."""
    x0, top, x1, bottom = bbox
    for cut in cuts:
        if cut["x0"] - SNAP <= x0 and x1 <= cut["x1"] + SNAP:
            if cut["cut"] == "bottom" and abs(bottom - cut["top"]) <= SNAP:
                bottom = height
            elif cut["cut"] == "top" and abs(top - cut["top"]) <= SNAP:
                top = 0.0
    return x0, top, x1, bottom


class _Reader:
    def __init__(self, path: str, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self.items: list[_Table | _Para] = []
        self.n_chars = 0
        self.n_text = 0  # characters other than page numbers
        self.ruled = False  # any table drawn with lines
        self.opened: dict[int, _Text] = {}  # a cell's id → how its text lies in the cell's last piece
        self.running: set[tuple[str, int]] = set()  # header and footer lines met so far

    def page(self, n: int, page: Any) -> None:
        page = page.filter(_drawn)
        chars = [c for c in page.dedupe_chars(tolerance=1).chars if c.get("text")]
        self.n_chars += len(chars)
        if self.n_chars > self.limits.max_pdf_chars:
            raise UnsafeFile(f"PDF 的文字超过 {self.limits.max_pdf_chars} 个字符", path=self.path)
        height, width = float(page.height), float(page.width)
        off = next((c for c in chars if not c["text"].isspace() and (c["x1"] > width + OVERHANG or c["x0"] < -OVERHANG
                                                                    or c["bottom"] > height + OVERHANG
                                                                    or c["top"] < -OVERHANG)), None)
        unmapped = next((c for c in chars if c["text"].startswith("(cid:")), None)
        if unmapped is not None:  # a font without a map from its glyphs to characters: what it shows is unknown
            raise UnreadableFile(f"第{n}页有文字无法识别（字体没有字符映射，{unmapped['text']}）：无法可靠地读取；"
                                 "请提供 Word/Excel 原件", path=self.path)
        if off is not None:  # what the page cuts off cannot be read whole: refused rather than read cut
            raise UnreadableFile(f"第{n}页有文字超出了页面（“{off['text']}”）：表格被页面截断，无法完整读取；"
                                 "请提供 Word/Excel 原件，或导出时把工作表调整为一页宽", path=self.path)
        numbers = {id(c) for line in _lines(c for c in chars if c["bottom"] < MARGIN * height
                                             or c["top"] > (1 - MARGIN) * height)
                   if _PAGE_NUMBER.match("".join(unicodedata.normalize("NFKC", line.text).split()))
                   for c in line.chars}
        chars = [c for c in chars if id(c) not in numbers]  # page numbers in the header or footer
        spaced = any(c["text"].isspace() for c in chars)
        gap = GAP_IS_SPACE if spaced else GAP_IS_SPACE_UNSPACED
        cuts = _cut_ends(page.edges) if page.edges else []
        tables = page.find_tables({**_TABLES, "explicit_horizontal_lines": cuts}) if page.edges else []
        taken: set[int] = set()
        found: list[tuple[float, _Table | _Para]] = []
        for k, table in enumerate(tables, start=1):
            boxes: list[tuple[Sequence[float], list[int], Sequence[float]]] = []
            for drawn in table.cells:
                bbox = _past_cut(drawn, cuts, height)
                inside = [i for i, c in enumerate(chars) if i not in taken and _within(c, bbox, 0.0)]
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
            made = [_PCell(drawn[0], drawn[1], drawn[2], drawn[3],
                           cell_text(_lines((chars[i] for i in inside), gap), bbox[0], bbox[2], bbox[1], bbox[3]))
                    for bbox, inside, drawn in boxes]
            self.n_text += sum(len("".join(c.text.text.split())) for c in made)
            x0, top, x1, bottom = table.bbox
            found.append((top, _Table(n, k, made, x0, x1, top, bottom)))
            self.ruled = True
        rest = [c for i, c in enumerate(chars) if i not in taken]
        lines = _lines(rest, gap)
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
        for top, parts in _loose(lines, spaced, right):
            found.append((top, _Para(n, 0, parts, top)))
        found.sort(key=lambda x: x[0])
        number = 0
        for _, item in found:
            if isinstance(item, _Para):
                number += 1
                item.number = number
            self.items.append(item)

    def grid(self) -> Grid:
        _chain(self.items)
        rows: list[list[Cell | None]] = []
        blocks: list[int] = []
        chains: dict[int, list[_Table]] = {}
        for item in self.items:
            if isinstance(item, _Table):
                chains.setdefault(item.chain, []).append(item)
        bounds = {k: _boundaries(x for t in ts for c in t.cells for x in (c.x0, c.x1)) for k, ts in chains.items()}
        n_blocks = len(chains)
        last: dict[int, list[Cell | None]] = {}  # each table's last row so far
        first: dict[int, str] = {}  # each table's first row's text (a header the next pages repeat)
        for item in self.items:
            if isinstance(item, _Para):
                r = len(rows)
                where = f"第{item.page}页第{item.number}段"
                if len(item.parts) == 1:
                    rows.append([Cell(row=r, col=0, text=item.parts[0][2], address=where, paragraph=True)])
                    blocks.append(-1)
                else:
                    rows.append([Cell(row=r, col=k, text=t, address=f"{where}第{k + 1}处")
                                 for k, (_, _, t) in enumerate(item.parts)])
                    n_blocks += 1
                    blocks.append(n_blocks)
                continue
            xs = bounds[item.chain]
            if len(xs) - 1 > self.limits.max_cols:
                raise UnsafeFile(f"第{item.page}页表{item.number}超过 {self.limits.max_cols} 列", path=self.path)
            ys = _boundaries(y for c in item.cells for y in (c.top, c.bottom))
            start = len(rows)
            if start + len(ys) > self.limits.max_rows:
                raise UnsafeFile(f"PDF 的表格超过 {self.limits.max_rows} 行", path=self.path)
            part: list[list[Cell | None]] = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
            opened: dict[int, _Text] = {}
            for pc in sorted(item.cells, key=lambda c: (c.top, c.x0)):
                c0, c1 = _index(xs, pc.x0), _index(xs, pc.x1)
                r0, r1 = _index(ys, pc.top), _index(ys, pc.bottom)
                if c1 <= c0 or r1 <= r0:
                    continue  # a sliver narrower than SNAP: no room for text
                if len(pc.text.text) > self.limits.max_text_chars:
                    raise UnsafeFile(f"有单元格的文字超过 {self.limits.max_text_chars} 字", path=self.path)
                cell = Cell(row=start + r0, col=c0, text=pc.text.text, rowspan=r1 - r0, colspan=c1 - c0,
                            address=f"第{item.page}页表{item.number}第{r0 + 1}行第{c0 + 1}列")
                opened[id(cell)] = pc.text
                for r in range(r0, r1):
                    for c in range(c0, c1):
                        if part[r][c] is None:
                            part[r][c] = cell
            if not part:
                continue
            head = _row_text(part[0])
            prev = last.get(item.chain)
            if prev is not None and head != first.get(item.chain) and _joins(prev, part[0], self.opened, opened):
                for piece in dict.fromkeys(part[0]):  # the rest of a row Word broke over the page
                    if piece is None:
                        continue
                    cell, above = piece, prev[piece.col]
                    assert above is not None
                    if cell.text and _norm(cell.text) != _norm(above.text):  # (Calc repeats a merged cell's text)
                        went_on = _goes_on(self.opened.get(id(above)), opened.get(id(cell)))
                        above.text = (above.text + _joint_text(above.text, cell.text, went_on) + cell.text
                                      if above.text else cell.text)
                    if id(cell) in opened:
                        self.opened[id(above)] = opened[id(cell)]
                    if cell.rowspan > 1:  # it goes on down this page: the cell above covers those rows too
                        above.rowspan += cell.rowspan - 1
                        for r in range(1, cell.rowspan):
                            for c in range(cell.col, cell.end_col):
                                part[r][c] = above
                part = part[1:]
                for cell in {id(c): c for line in part for c in line if c is not None and c.row > start}.values():
                    cell.row -= 1
            else:
                if prev is not None:
                    self._merged_on(prev, part, opened)
                first.setdefault(item.chain, head)
            self.opened.update(opened)
            rows.extend(part)
            blocks.extend([item.chain] * len(part))
            if part:
                last[item.chain] = part[-1]
        grid = Grid(rows, source=self.path)
        grid.row_blocks = blocks
        return grid


    def _merged_on(self, prev: list[Cell | None], part: list[list[Cell | None]], opened: dict[int, _Text]) -> None:
        """A merged cell (a section label over many rows) broken by the page: the piece on this page, under a
        piece whose text ran to its edge, in the same columns, is the same cell."""
        for cell in dict.fromkeys(part[0]):
            if cell is None or not cell.text.strip():
                continue
            above = prev[cell.col]
            if (above is None or above.col != cell.col or above.colspan != cell.colspan
                    or (above.rowspan == 1 and cell.rowspan == 1)):
                continue
            if _norm(above.text) == _norm(cell.text):
                pass  # Calc prints a merged cell's text on each page it spans
            elif _goes_on(self.opened.get(id(above)), opened.get(id(cell))):
                above.text += _joint_text(above.text, cell.text, True) + cell.text
            else:
                continue
            above.rowspan += cell.rowspan
            self.opened[id(above)] = opened[id(cell)]
            for line in part:
                for c in range(cell.col, cell.end_col):
                    if line[c] is cell:
                        line[c] = above


def _norm(text: str) -> str:
    return "".join(text.split())


def _row_text(row: Sequence[Cell | None]) -> str:
    return "|".join("".join(c.text.split()) if c is not None else "" for c in dict.fromkeys(row))


def _joins(prev: Sequence[Cell | None], row: Sequence[Cell | None], before: dict[int, _Text],
           now: dict[int, _Text]) -> bool:
    """Whether ``row`` (a table's first row on a page) is the rest of ``prev`` (its last row on the page
    before), as Word breaks a row over pages: the cells stand in the same columns, and every text of ``row``
    goes on from the text above it (that text filled its piece to the foot, and the first word below would
    not have fitted after it). A row that ends a page with its texts finished is taken as a whole row."""
    going_on = False
    for cell in dict.fromkeys(row):
        if cell is None:
            continue
        above = prev[cell.col] if cell.col < len(prev) else None
        if above is None or above.col != cell.col or above.colspan != cell.colspan:
            return False
        if above.rowspan > 1 and cell.rowspan > 1:
            continue  # a merged cell (a section label) going on down: it says nothing of this row
        if cell.text.strip():
            if not _goes_on(before.get(id(above)), now.get(id(cell))):
                return False
            going_on = True
    return going_on


def _joint_text(before: str, after: str, open_end: bool | None) -> str:
    """What joins a text to its rest in the next line, piece or page: a line break where the text had ended;
    nothing after or before Chinese, within a number (a phone, a date), after a hyphen, or after a last line of
    one word (“≥98” ↵ “%”: broken where it had to be); else a space."""
    if not open_end:
        return "\n"
    if (_cjk(before[-1]) or _cjk(after[0]) or before.endswith("-") or (before[-1].isdigit() and after[0].isdigit())
            or " " not in before.rsplit("\n", 1)[-1].strip()):
        return ""
    return " "


def _within(c: dict[str, Any], bbox: Sequence[float], tol: float) -> bool:
    x, y = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
    return bbox[0] - tol <= x <= bbox[2] + tol and bbox[1] - tol <= y <= bbox[3] + tol


def _distance(c: dict[str, Any], bbox: Sequence[float]) -> float:
    x, y = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
    dx = max(bbox[0] - x, 0.0, x - bbox[2])
    dy = max(bbox[1] - y, 0.0, y - bbox[3])
    return max(dx, dy)


def _chain(items: list[_Table | _Para]) -> None:
    """Number the tables; a table that begins a page straight after a table ending the previous page, with
    the same left and right edges, continues it (a table broken over pages). Any text between them (under
    the table, or above the next: a new form's title) ends the table; running headers and footers are not
    text here (read once, on the first page)."""
    last: _Table | None = None  # the last table, while nothing followed it
    n = 0
    for item in items:
        if isinstance(item, _Para):
            last = None
            continue
        if (last is not None and item.page == last.page + 1 and abs(item.x0 - last.x0) <= SNAP
                and abs(item.x1 - last.x1) <= SNAP and item.number == 1):
            item.chain = last.chain
        else:
            item.chain = n
            n += 1
        last = item


def _open(path: str, data: bytes, password: str | None) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        return pdfplumber.PDF(io.BytesIO(data), password=password or "")
    except Exception as exc:  # pdfplumber wraps every pdfminer error in PdfminerException
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc.__cause__
        if isinstance(cause, PDFPasswordIncorrect) or isinstance(exc, PDFPasswordIncorrect):
            if password:
                raise EncryptedFile("密码不对，无法打开这个加密的 PDF", path=path) from exc
            raise EncryptedFile("PDF 设置了打开密码，请去掉密码后再报送，或提供密码", path=path) from exc
        if isinstance(cause, PDFEncryptionError):
            raise EncryptedFile(f"PDF 的加密方式无法识别 ({cause})", path=path) from exc
        if isinstance(cause, MemoryError | RecursionError):
            raise UnsafeFile("PDF 结构过大或嵌套过深，无法安全读取", path=path) from exc
        raise UnreadableFile(f"PDF 已损坏，无法读取 ({type(cause or exc).__name__})", path=path) from exc


def _check_objects(doc: Any, path: str, limits: Limits) -> None:
    count = 0
    for xref in doc.xrefs:
        for _ in xref.get_objids():
            count += 1
            if count > limits.max_pdf_objects:
                raise UnsafeFile(f"PDF 有超过 {limits.max_pdf_objects} 个对象", path=path)


def _stream_size(stream: Any, cap: int) -> int:
    """How many bytes a stream inflates to, counting no further than ``cap`` + 1 (never inflating more)."""
    from pdfminer.psparser import LIT

    filters = stream.get_filters() if hasattr(stream, "get_filters") else []
    raw = stream.rawdata if stream.rawdata is not None else (stream.data or b"")
    if not filters:
        return len(raw)
    name = filters[0][0]
    if name in (LIT("FlateDecode"), LIT("Fl")):
        d = zlib.decompressobj()
        try:
            out = d.decompress(raw, cap + 1)
        except zlib.error:
            return len(raw)  # damaged: pdfminer reads what it can, bounded by the raw size
        return len(out) if not d.unconsumed_tail else cap + 1
    return len(raw) * 2  # other filters (ASCIIHex, LZW, RunLength…) expand little; they are rare in exports


def _check_page_streams(page: Any, n: int, path: str, limits: Limits) -> None:
    """Refuse a page whose content streams (and the form XObjects it draws) would inflate past the limit,
    before pdfminer interprets them."""
    from pdfminer.pdftypes import PDFStream, resolve1

    cap = limits.max_pdf_stream_bytes
    total = 0
    seen: set[int] = set()
    todo: list[Any] = [page.page_obj.contents]
    resources = [page.page_obj.resources]
    while resources:
        res = resolve1(resources.pop())
        if not isinstance(res, dict):
            continue
        xobjects = resolve1(res.get("XObject"))
        if not isinstance(xobjects, dict):
            continue
        for ref in xobjects.values():
            key = getattr(ref, "objid", None)
            if key is not None:
                if key in seen or len(seen) > 10_000:
                    continue
                seen.add(key)
            obj = resolve1(ref)
            if isinstance(obj, PDFStream) and str(obj.get("Subtype")) == "/'Form'":
                todo.append(obj)
                resources.append(obj.get("Resources"))
    for obj in todo:
        for stream in obj if isinstance(obj, list) else [obj]:
            stream = resolve1(stream)
            if isinstance(stream, PDFStream):
                total += _stream_size(stream, cap - total)
                if total > cap:
                    raise UnsafeFile(f"PDF 第{n}页的内容超过 {cap} 字节（解压后）", path=path)


def _pages(pdf: Any, path: str, limits: Limits) -> Iterable[tuple[int, Any]]:
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    # the pages are counted before any is interpreted: a file past the limit costs no page's content
    objs = list(itertools.islice(PDFPage.create_pages(pdf.doc), limits.max_pdf_pages + 1))
    if len(objs) > limits.max_pdf_pages:
        raise UnsafeFile(f"PDF 超过 {limits.max_pdf_pages} 页", path=path)
    doctop = 0.0
    for i, obj in enumerate(objs, start=1):
        page = Page(pdf, obj, page_number=i, initial_doctop=doctop)
        doctop += float(page.height)
        yield i, page


def read_grids(path: str, data: bytes, limits: Limits = DEFAULT, password: str | None = None) -> list[Grid]:
    """The PDF's one grid (every page, in order). Raises UnreadableFile for a scan (no text layer) or a
    damaged file, EncryptedFile for a password, UnsafeFile past a limit."""
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.psparser import PSException

    pdf = _open(path, data, password)
    reader = _Reader(path, limits)
    try:
        _check_objects(pdf.doc, path, limits)
        for n, page in _pages(pdf, path, limits):
            _check_page_streams(page, n, path, limits)
            reader.page(n, page)
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
    if reader.n_text == 0:
        raise UnreadableFile(SCAN, path=path)
    if not reader.ruled:
        raise UnreadableFile(NO_LINES, path=path)
    return [reader.grid()]
