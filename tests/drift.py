"""The drift generator: the ways submitters change the official form, applied to a filled file.

Each operation edits a filled .docx/.xlsx through the back-ends' own documents (the same edits the
writer makes), located with the same layout code the reader uses, so it hits the right cells in
either format. Operations combine freely; the record must come back exact.
"""

import copy
from decimal import Decimal

from hypothesis import strategies as st

import formparse
from formparse.backends import open_document
from formparse.locate import locate
from formparse.schema import load_schema

SCHEMA = load_schema()
FULL = str.maketrans("0123456789.", "０１２３４５６７８９．")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _layout(doc):
    return locate(doc.grid(), SCHEMA)


def _label_cells(layout):
    cells = [loc.label for loc in layout.fields.values() if loc.cell is not None]
    cells += [x.label for x in layout.lists] + [x.label for x in layout.tables] + [x.label for x in layout.boxes]
    for t in layout.tables:
        cells += list(t.columns.values())
    for b in layout.boxes:
        cells += [box.label for box in b.boxes]
    return list({id(c): c for c in cells}.values())


# Spaces as a label may carry them: typed, no-break, full-width, zero-width (chosen by the count drawn, so
# the draws, and every other file of a derandomized run, stay as they were).
_PASTED_SPACES = (" ", "\u00a0", " ", "\u3000", "\u200b", " ", "\u202f", "\ufeff")


def space_labels(doc, draw):
    """Labels spaced out (“编制    人数”), broken over lines, brackets in the other width."""
    for cell in _label_cells(_layout(doc)):
        text = cell.text
        if len(text) < 2 or not draw(st.booleans()):
            continue
        k = draw(st.integers(1, len(text) - 1))
        style = draw(st.sampled_from(["space", "break", "width", "pad"]))
        if style == "space":  # typed spaces, or what text pasted from a web page or WeChat carries instead
            n = draw(st.integers(1, 6))
            text = text[:k] + "".join(_PASTED_SPACES[(n + i) % len(_PASTED_SPACES)] for i in range(n)) + text[k:]
        elif style == "break":
            text = text[:k] + "\n" + text[k:]
        elif style == "width":
            text = text.translate(str.maketrans("（）：()", "()：（）"))
        else:
            text = "  " + text + "  "
        doc.set_cell(cell, text)


def money_as_text(doc, draw, record):
    """Money typed as text: 万元, thousands separators, full-width digits, ¥."""
    for key, loc in _layout(doc).fields.items():
        if loc.field.type != "money" or loc.cell is None:
            continue
        group, name = key.split(".")
        value = getattr(getattr(record, group), name)
        if value is None or not draw(st.booleans()):
            continue
        style = draw(st.sampled_from(["unit", "thousands", "full", "yen"]))
        text = {"unit": f"{value:f}万元", "thousands": f"{value:,f}", "full": f"{value:f}".translate(FULL),
                "yen": f"¥{value:f}"}[style]
        doc.set_cell(loc.cell, text)


def blank_rows(doc, draw):
    """Blank spacer rows inserted anywhere in the table (a row copied and emptied, as Word's “insert row” does)."""
    for _ in range(draw(st.integers(1, 4))):
        grid = doc.grid()
        layout = locate(grid, SCHEMA)
        first = min(loc.label.row for loc in layout.fields.values() if loc.field.key == "basic_info.staff_quota")
        rows = [r for r in range(first, len(grid)) if not grid.is_paragraph_row(r) and grid.row_blocks[r] != -1
                and not _in_footer(layout, r)]
        doc.insert_rows(grid, draw(st.sampled_from(rows)), 1)


def _in_footer(layout, r):
    loc = layout.fields.get("filled_by")
    return loc is not None and loc.label.row <= r


def goals_in_one_cell(doc, record):
    """All goals typed into the first goal cell, numbered, the other goal rows deleted."""
    if len(record.goals) < 2:
        return
    layout = _layout(doc)
    lst = layout.lists[0]
    rows = list(dict.fromkeys(c.row for c in lst.slots))
    doc.set_cell(lst.slots[0], "\n".join(f"目标{i}：{g}" for i, g in enumerate(record.goals, 1)))
    doc.delete_rows(doc.grid(), rows[1:])


