"""General field types a layout schema can name: pure functions text → value and value → text.

Nothing here knows a form: the schema supplies the option lists, the pair labels and the unit. Each
type has a ``parse_*`` (what a submitter typed → the value; ``ValueError`` with a Chinese message
when the text cannot be that value) and a ``format_*`` (the value → the text the writer puts in the
cell), and ``parse(format(x)) == x`` for every value of the type.

* **choice** — check boxes in one cell, “新增项目□　　延续项目☑”, “☑新增项目 □延续项目”, “延续项目√”,
  “√新增”, “（√）新增项目（ ）延续项目”. A mark belongs to the option nearest to it (a tie is settled by
  the way the whole cell is written: marks before or after their options). An option may be named by a
  prefix of it that no other option shares (“新增” for “新增项目”). A cell that names exactly one option
  and has no marks at all chose it (the submitter deleted the others).
* **pairs** — several “label：amount” pairs in one cell, “资金总额：300万元 财政拨款：200万元 …”: colons
  of either width or none, any spaces or line breaks, thousands separators, full-width digits, units
  (元, 千元, 万元, 亿元, converted exactly to the schema's unit), a null mark (“—”, “无”, “/”) or nothing
  for a blank.
* **date** — “2020年1月10日”, “2020 年 1 月 10 日”, “二〇二〇年一月十日”, “2020-01-10”, “2020.1.10”;
  the printed blank “    年  月  日” is None. ``precision="month"`` for a date written to the month
  (“2020年1月” → date(2020, 1, 1)).
* **date range** — two dates joined by 至 / 到 / ~ / — / -, “2020年1月至2020年12月”; the end may leave
  out the start's year (“2020年1月至12月”).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation

from ._startcache import lazy_re
from .text import format_money

# What a submitter puts in or for a box. Ticked: the ballot boxes with a check or a cross (Word's check
# box content control shows ☒), filled squares and circles, the tick marks. Empty: the hollow boxes.
TICKED = frozenset("☑☒✅■▣◼◾▪⬛√✓✔⊠●◉")
EMPTY = frozenset("□☐◻◽▢⬜▫○◯")
MARKS = TICKED | EMPTY
TICK = "☑"
BOX = "□"
# A bracket pair standing for a box: “（√）” is ticked, “（ ）” is empty.
_BRACKET_BOX = lazy_re(r"[(\[【〔]\s*([" + re.escape("".join(TICKED)) + r"]?)\s*[)\]】〕]")
# Shortest prefix of an option that may name it (one character names too much).
MIN_PREFIX = 2


def _fold(text: str) -> str:
    """NFKC, character by character where that keeps one character (so positions stay the same)."""
    out = []
    for ch in text:
        f = unicodedata.normalize("NFKC", ch)
        out.append(f if len(f) == 1 else ch)
    return "".join(out)


def _spaced(name: str) -> str:
    """A regex for ``name`` with any white space between its characters (“新 增 项 目”)."""
    return r"\s*".join(re.escape(c) for c in _fold(name) if not c.isspace())


def _option_names(options: Sequence[str], aliases: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Every way an option may be written (white space removed) → the option."""
    if not options:
        raise ValueError("选项列表为空")
    if len(set(options)) != len(options):
        raise ValueError("选项列表有重复：" + "、".join(options))
    full: dict[str, str] = {}
    for opt in options:
        for name in (opt, *aliases.get(opt, ())):
            key = "".join(_fold(name).split())
            if not key or any(c in MARKS for c in key):
                raise ValueError(f"选项“{name}”为空或含有勾选符号")
            if full.get(key, opt) != opt:
                raise ValueError(f"选项名“{name}”同时属于“{full[key]}”和“{opt}”")
            full[key] = opt
    names = dict(full)
    for key, opt in full.items():
        for n in range(MIN_PREFIX, len(key)):
            prefix = key[:n]
            # a prefix is usable only if it cannot be read inside any other option's name
            if prefix in names or any(prefix in other for other, o in full.items() if o != opt):
                continue
            names[prefix] = opt
    return names


