"""Check boxes drawn over an .xlsx sheet: form controls and ActiveX controls, read as the marks they show.

A 项目属性 row is often ticked with Excel's check boxes instead of typed marks. Excel keeps each box in
up to three places (ECMA-376 Part 1 18.3.1.21 controls; [MS-XLSX] 2.6 ctrlProps; [MS-OI29500] legacy VML):

* the sheet's ``<controls>`` (inside ``mc:AlternateContent``): a ``<control shapeId r:id name>`` whose
  ``controlPr/anchor`` gives the cells it is drawn over (``from``/``to`` col, colOff, row, rowOff); its
  relationship leads to ``xl/ctrlProps/ctrlPropN.xml`` (``formControlPr objectType="CheckBox"
  checked="Checked"``) for a form control, or to ``xl/activeX/activeXN.xml`` for an ActiveX control;
* the legacy VML drawing (``xl/drawings/vmlDrawingN.vml``, the sheet's ``legacyDrawing``): a ``v:shape``
  with ``x:ClientData ObjectType="Checkbox"`` (or ``"Radio"``, an option button, read the same way),
  ``x:Anchor`` (left col, dx, top row, dy, right col, dx, bottom row, dy), ``x:Checked`` and the box's
  caption in ``v:textbox``;
* an ActiveX check box keeps its state and caption in its own persistence, read by :mod:`.activex`: a
  property bag in the XML (``ax:ocxPr ax:name="Value"``) or the binary MorphData stream (activeXN.bin); a
  stream it cannot follow leaves the state unknown, and the box is reported.

Each box's mark (☑ ticked, □ not) is written into the text of the cell holding its option, so the
check-box field reads it like a typed mark: before the caption where the cell shows the box's caption,
otherwise before the option texts of the cell it sits over (boxes and options paired left to right), or of
the nearest cell beside it in its row. A box whose state or option cannot be worked out is a note
(``Grid.unread_marks``) naming the cell, which the reader turns into a warning.

Other ActiveX controls drawn over the sheet: a text box or combo box (:mod:`.activex`) puts the text it shows
into the empty cell it is drawn over, as if typed there; one whose text cannot be read, one over a cell that
already holds text or outside the sheet's cells, and every other control (list box, label, button …) is a note
naming the control and the cell, never passed over.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from ..grid import Cell, Grid
from ..text import norm
from .ooxml import Package, parse
from .symbols import EMPTY, TICKED

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# The form controls read as boxes (VML ObjectType, ctrlProps objectType, lower case): a tick box, and the
# option button a copy may use for a one-of choice such as 项目属性.
_KINDS = {"checkbox": "复选框", "radio": "选项按钮"}
# How far along a row the text beside an empty box may be (columns).
BESIDE_REACH = 3

_SHAPE = re.compile(rb"<(?:\w+:)?shape\b(.*?)</(?:\w+:)?shape>", re.S)
_SHAPE_ID = re.compile(rb"""\bid\s*=\s*["'][^"']*?(\d+)["']""")
_OBJECT = re.compile(rb"""ObjectType\s*=\s*["'](\w+)["']""")
_ANCHOR = re.compile(rb"<(?:\w+:)?Anchor>([^<]*)<")
_CHECKED = re.compile(rb"<(?:\w+:)?Checked>\s*(\d*)\s*<")
_TEXTBOX = re.compile(rb"<(?:\w+:)?textbox\b[^>]*>(.*?)</(?:\w+:)?textbox>", re.S)
_TAG = re.compile(r"<[^>]*>")
_VML_STATES = {b"": False, b"0": False, b"1": True}
# ctrlProps ``checked``: Checked, Unchecked (or absent), Mixed (grey: neither, reported)
_CTRL_STATES = {"checked": True, "unchecked": False, "": False}


class Other:
    """An ActiveX control other than a tick box: the cell its top left corner is over (0-based), its name, and
    the text it shows (None: not read)."""

    __slots__ = ("row", "col", "kind", "text")

    def __init__(self, row: int, col: int, kind: str, text: str | None) -> None:
        self.row, self.col, self.kind, self.text = row, col, kind, text


class Box:
    """One check box: the cell its top left corner is over (0-based), how far into that column (0–1 of a
    default column), whether it is ticked (None: unknown), its caption, and what kind of control it is."""

    __slots__ = ("row", "col", "offset", "checked", "caption", "kind")

    def __init__(self, row: int, col: int, offset: float, checked: bool | None, caption: str, kind: str) -> None:
        self.row, self.col, self.offset = row, col, offset
        self.checked, self.caption, self.kind = checked, caption, kind


def has_controls(pkg: Package) -> bool:
    """Whether the package may hold check boxes drawn over a sheet (parts the boxes need), by name only."""
    return any(n.startswith(("xl/ctrlProps/", "xl/activeX/")) or (n.startswith("xl/") and n.endswith(".vml"))
               for n in pkg.names)


def mark_boxes(pkg: Package, part: str, grid: Grid, title: str) -> None:
    """Write the marks of the check boxes drawn over sheet ``part`` (named ``title``) into ``grid``'s cells
    (see the module)."""
    rels = pkg.rels(part)
    if not any(t.endswith(("/vmlDrawing", "/ctrlProp", "/control")) for t, _ in rels.values()):
        return
    root = parse(pkg.read(part), path=pkg.path, part=part)
    vml: dict[int, Box] = {}
    for el in root.iter():
        if isinstance(el.tag, str) and etree.QName(el).localname == "legacyDrawing":
            rel = rels.get(el.get(f"{{{R}}}id", ""))
            if rel is not None and pkg.has(rel[1]):
                vml.update(_vml_boxes(pkg.read(rel[1])))
    boxes: list[Box] = []
    others: list[Other] = []
    seen: set[int] = set()
    for control in root.iter():
        if not isinstance(control.tag, str) or etree.QName(control).localname != "control":
            continue
        rel = rels.get(control.get(f"{{{R}}}id", ""))
        shape = _int(control.get("shapeId"))
        drawn = vml.get(shape) if shape is not None else None
        box = _control_box(pkg, control, rel, drawn)
        if isinstance(box, Other):
            others.append(box)
        elif box is not None:
            boxes.append(box)
            if shape is not None:
                seen.add(shape)
    boxes += [b for k, b in vml.items() if k not in seen and b.kind in _KINDS.values()]
    if boxes:
        place_boxes(grid, boxes, title)
    if others:
        place_others(grid, others, title)


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _vml_boxes(data: bytes) -> dict[int, Box]:
    """shape id → the box (or, for an ActiveX picture, only its place) the legacy VML drawing shows.
    (VML is read with patterns: Excel's is not always well-formed XML.)"""
    out: dict[int, Box] = {}
    for m in _SHAPE.finditer(data):
        body = m[1]
        ident = _SHAPE_ID.search(body[: body.find(b">") + 1] if b">" in body else body)
        kind = _OBJECT.search(body)
        anchor = _ANCHOR.search(body)
        if ident is None or anchor is None:
            continue
        try:
            col, dx, row = (int(x) for x in anchor[1].decode("ascii", "replace").split(",")[:3])
        except ValueError:
            continue
        object_type = kind[1].decode("ascii", "replace").lower() if kind else ""
        checked = _CHECKED.search(body)
        # x:Checked 1 ticked, 2 mixed (grey: neither, reported), absent or 0 not
        state = _VML_STATES.get(checked[1].strip() if checked is not None else b"0", None)
        text = _TEXTBOX.search(body)
        import html  # (here: html.entities is a large table, and most workbooks have no control)

        caption = html.unescape(_TAG.sub("", text[1].decode("utf-8", "replace"))).strip() if text else ""
        box_kind = _KINDS.get(object_type, object_type)
        out[int(ident[1])] = Box(row, col, dx / 64, state, caption, box_kind)  # (dx in pixels; a column ≈ 64)
    return out


def _local(el: Any, name: str) -> Any:
    return next((c for c in el.iter() if isinstance(c.tag, str) and etree.QName(c).localname == name), None)


def _control_box(pkg: Package, control: Any, rel: tuple[str, str] | None,
                 drawn: Box | None) -> Box | Other | None:
    """The box a ``<control>`` stands for (its place from controlPr, else from the VML), the other ActiveX
    control it is, or None when it is a form control other than a check box."""
    caption = drawn.caption if drawn is not None else ""
    row = col = None
    offset = 0.0
    start = _local(control, "from")
    if start is not None:
        c, r, off = _local(start, "col"), _local(start, "row"), _local(start, "colOff")
        col, row = _int(c.text if c is not None else None), _int(r.text if r is not None else None)
        offset = (_int(off.text if off is not None else None) or 0) / 609600  # EMU; a column ≈ 64 px ≈ 609600
    if (row is None or col is None) and drawn is not None:
        row, col, offset = drawn.row, drawn.col, drawn.offset
    if row is None or col is None or rel is None or not pkg.has(rel[1]):
        return None
    rel_type, target = rel
    if rel_type.endswith("/ctrlProp"):
        pr = parse(pkg.read(target), path=pkg.path, part=target)
        kind = _KINDS.get((pr.get("objectType") or "").lower())
        if kind is None:
            return None
        return Box(row, col, offset, _CTRL_STATES.get((pr.get("checked") or "").lower()), caption, kind)
    if rel_type.endswith("/control"):
        from .activex import read_control  # (only for a workbook holding ActiveX controls)

        found = read_control(pkg, target)
        if not found.box:
            return Other(row, col, "ActiveX " + found.kind, found.text)
        return Box(row, col, offset, found.checked, found.caption or caption, "ActiveX " + found.kind)
    return None


def _cell(grid: Grid, r: int, c: int) -> Cell | None:
    """The cell at (r, c), made where the sheet has nothing typed; None outside the grid."""
    if not (0 <= r < len(grid.rows) and 0 <= c < len(grid.rows[r])):
        return None
    cell = grid.rows[r][c]
    if cell is None and grid.blank is not None:
        cell = grid.rows[r][c] = grid.blank(r, c)
    return cell


def _beside(grid: Grid, r: int, c: int) -> Cell | None:
    """The nearest cell with text in row ``r`` right of column ``c`` (then left of it), within the reach."""
    for step in [*range(1, BESIDE_REACH + 1), *range(-1, -BESIDE_REACH - 1, -1)]:
        cell = grid.at(r, c + step)
        if cell is not None and cell.text.strip():
            return cell
    return None


def _named(box: Box) -> bool:
    """Whether a box's caption names something (not Excel's “Check Box 1”)."""
    from .activex import names_option

    return names_option(box.caption)


def _showing(grid: Grid, r: int, c: int, caption: str) -> Cell | None:
    """The cell in row ``r`` nearest column ``c`` (within the reach) whose text shows ``caption``."""
    for step in sorted(range(-BESIDE_REACH, BESIDE_REACH + 1), key=abs):
        cell = grid.at(r, c + step)
        if cell is not None and _find(cell.text, caption) is not None:
            return cell
    return None


_SEGMENT = re.compile(r"[^\s" + re.escape(TICKED + EMPTY) + r"]+")


def place_boxes(grid: Grid, boxes: list[Box], title: str) -> None:
    """Each box's mark into the cell holding its option (see the module); the boxes that cannot be placed or
    read are notes in ``grid.unread_marks``."""
    targets: dict[int, tuple[Cell, list[Box]]] = {}
    for box in boxes:
        cell = _cell(grid, box.row, box.col)
        if cell is None:
            grid.unread_marks.append((f"{title}!{_letters(box.col)}{box.row + 1}",
                                      f"{box.kind}“{box.caption}”画在表格以外，这一格的勾选须人工核对"))
            continue
        if _named(box):  # the cell showing its caption, else the one it is drawn over
            cell = _showing(grid, box.row, box.col, box.caption) or cell
        elif not cell.text.strip():
            cell = _beside(grid, box.row, box.col) or cell
        targets.setdefault(id(cell), (cell, []))[1].append(box)
    for cell, group in targets.values():
        group.sort(key=lambda b: b.col + b.offset)
        for box in group:
            if box.checked is None:
                _unread(grid, cell, box, "的勾选状态无法读取")
        known = [b for b in group if b.checked is not None]
        if not known:
            continue
        text = cell.text
        named = [b for b in known if _named(b)]
        if len(named) == len(known):  # every box names its option: the mark goes before that text
            for box in named:
                at = _find(text, box.caption)
                mark = TICKED if box.checked else EMPTY
                if at is None:
                    text = (text.rstrip() + "　" if text.strip() else "") + mark + box.caption
                else:
                    text = text[:at] + mark + text[at:]
            cell.text = text
            continue
        segments = list(_SEGMENT.finditer(text))
        if len(segments) != len(group):
            for box in known:
                _unread(grid, cell, box, f"无法对应到选项（格内有 {len(segments)} 段文字、{len(group)} 个复选框）")
            continue
        for seg, box in sorted(zip(segments, group, strict=True), key=lambda x: -x[0].start()):
            if box.checked is not None:
                text = text[: seg.start()] + (TICKED if box.checked else EMPTY) + text[seg.start():]
        cell.text = text


def place_others(grid: Grid, others: list[Other], title: str) -> None:
    """Each text or combo box's text into the empty cell it is drawn over; every control not read so is a note
    naming it and its cell (an empty text box is nothing to read, wherever it is)."""
    for other in others:
        cell = _cell(grid, other.row, other.col)
        if cell is None:
            if other.text != "":
                shown = f"（显示“{other.text}”）" if other.text else ""
                grid.unread_marks.append((f"{title}!{_letters(other.col)}{other.row + 1}",
                                          f"{other.kind}画在表格以外{shown}，未读取，它的内容须人工核对"))
            continue
        if other.text is not None and not cell.text.strip():
            cell.text, cell.value = other.text, None
            continue
        shown = f"（显示“{other.text}”）" if other.text else ""
        why = (f"画在有文字的单元格上{shown}，未读取" if other.text is not None
               else "的内容无法读取" if other.kind.endswith(("文本框", "组合框")) else "不是可读取的控件，未读取")
        note = (cell.address, f"{other.kind}{why}，这一格的内容须人工核对")
        if note not in grid.unread_marks:
            grid.unread_marks.append(note)


def _find(text: str, caption: str) -> int | None:
    """Where ``caption`` begins in ``text`` (white space and width folded), or None."""
    want = norm(caption)
    if not want:
        return None
    for i in range(len(text)):
        if text[i].isspace():
            continue
        if norm(text[i : i + len(caption) * 2]).startswith(want):
            return i
    return None


def _unread(grid: Grid, cell: Cell, box: Box, why: str) -> None:
    caption = f"“{box.caption}”" if box.caption else ""
    note = (cell.address, f"{box.kind}{caption}{why}，这一格的勾选须人工核对")
    if note not in grid.unread_marks:  # (two boxes alike in one cell: one note)
        grid.unread_marks.append(note)


def _letters(col: int) -> str:
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out
