"""PDF back-end, page geometry: the ruling lines a page draws, the cells they close, and the grid the tables
of every page make (rows and columns from the cells' edges, merged cells, tables going on over pages).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from ..errors import UnsafeFile
from ..grid import Cell, Grid
from ..limits import Limits
from .pdf_runs import CLIPPED
from .pdf_text import (
    OVERHANG,
    PAD,
    SNAP,
    _first_token_width,
    _goes_on,
    _joint_text,
    _Line,
    _line_text,
    _norm,
    _Text,
)

# Table settings: ruling lines only (text alignment would make cells of any two columns of text).
_TABLES = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3,
           "join_tolerance": 3, "intersection_tolerance": 3, "edge_min_length": 3}


@attrs.define
class _PCell:
    x0: float
    top: float
    x1: float
    bottom: float
    text: _Text
    doubt: str | None = None  # texts that look like several cells' read as one (see split_unruled)
    cut: bool = False  # a text run over the cell's border stops over one: cut short, or another cell's (overflowing)


@attrs.define
class _Table:
    page: int  # 1-based
    number: int  # the table's number on its page
    cells: list[_PCell]
    x0: float
    x1: float
    top: float
    bottom: float
    chain: int = 0  # the table it belongs to (a table broken over pages is one)


@attrs.define
class _Para:
    """A line of text outside the tables; ``parts``: its pieces, where wide gaps split it (the cells of a
    table drawn without lines, e.g. a “填报人：… 联系电话：…” footer)."""

    page: int
    number: int
    parts: list[list[Any]]  # [x0, x1, text] of each piece
    top: float
    cut: frozenset[int] = frozenset()  # the pieces whose text stops over a column boundary (see stops_on_column)


def side_by_side(tables: list[_Table]) -> list[_Table]:
    """A page's tables that stand side by side (their heights overlapping, no cell of one over a cell of the
    other) as one table: a sheet's cells printed with empty, unbordered cells between them (a helper column
    left blank, a block set to the right of another, “实有人数 | 91” in the first row of a table whose next cell
    to the left has no border) are in the same rows of one grid, as the workbook has them; pdfplumber finds
    each ruled region as a table of its own. (A table drawn inside another's cell stays apart.) Numbered again
    in reading order."""
    def apart(a: _PCell, b: _PCell) -> bool:
        return min(a.x1, b.x1) - max(a.x0, b.x0) <= SNAP or min(a.bottom, b.bottom) - max(a.top, b.top) <= SNAP

    groups: list[list[_Table]] = []
    for table in sorted(tables, key=lambda t: (t.top, t.x0)):
        joined = [g for g in groups
                  if any(min(t.bottom, table.bottom) - max(t.top, table.top) > SNAP for t in g)
                  and all(apart(a, b) for t in g for a in t.cells for b in table.cells)]
        if not joined:
            groups.append([table])
            continue
        first = joined[0]
        for other in joined[1:]:
            first.extend(other)
            groups.remove(other)
        first.append(table)
    out = []
    for k, group in enumerate(sorted(groups, key=lambda g: min(t.top for t in g)), start=1):
        head = min(group, key=lambda t: (t.top, t.x0))
        out.append(_Table(head.page, k, [c for t in group for c in t.cells], min(t.x0 for t in group),
                          max(t.x1 for t in group), min(t.top for t in group), max(t.bottom for t in group)))
    return out


@attrs.define
class _Found:
    """A table of a page as pdfplumber's, with a table drawn inside one of its cells taken in (nested_in)."""

    cells: list[Any]
    bbox: tuple[float, float, float, float]


def nested_in(tables: Sequence[Any]) -> list[Any]:
    """A page's tables with each drawn inside a cell of another (Word's table in a cell, its borders clear of
    the cell's) made part of that table: its cells among the other's (see unnested), as pdfplumber gives a
    nested table whose borders touch its cell's."""
    out: list[Any] = list(tables)
    for inner in sorted(tables, key=lambda t: (t.bbox[2] - t.bbox[0]) * (t.bbox[3] - t.bbox[1])):
        x0, top, x1, bottom = inner.bbox
        host = next((t for t in out if t is not inner and any(
            c[0] - SNAP <= x0 and x1 <= c[2] + SNAP and c[1] - SNAP <= top and bottom <= c[3] + SNAP
            for c in t.cells)), None)
        if host is None:
            continue
        k = out.index(host)
        out[k] = _Found([*host.cells, *inner.cells], tuple(host.bbox))
        out.remove(inner)
    return out


def unnested(cells: Sequence[Sequence[float]]) -> list[tuple[float, ...]]:
    """A table's cells with a table drawn inside one of them taken out of it: the cell that holds two cells or
    more of the table (pdfplumber gives the inner table's cells as the outer table's, and the outer cell whole
    besides) ends where the first of them starts — its own text above the inner table (a heading, “部门整体支出
    绩效指标”), the inner table's cells their own texts in the rows they draw."""
    out = []
    for c in cells:
        inside = [d for d in cells if d is not c and c[0] - SNAP <= d[0] and d[2] <= c[2] + SNAP
                  and c[1] - SNAP <= d[1] and d[3] <= c[3] + SNAP and (d[2] - d[0]) * (d[3] - d[1]) > 0]
        if len(inside) >= 2:
            out.append((c[0], c[1], c[2], max(c[1], min(d[1] for d in inside))))
        else:
            out.append(tuple(c))
    return out


def _boundaries(values: Iterable[float]) -> list[float]:
    """Distinct edges, those within SNAP of each other taken as one."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _index(bounds: Sequence[float], v: float) -> int:
    return min(range(len(bounds)), key=lambda i: abs(bounds[i] - v))


def _drawn(obj: dict[str, Any]) -> bool:
    """Whether a graphic is a ruling line: a stroked line or rectangle, or a filled rectangle thin enough to be
    a line (shading behind a cell is not a border); white strokes are invisible."""
    kind = obj.get("object_type")
    if kind not in ("rect", "line", "curve"):
        return True
    color = obj.get("stroking_color") if obj.get("stroke", True) else obj.get("non_stroking_color")
    if isinstance(color, list | tuple) and color and all(isinstance(v, int | float) for v in color):
        if (len(color) in (1, 3) and min(color) >= 0.99) or (len(color) == 4 and max(color) <= 0.01):
            return False  # white (gray 1, RGB 1,1,1 or CMYK 0,0,0,0)
    if kind == "rect" and not obj.get("stroke"):
        return min(obj["width"], obj["height"]) <= 2.0
    return True


# A gap in a line outside the tables holding typed spaces and wider than this many type sizes separates two


def _cut_ends(edges: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Horizontal lines closing a table the page cut: where two or more vertical rules end at the same height
    with no horizontal rule there (LibreOffice Calc draws no border where a page break cuts merged cells), a
    line joining their ends, so the cells above the cut are cells."""
    vertical = [e for e in edges if e.get("orientation") == "v"]
    # (the ends of a border drawn as a thin filled rectangle are no horizontal rule)
    flat = [e for e in edges if e.get("orientation") == "h" and e["x1"] - e["x0"] > 2 * SNAP]

    def open_end(e: dict[str, Any], end: str) -> bool:
        """No horizontal rule meets this end of the rule, and no rule goes on from it (Word draws a rule per
        cell; a rule that ends there too, such as the other side of a border drawn as a thin filled rectangle,
        does not go on)."""
        x, y = e["x0"], e[end]
        return not any(abs(h["top"] - y) <= SNAP and h["x0"] - SNAP <= x <= h["x1"] + SNAP for h in flat) and not any(
            v is not e and abs(v["x0"] - x) <= SNAP and v["top"] - SNAP <= y <= v["bottom"] + SNAP
            and (v["bottom"] > y + SNAP if end == "bottom" else v["top"] < y - SNAP) for v in vertical)

    out: list[dict[str, Any]] = []
    for end in ("top", "bottom"):
        loose = [e for e in vertical if open_end(e, end)]
        for y in _boundaries(e[end] for e in loose):
            ends = [e for e in vertical if abs(e[end] - y) <= SNAP]  # the rules ending there, open or not
            if len(ends) < 2:
                continue
            x0, x1 = min(e["x0"] for e in ends), max(e["x0"] for e in ends)
            out.append({"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0.0,
                        "orientation": "h", "object_type": "line", "cut": end})
    return out


def _without_empty_cut_rows(cells: list[_PCell], cuts: Sequence[dict[str, Any]]) -> list[_PCell]:
    """The cells of a table without those a page's cut closes that hold nothing, when nothing stands against
    that cut: the empty strip between a table's last row and the page's foot (Chromium draws the table's outer
    border to the foot of the page and moves the next row over), no row of the form."""
    drop: set[int] = set()
    for cut in cuts:
        against = [c for c in cells if cut["x0"] - SNAP <= c.x0 and c.x1 <= cut["x1"] + SNAP
                   and abs((c.bottom if cut["cut"] == "bottom" else c.top) - cut["top"]) <= SNAP]
        if against and not any(c.text.text.strip() for c in against):
            drop.update(id(c) for c in against)
    return [c for c in cells if id(c) not in drop] if drop else cells


def _past_cut(bbox: Sequence[float], cuts: Sequence[dict[str, Any]], height: float) -> tuple[float, ...]:
    """A cell the page cut reaches on to the page's edge: Calc draws a merged cell's text over the whole merged
    range, each page showing its piece, so the part of the text beyond the cut lies in the margin."""
    x0, top, x1, bottom = bbox
    for cut in cuts:
        if cut["x0"] - SNAP <= x0 and x1 <= cut["x1"] + SNAP:
            if cut["cut"] == "bottom" and abs(bottom - cut["top"]) <= SNAP:
                bottom = height
            elif cut["cut"] == "top" and abs(top - cut["top"]) <= SNAP:
                top = 0.0
    return x0, top, x1, bottom


class _Assembler:
    """The grid of the tables and paragraphs of every page (``items``), in order."""

    path: str
    limits: Limits
    items: list[_Table | _Para]
    opened: dict[int, _Text]
    doubts: list[tuple[str, str]]
    clipped: list[tuple[str, str]]
    hints: list[str]

    def grid(self) -> Grid:
        _chain(self.items)
        rows: list[list[Cell | None]] = []
        blocks: list[int] = []
        chains: dict[int, list[_Table]] = {}
        for item in self.items:
            if isinstance(item, _Table):
                chains.setdefault(item.chain, []).append(item)
        bounds = {k: _boundaries(x for t in ts for c in t.cells for x in (c.x0, c.x1)) for k, ts in chains.items()}
        n_blocks = len(chains)
        last: dict[int, list[Cell | None]] = {}  # each table's last row so far
        first: dict[int, str] = {}  # each table's first row's text (a header the next pages repeat)
        for item in self.items:
            if isinstance(item, _Para):
                r = len(rows)
                where = f"第{item.page}页第{item.number}段"
                self.clipped += [(where if len(item.parts) == 1 else f"{where}第{k + 1}处", CLIPPED)
                                 for k in sorted(item.cut)]
                if len(item.parts) == 1:
                    rows.append([Cell(row=r, col=0, text=item.parts[0][2], address=where, paragraph=True)])
                    blocks.append(-1)
                else:
                    rows.append([Cell(row=r, col=k, text=t, address=f"{where}第{k + 1}处")
                                 for k, (_, _, t) in enumerate(item.parts)])
                    n_blocks += 1
                    blocks.append(n_blocks)
                continue
            xs = bounds[item.chain]
            if len(xs) - 1 > self.limits.max_cols:
                raise UnsafeFile(f"第{item.page}页表{item.number}超过 {self.limits.max_cols} 列", path=self.path)
            ys = _boundaries(y for c in item.cells for y in (c.top, c.bottom))
            start = len(rows)
            if start + len(ys) > self.limits.max_rows:
                raise UnsafeFile(f"PDF 的表格超过 {self.limits.max_rows} 行", path=self.path)
            part: list[list[Cell | None]] = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
            opened: dict[int, _Text] = {}
            for pc in sorted(item.cells, key=lambda c: (c.top, c.x0)):
                c0, c1 = _index(xs, pc.x0), _index(xs, pc.x1)
                r0, r1 = _index(ys, pc.top), _index(ys, pc.bottom)
                if c1 <= c0 or r1 <= r0:
                    continue  # a sliver narrower than SNAP: no room for text
                if len(pc.text.text) > self.limits.max_text_chars:
                    raise UnsafeFile(f"有单元格的文字超过 {self.limits.max_text_chars} 字", path=self.path)
                cell = Cell(row=start + r0, col=c0, text=pc.text.text, rowspan=r1 - r0, colspan=c1 - c0,
                            address=f"第{item.page}页表{item.number}第{r0 + 1}行第{c0 + 1}列")
                opened[id(cell)] = pc.text
                if pc.doubt:
                    self.doubts.append((cell.address, pc.doubt))
                if pc.cut:
                    self.clipped.append((cell.address, CLIPPED))
                for r in range(r0, r1):
                    for c in range(c0, c1):
                        if part[r][c] is None:
                            part[r][c] = cell
            if not part:
                continue
            head = _row_text(part[0])
            prev = last.get(item.chain)
            if prev is not None and head != first.get(item.chain) and _joins(prev, part[0], self.opened, opened):
                for piece in dict.fromkeys(part[0]):  # the rest of a row Word broke over the page
                    if piece is None:
                        continue
                    cell, above = piece, prev[piece.col]
                    assert above is not None
                    if cell.text and _norm(cell.text) != _norm(above.text):  # (Calc repeats a merged cell's text)
                        went_on = _goes_on(self.opened.get(id(above)), opened.get(id(cell)))
                        above.text = (above.text + _joint_text(above.text, cell.text, went_on) + cell.text
                                      if above.text else cell.text)
                    if id(cell) in opened:
                        self.opened[id(above)] = opened[id(cell)]
                    if cell.rowspan > 1:  # it goes on down this page: the cell above covers those rows too
                        above.rowspan += cell.rowspan - 1
                        for r in range(1, cell.rowspan):
                            for c in range(cell.col, cell.end_col):
                                part[r][c] = above
                part = part[1:]
                for cell in {id(c): c for line in part for c in line if c is not None and c.row > start}.values():
                    cell.row -= 1
            else:
                if prev is not None:
                    self._merged_on(prev, part, opened)
                first.setdefault(item.chain, head)
            self.opened.update(opened)
            rows.extend(part)
            blocks.extend([item.chain] * len(part))
            if part:
                last[item.chain] = part[-1]
        grid = Grid(rows, source=self.path)
        grid.row_blocks = blocks
        grid.doubts = list(self.doubts)
        grid.clipped = list(self.clipped)
        grid.hints = list(self.hints)
        return grid


    def _merged_on(self, prev: list[Cell | None], part: list[list[Cell | None]], opened: dict[int, _Text]) -> None:
        """A merged cell (a section label over many rows) broken by the page: the piece on this page, under a
        piece whose text ran to its edge, in the same columns, is the same cell."""
        for cell in dict.fromkeys(part[0]):
            if cell is None or not cell.text.strip():
                continue
            above = prev[cell.col]
            if (above is None or above.col != cell.col or above.colspan != cell.colspan
                    or (above.rowspan == 1 and cell.rowspan == 1)):
                continue
            if _norm(above.text) == _norm(cell.text):
                pass  # Calc prints a merged cell's text on each page it spans
            elif _goes_on(self.opened.get(id(above)), opened.get(id(cell))):
                above.text += _joint_text(above.text, cell.text, True) + cell.text
            else:
                continue
            above.rowspan += cell.rowspan
            self.opened[id(above)] = opened[id(cell)]
            for line in part:
                for c in range(cell.col, cell.end_col):
                    if line[c] is cell:
                        line[c] = above


def _row_text(row: Sequence[Cell | None]) -> str:
    return "|".join("".join(c.text.split()) if c is not None else "" for c in dict.fromkeys(row))


def _joins(prev: Sequence[Cell | None], row: Sequence[Cell | None], before: dict[int, _Text],
           now: dict[int, _Text]) -> bool:
    """Whether ``row`` (a table's first row on a page) is the rest of ``prev`` (its last row on the page
    before), as Word breaks a row over pages: the cells stand in the same columns, and every text of ``row``
    goes on from the text above it (that text filled its piece to the foot, and the first word below would
    not have fitted after it). A row that ends a page with its texts finished is taken as a whole row."""
    going_on = False
    for cell in dict.fromkeys(row):
        if cell is None:
            continue
        above = prev[cell.col] if cell.col < len(prev) else None
        if above is None or above.col != cell.col or above.colspan != cell.colspan:
            return False
        if above.rowspan > 1 and cell.rowspan > 1:
            continue  # a merged cell (a section label) going on down: it says nothing of this row
        if cell.text.strip():
            if not _goes_on(before.get(id(above)), now.get(id(cell))):
                return False
            going_on = True
    return going_on


def _distance(c: dict[str, Any], bbox: Sequence[float]) -> float:
    x, y = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
    dx = max(bbox[0] - x, 0.0, x - bbox[2])
    dy = max(bbox[1] - y, 0.0, y - bbox[3])
    return max(dx, dy)


def _chain(items: list[_Table | _Para]) -> None:
    """Number the tables; a table that begins a page straight after a table ending the previous page, with
    the same left and right edges (or column edges all among its: see _among), continues it (a table broken
    over pages). Any text between them (under
    the table, or above the next: a new form's title) ends the table; running headers and footers are not
    text here (read once, on the first page)."""
    last: _Table | None = None  # the last table, while nothing followed it
    n = 0
    edges: dict[int, list[float]] = {}  # each chain's column edges so far
    for item in items:
        if isinstance(item, _Para):
            last = None
            continue
        mine = _boundaries(x for c in item.cells for x in (c.x0, c.x1))
        if last is not None and item.page == last.page + 1 and item.number == 1 and (
                (abs(item.x0 - last.x0) <= SNAP and abs(item.x1 - last.x1) <= SNAP)
                or _among(mine, edges[last.chain])):
            item.chain = last.chain
        else:
            item.chain = n
            n += 1
        edges[item.chain] = _boundaries([*edges.get(item.chain, []), *mine])
        last = item


def _among(mine: Sequence[float], chain: Sequence[float]) -> bool:
    """Whether a table's column edges are all among the edges of the table before it: a sheet's rows going on
    over the page whose first or last columns have no border there (Calc draws only the borders of the cells
    that have them), in the sheet's columns."""
    return len(mine) >= 2 and all(any(abs(x - y) <= SNAP for y in chain) for x in mine)


# Two texts of one cell stand apart like the texts of two cells when the space between them is wider than this
# many type sizes (more than a blank line would leave) and a row boundary of the table lies in it.
APART = 1.5


def split_unruled(drawn: Sequence[float], lines: Sequence[_Line], ys: Sequence[float]
                  ) -> tuple[list[tuple[float, float, list[_Line]]], str | None]:
    """A cell the ruling lines close (``drawn``) cut where a line between two cells was not printed: its text
    ``lines`` fall into clusters standing apart in the row bands the table's other columns define (``ys``: the
    table's row boundaries), each cluster placed in its band as the first is in the cell (at the top, at the
    foot, or in the middle), e.g. 一级指标 “产出指标” and “效益指标” in a sheet that lacks the border between
    the two groups. Returns the pieces (top, bottom, lines) and, when the clusters stand apart but no one
    placement fits them, the cell unsplit with a doubt to report (never a silent “产出指标效益指标”)."""
    top, bottom = drawn[1], drawn[3]
    whole = [(top, bottom, list(lines))]
    inner = [y for y in ys if top + SNAP < y < bottom - SNAP]
    if not inner or len(lines) < 2:
        return whole, None
    # a line the next one's first word would not have fitted after was wrapped: the text goes on (a label set
    # in a narrow column with wide line spacing, “资金总 / 额及构 / 成”), it is not the end of a cell's text
    # (the padding, as the lines show it; a text centred in the cell shows none: taken as small)
    left, right = min(line.x0 - drawn[0] for line in lines), min(drawn[2] - line.x1 for line in lines)
    pad = max(0.0, min(PAD, left, SNAP if abs(left - right) <= 1.0 else PAD))
    room = (drawn[2] - drawn[0]) - 2 * pad
    clusters: list[list[_Line]] = [[lines[0]]]
    any_wrapped = False
    for prev, line in zip(lines, lines[1:], strict=False):
        size = max(prev.size, line.size, 1.0)
        wrapped = (prev.x1 - prev.x0) + _first_token_width(line) > room - 0.25 * prev.size
        any_wrapped = any_wrapped or wrapped
        if (not wrapped and line.top - prev.bottom > APART * size
                and any(prev.bottom <= y <= line.top for y in inner)):
            clusters.append([line])
        else:
            clusters[-1].append(line)
    if len(clusters) == 1:
        return whole, None if any_wrapped else _one_to_a_band(lines, [top, *inner, bottom])
    size = max(line.size for line in lines)
    tol = SNAP + 0.1 * size
    fits: set[tuple[float, ...]] = set()
    # at the top of its band, as the first cluster is
    lead = clusters[0][0].top - top
    cuts = []
    for above, below in zip(clusters, clusters[1:], strict=False):
        ok = [y for y in inner if above[-1].bottom <= y <= below[0].top]
        if ok and abs(below[0].top - max(ok) - lead) <= tol:
            cuts.append(max(ok))
    if len(cuts) == len(clusters) - 1:
        fits.add(tuple(cuts))
    # at the foot of its band, as the last cluster is
    tail = bottom - clusters[-1][-1].bottom
    cuts = []
    for above, below in zip(clusters, clusters[1:], strict=False):
        ok = [y for y in inner if above[-1].bottom <= y <= below[0].top]
        if ok and abs(min(ok) - above[-1].bottom - tail) <= tol:
            cuts.append(min(ok))
    if len(cuts) == len(clusters) - 1:
        fits.add(tuple(cuts))
    # in the middle of its band
    start, cuts = top, []
    for above, below in zip(clusters, clusters[1:], strict=False):
        end = 2 * (above[0].top + above[-1].bottom) / 2 - start
        ok = [y for y in inner if above[-1].bottom <= y <= below[0].top]
        near = min(ok, key=lambda y: abs(y - end)) if ok else None
        if near is None or abs(near - end) > tol:
            break
        cuts.append(near)
        start = near
    last = clusters[-1]
    if len(cuts) == len(clusters) - 1 and abs(last[0].top + last[-1].bottom - start - bottom) <= 2 * tol:
        fits.add(tuple(cuts))
    texts = "".join(f"“{' '.join(line.text for line in c)}”" for c in clusters)
    if len(fits) != 1:
        return whole, (f"这个单元格里的几段文字（{texts}）分在表格的不同行，像是几个单元格之间少画了线，"
                       "无法确定各自的范围，按一个单元格读取；请核对")
    (chosen,) = fits
    edges = [top, *chosen, bottom]
    return [(edges[k], edges[k + 1], c) for k, c in enumerate(clusters)], None


def _one_to_a_band(lines: Sequence[_Line], edges: Sequence[float]) -> str | None:
    """A doubt when the lines of a cell over several row bands stand one to a band, each in the middle of its
    own (two cells' texts in rows as tight as their lines, printed without the line between them), which one
    text's paragraphs centred in the cell cannot be told from: reported, not split."""
    bands = []
    for line in lines:
        k = next((i for i in range(len(edges) - 1)
                  if edges[i] - SNAP <= line.top and line.bottom <= edges[i + 1] + SNAP), None)
        if k is None or abs((line.top + line.bottom) - (edges[k] + edges[k + 1])) > 2 * (SNAP + 0.1 * line.size):
            return None
        bands.append(k)
    if len(set(bands)) < len(bands):
        return None
    texts = "".join(f"“{line.text}”" for line in lines)
    return (f"这个单元格里的几行文字（{texts}）各占表格的一行，可能是几个单元格之间少画了线，按一个单元格读取；"
            "请核对")


def apart_in_columns(drawn: Sequence[float], lines: Sequence[_Line], xs: Sequence[float]) -> str | None:
    """A doubt when a cell the ruling lines close over several column bands the table's other rows define
    (``xs``: its column boundaries) holds texts standing apart side by side, each in a band of its own: two
    cells printed without the line between them (“100%” and “已完成” read as one 指标值, the 备注 lost). The
    texts of all its lines are taken together (a paragraph wrapping over lines is one piece); a piece ends where
    nothing is printed for more than APART type sizes (no typed spaces there either: a text spread with spaces
    is one) over a column boundary. Reported, never split: a merged cell's one text, centred or not, is one
    piece."""
    inner = [x for x in xs if drawn[0] + SNAP < x < drawn[2] - SNAP]
    if not inner or not lines:
        return None
    spans = sorted((ch["x0"], ch["x1"], ch["size"]) for line in lines for ch in line.chars)
    pieces: list[list[float]] = []  # [x0, x1, size]
    for x0, x1, size in spans:
        last = pieces[-1] if pieces else None
        if last is not None and not (x0 - last[1] > APART * max(size, last[2], 1.0)
                                     and any(last[1] <= x <= x0 for x in inner)):
            last[1], last[2] = max(last[1], x1), max(last[2], size)
        else:
            pieces.append([x0, x1, size])
    if len(pieces) < 2:
        return None
    edges = [drawn[0], *inner, drawn[2]]
    bands = []
    for x0, x1, _ in pieces:
        k = next((i for i in range(len(edges) - 1) if edges[i] - OVERHANG <= x0 and x1 <= edges[i + 1] + OVERHANG),
                 None)
        if k is None:
            return None  # a piece over a column boundary: no cell's text
        bands.append(k)
    if len(set(bands)) < len(bands):
        return None
    texts = "".join(
        "“" + " ".join(t for t in (_line_text([ch for ch in line.chars if x0 <= ch["x0"] and ch["x1"] <= x1],
                                              line.gap) for line in lines) if t) + "”"
        for x0, x1, _ in pieces)
    return (f"这个单元格里的几段文字（{texts}）左右分开，各在表格的一列，像是几个单元格之间少画了竖线，按一个单元格"
            "读取；请核对")