def _choice_marks(text: str, options: Sequence[str], aliases: Mapping[str, Sequence[str]]) -> set[str]:
    if any(ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff" for ch in text):
        raise ValueError(f"“{text.strip()}”中有无法识别的符号（符号字体或私用区字符），无法判断勾选了哪一项")
    s = _BRACKET_BOX.sub(lambda m: m[1] or BOX, _fold(text))
    names = _option_names(options, aliases)
    pattern = re.compile("|".join(_spaced(n) for n in sorted(names, key=len, reverse=True)))
    labels = [(m.start(), m.end(), names["".join(m[0].split())]) for m in pattern.finditer(s)]
    # A run of adjacent marks is one box (“□√”: a tick put beside the box), ticked if any mark in it is.
    marks: list[tuple[int, int, bool]] = []  # (first, last position, ticked)
    for i, ch in enumerate(s):
        if ch not in MARKS:
            continue
        if marks and marks[-1][1] == i - 1:
            first, _, ticked_run = marks[-1]
            marks[-1] = (first, i, ticked_run or ch in TICKED)
        else:
            marks.append((i, i, ch in TICKED))
    if not marks:
        named = {opt for _, _, opt in labels}
        if len(named) == 1 and len(options) > 1:
            return named  # the other options were deleted: the one left is the choice
        if not labels and s.strip():
            raise ValueError(f"“{text.strip()}”中没有可识别的选项（{'、'.join(options)}）")
        return set()
    if not labels:
        if any(t for _, _, t in marks):
            raise ValueError(f"“{text.strip()}”有勾选标记，但没有写出选项（{'、'.join(options)}）")
        return set()
    # How the cell is written as a whole: mark, option, mark, option … (before) or the other way (after).
    tokens = sorted([(a, "L") for a, _, _ in labels] + [(i, "M") for i, _, _ in marks])
    kinds = [k for _, k in tokens]
    side = None
    if len(labels) == len(marks) and all(kinds[i] != kinds[i + 1] for i in range(len(kinds) - 1)):
        side = "before" if kinds[0] == "M" else "after"
    ticked: set[str] = set()
    for pos, last, is_ticked in marks:
        if not is_ticked:
            continue
        after = [(pos - end, opt) for _, end, opt in labels if end <= pos]  # the option is before the mark
        before = [(start - last - 1, opt) for start, _, opt in labels if start > last]
        gap_a, opt_a = min(after) if after else (None, None)
        gap_b, opt_b = min(before) if before else (None, None)
        if gap_b is None or (gap_a is not None and gap_a < gap_b):
            ticked.add(opt_a)  # type: ignore[arg-type]
        elif gap_a is None or gap_b < gap_a:
            ticked.add(opt_b)  # type: ignore[arg-type]
        elif opt_a == opt_b:
            ticked.add(opt_a)  # type: ignore[arg-type]
        elif side is not None:
            ticked.add(opt_a if side == "after" else opt_b)  # type: ignore[arg-type]
        else:
            raise ValueError(f"“{text.strip()}”：无法判断勾选的是“{opt_a}”还是“{opt_b}”")
    return ticked


# What may stand between the options of a check-box cell besides white space and marks.
_OPTION_SEPARATORS = frozenset("、,，;；/|")


def options_in(text: str | None, options: Sequence[str], *,
               aliases: Mapping[str, Sequence[str]] | None = None) -> tuple[str, ...]:
    """The options a cell names when it holds nothing but options and their boxes (“延续项目√”, “□新增项目”),
    in the order of ``options``; () for any other text (a cell of its own holding part of a choice)."""
    if text is None or not text.strip():
        return ()
    s = _BRACKET_BOX.sub(lambda m: m[1] or BOX, _fold(text))
    names = _option_names(options, aliases or {})
    pattern = re.compile("|".join(_spaced(n) for n in sorted(names, key=len, reverse=True)))
    named = {names["".join(m[0].split())] for m in pattern.finditer(s)}
    rest = pattern.sub("", s)
    if not named or any(not (ch.isspace() or ch in MARKS or ch in _OPTION_SEPARATORS) for ch in rest):
        return ()
    return tuple(o for o in options if o in named)


def parse_choices(text: str | None, options: Sequence[str], *,
                  aliases: Mapping[str, Sequence[str]] | None = None) -> tuple[str, ...]:
    """The ticked options of a check-box cell, in the order of ``options`` (several may be ticked).

    ``aliases`` maps an option to other ways it is written. Raises ValueError for a tick that cannot be
    placed, or a cell that names none of the options.
    """
    if text is None or not text.strip():
        return ()
    ticked = _choice_marks(text, options, aliases or {})
    return tuple(o for o in options if o in ticked)


def parse_choice(text: str | None, options: Sequence[str], *,
                 aliases: Mapping[str, Sequence[str]] | None = None) -> str | None:
    """The one ticked option of a check-box cell, or None when none is ticked.

    Raises ValueError when more than one is ticked, or as :func:`parse_choices`.
    """
    ticked = parse_choices(text, options, aliases=aliases)
    if len(ticked) > 1:
        raise ValueError(f"“{(text or '').strip()}”勾选了多项（{'、'.join(ticked)}），只能选一项")
    return ticked[0] if ticked else None


def format_choices(values: Iterable[str], options: Sequence[str], *, box: str = "after", sep: str = "　　") -> str:
    """The cell text with ``values`` ticked (☑) and every other option an empty box (□).

    ``box`` is where the form prints the box: "after" (“新增项目□”) or "before" (“□新增项目”).
    """
    chosen = set(values)
    unknown = chosen - set(options)
    if unknown:
        raise ValueError(f"“{'、'.join(sorted(unknown))}”不是可选项（{'、'.join(options)}）")
    if box not in ("after", "before"):
        raise ValueError(f"box must be 'after' or 'before', not {box!r}")
    _option_names(options, {})
    parts = []
    for opt in options:
        mark = TICK if opt in chosen else BOX
        parts.append(opt + mark if box == "after" else mark + opt)
    return sep.join(parts)


def format_choice(value: str | None, options: Sequence[str], *, box: str = "after", sep: str = "　　") -> str:
    """The cell text with ``value`` (or nothing, for None) ticked."""
    return format_choices(() if value is None else (value,), options, box=box, sep=sep)


# ---------------------------------------------------------------------------------------------- pairs

# How many of the base unit (元) each written unit is.
UNITS = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "万": Decimal(10000),
         "亿元": Decimal(10) ** 8, "亿": Decimal(10) ** 8}
