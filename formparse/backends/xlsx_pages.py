"""An .xlsx sheet's page header and footer lines, read as lines of the form when the sheet's cells lack them.

A clerk may type 填报单位（盖章）/单位 into the printed page header (Excel: Page Layout › Header) so that every
page repeats it. The sheet keeps it in ``<headerFooter>`` (ECMA-376 Part 1 18.3.1.46): ``oddHeader``,
``oddFooter`` and the ``even``/``first`` variants, each a string of up to three sections (``&L``, ``&C``,
``&R``) with formatting and field codes (``&"宋体,Bold"``, ``&12``, ``&B``, ``&K00FF00``, ``&P`` the page
number, ``&N`` the pages, ``&D``/``&T`` date and time, ``&F`` file, ``&A`` sheet, ``&&`` an ampersand).

Each section's text, the codes taken out, is one line; a line the sheet's cells already hold (a title
repeated on every page), a bare page number and an empty line are left out. The lines are added after the
sheet's rows as paragraphs (“页眉第1段”, “页脚第1段”): the sheet's own rows keep the numbers the sheet gives
them (fill and check --highlight address cells by them), and the locator reads a “label：value” line
wherever it stands.
"""

from __future__ import annotations

import html
import re

from ..grid import Cell, Grid
from ..text import norm

_PART = re.compile(rb"<(?:\w+:)?(odd|even|first)(Header|Footer)>(.*?)</(?:\w+:)?\1\2>", re.S)
_SECTION = re.compile(r"&[LCR]")
# Formatting and field codes (a font in quotes, a size, a colour, the switches and fields); && is “&”.
_CODE = re.compile(r'&(?:"[^"]*"|\d+|K(?:[0-9A-Fa-f]{6}|\d\d[+-]\d{3})|[BIUESXYOHPNDTFAZG&])')
# What is left of a page number line once its fields are taken out: “第 页 共 页”, “Page of”, “- -”, “/”.
_PAGE_WORDS = re.compile(r"^(?:第|页|共|(?i:page)|(?i:of)|[-—–/\s.,，])*$")


def page_lines(data: bytes) -> tuple[list[str], list[str]]:
    """(header lines, footer lines) of a sheet part's ``<headerFooter>`` (each distinct line once)."""
    at = data.rfind(b"headerFooter>")
    if at < 0:
        return [], []
    start = data.rfind(b"<", 0, data.rfind(b"headerFooter", 0, at))
    heads: list[str] = []
    feet: list[str] = []
    for m in _PART.finditer(data, max(start, 0), at + 13):
        text = html.unescape(m[3].decode("utf-8", "replace"))
        out = heads if m[2] == b"Header" else feet
        for section in _SECTION.split(text):
            shown = _CODE.sub(lambda c: "&" if c[0] == "&&" else "", section)
            for line in shown.splitlines():
                line = line.strip()
                if line and not _PAGE_WORDS.match(line) and line not in out:
                    out.append(line)
    return heads, feet


def add_page_lines(data: bytes, grid: Grid) -> None:
    """The page header and footer lines of the sheet part ``data`` its cells lack, as paragraph rows after
    the sheet's rows in its ``grid``."""
    heads, feet = page_lines(data)
    if not heads and not feet:
        return
    folds = {norm(c.text) for row in grid.rows for c in row if c is not None and c.text}
    for prefix, lines in (("页眉", heads), ("页脚", feet)):
        for k, line in enumerate(lines, start=1):
            folded = norm(line)
            if folded in folds or (folded.endswith(":") and any(x.startswith(folded) for x in folds)):
                continue
            folds.add(folded)
            r = len(grid.rows)
            grid.rows.append([Cell(row=r, col=0, text=line, address=f"{prefix}第{k}段", paragraph=True)])
            grid.row_refs.append(None)
            grid.row_blocks.append(-1)
