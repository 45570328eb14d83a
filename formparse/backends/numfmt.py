"""Render a spreadsheet number or date as Excel shows it under its number format.

Only what forms use: General, text (@), zero padding, fixed decimals, thousands separators,
percent, quoted literals, and date formats built from y/m/d (年/月/日 included). Anything else
falls back to the plain value, never to a float's repr noise.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

_QUOTED = re.compile(r'"([^"]*)"|\\(.)')
_DATE_TOKENS = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dd|d|hh|h|ss|s", re.I)


# A spreadsheet shows (and keeps exact) at most 15 significant digits of a stored float: 34.400000000000006
# is 34.4 to Excel, whether typed or a formula's cached value.
SHOWN_DIGITS = 15


def plain_number(value: float | int) -> str:
    """A number as a spreadsheet shows it in General: at most 15 significant digits, no exponent, no “.0”."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    shown = Decimal(format(value, f".{SHOWN_DIGITS}g"))
    text = format(shown, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _section(fmt: str, value: float | int) -> str:
    sections = fmt.split(";")
    if len(sections) > 1 and value < 0:
        return sections[1]
    return sections[0]


def _strip_literals(fmt: str) -> tuple[str, str, str]:
    """Split a number format into (prefix literal, numeric core, suffix literal)."""
    fmt = re.sub(r"\[[^\]]*\]", "", fmt)  # colours, locales, conditions
    core_start = next((i for i, ch in enumerate(fmt) if ch in "0#?.,"), None)
    if core_start is None:
        return fmt, "", ""
    core_end = core_start
    while core_end < len(fmt) and fmt[core_end] in "0#?.,%":
        core_end += 1

    def lit(s: str) -> str:
        return _QUOTED.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), s).replace("_)", "")

    return lit(fmt[:core_start]), fmt[core_start:core_end], lit(fmt[core_end:])


def format_number(value: float | int, fmt: str | None) -> str:
    """``value`` as shown under number format ``fmt``."""
    if fmt is None or fmt.strip() in ("", "General", "@") or isinstance(value, bool):
        return plain_number(value)
    section = _section(fmt, value)
    prefix, core, suffix = _strip_literals(section)
    if not core:
        return plain_number(value)
    percent = "%" in core or "%" in suffix
    number = Decimal(plain_number(value))
    if percent:
        number *= 100
    int_part, _, frac_part = core.replace("%", "").partition(".")
    decimals_min = frac_part.count("0")
    decimals_max = len(frac_part.replace(",", ""))
    quant = Decimal(1).scaleb(-decimals_max)
    number = number.quantize(quant, rounding=ROUND_HALF_UP)
    text = format(abs(number), "f")
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0") if decimals_max > decimals_min else frac
    frac = frac.ljust(decimals_min, "0")
    pad = int_part.count("0")
    whole = whole.lstrip("0") or ("0" if pad else "")
    whole = whole.rjust(pad, "0")
    if "," in int_part:
        whole = f"{int(whole or 0):,}" if whole else whole
    sign = "-" if number < 0 and len(fmt.split(";")) < 2 else ""
    pct = "%" if percent and "%" not in suffix else ""
    return sign + prefix + whole + ("." + frac if frac else "") + pct + suffix


def is_date_format(fmt: str | None) -> bool:
    if not fmt:
        return False
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", fmt)
    return bool(re.search(r"[ymdhs]", bare, re.I))


def format_date(value: dt.datetime | dt.date | dt.time, fmt: str | None) -> str:
    """A date as shown under ``fmt``; ISO when the format is not one we understand."""
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        value = value.date()
    if not fmt or not is_date_format(fmt):
        return value.isoformat()
    fmt = re.sub(r"\[[^\]]*\]", "", fmt.split(";")[0])
    out: list[str] = []
    i = 0
    last_was_hour = False
    while i < len(fmt):
        ch = fmt[i]
        if ch == '"':
            j = fmt.find('"', i + 1)
            j = len(fmt) if j < 0 else j
            out.append(fmt[i + 1 : j])
            i = j + 1
            continue
        if ch == "\\" and i + 1 < len(fmt):
            out.append(fmt[i + 1])
            i += 2
            continue
        m = _DATE_TOKENS.match(fmt, i)
        if m:
            tok = m.group(0).lower()
            d = value
            if tok == "yyyy":
                out.append(f"{d.year:04d}")
            elif tok == "yy":
                out.append(f"{d.year % 100:02d}")
            elif tok in ("mm", "m") and last_was_hour and isinstance(d, dt.datetime):
                out.append(f"{d.minute:02d}" if tok == "mm" else str(d.minute))
            elif tok == "mm":
                out.append(f"{d.month:02d}")
            elif tok == "m":
                out.append(str(d.month))
            elif tok in ("mmm", "mmmm"):
                out.append(d.strftime("%b" if tok == "mmm" else "%B"))
            elif tok == "dd":
                out.append(f"{d.day:02d}")
            elif tok == "d":
                out.append(str(d.day))
            elif tok in ("hh", "h"):
                out.append(f"{getattr(d, 'hour', 0):02d}" if tok == "hh" else str(getattr(d, "hour", 0)))
            elif tok in ("ss", "s"):
                out.append(f"{getattr(d, 'second', 0):02d}")
            last_was_hour = tok in ("hh", "h")
            i = m.end()
            continue
        out.append(ch)
        i += 1
    return "".join(out)
