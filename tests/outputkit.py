"""Hostile submissions and names for the output tests, made from a filled blank form and patched."""

from __future__ import annotations

import os
import zipfile
from decimal import Decimal
from pathlib import Path

import formparse
from formparse import Indicator, Record, Review

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