_NULL = ("——", "—", "–", "-", "/", "无")
_AMOUNT = lazy_re(r"[¥￥]?\s*([+-]?(?:[0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+))\s*(" +
                  "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True)) + r")?")
_UNIT_NOTE = lazy_re(r"^\(\s*(" + "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True)) + r")\s*\)\s*:?")
# What may follow a label for it to be one: a colon, an amount, a blank, or a separator.
_AFTER_LABEL = r"(?:\s*:|(?=\s*[0-9+.¥￥\-—–/无])|(?=\s)|(?=[;,，；、。()（）])|$)"


def _pair_labels(pairs: Sequence[tuple[str, str | Sequence[str]]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, labels in pairs:
        for label in ([labels] if isinstance(labels, str) else list(labels)):
            name = "".join(_fold(label).split()).rstrip(":")
            if not name:
                raise ValueError(f"“{key}”的标签为空")
            if out.get(name, key) != key:
                raise ValueError(f"标签“{label}”同时属于“{out[name]}”和“{key}”")
            out[name] = key
    if not out:
        raise ValueError("没有给出任何标签")
    return out


def _label_of(pairs: Sequence[tuple[str, str | Sequence[str]]], key: str) -> str:
    for k, labels in pairs:
        if k == key:
            return labels if isinstance(labels, str) else labels[0]
    raise KeyError(key)


def parse_pairs(text: str | None, pairs: Sequence[tuple[str, str | Sequence[str]]], *,
                unit: str = "万元") -> dict[str, Decimal | None]:
    """Amounts typed after their labels in one cell → {key: Decimal in ``unit`` or None}, every key present.

    ``pairs`` is ``[(key, label or [label, alias, …]), …]``. A key whose label is absent or left blank is
    None. Raises ValueError for an amount that is not a number, a number that follows no label, or a
    key given two different amounts.
    """
    if unit not in UNITS:
        raise ValueError(f"不认识的金额单位“{unit}”（可用：{'、'.join(UNITS)}）")
    names = _pair_labels(pairs)
    out: dict[str, Decimal | None] = {key: None for key, _ in pairs}
    if text is None or not text.strip():
        return out
    s = _fold(text).replace("，", ",")
    pattern = re.compile("(" + "|".join(_spaced(n) for n in sorted(names, key=len, reverse=True)) + ")"
                         + _AFTER_LABEL)
    hits = list(pattern.finditer(s))
    if not hits:
        raise ValueError(f"“{text.strip()}”中没有可识别的项目（{'、'.join(_label_of(pairs, k) for k, _ in pairs)}）")
    if re.search(r"[0-9]", s[: hits[0].start()]):
        raise ValueError(f"“{s[: hits[0].start()].strip()}”中的数字不属于任何项目")
    seen: set[str] = set()
    for i, m in enumerate(hits):
        key = names["".join(m[1].split())]
        label = m[1]
        segment = s[m.end(): hits[i + 1].start() if i + 1 < len(hits) else len(s)]
        body = segment.strip()
        written = _UNIT_NOTE.match(body)  # “资金总额（万元）：300”: the unit said once, after the label
        note_unit = written[1] if written else None
        if written:
            body = body[written.end():].strip()
        value: Decimal | None = None
        rest = body
        amount = _AMOUNT.match(body)
        if amount and re.search(r"[0-9]", amount[1]):
            digits = amount[1].replace(",", "")
            try:
                value = Decimal(digits)
            except InvalidOperation as exc:  # pragma: no cover - the regex guarantees the form
                raise ValueError(f"“{label}”的金额“{body}”无法识别") from exc
            said = amount[2] or note_unit
            if said and UNITS[said] != UNITS[unit]:
                value = value * UNITS[said] / UNITS[unit]
            rest = body[amount.end():]
        elif body.startswith(_NULL):
            rest = body.lstrip("".join(_NULL))
        elif body[:1].isalnum():  # words where the amount should be (“三百万元”)
            raise ValueError(f"“{label}”后的“{body}”无法识别为金额")
        if re.search(r"[0-9]", rest):
            raise ValueError(f"“{label}”后的“{body}”无法识别为金额")
        if key in seen and value is not None and out[key] is not None and out[key] != value:
            raise ValueError(f"“{label}”出现两次，金额不同（{out[key]}、{value}）")
        if out[key] is None:  # a later bare mention (“其他资金：0（其他）”) does not blank an amount
            out[key] = value
        seen.add(key)
    return out


def format_pairs(values: Mapping[str, Decimal | None], pairs: Sequence[tuple[str, str | Sequence[str]]], *,
                 unit: str = "万元", sep: str = "　") -> str:
    """“资金总额：300万元　财政拨款：…” for ``values``; a blank (None or absent) key keeps its bare label."""
    _pair_labels(pairs)
    if unit not in UNITS:
        raise ValueError(f"不认识的金额单位“{unit}”")
    unknown = set(values) - {key for key, _ in pairs}
    if unknown:
        raise ValueError(f"没有这些项目：{'、'.join(sorted(unknown))}")
    parts = []
    for key, labels in pairs:
        label = (labels if isinstance(labels, str) else labels[0]).rstrip(":：")
        v = values.get(key)
        if v is not None and not (isinstance(v, Decimal) and v.is_finite()):
            raise ValueError(f"“{label}”的金额必须是有限的 Decimal，不是 {v!r}")
        parts.append(f"{label}：" + ("" if v is None else f"{format_money(v)}{unit}"))
    return sep.join(parts)


# ---------------------------------------------------------------------------------------------- dates

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_RUN = lazy_re("[〇○零一二三四五六七八九十]+")
_PRECISIONS = ("day", "month")
_CN_FULL = lazy_re(r"^(\d{4})年(\d{1,2})月(?:(\d{1,2})[日号])?$")
_NUMERIC = lazy_re(r"^(\d{4})[-./](\d{1,2})(?:[-./](\d{1,2}))?$")
BLANK_DATE = {"day": "    年  月  日", "month": "    年  月"}


def _cn_number(run: str) -> str:
    if "十" not in run:
        return "".join(str(_CN_DIGITS[c]) for c in run)
    tens, _, ones = run.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return run  # not a number of a date; left for the pattern to refuse
    return str((_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0))


def parse_date(text: str | dt.date | None, *, precision: str = "day") -> dt.date | None:
    """A date as written on a form → ``datetime.date``; the printed blank (“  年  月  日”) → None.

    ``precision`` is "day" (the day must be given) or "month" (written to the month; the day must not be
    given; the result is the month's first day). A date cell of a spreadsheet may be passed as a date.
    Raises ValueError for a partial, impossible or unreadable date.
    """
    if precision not in _PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(_PRECISIONS)}, not {precision!r}")
    if isinstance(text, dt.datetime):
        text = text.date()
    if isinstance(text, dt.date):
        if precision == "month" and text.day != 1:
            raise ValueError(f"“{text.isoformat()}”应只写到月")
        return text
    if text is None:
        return None
    s = "".join(_fold(text).split())
    if not s.strip("年月日号-./"):
        return None
    s = _CN_RUN.sub(lambda m: _cn_number(m[0]), s)
    m = _CN_FULL.match(s) or _NUMERIC.match(s)
    if not m:
        raise ValueError(f"“{text.strip()}”不是完整的日期（应写作“2020年1月10日”）" if precision == "day"
                         else f"“{text.strip()}”不是年月（应写作“2020年1月”）")
    year, month, day = int(m[1]), int(m[2]), m[3]
    if precision == "day" and day is None:
        raise ValueError(f"“{text.strip()}”缺少日")
    if precision == "month" and day is not None:
        raise ValueError(f"“{text.strip()}”应只写到月")
    try:
        return dt.date(year, month, int(day) if day else 1)
    except ValueError as exc:
        raise ValueError(f"“{text.strip()}”不是有效日期") from exc


def format_date(value: dt.date | None, *, precision: str = "day") -> str:
    """“2020年1月10日” (or “2020年1月” for month precision); None → the printed blank."""
    if precision not in _PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(_PRECISIONS)}, not {precision!r}")
    if value is None:
        return BLANK_DATE[precision]
    if precision == "month":
        if value.day != 1:
            raise ValueError(f"{value.isoformat()} is not the first day of a month")
        return f"{value.year}年{value.month}月"
    return f"{value.year}年{value.month}月{value.day}日"


