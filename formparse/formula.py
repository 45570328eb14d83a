"""The simple spreadsheet formulas a form uses — cell references, + - * /, parentheses, SUM over
ranges — evaluated exactly (Decimal), for totals saved by scripts without a cached value."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from ._startcache import lazy_re

_TOKEN = lazy_re(r"\s*(?:(?P<num>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)|"
                 r"(?P<range>\$?[A-Z]{1,3}\$?[0-9]+:\$?[A-Z]{1,3}\$?[0-9]+)|"
                 r"(?P<ref>\$?[A-Z]{1,3}\$?[0-9]+)|(?P<func>SUM)\s*\(|(?P<op>[-+*/(),]))", re.I)
_CELL = lazy_re(r"\$?([A-Z]{1,3})\$?([0-9]+)", re.I)

Lookup = Callable[[int, int], Decimal | None]  # (row, col), 1-based → value (None: blank)


class Unsupported(ValueError):
    """A formula outside what we evaluate (other functions, other sheets, text)."""


def _rc(ref: str) -> tuple[int, int]:
    m = _CELL.fullmatch(ref)
    if not m:
        raise Unsupported(ref)
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.strip().lstrip("=")
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise Unsupported(text)
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def evaluate(formula: str, lookup: Lookup) -> Decimal:
    """The value of ``formula``; raises Unsupported when it is not one of the simple forms."""
    toks = _tokens(formula)
    i = 0

    def peek() -> tuple[str, str] | None:
        return toks[i] if i < len(toks) else None

    def take() -> tuple[str, str]:
        nonlocal i
        if i >= len(toks):
            raise Unsupported(formula)
        i += 1
        return toks[i - 1]

    def value_at(ref: str) -> Decimal:
        v = lookup(*_rc(ref))
        return Decimal(0) if v is None else v

    def items() -> Decimal:
        total = Decimal(0)
        while True:
            tok = peek()
            if tok and tok[0] == "range":
                take()
                a, b = tok[1].split(":")
                (r0, c0), (r1, c1) = _rc(a), _rc(b)
                if (abs(r1 - r0) + 1) * (abs(c1 - c0) + 1) > 100_000:
                    raise Unsupported(formula)
                for r in range(min(r0, r1), max(r0, r1) + 1):
                    for c in range(min(c0, c1), max(c0, c1) + 1):
                        v = lookup(r, c)
                        total += v if v is not None else 0
            else:
                total += expr()
            tok = take()
            if tok == ("op", ")"):
                return total
            if tok != ("op", ","):
                raise Unsupported(formula)

    def factor() -> Decimal:
        kind, text = take()
        if kind == "op" and text in "+-":
            v = factor()
            return -v if text == "-" else v
        if kind == "num":
            return Decimal(text)
        if kind == "ref":
            return value_at(text)
        if kind == "func":
            return items()
        if (kind, text) == ("op", "("):
            v = expr()
            if take() != ("op", ")"):
                raise Unsupported(formula)
            return v
        raise Unsupported(formula)

    def term() -> Decimal:
        v = factor()
        while (tok := peek()) and tok[0] == "op" and tok[1] in "*/":
            take()
            rhs = factor()
            try:
                v = v * rhs if tok[1] == "*" else v / rhs
            except (InvalidOperation, ZeroDivisionError) as exc:
                raise Unsupported(formula) from exc
        return v

    def expr() -> Decimal:
        v = term()
        while (tok := peek()) and tok[0] == "op" and tok[1] in "+-":
            take()
            rhs = term()
            v = v + rhs if tok[1] == "+" else v - rhs
        return v

    result = expr()
    if i != len(toks):
        raise Unsupported(formula)
    return result
