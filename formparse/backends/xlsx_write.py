"""Writing .xlsx by patching the worksheet XML in place.

Only the sheet that holds the form (and, where rows move, the workbook's defined names) is
rewritten; every other part — other sheets, styles, images, charts, comments, custom XML — is copied
byte for byte. Values go in as numbers or inline strings in the cell's existing style, so nothing
is added to the shared strings; the style sheet gains a cell style only where an amount's decimals
need a number format (1280.00 shows 1280.00, not 1280), a copy of the cell's own style with that
format. Excel's calculation chain is dropped (Excel rebuilds it) and the workbook asks for a full
recalculation on open.
"""

from __future__ import annotations

import bisect
import copy
import re
import zipfile
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from lxml import etree

from ..errors import UnreadableFile
from ..grid import Cell, Grid
from ..limits import DEFAULT
from ..text import format_money
from .cells import col_letters
from .ooxml import REL, Package, active_content, cell_text
from .xlsx import R, S, _col_index, _shared_strings, sheet_grid
from .xlsx_styles import CellStyles

_ROW, _C, _V, _F, _IS, _T = (f"{{{S}}}{t}" for t in ("row", "c", "v", "f", "is", "t"))
_SHEETDATA, _MERGES, _MERGE = f"{{{S}}}sheetData", f"{{{S}}}mergeCells", f"{{{S}}}mergeCell"
_REF = re.compile(r"(\$?)([A-Z]{1,3})(\$?)([0-9]+)")
_RANGE = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]+)(?::\$?([A-Z]{1,3})\$?([0-9]+))?")  # a merged range's ref
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_XLTX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
_XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# Worksheet children that hold cell ranges which must follow moved rows.
_SQREF_TAGS = {f"{{{S}}}{t}": a for t, a in (("conditionalFormatting", "sqref"), ("dataValidation", "sqref"),
                                            ("hyperlink", "ref"), ("dimension", "ref"), ("selection", "sqref"))}



