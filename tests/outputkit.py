"""Hostile submissions and names for the output tests, made from a filled blank form and patched."""

from __future__ import annotations

import os
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import formparse
from formparse import Indicator, Record, Review
from formparse.writer import template_path

# Values that cannot occur anywhere else in the filled form, so a byte replace hits exactly one cell.
MARK_TEXT = "标记甲乙丙"
MARK_COUNT = 4242
MARK_MONEY = Decimal("777.25")


def base_record(n_goals: int = 2, n_indicators: int = 3) -> Record:
    rec = Record(year=2020, unit_name="邵阳市测试局", amount_unit="万元", functions=MARK_TEXT)
    rec.basic_info.staff_quota = MARK_COUNT
    rec.basic_info.staff_actual = 12
    rec.income.general_budget = MARK_MONEY
    rec.income.total = Decimal("800")
    rec.goals = [f"目标内容{k}" for k in range(n_goals)]
    level1 = ("产出指标", "效益指标", "满意度指标")
    rec.indicators = [Indicator(level1[k // 7 % 3] + ("" if k < 21 else str(k // 21)), f"二级{k // 3}",
                                f"指标内容{k}：完成情况良好，按计划推进", f"{k}项", "备注" if k % 4 == 0 else None)
                      for k in range(n_indicators)]
    rec.reviews = [Review("归口业务科室"), Review("绩效管理科室")]
    return rec


def _patch(path: Path, old: bytes, new: bytes) -> Path:
    with zipfile.ZipFile(path) as zf:
        items = [(i, zf.read(i.filename)) for i in zf.infolist()]
    hits = sum(d.count(old) for _, d in items)
    assert hits == 1, f"{old!r} found {hits} times"
    tmp = path.with_name(path.name + ".patch")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            zf.writestr(info.filename, data.replace(old, new))
    os.replace(tmp, path)
    return path


def filled(dst: Path, rec: Record | None = None) -> Path:
    return formparse.fill(rec or base_record(), dst)


def hostile_xlsx(dst: Path, what: str) -> Path:
    """A submission whose one cell holds ``what``: 'ctrl' (U+0001 in 单位职能概述), 'count' (编制人数 1E+20),
    'tiny' (money 1E-999999999), 'huge' (money 1E+300), 'digits' (money with 40 significant digits)."""
    filled(dst)
    if what == "ctrl":
        return _patch(dst, MARK_TEXT.encode(), "职能_x0001_概述\u0007".replace("\u0007", "_x0007_").encode())
    value = {"count": b"1E+20", "tiny": b"1E-999999999", "huge": b"1E+300",
             "digits": b"1234567890123456789.0123456789012345678901"}[what]
    old = f"<v>{MARK_COUNT}</v>" if what == "count" else f"<v>{MARK_MONEY}</v>"
    return _patch(dst, old.encode(), b"<v>" + value + b"</v>")


def gbk_name(folder: Path, stem: str = "附件1-邵阳市某局") -> Path:
    """A path in ``folder`` whose name is GBK bytes (as a Chinese zip unpacked on Linux leaves it)."""
    raw = os.fsencode(folder) + b"/" + stem.encode("gbk") + b".xlsx"
    return Path(os.fsdecode(raw))


def _rewrite_sheet(dst: Path, edit_sheet, extra: dict[str, bytes] | None = None, edit_types=None) -> Path:
    with zipfile.ZipFile(template_path(".xlsx")) as zf:
        items = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    sheet = next(n for n in items if n.startswith("xl/worksheets/sheet"))
    items[sheet] = edit_sheet(items[sheet].decode()).encode()
    items.update(extra or {})
    if edit_types:
        items["[Content_Types].xml"] = edit_types(items["[Content_Types].xml"])
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in items.items():
            zf.writestr(name, data)
    return dst


def many_merges(dst: Path, n: int) -> Path:
    """The blank form with ``n`` merged ranges (two per row) in rows below it, each with a little text."""
    first = 200

    def edit(s: str) -> str:
        rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c></row>'
                       for r in range(first, first + n // 2))
        merges = "".join(f'<mergeCell ref="A{r}:B{r}"/><mergeCell ref="C{r}:D{r}"/>'
                         for r in range(first, first + n // 2))
        s = s.replace("</sheetData>", rows + "</sheetData>")
        return re.sub(r'<mergeCells count="(\d+)">', lambda m: f'<mergeCells count="{int(m[1]) + n}">' + merges, s)

    return _rewrite_sheet(dst, edit)


def many_strings(dst: Path, n: int) -> Path:
    """The blank form with a shared-string table of ``n`` distinct strings (one used, in a far cell)."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    body = "".join(f"<si><t>共享字符串{k}</t></si>" for k in range(n))
    sst = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{ns}" count="{n}" uniqueCount="{n}">{body}</sst>'

    def edit(s: str) -> str:
        return s.replace("</sheetData>", f'<row r="300"><c r="A300" t="s"><v>{n - 1}</v></c></row></sheetData>')

    def types(t: bytes) -> bytes:
        if b"sharedStrings" in t:
            return t
        return t.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                      b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')

    with zipfile.ZipFile(template_path(".xlsx")) as zf:
        rels = zf.read("xl/_rels/workbook.xml.rels")
    if b"sharedStrings" not in rels:
        rels = rels.replace(b"</Relationships>", b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/'
                            b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                            b"</Relationships>")
    return _rewrite_sheet(dst, edit, {"xl/sharedStrings.xml": sst.encode(), "xl/_rels/workbook.xml.rels": rels},
                          types)
