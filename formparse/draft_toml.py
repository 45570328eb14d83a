"""A drafted layout schema written out as TOML, commented for the person who adopts it."""

from __future__ import annotations

import json
import re

from .draft_grid import YEAR, DField, Drafter
from .text import norm


def _s(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; DEL must be escaped too)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _regex(text: str) -> str:
    """A TOML literal string for a regular expression (a basic one when it holds a quote)."""
    plain = "'" not in text and all(ch == "\t" or (ch >= " " and ch != "\x7f") for ch in text)
    return f"'{text}'" if plain else _s(text)


def _note_pattern(text: str) -> str:
    folded = norm(text)
    parts = re.split(r"[0-9]+", folded)
    return "^" + "[0-9]*".join(re.escape(p) for p in parts) + "$"


def _field_line(key: str, f: DField) -> str:
    kind = f.kind.get("type", "text")
    extra = ""
    if kind == "choice":
        extra = f", options = [{', '.join(_s(o) for o in f.kind['options'])}], box = {_s(f.kind['box'])}"
    if f.optional:
        extra += ", optional = true"
    return f"  {{ key = {_s(key)}, label = {_s(f.label)}, type = {_s(kind)}{extra} }},  # {f.cell.address}"


def render(d: Drafter, schema_id: str, name: str, source: str, template: str | None = None) -> str:
    lines = [
        f"# Drafted by `formparse schema draft` from {source}.",
        "# 草稿：请核对每个块、改好键名（key）与类型（type: text, phone, count, money），再用",
        "# `formparse schema check` 在填好的表上试读。/ A draft: check every block, rename keys, set types,",
        "# then try it on filled copies with `formparse schema check`.",
        "",
        f"id = {_s(schema_id)}",
        f"name = {_s(name)}",
    ]
    if template:
        lines.append("# the blank form `formparse fill` writes into / 填写时用的空白表（相对于本文件所在的文件夹）")
        lines.append(f"template = {_s(template)}")
    identify = []
    for b in d.blocks:
        if b.kind in ("table", "list") and b.label:
            identify.append(b.label)
        elif b.kind == "band":
            identify += [g for g, _ in b.groups]
        elif b.kind == "matrix" and b.label:
            identify.append(b.label)
    firsts: dict[str, str] = {}
    for x in identify:
        firsts.setdefault(norm(x), x)
    identify = list(firsts.values())
    if identify:
        lines.append(f"identify = [{', '.join(_s(x) for x in identify)}]")
    notes = list(dict.fromkeys(_note_pattern(t) for t in d.notes if norm(t)))
    if notes:
        lines.append("# printed text that carries no value / 表上印好的、不含数值的文字")
        lines.append("notes = [")
        lines += [f"  {_regex(n)}," for n in notes]
        lines.append("]")
    nf = ng = nt = nl = nm = 0
    for b in d.blocks:
        lines.append("")
        lines.append("[[blocks]]")
        if b.kind == "title":
            assert b.title is not None
            folded = norm(b.title)
            year, shown = YEAR.search(folded), YEAR.search(b.title)
            if b.label is not None:  # a year line, or the year written before the title
                pattern = f"^[(]?(?P<year>[0-9]{{4}})?年度?[)]?(?:{re.escape(b.label)})?$"
                text, blank = b.title, YEAR.sub("    ", b.title)
                if shown:
                    text = b.title[: shown.start()] + "{year}" + b.title[shown.end():]
            elif year and shown:
                # matched on the folded text; written as printed
                head, tail = folded[: year.start()], folded[year.end():]
                pattern = f"^{re.escape(head)}(?P<year>[0-9]{{4}})?{re.escape(tail)}"
                head, tail = b.title[: shown.start()], b.title[shown.end():]
                text, blank = f"{head}{{year}}{tail}", f"{head}    {tail}"
            else:
                # no year printed in the title: the group matches a year written anywhere on its line
                pattern = f"^(?=(?:.*?(?P<year>[0-9]{{4}})年)?).*?{re.escape(folded)}"
                text = blank = b.title
            lines += ['kind = "title"', 'key = "year"', f"pattern = {_regex(pattern)}",
                      f"text = {_s(text)}", f"blank = {_s(blank)}"]
        elif b.kind == "fields":
            lines.append('kind = "fields"')
            if b.label:
                lines.append(f"section = {_s(b.label)}")
            lines.append("fields = [")
            for f in b.fields:
                nf += 1
                lines.append(_field_line(f"f{nf}", f))
            lines.append("]")
        elif b.kind == "band":
            lines += ['kind = "band"', "groups = ["]
            for label, fields in b.groups:
                ng += 1
                lines.append(f"  {{ key = \"g{ng}\", label = {_s(label)}, fields = [")
                for k, f in enumerate(fields):
                    lines.append("  " + _field_line(f"h{k + 1}", f))
                lines.append("  ] },")
            lines.append("]")
        elif b.kind == "matrix":
            nm += 1
            lines += ['kind = "matrix"', f'key = "m{nm}"']
            if b.label:
                lines.append(f"label = {_s(b.label)}")
            lines.append("rows = [")
            lines += [f"  {{ key = \"r{k + 1}\", label = {_s(f.label)} }},  # {f.cell.address}"
                      for k, f in enumerate(b.rows)]
            lines.append("]")
            lines.append("columns = [")
            lines += [f"  {{ key = \"c{k + 1}\", label = {_s(f.label)}, type = \"text\" }},  # {f.cell.address}"
                      for k, f in enumerate(b.fields)]
            lines.append("]")
        elif b.kind == "list":
            nl += 1
            assert b.label is not None and b.marker is not None
            lines += ['kind = "list"', f'key = "l{nl}"', f"label = {_s(b.label)}"]
            if b.intro:
                lines.append(f'intro = "l{nl}_intro"')
            lines.append(f"marker = {_s(b.marker)}")
        elif b.kind == "table":
            nt += 1
            assert b.label is not None
            lines += ['kind = "table"', f'key = "t{nt}"', f"label = {_s(b.label)}", "columns = ["]
            for c in b.columns:
                opts = "".join(f", {k} = {_s(v) if isinstance(v, str) else str(v).lower()}"
                               for k, v in c.items() if k not in ("key", "label"))
                lines.append(f"  {{ key = {_s(c['key'])}, label = {_s(c['label'])}{opts} }},")
            lines.append("]")
            lines.append(f"required_any = [{', '.join(_s(k) for k in b.required_any)}]")
            lines.append(f"slots = {b.slots}  # empty item rows on the blank form / 空白表上的空行数")
            if b.prefill:
                lines.append("prefill = [")
                lines += [f"  [{_s(a)}, [{', '.join(_s(x) for x in subs)}]]," for a, subs in b.prefill]
                lines.append("]")
    return "\n".join(lines) + "\n"

