"""PDF back-end, text placement: characters grouped into lines, a cell's lines joined into its text (wrapped
lines joined, paragraphs kept), text outside the tables split into the pieces of a table drawn without lines.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

# Two edges closer than this (points) are one boundary: exporters draw a cell's border from each side
# with rounding of a few hundredths, and Word offsets a border by half its width.
SNAP = 2.0
# How far (points) a character's centre may lie outside its cell's box and still belong to it (glyphs of
# some fonts overhang their cell; a rule drawn over a descender).
OVERHANG = 2.0


def _within(c: dict[str, Any], bbox: Sequence[float], tol: float) -> bool:
    x, y = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
    return bbox[0] - tol <= x <= bbox[2] + tol and bbox[1] - tol <= y <= bbox[3] + tol


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


# cells of a table drawn without lines (a run of typed spaces between a label and the next). Where the text
# layer writes its spaces as characters (LibreOffice, WPS), any gap wider than GAP_SPACE type sizes without a
# space in it does (LibreOffice and Word set 0.2 of the type size between Chinese and Latin characters).
CELL_GAP = 4.0
GAP_SPACE = 0.3
# Where the text layer writes no spaces, a gap wider than a type size (no typed space is that wide).
GAP_UNSPACED = 1.0


# A value that touches the label of the next cell of a row drawn without lines (Calc clips a value at its cell's
# edge, the next cell's text starting there: “13807390125单位负责人：”): the script changes (Latin to Chinese or
# back) across a gap (or an overlap) wider than this (points; one run sets its characters within a few
# hundredths) right at a column boundary of the page's tables (within TOUCH points).
TOUCH_GAP = 0.15
TOUCH = 1.0
# Word and LibreOffice Writer set about 0.2 type sizes between Chinese and Latin characters of one run: that is
# the run's own spacing, not a cell's edge.
AUTOSPACE = 0.12


def _touching(prev: dict[str, Any], ch: dict[str, Any], columns: Sequence[float]) -> bool:
    gap = ch["x0"] - prev["x1"]
    if _cjk(prev["text"]) == _cjk(ch["text"]) or abs(gap) <= TOUCH_GAP:
        return False  # (a clipped value may run under the next cell's text: an overlap counts as a gap)
    lo, hi = sorted((prev["x1"], ch["x0"]))
    if gap >= AUTOSPACE * max(ch["size"], 1.0):
        # wider than a run's own spacing between scripts: a value shrunk to fit its cell (fill sets a long phone
        # so) ends before the edge, the next cell's label starting at it — a boundary inside the gap parts them
        return any(lo + TOUCH_GAP < x <= hi + TOUCH for x in columns)
    return any(lo - TOUCH <= x <= hi + TOUCH for x in columns)


def _parts(line: _Line, spaced: bool, columns: Sequence[float] = ()) -> list[list[Any]]:
    """A line's pieces [x0, x1, text], split where a gap stands between cells of a table without lines, or
    where a value touches the next cell's label at a column boundary (``columns``: those of the page's
    tables)."""
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
            if gap > (CELL_GAP if space else GAP_SPACE if spaced else GAP_UNSPACED) * size or (
                    not space and _touching(prev, ch, columns)):
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


def _loose(lines: list[_Line], spaced: bool, right: float,
           bounds: Sequence[float] = ()) -> list[tuple[float, list[list[Any]]]]:
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
        pieces = [(line, part) for line in crowd for part in _parts(line, spaced, bounds)]
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
            # (pieces of one line overlap where a clipped value runs under the next cell's text: two cells)
            if columns and x0 < columns[-1][1] and all(top != line.top for top, _ in columns[-1][2]):
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


def _norm(text: str) -> str:
    return "".join(text.split())


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


# The simplified-Chinese ideographs of the CJK Radicals Supplement (U+2E80–U+2EF3), as Unicode's
# EquivalentUnifiedIdeograph.txt pairs them: a PDF whose font draws 长 and the radical ⻓ with one glyph may
# map that glyph to the radical (Chromium's “print to PDF” does), and “⻓期目标” is no label. The Kangxi
# radicals (U+2F00–U+2FD5: ⽬ for 目) go by NFKC.
_RADICALS = dict(zip(
    "⺠⺩⺮⺳⻄⻅⻆⻈⻉⻊⻋⻏⻐⻓⻔⻖⻗⻘⻚⻛⻜⻝⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳⺟⺡⺢⺣⺤⺨⺫⺬⺲⺷⺻⻂⻃⻌⻍",
    "民王竹网西见角讠贝足车阝钅长门阝雨青页风飞食饣马骨鬼鱼鸟卤麦黄黾齐齿龙龟母氵氺灬爫犭目示罒羊聿衤覀辶辶",
    strict=True))


def unradical(text: str) -> str:
    """A character a text layer gave as a radical (⻓, ⽬) as the ideograph it stands for (长, 目)."""
    if len(text) != 1 or not 0x2E80 <= ord(text) <= 0x2FDF:
        return text
    return _RADICALS.get(text) or unicodedata.normalize("NFKC", text)
