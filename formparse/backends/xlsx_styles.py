"""The cell styles of an .xlsx being filled: whether a cell's number format shows an amount as written, and
copies of a cell's style with an amount's decimals (“0.00”) or centred, each made once and added to the style
sheet (written back at save only when one was added)."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from lxml import etree

from ..text import parse_money
from .numfmt import format_number
from .ooxml import Package
from .xlsx import S, _formats

# The built-in number formats that show a fixed number of decimals (ECMA-376 18.8.30).
_BUILTIN_PLACES = {"0": 1, "0.00": 2}


def _places(value: Decimal | int) -> int:
    """How many decimals an amount is written with (1280.00 → 2)."""
    if not isinstance(value, Decimal):
        return 0
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


class CellStyles:
    """The workbook's style sheet (``part``; None: the workbook has none) as fill edits it."""

    def __init__(self, pkg: Package, part: str | None) -> None:
        self.pkg = pkg
        self.part = part
        self.formats = _formats(pkg, part)  # number format code per cell style (grows as styles are added)
        self._root: Any = None  # parsed when a style is looked at or added
        self.changed = False
        self._made: dict[tuple[int, str], int] = {}  # (cell style, number format) → the style made for it

    def xml(self) -> bytes | None:
        """The style sheet to write at save, when a style was added; else None (the part is copied)."""
        if not self.changed or self.part is None:
            return None
        return etree.tostring(self._root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def shows(self, xc: Any, value: Decimal | int) -> bool:
        """Whether the cell's number format shows ``value`` as it is, its decimals included (0.001 in a 0.00
        cell shows 0.00, and 1280.00 in a General cell shows 1280: such an amount gets a number format
        with its decimals, or is written as text, so that what the form shows is the amount as written)."""
        try:
            style = int(xc.get("s", "0") or 0)
        except ValueError:
            return False
        fmt = self.formats[style] if 0 <= style < len(self.formats) else None
        if fmt is None or fmt.strip() in ("", "General", "@"):
            digits = Decimal(value).as_tuple().digits
            # General shows up to 15 digits, and no trailing zero after the point (1280.50 shows 1280.5)
            return len(digits) <= 15 and (_places(value) == 0 or digits[-1] != 0)
        try:
            shown = parse_money(format_number(float(value), fmt))
        except (ValueError, OverflowError):
            return False
        return shown == value and _places(shown) == _places(value)

    def show_places(self, xc: Any, value: Decimal) -> None:
        """Give the cell a copy of its style whose number format shows ``value``'s decimals (“0.00”), when
        the workbook has a style sheet and the amount fits a number's 15 digits."""
        if len(value.as_tuple().digits) > 15:
            return
        places = _places(value)
        self._restyle(xc, code="0." + "0" * places if places else "0")

    def centre(self, xc: Any) -> None:
        """Centre the cell's text both ways (a group merged down), unless its style centres it already."""
        style = self._style(xc)
        if style is None:
            return
        xfs = self.root().find(f"{{{S}}}cellXfs")
        xf = xfs[style] if xfs is not None and 0 <= style < len(xfs) else None
        align = xf.find(f"{{{S}}}alignment") if xf is not None else None
        if align is not None and align.get("vertical") == "center":
            return  # centred already (the template's own merged groups)
        self._restyle(xc, align="centred")

    def shrink(self, xc: Any) -> None:
        """Let the cell's text be set smaller to stay on one line (shrinkToFit, which Excel and LibreOffice apply
        only when it does not fit; without wrapText, which would break a phone number over two lines)."""
        self._restyle(xc, align="shrink")

    def _style(self, xc: Any) -> int | None:
        """The cell's style index; None when the workbook has no style sheet or the index is not a number."""
        if self.part is None:
            return None
        try:
            return int(xc.get("s", "0") or 0)
        except ValueError:
            return None

    def _restyle(self, xc: Any, *, code: str | None = None, align: str | None = None) -> None:
        """Give the cell the copy of its style with number format ``code`` or alignment ``align``."""
        style = self._style(xc)
        made = self._derived(style, code=code, align=align) if style is not None else None
        if made is not None:
            xc.set("s", str(made))

    def root(self) -> Any:
        """The style sheet, parsed once (callers make sure the workbook has one)."""
        if self._root is None:
            assert self.part is not None
            self._root = self.pkg.xml(self.part)
        return self._root

    def _derived(self, style: int, *, code: str | None = None, align: str | None = None) -> int | None:
        """The cell style ``style`` with number format ``code``, or with its text ``align``-ed: "centred" (both
        ways, wrapped, as the official form's merged groups are) or "shrink" (to fit, not wrapped); made once,
        then reused."""
        key = (style, code or align or "")
        if key not in self._made:
            made = self._add_style(style, code, align)
            if made is None:
                return None
            self._made[key] = made
        return self._made[key]

    def _add_style(self, style: int, code: str | None, align: str | None) -> int | None:
        """A new cell style (cellXfs entry): style ``style`` with number format ``code`` or aligned; its index."""
        root = self.root()
        self.changed = True
        xfs = root.find(f"{{{S}}}cellXfs")
        if xfs is None:
            return None
        fmt_id = _BUILTIN_PLACES.get(code) if code is not None else None
        if code is not None and fmt_id is None:
            fmts = root.find(f"{{{S}}}numFmts")
            if fmts is None:
                fmts = etree.Element(f"{{{S}}}numFmts")
                root.insert(0, fmts)  # the style sheet's first child (ECMA-376 18.8.39)
            ids = [int(n.get("numFmtId", "0")) for n in fmts if n.get("numFmtId", "").isdigit()]
            same = [n for n in fmts if n.get("formatCode") == code and n.get("numFmtId", "").isdigit()]
            if same:
                fmt_id = int(same[0].get("numFmtId"))
            else:
                fmt_id = max([*ids, 163]) + 1  # custom formats are numbered from 164
                etree.SubElement(fmts, f"{{{S}}}numFmt", numFmtId=str(fmt_id), formatCode=code)
                fmts.set("count", str(len(fmts)))
        old = xfs[style] if 0 <= style < len(xfs) else None
        xf = copy.deepcopy(old) if old is not None else etree.Element(f"{{{S}}}xf", fontId="0", fillId="0",
                                                                       borderId="0", xfId="0")
        if code is not None:
            xf.set("numFmtId", str(fmt_id))
            xf.set("applyNumberFormat", "1")
        if align is not None:
            el = xf.find(f"{{{S}}}alignment")
            if el is None:
                el = etree.Element(f"{{{S}}}alignment")
                xf.insert(0, el)  # (an xf's first child: before protection and extLst)
            if align == "centred":
                el.set("horizontal", "center")
                el.set("vertical", "center")
                el.set("wrapText", "1")
            else:
                el.attrib.pop("wrapText", None)
                el.set("shrinkToFit", "1")
            xf.set("applyAlignment", "1")
        xfs.append(xf)
        xfs.set("count", str(len(xfs)))
        while len(self.formats) < len(xfs) - 1:
            self.formats.append("General")
        self.formats.append(code if code is not None else (self.formats[style] if 0 <= style < len(self.formats)
                                                             else "General"))
        return len(xfs) - 1
