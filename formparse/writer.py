"""``fill(record, out)``: write a record into the official template (or into any file of this form).

The target is located with the same code the reader uses, so every value lands where it will be
read back. Goal and indicator rows are added or removed to fit the record; 一级指标 runs are
merged again. The template is only read; the output is written to a temporary file beside it
and moved into place, so a failed fill never leaves half a file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from . import fieldtypes
from .atomic import atomic_path
from .backends import open_document, open_grids, sniff
from .errors import CannotFill, FormparseError, cannot_write, shown
from .grid import Cell, Grid
from .locate import Layout, all_labels, locate, score
from .schema import Band, Boxes, Fields, ListBlock, Matrix, Schema, Table, data_dir, resolve, schema_for
from .text import format_cn_date

SUFFIXES = (".xlsx", ".docx")


def template_path(suffix: str, schema_id: str = "dept-overall-2020") -> Path:
    """The bundled blank template for ``.xlsx`` or ``.docx``."""
    return data_dir("templates") / f"{schema_id}{suffix}"


def _own_template(schema: Schema, suffix: str) -> Path:
    """The blank form a schema names (``template``, relative to its file) when it is of this kind; else the
    bundled one."""
    if schema.template:
        own = Path(schema.template)
        if not own.is_absolute() and schema.source:
            own = Path(schema.source).parent / own
        if own.suffix.lower() == suffix or not template_path(suffix, schema.id).is_file():
            return own
    return template_path(suffix, schema.id)


def _get(record: Any, key: str) -> Any:
    value: Any = record
    for part in key.split("."):
        value = getattr(value, part)
    return value


def _rows_of(cells: Sequence[Cell]) -> list[int]:
    return list(dict.fromkeys(c.row for c in cells))


def _runs(rows: list[int], keys: list[str | None], grid: Grid) -> list[tuple[int, int]]:
    """Consecutive rows (in one table) sharing a non-blank key, as (first, last) pairs."""
    runs: list[tuple[int, int]] = []
    for i, (r, key) in enumerate(zip(rows, keys, strict=True)):
        joined = (
            i > 0 and key is not None and keys[i - 1] == key and rows[i - 1] == r - 1
            and grid.row_blocks[r] == grid.row_blocks[r - 1]
        )
        if joined:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    return runs


# Rows past the last located cell still built in full, so a label just below the form is seen as before.
_ROWS_PAST_FORM = 20


def _cells(obj: Any) -> Iterator[Cell]:
    """Every Cell a layout holds (its grid aside), however its parts are arranged."""
    if isinstance(obj, Cell):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _cells(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            yield from _cells(v)
    elif attrs.has(type(obj)):
        for f in attrs.fields(type(obj)):
            value = getattr(obj, f.name)
            if not isinstance(value, Grid | str | int | None):
                yield from _cells(value)


class _Filler:
    def __init__(self, record: Any, doc: Any, schema: Schema, first: Grid | None = None) -> None:
        self.record = record
        self.doc = doc
        self.schema = schema
        self.first = first  # the reader's grid of the form, if it numbers rows as the document does

    def layout(self) -> Layout:
        return locate(self.doc.grid().normalise_text(), self.schema)

    def run(self) -> None:
        """Locate once, resize every list and table from that one layout (lowest first, so the row
        numbers of what lies above stay true), locate again only if rows moved, then merge and write.

        Locating and building a grid cost O(rows + merges) each; they happen at most twice whatever
        the number of goals, indicators or merged columns, so the fill is linear in the form."""
        rec = self.record
        # where rows go is decided on the reader's own view of the form when there is one (no second read)
        layout = locate(self.first, self.schema) if self.first is not None else self.layout()
        if layout.problems:
            raise CannotFill("模板中有无法写入的位置：" + "；".join(layout.problems))
        lost = _without_place(rec, layout, self.schema)
        if lost:
            raise CannotFill("模板中没有这些栏目，记录中的值无法写入：" + "、".join(f"“{x}”" for x in lost))
        offices = tuple(b.office for group in layout.boxes for b in group.boxes)
        domain = resolve(self.schema.domain) if self.schema.domain else None
        problems = domain(rec, offices, tuple(all_labels(self.schema))) if domain is not None else []
        if problems:
            raise CannotFill("记录中有表格无法原样保存的值：" + "；".join(problems))
        jobs = [(_rows_of(lst.slots), max(1, len(getattr(rec, lst.block.key))), lst.label.row)
                for lst in layout.lists]
        jobs += [(table.rows, max(1, len(getattr(rec, table.block.key))), table.header_row) for table in layout.tables]
        self._limit_grid(layout, sum(max(0, need - len(rows)) for rows, need, _ in jobs))
        moved = False
        for rows, need, after in sorted(jobs, key=lambda job: max(job[0] or [job[2]]), reverse=True):
            if len(rows) < need:
                self.doc.insert_rows(layout.grid, rows[-1] if rows else after, need - len(rows))
                moved = True
            elif len(rows) > need:
                self.doc.delete_rows(layout.grid, rows[need:])
                moved = True
        if moved or self.first is not None:
            layout = self.layout()
        # (row, column) → the rows its cell spans once merged, for every table cell the record writes
        spans: dict[tuple[int, int], int] = {}
        for table in layout.tables:
            items = getattr(rec, table.block.key)
            if len(table.rows) < len(items):
                raise CannotFill(f"“{table.block.label}”的表格只找到 {len(table.rows)} 行，写不下 {len(items)} 项")
            if not table.rows:
                continue
            for col in table.block.columns:
                if col.key not in table.columns:
                    continue
                # Merged columns get one cell per run of equal values; every other column one cell
                # per row (a submission may have merged them, and the record need not agree).
                keys = [getattr(item, col.key) for item in items]
                keys += [None] * (len(table.rows) - len(keys))
                by_row = dict(zip(table.rows, keys, strict=True))
                for part in table.parts:  # each part of a table split across pages has its own columns
                    c = part.columns.get(col.key)
                    if c is None or not part.rows:
                        continue
                    runs = _runs(part.rows, [by_row[r] for r in part.rows], layout.grid) if col.merge else []
                    self.doc.merge_down(layout.grid, c, runs, range(part.rows[0], part.rows[-1] + 1))
                    inside = {r for r0, r1 in runs for r in range(r0 + 1, r1 + 1)}
                    starts = {r0: r1 - r0 + 1 for r0, r1 in runs}
                    for r in part.rows:
                        if r not in inside:
                            spans[r, c] = starts.get(r, 1)
        self.write(layout, spans)

    def _limit_grid(self, layout: Layout, growth: int) -> None:
        """Tell a back-end that builds blank cells at empty positions (.xlsx) where the form ends: past it
        (and a margin) its grid holds nothing. What lies below the form took no part in the first layout,
        and leaving out what a layout did not use cannot change which cells it takes."""
        if self.first is None or not hasattr(self.doc, "form_rows"):
            return
        last = max((c.last_row for c in _cells(layout)), default=len(layout.grid))
        last = max([last, *(r for t in layout.tables for r in t.rows)])
        self.doc.form_rows = last + 1 + growth + _ROWS_PAST_FORM

    def _table_cell(self, grid: Grid, r: int, c: int, span: int) -> Cell | None:
        """The cell at (r, c) as merge_down left it, from the grid of before: None where a cell of another
        column covers it (as before merging)."""
        cell = grid.at(r, c)
        if cell is not None and cell.col != c:
            return cell if cell.row == r else None  # merge_down leaves other columns' merges alone
        if cell is None or cell.row != r:
            cell = self.doc.cell_at(grid, r, c)  # a position merge_down has just made a cell of its own
            if cell is None:
                return None
        return cell if cell.rowspan == span else attrs.evolve(cell, rowspan=span)

    def write(self, layout: Layout, spans: dict[tuple[int, int], int]) -> None:
        rec, doc = self.record, self.doc
        if layout.title is not None:
            t = layout.title.block
            year = getattr(rec, t.key)
            doc.set_cell(layout.title.cell, t.text.format(year=year) if year is not None else t.blank)
            if layout.title.year_cell is not None and t.year_text is not None:
                doc.set_cell(layout.title.year_cell, t.year_text.format(year=year) if year is not None
                             else t.year_blank)
        inline: dict[int, list[tuple[Cell, str, Any]]] = {}
        for key, loc in layout.fields.items():
            value = _shown(loc.field, _get(rec, key))
            if loc.more and loc.field.type == "text":  # a text in the paragraphs after its heading: all in the first
                doc.set_cell(loc.cell, value)
                for cell in loc.more:
                    doc.set_cell(cell, None)
            elif loc.more:
                for cell, text in zip((loc.cell, *loc.more), _choice_parts(loc, _get(rec, key)), strict=True):
                    doc.set_cell(cell, text)
            elif loc.cell is not None:
                doc.set_cell(loc.cell, value)
            else:
                inline.setdefault(id(loc.label), []).append((loc.label, loc.field.label, value))
        for parts in inline.values():
            text = "    ".join(f"{label}：{_text(value)}" for _, label, value in parts)
            doc.set_cell(parts[0][0], text)
        for lst in layout.lists:
            marker = lst.block.marker
            items = getattr(rec, lst.block.key)
            if len(_rows_of(lst.slots)) < len(items):
                raise CannotFill(f"“{lst.block.label}”只找到 {len(_rows_of(lst.slots))} 行，写不下 {len(items)} 项")
            intro = getattr(rec, lst.block.intro) if lst.block.intro else None
            if lst.intro is not None:
                doc.set_cell(lst.intro, intro)
            elif intro is not None:
                raise CannotFill(f"模板的“{lst.block.label}”旁没有写引言的单元格")
            for n, row in enumerate(_rows_of(lst.slots)):
                cells = [c for c in lst.slots if c.row == row]
                prefix = marker.format(n=n + 1)
                doc.set_cell(cells[0], prefix + items[n] if n < len(items) else (prefix if n == 0 else None))
                for extra in cells[1:]:
                    doc.set_cell(extra, None)
        for table in layout.tables:
            items = getattr(rec, table.block.key)
            numbered = {c.key: c.numbered for c in table.block.columns}
            for n, r in enumerate(table.rows):
                item = items[n] if n < len(items) else None
                for key in table.columns:
                    c = table.col(r, key)
                    span = spans.get((r, c)) if c is not None else None
                    cell = self._table_cell(layout.grid, r, c, span) if c is not None and span else None
                    typed = table.cell(layout.grid, r, key)
                    if span == 1 and typed is not None and typed.row == r and typed.col != c:
                        cell = typed  # the value typed in the second column of a widened header
                    if cell is not None:
                        value = getattr(item, key) if item is not None else None
                        if value is not None and numbered.get(key):
                            value = f"{n + 1}、{value}"
                        doc.set_cell(cell, value)
        for group in layout.boxes:
            by_office = {r.office: r for r in getattr(rec, group.block.key)}
            prompts = group.block.prompts
            for box in group.boxes:
                review = by_office.get(box.office)
                texts = _box_texts(review, prompts, len(box.cells))
                if texts is None:
                    raise CannotFill(f"“{box.office}”审核意见栏没有可写的单元格")
                for cell, box_text in zip(box.cells, texts, strict=True):
                    doc.set_cell(cell, box_text)


def _shown(field: Any, value: Any) -> Any:
    """A field's value as its cell shows it: check boxes ticked, dates written out, amounts in one cell."""
    if field.type == "choice":
        return fieldtypes.format_choice(value, field.options, box=field.box)
    if field.type == "date":
        return fieldtypes.format_date(value, precision=field.precision)
    if field.type == "pairs":
        amounts = {p.key: getattr(value, p.key, None) for p in field.pairs}
        if all(v is None for v in amounts.values()):
            return None
        return fieldtypes.format_pairs(amounts, [(p.key, p.labels) for p in field.pairs], unit=field.unit)
    return value