def split_table(doc, draw):
    """.docx: the main table split in two or more, an empty paragraph between (Word's Split Table)."""
    body = doc.doc.element.body
    for _ in range(draw(st.integers(1, 2))):
        tables = [t for t in body if t.tag == f"{W}tbl"]
        tbl = max(tables, key=lambda t: len(t.findall(f"{W}tr")))
        rows = tbl.findall(f"{W}tr")
        if len(rows) < 4:
            return
        k = draw(st.integers(1, len(rows) - 1))
        new = copy.deepcopy(tbl)
        for tr in new.findall(f"{W}tr"):
            new.remove(tr)
        for tr in rows[k:]:
            new.append(tr)
        para = copy.deepcopy(body.find(f"{W}p"))
        for child in list(para):
            if child.tag != f"{W}pPr":
                para.remove(child)
        tbl.addnext(para)
        para.addnext(new)


def split_runs(doc, draw):
    """.docx: runs split mid-word, as editing leaves them."""
    runs = [r for r in doc.doc.element.body.iter(f"{W}r")
            if [c.tag for c in r if c.tag != f"{W}rPr"] == [f"{W}t"] and len(r.find(f"{W}t").text or "") >= 2]
    for run in draw(st.lists(st.sampled_from(runs), max_size=12, unique_by=id)) if runs else []:
        t = run.find(f"{W}t")
        k = draw(st.integers(1, len(t.text) - 1))
        second = copy.deepcopy(run)
        second.find(f"{W}t").text = t.text[k:]
        t.text = t.text[:k]
        for el in (t, second.find(f"{W}t")):
            el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        run.addnext(second)


def footer_into_table(doc):
    """.docx: the 填报人 row moved from its own table into the end of the main table."""
    body = doc.doc.element.body
    tables = [t for t in body if t.tag == f"{W}tbl"]
    if len(tables) < 2:
        return
    footer, main = tables[-1], tables[-2]  # the filled official form: the 填报人 table comes last
    for tr in footer.findall(f"{W}tr"):
        main.append(tr)
    body.remove(footer)


def blank_column(doc, left=False):
    """.docx: an empty column added at the right (or the left) of every row of every table."""
    body = doc.doc.element.body
    for tbl in (t for t in body if t.tag == f"{W}tbl"):
        grid = tbl.find(f"{W}tblGrid")
        if grid is not None:
            col = copy.deepcopy(grid[-1])
            if left:
                grid.insert(0, col)
            else:
                grid.append(col)
        for tr in tbl.findall(f"{W}tr"):
            tcs = tr.findall(f"{W}tc")
            if tcs:
                tc = copy.deepcopy(tcs[0] if left else tcs[-1])
                pr = tc.find(f"{W}tcPr")
                if pr is not None:
                    for tag in ("vMerge", "gridSpan"):
                        el = pr.find(f"{W}{tag}")
                        if el is not None:
                            pr.remove(el)
                for child in list(tc):
                    if child.tag != f"{W}tcPr":
                        tc.remove(child)
                tc.append(copy.deepcopy(body.find(f"{W}p")))
                for child in list(tc[-1]):
                    if child.tag != f"{W}pPr":
                        tc[-1].remove(child)
                if left:
                    tcs[0].addprevious(tc)
                else:
                    tr.append(tc)


@st.composite
def drifted(draw, record, suffix, tmp_dir):
    """A filled file of ``record`` drifted by a drawn combination of operations; returns (path, ops)."""
    base = formparse.fill(record, tmp_dir / f"base{suffix}")
    doc = open_document(str(base))
    ops = []
    if draw(st.booleans()):
        goals_in_one_cell(doc, record)
        ops.append("goals in one cell")
    if draw(st.booleans()):
        blank_rows(doc, draw)
        ops.append("blank rows")
    if draw(st.booleans()):
        money_as_text(doc, draw, record)
        ops.append("money as text")
    if draw(st.booleans()):
        space_labels(doc, draw)
        ops.append("labels spaced")
    if suffix == ".docx":
        if draw(st.booleans()):
            footer_into_table(doc)
            ops.append("footer in table")
        if draw(st.booleans()):
            left = draw(st.booleans())
            blank_column(doc, left=left)
            ops.append("blank column " + ("left" if left else "right"))
        if draw(st.booleans()):
            split_table(doc, draw)
            ops.append("table split")
        if draw(st.booleans()):
            split_runs(doc, draw)
            ops.append("runs split")
    out = tmp_dir / f"drifted{suffix}"
    doc.save(str(out))
    return out, ops


__all__ = ["drifted", "Decimal"]
