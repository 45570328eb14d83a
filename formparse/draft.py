"""Propose a layout schema from a blank form: which cells are labels, which are value places, and the blocks.

On a blank official form every cell that holds text is printed (a label, a heading, a printed prompt)
and every blank cell is a place where a submitter writes. From that alone the drafter guesses:

- **title** — the longest text without a colon above the form's first row of cells; a year in it
  (“2020年…”) becomes the pattern's ``year`` group;
- **table** — a section label in the left column spanning rows, whose first row is a row of column
  labels covering the section's width; the rows below are items (columns whose cells are printed on
  the blank form, like 一级指标/二级指标, are carried down; a column of printed numbers “1、” is
  ``numbered``);
- **list** — a section label in the left column whose rows each hold one cell across the section, the
  first perhaps an intro sentence, the others blank or numbered (“目标1：”: the marker);
- **band** — a row of labels each with an empty place under it, under a row of group labels (or beside
  the section label on its left, which then names the group);
- **fields** — a label with an empty place right of it (or, reaching the form's right edge, under it), or
  a prompt ending in a colon (“填报人：”,
  “审核人：      科室负责人签字：”: several in one cell are read inline);
- everything else printed is a **note** (text that carries no value), digits written as ``[0-9]*``.

Keys are ``f1``, ``g1.h1``, ``t1.c1`` …, numbered in reading order (labels are Chinese and no
transliteration table is installed; the label stays beside each key). Field types are ``text``, except
where the blank form prints them: check boxes beside a label make a ``choice``, a printed “年 月 日” a
``date``. A blank form does not say which cells are money — the person adopting the schema edits
``type``. A draft names no ``record`` class: it reads into a record class generated from it
(:mod:`formparse.generic`), so a drafted schema reads, converts and fills as it is.

Only grids are used here (no format library): :func:`draft_schema` takes what
``formparse.backends.open_grids`` returns.

The guessing is in :mod:`formparse.draft_grid`, the TOML written in :mod:`formparse.draft_toml`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .draft_grid import MAX_PROMPT_CHARS, TITLE_ROWS, DBlock, DField, Drafter
from .draft_toml import render
from .errors import SchemaError
from .grid import Grid
from .schema import Schema, parse_schema

__all__ = ["MAX_PROMPT_CHARS", "TITLE_ROWS", "DBlock", "DField", "DraftRecord", "describe", "draft_schema"]


class DraftRecord(dict[str, Any]):
    """The record of a drafted schema: the located values as a nested mapping by the schema's keys.

    ``warnings`` is set by the reader (coverage, absent parts), as on every record."""

    warnings: list[Any]



def draft_schema(grids: Iterable[Grid], *, schema_id: str = "drafted-form", name: str | None = None,
                 source: str = "", template: str | None = None) -> str:
    """A proposed schema (TOML text) for the blank form on the grid (sheet) with the most text cells.

    The text is valid: it is loaded once with :func:`formparse.schema.parse_schema` before it is returned.
    """
    # a workbook may hold a cover or notes sheet too: the form is the grid with the most cells holding text
    counted = [(sum(not c.blank for r in range(len(g.rows)) for c in g.own_anchors(r)), k, g)
               for k, g in enumerate(grids)]
    best = max(counted, key=lambda t: (t[0], -t[1]), default=None)
    grid = best[2] if best is not None and best[0] else None
    where = source or (grid.source if grid is not None else "")
    if grid is None:
        raise SchemaError("空白表上没有任何文字，无从起草 / the blank form has no text to draft from", path=where)
    d = Drafter(grid)
    d.run()
    if not any(b.kind != "title" for b in d.blocks):
        raise SchemaError("空白表上找不到可起草的栏目（标签旁边或下面的空格、表格、列表）/ nothing to draft: no label "
                          "with a blank place beside or under it, no table, no list", path=where)
    title = next((b.title for b in d.blocks if b.kind == "title"), None)
    text = render(d, schema_id, name or title or schema_id, where, template)
    parse_schema(text, source=where or "<draft>")
    return text


# -- what a schema locates on a file (``formparse schema check``) -----------------------------------

def _quote(text: str | None, limit: int = 40) -> str:
    shown = " ".join((text or "").split())
    return "“" + (shown if len(shown) <= limit else shown[:limit] + "…") + "”"


def describe(layout: Any, schema: Schema) -> list[str]:
    """Lines saying what ``schema`` located on a grid (Chinese / English): every label with its cell, its
    value cell and value; the lists and tables with their cells; what is unread; what is wrong."""
    from .reader import values_from_layout

    mapping, _cells, problems = values_from_layout(layout, schema)
    grid = layout.grid
    out: list[str] = []
    if layout.title is not None:
        t = layout.title
        out.append(f"标题 / title ({t.cell.address})：{_quote(t.cell.text)}  年份 / year = {t.year}")
    groups = {f"{g.key}.{f.key}": g.label for b in schema.blocks for g in getattr(b, "groups", ()) for f in g.fields}
    for key, loc in layout.fields.items():
        name = f"{groups[key]} › {loc.field.label}" if key in groups else loc.field.label
        if loc.cell is not None:
            value = f"值 / value ({loc.cell.address})：{_quote(loc.cell.text)}"
        elif loc.inline_text is not None:
            value = f"值在标签内 / inline：{_quote(loc.inline_text)}"
        else:
            value = "没有值单元格 / no value cell"
        out.append(f"标签 / label [{key}] {name} ({loc.label.address}) → {value}")
    for lst in layout.lists:
        out.append(f"列表 / list [{lst.block.key}] {lst.block.label} ({lst.label.address})")
        if lst.intro is not None:
            out.append(f"  引言 / intro ({lst.intro.address})：{_quote(lst.intro.text)}")
        for cell in lst.slots:
            out.append(f"  行 / line ({cell.address})：{_quote(cell.text)}")
        items = mapping.get(lst.block.key) or []
        out.append(f"  共 {len(items)} 项 / {len(items)} item(s)")
    for table in layout.tables:
        heads = " | ".join(f"{c.label} ({table.columns[c.key].address})" for c in table.block.columns
                           if c.key in table.columns)
        out.append(f"表格 / table [{table.block.key}] {table.block.label} ({table.label.address})：{heads}")
        for r in table.rows:
            cells = []
            for c in table.block.columns:
                cell = table.cell(grid, r, c.key)
                if cell is not None and not cell.blank:
                    cells.append(f"{c.label} ({cell.address}) {_quote(cell.text, 20)}")
            if cells:
                out.append("  " + " | ".join(cells))
        n = len(mapping.get(table.block.key) or [])
        out.append(f"  共 {n} 行 / {n} item(s)")
    for boxes in layout.boxes:
        out.append(f"审核框 / boxes [{boxes.block.key}] {boxes.block.label} ({boxes.label.address})")
        for box in boxes.boxes:
            where = "、".join(c.address for c in box.cells)
            out.append(f"  {box.office} ({box.label.address}) → ({where})")
    for label in layout.absent:
        out.append(f"缺少（可选）/ absent (optional)：{label}")
    for unread in layout.unread:
        out.append(f"未读取 / unread ({unread.address})：{_quote(unread.text)}")
    for problem in problems:
        out.append(f"问题 / problem：{problem}")
    return out
