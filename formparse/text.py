"""Text normalisation and the parsing of the form's typed values (money, counts, dates).

Labels are compared after folding full/half width (NFKC) and dropping all white space, so
“编制    人数”, “基本\\n支出” and “编制人数：” all meet the schema's “编制人数”.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from ._startcache import lazy_re

# Separators a submitter types after a label.
COLONS = ":"

# Characters text pasted from web pages and chat apps carries: zero-width ones (never part of a label or a
# value) and no-break or typographic spaces (ordinary spaces). U+3000, the full-width space, is white space
# already (labels drop it, values are trimmed of it) and stays in values: it indents Chinese paragraphs.
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_ODD_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
_AT_BOUNDARY = str.maketrans({**dict.fromkeys(_ZERO_WIDTH), **dict.fromkeys(_ODD_SPACES, " ")})
ODD_CHARS = re.compile(f"[{_ZERO_WIDTH}{_ODD_SPACES}]")


def boundary(text: str) -> str:
    """Text as a back-end hands it on: zero-width characters removed, no-break and other odd spaces made
    ordinary spaces (see :meth:`formparse.grid.Grid.normalise_text`)."""
    return text.translate(_AT_BOUNDARY)


@functools.lru_cache(maxsize=8192)
def norm(text: str) -> str:
    """The comparison form of a label: NFKC folded, no white space."""
    return "".join(unicodedata.normalize("NFKC", text).split())


# An ordinal a retyped copy numbers its section headings with (“一、部门基本信息”, “（二）年度收入预算”,
# “3.单位职能概述”), on folded text. A digit after “3.” is a decimal number, not an ordinal.
_ORDINAL = re.compile(r"^(?:\((?:[一二三四五六七八九十]{1,3}|\d{1,2})\)"
                      r"|(?:[一二三四五六七八九十]{1,3}|\d{1,2})[、.](?!\d)"
                      r"|第[一二三四五六七八九十]{1,3}(?:部分|项)、?)")


def unnumbered(folded: str) -> str:
    """Folded text without a leading section ordinal (the text itself when it has none)."""
    m = _ORDINAL.match(folded)
    return folded[m.end():] if m and m.end() < len(folded) else folded


def drop_ordinal(text: str) -> str:
    """``text`` as typed, without the characters that fold to its leading section ordinal."""
    folded = norm(text)
    rest = unnumbered(folded)
    if rest == folded:
        return text
    want = len(folded) - len(rest)
    for i in range(len(text) + 1):
        if len(norm(text[:i])) >= want:
            return text[i:].lstrip()
    return text


def clean(text: str | None) -> str | None:
    """A value as the contract wants it: line ends unified, stripped; blank becomes None."""
    if text is None:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\xa0", " ")
    text = text.strip()
    return text or None


def compact(text: str | None) -> str | None:
    """A value written without inner white space (一级/二级指标)."""
    if text is None:
        return None
    text = "".join(text.split())
    return text or None


def match_label(text: str, label: str, *, below: bool = False) -> str | None:
    """If ``text`` is ``label`` (optionally followed by a colon and an inline value), return the value.

    Returns None when the text is not this label; "" when it is the bare label.

    ``below``: also a label on the cell's first line(s) with its value on the lines under it (“编制人数↵23”),
    for a field's label — never a section's, whose name may begin a value typed in two lines.
    """
    folded = norm(text)
    want = norm(label)
    if folded == want or folded == want + ":":
        return ""
    if folded.startswith(want + ":") and len(folded) > len(want) + 1:
        # only now: where in the original text the value starts (folding char by char, as far as needed)
        prefix = want + ":"
        kept = 0
        for i, ch in enumerate(text):
            for c in unicodedata.normalize("NFKC", ch):
                if c.isspace():
                    continue
                if kept == len(prefix):
                    return text[i:].strip()
                if c != prefix[kept]:  # combining marks fold differently one by one
                    return None
                kept += 1
        return ""
    if below and "\n" in text and folded.startswith(want):
        return _below_in_cell(text, want)
    return None


def _below_in_cell(text: str, want: str) -> str | None:
    """“编制人数↵23”: the label on the cell's first line(s), its value on the lines under it."""
    lines = text.split("\n")
    acc = ""
    for k, line in enumerate(lines[:-1]):
        acc += norm(line)
        if acc == want or acc == want + ":":
            return "\n".join(lines[k + 1:]).strip()
        if len(acc) >= len(want):
            break
    return None


def line_heads(text: str, most: int = 3) -> list[str]:
    """The folds of a multi-line cell's first lines (one, two, … ``most``): where a label written above its
    value in the same cell may end."""
    lines = text.split("\n")[:most]
    out, acc = [], ""
    for line in lines[:-1] if len(lines) > 1 else []:
        acc += norm(line)
        if acc:
            out.append(acc.rstrip(":"))
    return out


_NULL_MARKS = {"-", "—", "–", "/", "无", "——"}
_MONEY = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def parse_money(text: str) -> Decimal | None:
    """Money in 万元 as typed: full-width digits, thousands separators, a 万元 suffix, ¥.

    Raises ValueError when the text is not an amount.
    """
    s = norm(text).replace(",", "").replace("，", "")
    if not s or s in _NULL_MARKS:
        return None
    for suffix in ("(万元)", "万元", "(万)", "万"):
        if s.endswith(suffix):
            s = s[: -len(suffix)]
            break
    s = s.lstrip("¥￥")
    if not _MONEY.match(s):
        raise ValueError(f"“{text.strip()}”不是金额")
    try:
        return Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guarantees the form
        raise ValueError(f"“{text.strip()}”不是金额") from exc


def money_from_number(number: float | int) -> Decimal:
    """A spreadsheet number as the Decimal it shows: at most 15 significant digits (what a spreadsheet
    keeps of a float), integral values without ``.0``."""
    if isinstance(number, int):
        return Decimal(number)
    if float(number).is_integer() and abs(number) < 1e15:
        return Decimal(int(number))
    return Decimal(format(float(number), ".15g"))


def parse_count(text: str) -> int | None:
    """A head count such as “23”, “２３”, “23人”, “23.0”. Raises ValueError otherwise."""
    s = norm(text).replace(",", "")
    if not s or s in _NULL_MARKS:
        return None
    if s.endswith("人"):
        s = s[:-1]
    if re.fullmatch(r"\d+", s):
        return int(s)
    if re.fullmatch(r"\d+\.0*", s):
        return int(s.split(".")[0])
    raise ValueError(f"“{text.strip()}”不是人数")


def format_money(value: Decimal) -> str:
    """Decimal as plain digits (never exponent notation)."""
    return format(value, "f")


_DATE = lazy_re(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def parse_cn_date(text: str) -> dt.date | None:
    """“2020年3月5日” → date(2020, 3, 5); a blank “年 月 日” → None. Raises ValueError for bad dates."""
    m = _DATE.search(norm(text))
    if not m:
        return None
    return dt.date(int(m[1]), int(m[2]), int(m[3]))


def format_cn_date(value: dt.date | None) -> str:
    """The printed date line of a review box."""
    if value is None:
        return "年   月   日"
    return f"{value.year}年{value.month}月{value.day}日"
