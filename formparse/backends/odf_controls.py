"""Form check boxes and option buttons in OpenDocument files, as the marks they show.

LibreOffice keeps a form control in two places (ODF 1.3 Part 3, §13 Forms and §10.3.13 draw:control): the
control itself in ``office:forms`` — a ``form:checkbox`` with its ``form:label`` and ``form:current-state``
(“checked”, “unchecked”, “unknown”: grey; absent: its ``form:state``, else not ticked), or a ``form:radio``
with ``form:current-selected`` — and the shape showing it, a ``draw:control`` naming the control's id:

* in a text document, anchored in a paragraph (a table cell's, as LibreOffice saves Word's ActiveX boxes):
  the shape becomes the mark and the caption it shows, “☑延续项目”, where it stands (the mark alone when the
  caption names no option), as :mod:`.docx` does for Word's;
* in a spreadsheet, in ``table:shapes`` at ``svg:x``/``svg:y`` on the sheet (or in the cell it is anchored
  to): the cell under its top left corner is found from the columns' widths and the rows' heights, and the
  box is marked as .xlsx boxes are (:func:`xlsx_controls.place_boxes`).

A box whose state is grey, or whose place cannot be worked out, is reported (``Grid.unread_marks``).

Other controls, shown the same way (LibreOffice saves Word's ActiveX text boxes and list boxes as such): a text
field, formatted field, date or time field or combo box shows its ``form:current-value`` (else its
``form:value``), a label its ``form:label`` — read as text typed where the control stands (.odt) or into the empty
cell it is drawn over (.ods, :func:`xlsx_controls.place_others`); any other control (list box, button, image …) is
reported with its cell, never passed over.
"""

from __future__ import annotations

import re
from typing import Any

from ..grid import Grid
from .symbols import EMPTY, TICKED

FORM = "urn:oasis:names:tc:opendocument:xmlns:form:1.0"
DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
CONTROL = f"{{{DRAW}}}control"
_CHECKBOX, _RADIO = f"{{{FORM}}}checkbox", f"{{{FORM}}}radio"
_SPAN = f"{{{TEXT}}}span"
# On the text:span standing for a box whose state is grey: the warning (never written out).
_UNREAD = "{urn:formparse:odf}unread"
_STATES = {"checked": True, "unchecked": False, "true": True, "false": False}
_LENGTH = re.compile(r"^\s*([0-9.]+)\s*(in|cm|mm|pt|pc|px)?\s*$")
_INCHES = {"in": 1.0, "cm": 1 / 2.54, "mm": 1 / 25.4, "pt": 1 / 72, "pc": 1 / 6, "px": 1 / 96, None: 1.0}
# A column or row without a size of its own: LibreOffice's defaults (0.889 in wide, 0.178 in high).
_DEFAULT_WIDTH, _DEFAULT_HEIGHT = 0.889, 0.178


# The controls showing a text (the value shown, or a label's caption), and the others, by their names in warnings.
_TEXTS = {"text": "文本框", "textarea": "文本框", "formatted-text": "格式化字段", "combobox": "组合框",
          "date": "日期字段", "time": "时间字段", "fixed-text": "标签"}
_OTHERS = {"listbox": "列表框", "button": "按钮", "image": "图像按钮", "file": "文件选择框", "password": "密码框",
           "value-range": "数值调节钮", "generic-control": "控件", "grid": "表格控件", "frame": "分组框",
           "image-frame": "图像框"}


class FormBox:
    """A form control read as a tick box: its kind (for warnings), state (None: grey) and caption; for another
    control (``box`` False), the text it shows (None: a control whose content is not read)."""

    __slots__ = ("kind", "checked", "caption", "box", "text")

    def __init__(self, kind: str, checked: bool | None, caption: str, *, box: bool = True,
                 text: str | None = None) -> None:
        self.kind, self.checked, self.caption = kind, checked, caption
        self.box, self.text = box, text


def form_boxes(root: Any) -> dict[str, FormBox]:
    """Control id → the check box or option button (or other control) it is, for every one the document's forms
    hold."""
    out: dict[str, FormBox] = {}
    others = [f"{{{FORM}}}{name}" for name in (*_TEXTS, *_OTHERS)]
    for el in root.iter(_CHECKBOX, _RADIO, *others):
        name = el.tag.rpartition("}")[2]
        if name in _TEXTS or name in _OTHERS:
            if name == "fixed-text":
                shown: str | None = el.get(f"{{{FORM}}}label") or ""
            elif name in _TEXTS:
                shown = el.get(f"{{{FORM}}}current-value") or el.get(f"{{{FORM}}}value") or ""
            else:
                shown = None
            other = FormBox(_TEXTS.get(name) or _OTHERS[name], None, "", box=False, text=shown)
            for key in (el.get(_XML_ID), el.get(f"{{{FORM}}}id")):
                if key:
                    out[key] = other
            continue
        if el.tag == _CHECKBOX:
            raw = el.get(f"{{{FORM}}}current-state") or el.get(f"{{{FORM}}}state")
            kind = "复选框"
        else:
            raw = el.get(f"{{{FORM}}}current-selected") or el.get(f"{{{FORM}}}selected")
            kind = "单选按钮"
        checked = False if raw is None else _STATES.get(raw.strip().lower())
        box = FormBox(kind, checked, (el.get(f"{{{FORM}}}label") or "").strip())
        for key in (el.get(_XML_ID), el.get(f"{{{FORM}}}id")):
            if key:
                out[key] = box
    return out


def _message(box: FormBox, why: str) -> str:
    named = f"“{box.caption}”" if box.caption else ""
    return f"表单{box.kind}{named}{why}，这一格的勾选须人工核对"


