"""Characters of symbol fonts (Wingdings, Wingdings 2, Symbol) as the Unicode a form's reader means.

Word's Insert › Symbol writes a check box as ``<w:sym w:font="Wingdings 2" w:char="F052"/>`` (☑), and a
run set in a symbol font shows its letters as pictures (“R” in Wingdings 2 is ☑, “£” is □). Read as
plain text, the tick is lost or becomes a letter. Only the marks a form uses — boxes, ticks, crosses,
bullets — are mapped, to the characters the field types know (``formparse.fieldtypes``); any other
character of a symbol font becomes U+FFFD, so that a choice or a value holding it is reported rather
than read as something else. (Codes from the fonts' published charts, checked against Unicode 7.0's
Wingdings mappings.)
"""

from __future__ import annotations

UNKNOWN = "\ufffd"

_BOX, _TICKED_BOX, _CROSSED_BOX, _TICK, _CROSS = "□", "☑", "☒", "✓", "✗"
_BLACK_SQUARE, _BLACK_CIRCLE, _WHITE_CIRCLE = "■", "●", "○"

# font (folded to lower case) → {code in the font's 8-bit range: character}
_FONTS: dict[str, dict[int, str]] = {
    "wingdings": {
        0x6C: _BLACK_CIRCLE, 0x6E: _BLACK_SQUARE, 0x6F: _BOX, 0x70: _BOX, 0x71: _BOX, 0x72: _BOX,
        0x78: _CROSSED_BOX, 0xA1: _WHITE_CIRCLE, 0xA8: _BOX, 0x9F: "•", 0xA7: "▪",
        0xFB: _CROSS, 0xFC: _TICK, 0xFD: _CROSSED_BOX, 0xFE: _TICKED_BOX,
    },
    "wingdings 2": {
        0x4F: _CROSS, 0x50: _TICK, 0x51: _CROSSED_BOX, 0x52: _TICKED_BOX, 0x53: _CROSSED_BOX,
        0x54: _CROSSED_BOX, 0x98: _BLACK_CIRCLE, 0x99: _WHITE_CIRCLE, 0xA2: _BLACK_SQUARE, 0xA3: _BOX,
    },
    "symbol": {0xD6: "√", 0xB7: "•", 0xB4: "×"},
}
_FONTS["wingdings2"] = _FONTS["wingdings 2"]
# What a check box drawn by other means (a form field, a form control) shows, ticked or not.
TICKED, EMPTY = _TICKED_BOX, _BOX
# What the markup of a part shows before it is parsed: no symbol font named, nothing to map.
# (quoted: “Segoe UI Symbol” and LibreOffice's “OpenSymbol” are ordinary Unicode fonts)
MARKERS = (b'="Wingdings', b'="wingdings', b'="Symbol"', b"<w:sym ")


def is_symbol_font(name: str | None) -> bool:
    return name is not None and name.strip().lower() in _FONTS


def symbol_char(font: str, code: int) -> str:
    """The character a symbol font shows for ``code`` (its 8-bit code, or the same code in the private use
    area at U+F000, as Word stores it)."""
    table = _FONTS.get(font.strip().lower())
    if table is None:
        return chr(code)
    if 0xF000 <= code <= 0xF0FF:
        code -= 0xF000
    if code == 0x20:
        return " "
    return table.get(code, UNKNOWN)


def symbol_text(font: str, text: str) -> str:
    """Text of a run whose Latin font is a symbol font, character by character: the font draws the 8-bit
    (and U+F0xx) characters; Chinese and other text keeps its own font and stays as typed."""
    return "".join(symbol_char(font, o) if ((o := ord(ch)) <= 0xFF or 0xF000 <= o <= 0xF0FF) and not ch.isspace()
                   else ch for ch in text)
