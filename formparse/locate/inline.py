"""Values typed inside a label's own cell: several labelled values in one running text, items by number."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..schema import Field
from ..text import norm

# Characters a label's fold stands for in running text (the text is matched as typed, not folded).
_TYPED = {":": "[:：]", "(": "[(（]", ")": "[)）]"}


def _label_re(label: str) -> re.Pattern[str]:
    """A label in running text: any white space between its characters, then a colon."""
    chars = [_TYPED.get(ch) or re.escape(ch) for ch in norm(label)]
    return re.compile(r"\s*".join(chars) + r"\s*[:：]")


# Brackets that group labelled values in running text (“300万元（其中：A：1万元；B：2万元）”) and what joins
# the values inside them: cut out of the text, a value loses them.
_OPENERS, _CLOSERS, _JOINERS = "（([【", "）)]】", "；;，,、"


def _grouping(text: str, starts: list[int]) -> tuple[set[int], list[tuple[int, int]]]:
    """The positions of bracket pairs that enclose a later label (structure, not value), and those pairs."""
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if ch in _OPENERS:
            stack.append(i)
        elif ch in _CLOSERS and stack:
            o = stack.pop()
            if any(o < k < i for k in starts):
                pairs.append((o, i))
    return {i for pair in pairs for i in pair}, pairs


def _segment(text: str, a: int, b: int, drop: set[int], pairs: list[tuple[int, int]]) -> str | None:
    v = "".join(ch for i, ch in enumerate(text[a:b], a) if i not in drop).strip()
    if any(o < a and b <= c + 1 for o, c in pairs):  # inside a group: the joiners around it go too
        v = v.strip(_JOINERS).strip()
    return v or None


def split_inline(text: str, later: Iterable[Field]) -> dict[str, str | None]:
    """Cut an inline value where a later field's “label：” begins; {key: value} for those found."""
    cuts: list[tuple[int, int, str]] = []
    for f in later:
        # of a field's labels, the one written (an alias “XY：” holds the shorter label “Y：” of the same field)
        found = [(m.start(), -m.end(), m.end()) for label in f.labels if (m := _label_re(label).search(text))]
        if found:
            start, _, end = min(found)
            cuts.append((start, end, f.key))
    cuts.sort()
    drop, pairs = _grouping(text, [c[0] for c in cuts]) if cuts else (set(), [])
    out: dict[str, str | None] = {}
    first = cuts[0][0] if cuts else len(text)
    out["__head__"] = _segment(text, 0, first, drop, pairs)
    for k, (_start, end, key) in enumerate(cuts):
        stop = cuts[k + 1][0] if k + 1 < len(cuts) else len(text)
        out[key] = _segment(text, end, stop, drop, pairs)
    return out


def split_items(text: str, marker: re.Pattern[str]) -> tuple[str, list[str]]:
    """Split a cell's text at lines that start with an item number: (text before, [items])."""
    head: list[str] = []
    items: list[list[str]] = []
    for line in text.split("\n"):
        m = marker.match(line)
        if m:
            items.append([line[m.end():]])
        elif items:
            items[-1].append(line)
        else:
            head.append(line)
    return "\n".join(head), ["\n".join(lines) for lines in items]