def _not_read(control: FormBox) -> str:
    return f"表单{control.kind}不是可读取的控件，未读取，这一格的内容须人工核对"


def controls_as_text(part: Any, boxes: dict[str, FormBox]) -> list[tuple[Any, str]]:
    """A text document's boxes as the marks and captions they show, in place (see the module). Returns
    (element, warning) for those that cannot be read: the stand-in of a grey box, or the shape of one anchored
    outside any paragraph (its place on the page says nothing of the cell)."""
    from .activex import names_option

    unread: list[tuple[Any, str]] = []
    for shape in list(part.iter(CONTROL)):
        box = boxes.get(shape.get(CONTROL, ""))
        parent = shape.getparent()
        if box is None or parent is None:
            continue
        if not parent.tag.startswith(f"{{{TEXT}}}"):
            unread.append((shape, _message(box, "固定在页面上，无法确定对应哪一格") if box.box else
                           f"表单{box.kind}固定在页面上，无法确定对应哪一格，它的内容须人工核对"))
            continue
        if not box.box:  # a text field's text in its place; any other control reported
            span = shape.makeelement(_SPAN, {})
            span.text = box.text or ""
            if box.text is None:
                span.set(_UNREAD, _not_read(box))
                unread.append((span, _not_read(box)))
            span.tail = shape.tail
            parent.replace(shape, span)
            continue
        caption = box.caption if names_option(box.caption) else ""
        span = shape.makeelement(_SPAN, {})
        if box.checked is None:
            span.text = caption
            span.set(_UNREAD, _message(box, "的勾选状态不确定（灰色）"))
            unread.append((span, span.get(_UNREAD)))
        else:
            span.text = (TICKED if box.checked else EMPTY) + caption
        span.tail = shape.tail
        parent.replace(shape, span)
    return unread


def note_unread(grid: Grid, unread: list[tuple[Any, str]]) -> None:
    """Each unreadable box's warning, on the cell (or paragraph) holding it; “正文” when none does."""
    cells = {id(c.ref): c for row in grid.rows for c in row if c is not None and c.ref is not None}
    for el, message in unread:
        holder = el
        while holder is not None and id(holder) not in cells:
            holder = holder.getparent()
        note = (cells[id(holder)].address if holder is not None else "正文", message)
        if note not in grid.unread_marks:
            grid.unread_marks.append(note)


def _inches(raw: str | None) -> float | None:
    m = _LENGTH.match(raw or "")
    return float(m[1]) * _INCHES[m[2]] if m else None


def _sizes(root: Any, family: str, attr: str) -> dict[str, float]:
    """Automatic style name → the column width (or row height) it sets, in inches."""
    out = {}
    for style in root.iter(f"{{{STYLE}}}style"):
        if style.get(f"{{{STYLE}}}family") != family:
            continue
        for props in style:
            size = _inches(props.get(f"{{{STYLE}}}{attr}"))
            if size is not None:
                out[style.get(f"{{{STYLE}}}name", "")] = size
    return out


def _index(edges: list[tuple[int, float]], default: float, at: float) -> tuple[int, float] | None:
    """The column (row) whose span holds ``at`` inches from the sheet's edge, and how far into it (0–1);
    ``edges``: (count, size) runs as the sheet lists its columns (rows)."""
    start = 0.0
    k = 0
    for count, size in edges:
        if size <= 0:
            k += count
            continue
        if at < start + count * size:
            n = int((at - start) // size)
            return k + n, (at - start - n * size) / size
        start += count * size
        k += count
    if default <= 0:
        return None
    n = int((at - start) // default)
    return k + n, (at - start - n * default) / default


def sheet_boxes(table: Any, boxes: dict[str, FormBox], grid: Grid, title: str,
                runs: tuple[list[tuple[int, float]], list[tuple[int, float]]]) -> None:
    """A sheet's boxes marked into its grid (see the module); ``runs``: its columns' and rows' sizes."""
    from .xlsx_controls import Box, Other, place_boxes, place_others

    placed: list[Box] = []
    others: list[Other] = []
    for shape in table.iter(CONTROL):
        box = boxes.get(shape.get(CONTROL, ""))
        if box is None:
            continue
        x, y = _inches(shape.get(f"{{{SVG}}}x")), _inches(shape.get(f"{{{SVG}}}y"))
        col = _index(runs[0], _DEFAULT_WIDTH, x) if x is not None else None
        row = _index(runs[1], _DEFAULT_HEIGHT, y) if y is not None else None
        if col is None or row is None:
            grid.unread_marks.append((title, _message(box, "的位置无法读取") if box.box else
                                      f"表单{box.kind}的位置无法读取，它的内容须人工核对"))
            continue
        if box.box:
            placed.append(Box(row[0], col[0], col[1], box.checked, box.caption, "表单" + box.kind))
        else:
            others.append(Other(row[0], col[0], "表单" + box.kind, box.text))
    if placed:
        place_boxes(grid, placed, title)
    if others:
        place_others(grid, others, title)


def size_runs(content: Any, columns: list[Any], rows: list[tuple[str, int]]
              ) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """(count, width) runs of a sheet's columns and (count, height) runs of its rows, in inches."""
    widths = _sizes(content, "table-column", "column-width")
    heights = _sizes(content, "table-row", "row-height")
    col_runs = []
    for column in columns:
        n = int(column.get(f"{{{TABLE}}}number-columns-repeated") or 1)
        col_runs.append((n, widths.get(column.get(f"{{{TABLE}}}style-name", ""), _DEFAULT_WIDTH)))
    row_runs = [(n, heights.get(style, _DEFAULT_HEIGHT)) for style, n in rows]
    return col_runs, row_runs