_RANGE_SEP = lazy_re(r"至|到|~|～|—+|–|-|－")


def parse_date_range(text: str | None, *, precision: str = "month") -> tuple[dt.date, dt.date] | None:
    """“2020年1月至2020年12月” → (start, end); a blank range → None.

    The end may leave out the start's year (“2020年1月至12月”). Raises ValueError for one blank end, an
    end before its start, or text that splits into two dates in no way or in more than one.
    """
    if text is None:
        return None
    s = "".join(_fold(text).split())
    if not s.strip("年月日号至到~～—–-－./"):
        return None
    found: list[tuple[dt.date, dt.date]] = []
    for m in _RANGE_SEP.finditer(s):
        a, b = s[: m.start()], s[m.end():]
        if not a or not b:
            continue
        if re.match(r"^(\d{1,2}|[一二三四五六七八九十]+)月", b):
            year = re.match(r"^(\d{4}|[〇○零一二三四五六七八九]{4})年", a)
            if year:
                b = year[0] + b
        try:
            start, end = parse_date(a, precision=precision), parse_date(b, precision=precision)
        except ValueError:
            continue
        if start is None or end is None:
            raise ValueError(f"“{text.strip()}”：起止时间只填了一头")
        found.append((start, end))
    if not found:
        raise ValueError(f"“{text.strip()}”不是起止时间（应写作“2020年1月至2020年12月”）")
    if len(set(found)) > 1:
        raise ValueError(f"“{text.strip()}”：起止时间有多种读法")
    start, end = found[0]
    if end < start:
        raise ValueError(f"“{text.strip()}”：结束早于开始")
    return start, end


def format_date_range(value: tuple[dt.date, dt.date] | None, *, precision: str = "month", sep: str = "至") -> str:
    """“2020年1月至2020年12月”; None → the printed blank of both ends."""
    if value is None:
        return BLANK_DATE[precision] + sep + BLANK_DATE[precision]
    start, end = value
    if end < start:
        raise ValueError(f"{end.isoformat()} is before {start.isoformat()}")
    return format_date(start, precision=precision) + sep + format_date(end, precision=precision)