class XlsxDocument:
    """An .xlsx opened for writing: edits go to the parsed sheet XML; save copies everything else."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.pkg = Package(path, DEFAULT)
        self.book = self.pkg.main_part("xl/workbook.xml")
        self.book_root = self.pkg.xml(self.book)
        rels = self.pkg.rels(self.book)
        self.strings = _shared_strings(self.pkg, next((n for t, n in rels.values() if t.endswith("/sharedStrings")),
                                                      None))
        self.styles = CellStyles(self.pkg, next((n for t, n in rels.values() if t.endswith("/styles")), None))
        self.formats = self.styles.formats
        pr = self.book_root.find(f"{{{S}}}workbookPr")
        self.date1904 = pr is not None and pr.get("date1904", "0") in ("1", "true")
        self.sheets: list[tuple[str, str]] = []
        for sheet in self.book_root.iter(f"{{{S}}}sheet"):
            rel = rels.get(sheet.get(f"{{{R}}}id", ""))
            if rel is not None and rel[0].endswith("/worksheet") and self.pkg.has(rel[1]):
                self.sheets.append((sheet.get("name", "Sheet"), rel[1]))
        if not self.sheets:
            raise UnreadableFile("工作簿里没有工作表", path=path)
        self.index = 0
        self.roots: dict[str, Any] = {}
        self.dirty: set[str] = set()  # sheet parts edited: only these are written anew
        self._row_index: dict[str, dict[int, Any]] = {}
        self._numbers: dict[str, list[int]] = {}  # the index's keys in order, made when a row is added
        self._grids: dict[str, Grid] = {}
        # Grid rows built with a blank cell at every empty position (None: all, and the whole sheet); past
        # them the grid holds nothing: the writer sets it from where the form ends (plus a margin), and
        # locating the form needs nothing below it.
        self.form_rows: int | None = None
        # merged ranges per sheet while rows and merges are edited, written to the XML once (grid or save)
        self._merge_lists: dict[str, list[tuple[int, int, int, int]]] = {}
        self._merges_changed: set[str] = set()
        self._width_cache: dict[str, dict[int, float]] = {}
        self.book_changed = False

    def active_content(self) -> list[str]:
        """Macros, external links, OLE and the like in the template (see ooxml.active_content)."""
        return active_content(self.pkg)

    # -- the sheet being edited -------------------------------------------------------------------
    def parts(self) -> int:
        return len(self.sheets)

    def select(self, index: int) -> None:
        self.index = index

    @property
    def root(self) -> Any:
        part = self.sheets[self.index][1]
        if part not in self.roots:
            self.roots[part] = self.pkg.xml(part)
        return self.roots[part]

    def grid(self) -> Grid:
        """The sheet as it is now (built again only after an edit: scoring a sheet and locating on it share one)."""
        part = self.sheets[self.index][1]
        if part not in self._grids:
            title = self.sheets[self.index][0]
            dense = self.form_rows is None
            # the merged ranges as they are being edited (written to the XML once, at save)
            grid = sheet_grid(self.root, self.path, title, self.strings, self.formats, self.date1904, DEFAULT,
                              dense=dense, keep_rows=True, merges=self._merges(), until_row=self.form_rows)
            if not dense and grid.blank is not None:
                for r in range(min(self.form_rows or 0, len(grid.rows))):
                    line = grid.rows[r]
                    for c, slot in enumerate(line):
                        if slot is None:
                            line[c] = grid.blank(r, c)
            self._grids[part] = grid
        return self._grids[part]

    def cell_at(self, grid: Grid, r: int, c: int) -> Cell | None:
        """A cell of its own at grid position (r, c), whatever covered it in ``grid``; its columns as there."""
        covering = grid.at(r, c)
        address = f"{self.sheets[self.index][0]}!{col_letters(c + 1)}{grid.row_refs[r]}"
        cell = Cell(row=r, col=c, text="", address=address, ref=(grid.row_refs[r], c + 1))
        if covering is not None and covering.col == c:
            cell.colspan = covering.colspan
        return cell

    def _data(self) -> Any:
        self.dirty.add(self.sheets[self.index][1])
        self._grids.pop(self.sheets[self.index][1], None)  # any edit: the next grid is built anew
        data = self.root.find(_SHEETDATA)
        if data is None:
            data = etree.SubElement(self.root, _SHEETDATA)
        return data

    def _index(self) -> dict[int, Any]:
        """Row number → row element of the sheet being edited, built once per structural change."""
        part = self.sheets[self.index][1]
        index = self._row_index.get(part)
        if index is None:
            index = {}
            for row in self._data().iter(_ROW):
                index.setdefault(int(row.get("r", "0")), row)
            self._row_index[part] = index
            self._numbers.pop(part, None)
        return index

    def _row(self, r: int, create: bool = True) -> Any:
        index = self._index()
        row = index.get(r)
        if row is not None or not create:
            return row
        data = self._data()
        new = etree.Element(_ROW, r=str(r))
        numbers = self._numbers.setdefault(self.sheets[self.index][1], sorted(index))
        at = bisect.bisect_right(numbers, r)
        if at < len(numbers):
            index[numbers[at]].addprevious(new)
        else:
            data.append(new)
        numbers.insert(at, r)
        index[r] = new
        return new

    def _cell(self, r: int, c: int) -> Any:
        row = self._row(r)
        ref = f"{col_letters(c)}{r}"
        for cell in row.iter(_C):
            other = cell.get("r", "")
            m = _REF.fullmatch(other)
            col = _col_index(m.group(2)) if m else 0
            if other == ref:
                return cell
            if col > c:
                new = etree.Element(_C, r=ref)
                cell.addprevious(new)
                return new
        return etree.SubElement(row, _C, r=ref)

    # -- edits ------------------------------------------------------------------------------------
    def set_cell(self, cell: Cell, value: str | Decimal | int | None) -> None:
        r, c = cell.ref
        xc = self._cell(r, c)
        for child in list(xc):
            xc.remove(child)
        xc.attrib.pop("t", None)
        if value is None:
            return
        if isinstance(value, Decimal) and not self.styles.shows(xc, value):
            self.styles.show_places(xc, value)
        if isinstance(value, Decimal | int) and not self.styles.shows(xc, value):
            value = format_money(Decimal(value))  # the cell's number format would show another amount
        if isinstance(value, Decimal):
            etree.SubElement(xc, _V).text = format_money(value)
        elif isinstance(value, int):
            etree.SubElement(xc, _V).text = str(value)
        else:
            xc.set("t", "inlineStr")
            t = etree.SubElement(etree.SubElement(xc, _IS), _T)
            t.text = cell_text(value)
            t.set(XML_SPACE, "preserve")
            if value.isascii() and value.strip() and not any(ch.isspace() for ch in value) \
                    and len(value) + 1 > sum(self._widths().get(k, 8.43) for k in range(c, c + cell.colspan)):
                # one word (a phone, a code) wider than its column: set smaller, never broken over two lines
                self.styles.shrink(xc)
            elif cell.rowspan == 1:
                self._fit_height(r, c, cell.colspan, value)


    def _widths(self) -> dict[int, float]:
        part = self.sheets[self.index][1]
        if part not in self._width_cache:  # fill never edits column widths
            self._width_cache[part] = self._read_widths()
        return self._width_cache[part]

    def _read_widths(self) -> dict[int, float]:
        out: dict[int, float] = {}
        for col in self.root.iter(f"{{{S}}}col"):
            try:
                lo, hi, width = int(col.get("min", "0")), int(col.get("max", "0")), float(col.get("width", "8.43"))
            except ValueError:
                continue
            for k in range(lo, min(hi, lo + 1000) + 1):
                out[k] = width
        return out

    def _fit_height(self, r: int, c: int, span: int, text: str) -> None:
        """Grow a row so wrapped text shows whole (Excel does not do it for merged cells)."""
        widths = self._widths()
        width = sum(widths.get(k, 8.43) for k in range(c, c + span))
        per_line = max(1.0, width - 1)
        lines = sum(max(1, -(-int(sum(1.8 if ord(ch) > 0x2E7F else 0.9 for ch in line)) // int(per_line)))
                    for line in text.split("\n"))
        needed = lines * 14.5 + 6
        row = self._row(r)
        try:
            current = float(row.get("ht", "15"))
        except ValueError:
            current = 15.0
        if needed > current:
            row.set("ht", f"{min(409.0, needed):g}")
            row.set("customHeight", "1")

    def _merges(self) -> list[tuple[int, int, int, int]]:
        part = self.sheets[self.index][1]
        if part in self._merge_lists:
            return self._merge_lists[part]  # callers build a new list; this one is never changed in place
        out = []
        box = self.root.find(_MERGES)
        cols: dict[str, int] = {}
        match = _RANGE.fullmatch
        for m in (box if box is not None else []):
            found = match(m.get("ref", ""))
            if found is None:
                continue
            a, r0, b, r1 = found.groups()
            c0 = cols.get(a) or cols.setdefault(a, _col_index(a))
            c1 = c0 if b is None else cols.get(b) or cols.setdefault(b, _col_index(b))
            out.append((int(r0), c0, int(r1 or r0), c1))
        self._merge_lists[part] = out
        return out

    def _set_merges(self, merges: list[tuple[int, int, int, int]]) -> None:
        part = self.sheets[self.index][1]
        self._data()
        self._merge_lists[part] = merges
        self._merges_changed.add(part)

    def _flush_merges(self) -> None:
        """Write the merged ranges of the sheet being edited back into its XML, if they changed."""
        part = self.sheets[self.index][1]
        if part not in self._merges_changed:
            return
        self._merges_changed.discard(part)
        merges = [m for m in self._merge_lists[part] if (m[0], m[1]) != (m[2], m[3])]
        box = self.root.find(_MERGES)
        if not merges:
            if box is not None:
                box.getparent().remove(box)
            return
        letters: dict[int, str] = {}

        def col(c: int) -> str:
            if c not in letters:
                letters[c] = col_letters(c)
            return letters[c]

        if box is None:
            box = etree.Element(_MERGES)
            self._data().addnext(box)
        box.clear()
        sub = etree.SubElement
        for r0, c0, r1, c1 in merges:
            sub(box, _MERGE, ref=f"{col(c0)}{r0}:{col(c1)}{r1}")
        box.set("count", str(len(merges)))

    def _renumber(self, at: int, delta: int) -> None:
        """Rows below ``at`` move by ``delta``; so do the ranges and names that point at them."""
        self._move(lambda n: n + delta if n > at else n)

    def _move(self, new: Callable[[int], int]) -> None:
        """Every row number ``n`` becomes ``new(n)``, in cells, ranges and defined names: one pass."""
        def refs(text: str) -> str:
            return _REF.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}{new(int(m.group(4)))}", text)

        for row in self._data().iter(_ROW):
            n = int(row.get("r", "0"))
            moved = new(n)
            if moved != n:
                row.set("r", str(moved))
                old, to = str(n), str(moved)
                for c in row.iter(_C):
                    ref = c.get("r")
                    if ref:
                        letters = ref.rstrip("0123456789")
                        # a cell's own address names its row: only the number changes (else: in full)
                        c.set("r", letters + to if ref[len(letters):] == old and letters.isalpha() else refs(ref))
        for el in self.root.iter(*_SQREF_TAGS):
            attr = _SQREF_TAGS[el.tag]
            if el.get(attr):
                el.set(attr, refs(el.get(attr)))
        title = self.sheets[self.index][0]
        for name in self.book_root.iter(f"{{{S}}}definedName"):
            if name.text and title in name.text:
                name.text = refs(name.text)
                self.book_changed = True
        self._forget_rows()

    def _forget_rows(self) -> None:
        self._row_index.pop(self.sheets[self.index][1], None)
        self._numbers.pop(self.sheets[self.index][1], None)

    def insert_rows(self, grid: Grid, after_row: int, count: int) -> None:
        if count <= 0:
            return
        at = grid.row_refs[after_row]
        merges = self._merges()
        template = self._row(at)
        self._renumber(at, count)
        previous = template
        for k in range(1, count + 1):
            new = copy.deepcopy(template)
            new.set("r", str(at + k))
            for c in new.iter(_C):
                ref = _REF.fullmatch(c.get("r", ""))
                if ref:
                    c.set("r", f"{ref.group(2)}{at + k}")
                for child in list(c):
                    c.remove(child)
                c.attrib.pop("t", None)
            previous.addnext(new)
            previous = new
        out: list[tuple[int, int, int, int]] = []
        for r0, c0, r1, c1 in merges:
            if r0 > at:
                out.append((r0 + count, c0, r1 + count, c1))
            elif r0 <= at <= r1 and r1 > r0:
                out.append((r0, c0, r1 + count, c1))  # a vertical merge through the template row grows
            elif r0 == r1 == at:
                out.append((r0, c0, r1, c1))
                out.extend((at + k, c0, at + k, c1) for k in range(1, count + 1))
            else:
                out.append((r0, c0, r1, c1))
        self._set_merges(out)

    def delete_rows(self, grid: Grid, rows: Sequence[int]) -> None:
        """Remove the given grid rows at once: one pass over the rows, the merges and the names."""
        gone = sorted({grid.row_refs[r] for r in rows})
        if not gone:
            return
        gone_set = set(gone)

        def new(n: int) -> int:
            return n - bisect.bisect_left(gone, n)  # a removed row's number goes to the row after it

        out: list[tuple[int, int, int, int]] = []
        for r0, c0, r1, c1 in self._merges():
            if bisect.bisect_right(gone, r1) == bisect.bisect_left(gone, r0):  # none of its rows goes
                out.append((new(r0), c0, new(r1), c1))
                continue
            kept = [r for r in range(r0, r1 + 1) if r not in gone_set]
            if not kept:
                continue
            if r0 in gone_set:  # the merge's first row goes: its content moves down to the first row kept
                self._move_content(r0, kept[0], c0)
            out.append((new(kept[0]), c0, new(kept[-1]), c1))
        for r in gone:
            row = self._row(r, create=False)
            if row is not None:
                row.getparent().remove(row)
        self._forget_rows()
        self._move(new)
        self._set_merges(out)

    def _move_content(self, src_row: int, dst_row: int, col: int) -> None:
        src, dst = self._cell(src_row, col), self._cell(dst_row, col)
        for child in list(dst):
            dst.remove(child)
        for child in src:
            dst.append(copy.deepcopy(child))
        for key in ("t", "s"):
            if src.get(key) is not None:
                dst.set(key, src.get(key))

    def merge_down(self, grid: Grid, col: int, runs: Sequence[tuple[int, int]], rows: range) -> None:
        c = col + 1
        first, last = grid.row_refs[rows.start], grid.row_refs[rows.stop - 1]
        out: list[tuple[int, int, int, int]] = []
        for r0, c0, r1, c1 in self._merges():
            if c0 == c and first <= r0 and r1 <= last and r1 > r0:
                if c1 > c:  # a block over several columns becomes one row-wide merge per row
                    out.extend((r, c0, r, c1) for r in range(r0, r1 + 1))
                continue
            out.append((r0, c0, r1, c1))
        # Every group's first cell takes the look of the column's first group (the template's own, boxed on
        # every side): rows added for a group are copies of a row inside one, without its top border, and
        # LibreOffice draws a merged cell's edges from its first cell — the line between two groups went.
        look = self._cell(grid.row_refs[runs[0][0]], c).get("s") if runs else None
        for r0, r1 in runs:
            if look is not None:
                self._cell(grid.row_refs[r0], c).set("s", look)
            if r1 > r0:
                a, b = grid.row_refs[r0], grid.row_refs[r1]
                self.styles.centre(self._cell(a, c))  # a group merged down: centred, as the official form's are
                for r in range(a + 1, b + 1):
                    xc = self._cell(r, c)
                    for child in list(xc):
                        xc.remove(child)
                    xc.attrib.pop("t", None)
                out.append((a, c, b, c))
        self._set_merges(out)

    # -- saving -----------------------------------------------------------------------------------
    def save(self, path: str) -> None:
        keep = self.index
        for k in range(len(self.sheets)):
            self.index = k
            self._flush_merges()
        self.index = keep
        calc = {n for n in self.pkg.names if n.endswith("calcChain.xml")}
        calc_pr = self.book_root.find(f"{{{S}}}calcPr")
        if calc_pr is None:
            calc_pr = etree.SubElement(self.book_root, f"{{{S}}}calcPr")
        calc_pr.set("fullCalcOnLoad", "1")  # totals left as formulas are recomputed when Excel opens it
        changed = {part: etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                   for part, root in self.roots.items() if part in self.dirty}
        changed[self.book] = etree.tostring(self.book_root, xml_declaration=True, encoding="UTF-8", standalone=True)
        styles = self.styles.xml()
        if styles is not None:
            assert self.styles.part is not None
            changed[self.styles.part] = styles
        if calc:
            changed.update(self._without_calc_chain(calc))
        types = changed.get("[Content_Types].xml") or self.pkg.read("[Content_Types].xml")
        if _XLTX_MAIN in types:  # a template (.xltx) written as .xlsx: the content type must say workbook
            changed["[Content_Types].xml"] = types.replace(_XLTX_MAIN, _XLSX_MAIN)
        with zipfile.ZipFile(path, "w") as dst:
            for info in self.pkg.zip.infolist():
                if info.filename in calc:
                    continue
                data = changed.get(info.filename)
                dst.writestr(info, data if data is not None else self.pkg.read(info.filename),
                             compress_type=info.compress_type)

    def _without_calc_chain(self, calc: set[str]) -> dict[str, bytes]:
        """The content types and workbook relationships with the calculation chain taken out."""
        out = {}
        types = self.pkg.xml("[Content_Types].xml")
        for el in list(types.iter(f"{{{CT}}}Override")):
            if el.get("PartName", "").lstrip("/") in calc:
                types.remove(el)
        out["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
        folder = self.book.rsplit("/", 1)[0]
        rels_name = f"{folder}/_rels/{self.book.rsplit('/', 1)[1]}.rels"
        if self.pkg.has(rels_name):
            rels = self.pkg.xml(rels_name)
            for el in list(rels.iter(f"{{{REL}}}Relationship")):
                if el.get("Type", "").endswith("/calcChain"):
                    rels.remove(el)
            out[rels_name] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
        return out

    def __del__(self) -> None:
        try:
            self.pkg.zip.close()
        except Exception:
            pass