def _choice_parts(loc: Any, value: Any) -> list[str | None]:
    """A choice whose options the template types in cells of their own: each cell's options, ticked where
    chosen; when the cells do not name every option, the whole choice in the first cell."""
    f = loc.field
    cells = [loc.cell, *loc.more]
    subsets = [fieldtypes.options_in(c.text, f.options) for c in cells]
    if {o for sub in subsets for o in sub} != set(f.options):
        return [fieldtypes.format_choice(value, f.options, box=f.box)] + [None] * (len(cells) - 1)
    return [fieldtypes.format_choices([value] if value in sub else [], sub, box=f.box) for sub in subsets]


def _filled(value: Any) -> bool:
    return value is not None and value != [] and value != ""


def _without_place(rec: Any, layout: Layout, schema: Schema) -> list[str]:
    """The labels of the record's non-blank values that the target file has no place for (a section or
    field a copy left out): written nowhere, they would be lost without a word."""
    out: list[str] = []
    located = {b.block.key for b in (*layout.lists, *layout.tables, *layout.boxes)}
    for block in schema.blocks:
        if isinstance(block, Fields | Band):
            groups = [(None, block.fields)] if isinstance(block, Fields) else [(g, g.fields) for g in block.groups]
            for g, fields in groups:
                for f in fields:
                    key = f"{g.key}.{f.key}" if g is not None else f.key
                    if f.pairs and key not in layout.fields:  # amounts in cells of their own, or nowhere
                        out.extend(f"{f.label} {p.label}" for p in f.pairs if f"{key}.{p.key}" not in layout.fields
                                   and _filled(getattr(_get(rec, key), p.key, None)))
                    elif key not in layout.fields and _filled(_get(rec, key)):
                        out.append(f"{g.label} {f.label}" if g is not None else f.label)
        elif isinstance(block, Matrix):
            out.extend(f"{r.label} {c.label}" for r in block.rows for c in block.columns
                       if f"{block.key}.{r.key}.{c.key}" not in layout.fields
                       and _filled(_get(rec, f"{block.key}.{r.key}.{c.key}")))
        elif isinstance(block, ListBlock | Table | Boxes):
            intro = getattr(block, "intro", None)
            values = [getattr(rec, block.key), getattr(rec, intro) if intro else None]
            if block.key not in located and any(_filled(v) for v in values):
                out.append(block.label)
    for group in layout.boxes:
        have = {b.office for b in group.boxes}
        out.extend(f"{group.block.label} {r.office}" for r in getattr(rec, group.block.key) if r.office not in have
                   and any(_filled(getattr(r, k, None)) for k in (*group.block.prompts, "date")))
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _box_texts(review: Any, prompts: dict[str, str], n: int) -> list[str | None] | None:
    """The texts of one box's cells: the printed prompts with the review's values after them (a review
    the record does not have: the blank box)."""
    reviewer, head = getattr(review, "reviewer", None), getattr(review, "head", None)
    sign = (f" {prompts['reviewer']}{reviewer or ''}        "
            f"{prompts['head']}{head or ''}              {format_cn_date(getattr(review, 'date', None))}")
    opinion = getattr(review, "opinion", None)
    if n >= 3:
        blanks: list[str | None] = [None] * (n - 3)
        return [prompts["opinion"], opinion, *blanks, sign]
    if n == 2:
        return [prompts["opinion"] + ("\n" + opinion if opinion else ""), sign]
    if n == 1:
        return ["\n".join([prompts["opinion"], opinion or "", sign])]
    return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def fill(record: Any, out: str | Path, template: str | Path | None = None, *,
         schema: Schema | None = None, overwrite: bool = False) -> Path:
    """Write ``record`` into a copy of ``template`` (default: the bundled blank form) saved at ``out``.

    Args:
        record: the record to write.
        out: the .xlsx or .docx to create (replaced atomically if it exists).
        template: any .xlsx/.docx of this form, e.g. a submission to write an edited record back into.
        overwrite: replace ``out`` if it exists (otherwise that is refused).

    Raises:
        CannotFill: the record holds values the form cannot carry, or the template lacks a place for them.
        UnreadableFile, NotThisForm: the template cannot be read as this form.
    """
    schema = schema or schema_for(record)
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        pdf = "PDF 只能读取，不能写入：" if suffix == ".pdf" else ""
        raise CannotFill(f"{pdf}输出文件须为 .xlsx 或 .docx", path=out)
    tpl = Path(template) if template is not None else _own_template(schema, suffix)
    if template is None and not os.path.isfile(tpl) and not schema.template:
        raise CannotFill(f"没有“{schema.name}”的空白表：请用 --template（template=）给出一份，或在版式文件中写 "
                         "template = \"空白表.xlsx\" / no blank form for this form: give one with --template, or "
                         "name it in the schema file (template = ...)", path=out)
    if not os.path.isfile(tpl):
        raise CannotFill(f"找不到模板 {tpl}", path=out)
    kind = sniff(str(tpl))
    if "." + kind != suffix:
        raise CannotFill(f"模板 {tpl.name} 是 .{kind}，与输出格式 {suffix} 不同", path=out)
    if _same_file(out, tpl):
        raise CannotFill("输出文件不能覆盖模板", path=out)
    if os.path.lexists(out) and not overwrite:  # (os.path: a name too long is not an error here)
        raise CannotFill("输出文件已存在；要替换它请用 --force（overwrite=True）", path=out)
    # A given template passes the same safety checks as any submission first (it is read as one). For
    # .xlsx that read also gives the first layout: the reader's grids number rows as the sheet does.
    grids = open_grids(str(tpl)) if template is not None or kind == "xlsx" else None
    # what runs, fetches or embeds is looked for before any writer opens the template (docs/security.md)
    from .backends.ooxml import Package, active_content

    with Package(str(tpl)) as pkg:
        active = active_content(pkg)
        strict = pkg.is_strict()
    if active:
        raise CannotFill(f"模板 {shown(tpl.name)} 含有不能带进正式表格的内容：" + "；".join(active)
                         + "。请在 Office 中删除这些内容，另存为普通的 .xlsx / .docx 后再作模板", path=out)
    if strict and kind == "docx":
        # python-docx finds a document's parts only by transitional relationship types
        raise CannotFill(f"模板 {shown(tpl.name)} 是 Strict Open XML 格式的 Word 文档，无法写入；请在 Word 中"
                         "另存为“Word 文档(*.docx)”后再作模板", path=out)
    doc = open_document(str(tpl))
    first = None
    if kind == "xlsx" and grids is not None and len(grids) == doc.parts():
        scores = [score(g, schema) for g in grids] if len(grids) > 1 else [0]
        # a visible sheet that holds the form before a hidden copy of it (as the reader chooses)
        half = max(scores) / 2
        best = max(range(len(scores)), key=lambda i: (not grids[i].sheet_hidden and scores[i] >= half, scores[i]))
        doc.select(best)
        first = grids[best]
    elif doc.parts() > 1:  # a workbook: write on the sheet that holds the form
        scores = []
        for i in range(doc.parts()):
            doc.select(i)
            scores.append(score(doc.grid().normalise_text(), schema))
        doc.select(max(range(len(scores)), key=scores.__getitem__))
    try:
        _Filler(record, doc, schema, first).run()
    except FormparseError as exc:
        if exc.path is None:
            exc.path = str(out)
            exc.args = (f"{shown(out)}: {exc.message}",)
        raise
    try:
        with atomic_path(out, overwrite=overwrite) as tmp:
            doc.save(tmp)
    except FileExistsError as exc:  # it appeared while we filled: another fill got there first
        raise CannotFill("输出文件已存在（在填写期间被创建）；没有替换它，要替换请用 --force（overwrite=True）",
                         path=out) from exc
    except OSError as exc:
        raise cannot_write(exc, out) from exc
    return out
