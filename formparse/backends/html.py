"""HTML and MHTML “spreadsheets”: what many government systems export under an .xls name.

The page's tables become grid rows (rowspan/colspan as merges), text outside tables becomes
paragraph rows, in page order. A form's check box or radio button (``<input type="checkbox" checked>``) is
the mark it shows, ☑ or □, where it stands.
"""

from __future__ import annotations

import email
import email.policy
import re
from typing import Any

from lxml import etree
from lxml import html as lhtml

from ..errors import UnreadableFile, UnsafeFile
from ..grid import Cell, Grid
from ..limits import DEFAULT, Limits
from .symbols import EMPTY, TICKED

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "center", "span", "font", "b", "strong"}
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


def decode(data: bytes) -> str:
    """Text of an HTML file: BOM, then <meta charset>, then UTF-8, then GB18030 (what Chinese systems use)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    m = _CHARSET.search(data[:4096])
    if m:
        try:
            return data.decode(m.group(1).decode("ascii"), "replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


def mhtml_html(data: bytes, path: str) -> str:
    """The HTML part of an MHTML (web archive) file."""
    msg = email.message_from_bytes(data, policy=email.policy.default)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                charset = part.get_content_charset()
                if charset:
                    try:
                        return payload.decode(charset, "replace")
                    except LookupError:
                        pass
                return decode(payload)
    raise UnreadableFile("MHTML 文件里没有网页部分", path=path)


def _text(el: Any) -> str:
    out: list[str] = []

    def walk(node: Any) -> None:
        if node.tag is etree.Comment or node.tag in ("script", "style"):
            return
        if node.tag == "br":
            out.append("\n")
        elif node.tag == "input" and (node.get("type") or "").strip().lower() in ("checkbox", "radio"):
            out.append(TICKED if node.get("checked") is not None else EMPTY)  # a form's tick box, as it shows
        elif node.text:
            out.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                out.append(child.tail)
        if node.tag in ("p", "div", "li", "tr") and out and not out[-1].endswith("\n"):
            out.append("\n")

    walk(el)
    # HTML collapses runs of white space except the line breaks we made from <br> and blocks
    lines = [re.sub(r"[ \t\r\n\f]+", " ", line) for line in "".join(out).split("\n")]
    return "\n".join(lines).strip("\n")


class _Builder:
    def __init__(self, path: str, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self.rows: list[list[Cell | None]] = []
        self.n_tables = 0

    def paragraph(self, text: str) -> None:
        if text.strip():
            r = len(self.rows)
            self.rows.append([Cell(row=r, col=0, text=text, address=f"第{r + 1}行", paragraph=True)])

    def table(self, table: Any) -> None:
        self.n_tables += 1
        t = self.n_tables
        start = len(self.rows)
        trs = [tr for tr in table.iter("tr") if _owner(tr) is table]
        grid: list[list[Cell | None]] = [[] for _ in trs]
        for i, tr in enumerate(trs):
            col = 0
            for td in tr:
                if td.tag not in ("td", "th"):
                    continue
                while col < len(grid[i]) and grid[i][col] is not None:
                    col += 1
                try:
                    span = max(1, int(td.get("colspan", "1") or 1))
                    down = max(1, int(td.get("rowspan", "1") or 1))
                except ValueError:
                    span = down = 1
                if col + span > self.limits.max_cols or span > self.limits.max_cols:
                    raise UnsafeFile(f"表{t}第{i + 1}行超过 {self.limits.max_cols} 列", path=self.path)
                down = min(down, len(trs) - i)
                cell = Cell(row=start + i, col=col, text=_text(td), rowspan=down, colspan=span,
                            address=f"表{t}第{i + 1}行第{col + 1}列")
                if len(cell.text) > self.limits.max_text_chars:
                    raise UnsafeFile(f"有单元格的文字超过 {self.limits.max_text_chars} 字", path=self.path)
                for k in range(i, i + down):
                    line = grid[k]
                    if len(line) < col + span:
                        line.extend([None] * (col + span - len(line)))
                    for c in range(col, col + span):
                        line[c] = cell
                col += span
        self.rows.extend(grid)
        if len(self.rows) > self.limits.max_rows:
            raise UnsafeFile(f"网页表格超过 {self.limits.max_rows} 行", path=self.path)

    def walk(self, node: Any) -> None:
        for child in node:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "table":
                self.table(child)
            elif child.find(".//table") is not None:
                if child.text and child.text.strip():
                    self.paragraph(child.text)
                self.walk(child)
            elif child.tag in _BLOCKS or child.tag not in ("script", "style", "head", "title"):
                self.paragraph(_text(child))
            if child.tail and child.tail.strip():
                self.paragraph(child.tail)


def _owner(tr: Any) -> Any:
    for anc in tr.iterancestors("table"):
        return anc
    return None


def read_grids(path: str, data: bytes, *, mhtml: bool = False, limits: Limits = DEFAULT) -> list[Grid]:
    text = mhtml_html(data, path) if mhtml else decode(data)
    try:
        root = lhtml.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableFile(f"网页无法解析：{exc}", path=path) from exc
    body = root.find("body")
    b = _Builder(path, limits)
    b.walk(body if body is not None else root)
    return [Grid(b.rows, source=path)]
