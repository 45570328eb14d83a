"""A corpus of submissions of every class a finance bureau receives, made the way the submitters' tools make them
(issue 18): generated records (tests/structural.py, tests/structural_project.py) laid out by other hands, 附件1,
附件2 and packets (附件1 + 附件2 in one file), saved

* by LibreOffice (and WPS's “另存为 OpenDocument”, which writes the same) as .ods/.fods/.xls (from the workbooks)
  and .odt/.fodt/.rtf/.doc (from the documents), one soffice call per format (as tests/structural.py convert());
* as Strict Open XML (ISO/IEC 29500 Strict namespaces and relationship types; LibreOffice cannot write Strict,
  so the transitional parts are rewritten as tests/test_strict_ooxml.py does);
* with zero-width, no-break and full-width spaces through every label and value (tests/test_text_boundary.py);
* with 填报单位/单位 lines in the .docx page headers (default, first, even) and 填报人/联系电话 in the footers;
* with a hidden sheet first holding last year's copy of the form (year one less, every amount doubled), the
  visible form after it — as .xlsx, and that workbook saved by LibreOffice as .ods and .xls.

``make(root, n)`` writes the corpus and returns its entries; each knows what ``parse`` (``parse --all`` for a
packet) must print. ``scripts/try_classes.py`` runs the CLI over it as a user would; the slow test
tests/acceptance/test_classes.py reads it.
"""

from __future__ import annotations

import copy
import json
import random
import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lxml import etree

import formparse
from formparse.backends import legacy
from tests.conftest import numeric
from tests.partkit import parts_of, rewrite
from tests.structural import Para, RandomChooser, build, draw_style, expected, random_record, write_docx, write_xlsx
from tests.structural_project import build as build_project
from tests.structural_project import draw_style as draw_project_style
from tests.structural_project import expected as expected_project
from tests.structural_project import random_project
from tests.test_strict_ooxml import _strict
from tests.test_text_boundary import _sprinkled

# LibreOffice's export filter for each format made from a workbook or a document
LO_TARGETS = {"ods": "ods:calc8", "fods": "fods:OpenDocument Spreadsheet Flat XML", "xls": "xls:MS Excel 97",
              "odt": "odt:writer8", "fodt": "fodt:OpenDocument Text Flat XML", "rtf": "rtf:Rich Text Format",
              "doc": "doc:MS Word 97"}
FROM = {"xlsx": ("ods", "fods", "xls"), "docx": ("odt", "fodt", "rtf", "doc")}


@dataclass
class Entry:
    path: Path
    cls: str           # the class: native, libreoffice-ods, strict, spaces, page-parts, hidden-sheet, …
    kind: str          # 附件1 | 附件2 | packet
    want: list[dict]   # the records' contract JSON (numeric), in order; one for a single form

    @property
    def packet(self) -> bool:
        return self.kind == "packet"


def _json(record) -> dict:
    return numeric(json.loads(formparse.dumps(record)))


def _form(i: int, kind: str, fmt: str, lines: bool = False):
    """A generated record of ``kind`` in an other hand's layout drawn for ``fmt``: (form, expected record).
    ``lines``: the 填报单位/单位 and 填报人 lines typed outside the form's table (for page headers/footers)."""
    rng = random.Random(f"classes-{kind}-{fmt}-{i}")
    if kind == "附件1":
        record = random_record(rng)
        style = draw_style(RandomChooser(rng), record, fmt)
        if lines and style.footer not in ("cells", "paragraph"):
            style = replace(style, footer=rng.choice(["cells", "paragraph"]))
        return build(record, style), expected(record, style)
    project = random_project(rng)
    pstyle = draw_project_style(RandomChooser(rng), project, fmt)
    if lines:
        pstyle = replace(pstyle, footer="paragraph", unit_line=rng.choice(["paras", "one_para"]))
    return build_project(project, pstyle), expected_project(project, pstyle)


def _packet_docx(forms, path: Path) -> Path:
    first, *rest = forms
    parts = list(first.parts)
    for form in rest:
        parts += [Para("", page_break=True), *form.parts]
    return write_docx(type(first)(parts), path)


def _packet_xlsx(forms, path: Path, tmp: Path) -> Path:
    """Each form's workbook (as write_xlsx makes it) copied onto its own sheet of one workbook, as a submitter
    assembles a packet by pasting values (a formula's cached value is copied, not the formula)."""
    from openpyxl import Workbook, load_workbook

    out = Workbook()
    out.remove(out.active)
    for k, form in enumerate(forms):
        single = load_workbook(write_xlsx(form, tmp / f"packet-part-{k}.xlsx"), data_only=True)
        src = single.worksheets[-1]
        ws = out.create_sheet(f"{src.title}-{k + 1}" if k else src.title)
        for row in src.iter_rows():
            for cell in row:
                if cell.value is not None:
                    dst = ws.cell(row=cell.row, column=cell.column, value=cell.value)
                    dst.number_format = cell.number_format
        for rng in src.merged_cells.ranges:
            ws.merge_cells(str(rng))
        for key, dim in src.column_dimensions.items():
            ws.column_dimensions[key].hidden = dim.hidden
            ws.column_dimensions[key].width = dim.width
        for key, dim in src.row_dimensions.items():
            ws.row_dimensions[key].hidden = dim.hidden
    out.save(path)
    return path


# -- classes made by rewriting parts -----------------------------------------------------------------------
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_T = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."
_HEAD = ("填报单位", "单位：", "单位:")
_FOOT = ("填报人", "联系电话", "单位负责人", "填报日期")


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _moved_lines(children: list[Any]) -> tuple[list[Any], list[Any]] | None:
    """Of one form's body elements, the lines under the title before its first table (填报单位, 单位, however
    worded) and the 填报人/联系电话 lines (a paragraph, or the small table) after it; None when either is
    missing (typed in the form's table)."""
    tables = [i for i, el in enumerate(children) if el.tag == _w("tbl")]
    if not tables:
        return None
    head, foot = [], []
    for i, el in enumerate(children):
        text = "".join(el.itertext()).strip()
        if el.tag == _w("p") and i < tables[0] and text and not text.startswith("附件") and "申报表" not in text \
                and "年度）" not in text:
            head.append(el)
        elif i > tables[0] and any(w in text for w in _FOOT) and len(text) < 200:
            foot.append(el)
    return (head, foot) if head and foot else None


def page_parts(src: Path, dst: Path) -> Path | None:
    """``src`` (.docx) with each form's body-level 填报单位/单位 lines moved into page headers (default, first and
    even pages, each the same lines) and its 填报人/联系电话 lines (a paragraph or the small table after the form)
    into the footers; a packet's forms each become a section (the page break between them a section break)
    with headers and footers of its own. None when a form has no such line outside its table."""
    parts = parts_of(src)
    doc = etree.fromstring(parts["word/document.xml"])
    body = doc.find(_w("body"))
    forms: list[list[Any]] = []
    for el in body:  # a form begins at its “附件1”/“附件2” line
        if el.tag == _w("sectPr"):
            continue
        if not forms or el.tag == _w("p") and "".join(el.itertext()).strip() in ("附件1", "附件2"):
            forms.append([])
        forms[-1].append(el)
    moved = [_moved_lines(children) for children in forms]
    if any(m is None for m in moved):
        return None
    final = body.find(_w("sectPr"))
    sects = []
    for children in forms[1:]:  # a section break (a new page) before each form after the first
        brk = etree.Element(_w("p"))
        sect = copy.deepcopy(final)
        for ref in sect.findall(_w("headerReference")) + sect.findall(_w("footerReference")):
            sect.remove(ref)
        etree.SubElement(brk, _w("pPr")).append(sect)
        children[0].addprevious(brk)
        sects.append(sect)
    sects.append(final)
    add: dict[str, bytes] = {}
    rels, types = [], []
    for k, ((head, foot), sect) in enumerate(zip(moved, sects, strict=True)):  # type: ignore[misc]
        for el in head + foot:
            body.remove(el)
        for n, (tag, kind) in enumerate((("headerReference", "default"), ("headerReference", "first"),
                                         ("headerReference", "even"), ("footerReference", "default"),
                                         ("footerReference", "first"), ("footerReference", "even"))):
            rid, name = f"rIdPage{k}x{n}", f"{tag[:6]}{k}x{n}.xml"
            sect.insert(n, etree.Element(_w(tag), {_w("type"): kind, f"{{{R}}}id": rid}))
            rels.append(f'<Relationship Id="{rid}" Type="{REL_T}{tag[:6]}" Target="{name}"/>')
            types.append(f'<Override PartName="/word/{name}" ContentType="{CT}{tag[:6]}+xml"/>')
            root = etree.Element(_w("hdr" if tag.startswith("header") else "ftr"), nsmap={"w": W, "r": R})
            root.extend(copy.deepcopy(el) for el in (head if tag.startswith("header") else foot))
            add[f"word/{name}"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        if sect.find(_w("titlePg")) is None:
            etree.SubElement(sect, _w("titlePg"))
    add["word/document.xml"] = etree.tostring(doc, xml_declaration=True, encoding="UTF-8", standalone=True)
    add["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].decode("utf-8").replace(
        "</Relationships>", "".join(rels) + "</Relationships>").encode("utf-8")
    add["[Content_Types].xml"] = parts["[Content_Types].xml"].decode("utf-8").replace(
        "</Types>", "".join(types) + "</Types>").encode("utf-8")
    return rewrite(src, dst, add=add)


def last_years_copy(wb: Any, sheet: Any, title: str) -> Any:
    """A copy of ``sheet`` (openpyxl) as last year's form: 2020 → 2019 in its texts, every number doubled."""
    old = wb.copy_worksheet(sheet)
    old.title = title
    for row in old.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and "2020" in cell.value:
                cell.value = cell.value.replace("2020", "2019")
            elif isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                cell.value = cell.value * 2
    return old


def hidden_copy(src: Path, dst: Path) -> Path:
    """``src`` (.xlsx) with a hidden copy of each form sheet put first: last year's (2019), every amount doubled."""
    from openpyxl import load_workbook

    wb = load_workbook(src)
    for k, sheet in enumerate(list(wb.worksheets)):
        if sheet.title == "填报说明":
            continue
        old = last_years_copy(wb, sheet, f"2019年-{k + 1}")
        wb.move_sheet(old, offset=-len(wb.worksheets) + 1)
        old.sheet_state = "hidden"
    wb.active = len(wb.worksheets) - 1
    wb.save(dst)
    return dst


def _libreoffice(files: list[Path], fmt: str, outdir: Path, profile: Path) -> list[Path]:
    """One soffice call saving every file as ``fmt``."""
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run([legacy.soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", LO_TARGETS[fmt], "--outdir", str(outdir), *map(str, files)],
                   check=True, capture_output=True, timeout=1800)
    out = [outdir / f"{p.stem}.{fmt}" for p in files]
    missing = [p.name for p in out if not p.is_file()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {missing}")
    return out


def make(root: Path, n: int = 3, packets: int = 1) -> list[Entry]:
    """``n`` 附件1 and ``n`` 附件2 per base format (.xlsx, .docx), and ``packets`` packets per base format, in every
    class; LibreOffice needed."""
    root.mkdir(parents=True, exist_ok=True)
    base: dict[str, list[Entry]] = {"xlsx": [], "docx": []}
    with tempfile.TemporaryDirectory(prefix="classes-") as tmp_name:
        tmp = Path(tmp_name)
        for fmt in ("xlsx", "docx"):
            for kind in ("附件1", "附件2"):
                for i in range(n):
                    form, want = _form(i, kind, fmt)
                    path = root / "native" / f"{kind}-{i}.{fmt}"
                    path.parent.mkdir(exist_ok=True)
                    (write_xlsx if fmt == "xlsx" else write_docx)(form, path)
                    base[fmt].append(Entry(path, "native", kind, [_json(want)]))
            for i in range(packets):
                made = [_form(100 + i, "附件1", fmt), *(_form(100 + 10 * i + k, "附件2", fmt) for k in range(2))]
                path = root / "native" / f"packet-{i}.{fmt}"
                if fmt == "xlsx":
                    _packet_xlsx([f for f, _ in made], path, tmp)
                else:
                    _packet_docx([f for f, _ in made], path)
                base[fmt].append(Entry(path, "native", "packet", [_json(w) for _, w in made]))
    entries = [e for fmt in base for e in base[fmt]]
    for fmt, entries_of in base.items():
        for e in entries_of:
            strict = rewrite(e.path, _in(root, "strict", e.path), _strict)
            entries.append(Entry(strict, "strict", e.kind, e.want))
            spaced = rewrite(e.path, _in(root, "spaces", e.path), _sprinkled)
            entries.append(Entry(spaced, "spaces", e.kind, e.want))
            if fmt != "docx":
                entries.append(Entry(hidden_copy(e.path, _in(root, "hidden-sheet", e.path)), "hidden-sheet",
                                     e.kind, e.want))
    entries += _page_part_entries(root, n, packets)
    for e in [e for e in entries if e.cls in ("page-parts", "hidden-sheet")]:  # the classes combined
        (root / f"strict-{e.cls}").mkdir(exist_ok=True)
        strict = rewrite(e.path, root / f"strict-{e.cls}" / e.path.name, _strict)
        entries.append(Entry(strict, f"strict-{e.cls}", e.kind, e.want))
    profile = root / ".profile"
    for fmt, targets in FROM.items():
        sources = [e for e in base[fmt]]
        for target in targets:
            out = _libreoffice([e.path for e in sources], target, root / f"libreoffice-{target}", profile)
            entries += [Entry(p, f"libreoffice-{target}", e.kind, e.want) for p, e in zip(out, sources, strict=True)]
    hidden = [e for e in entries if e.cls == "hidden-sheet"]
    for target in ("ods", "xls"):
        out = _libreoffice([e.path for e in hidden], target, root / f"hidden-sheet-{target}", profile)
        entries += [Entry(p, f"hidden-sheet-{target}", e.kind, e.want) for p, e in zip(out, hidden, strict=True)]
    paged = [e for e in entries if e.cls == "page-parts"]
    for target in ("odt", "rtf"):
        out = _libreoffice([e.path for e in paged], target, root / f"page-parts-{target}", profile)
        entries += [Entry(p, f"page-parts-{target}", e.kind, e.want) for p, e in zip(out, paged, strict=True)]
    spaced = [e for e in entries if e.cls == "spaces" and e.path.suffix == ".docx"]
    out = _libreoffice([e.path for e in spaced], "odt", root / "spaces-odt", profile)
    entries += [Entry(p, "spaces-odt", e.kind, e.want) for p, e in zip(out, spaced, strict=True)]
    return entries


def _page_part_entries(root: Path, n: int, packets: int) -> list[Entry]:
    """The page-parts class: forms typed with their unit and filler lines outside the table, those lines then
    moved into the page headers and footers (a packet: a section per form, each with its own)."""
    out = []
    with tempfile.TemporaryDirectory(prefix="classes-pages-") as tmp_name:
        tmp = Path(tmp_name)
        for kind in ("附件1", "附件2"):
            for i in range(n):
                form, want = _form(i, kind, "docx", lines=True)
                src = write_docx(form, tmp / f"{kind}-{i}.docx")
                moved = page_parts(src, _in(root, "page-parts", src))
                if moved is not None:
                    out.append(Entry(moved, "page-parts", kind, [_json(want)]))
        for i in range(packets):
            made = [_form(100 + i, "附件1", "docx", lines=True),
                    *(_form(100 + 10 * i + k, "附件2", "docx", lines=True) for k in range(2))]
            src = _packet_docx([f for f, _ in made], tmp / f"packet-{i}.docx")
            moved = page_parts(src, _in(root, "page-parts", src))
            if moved is not None:
                out.append(Entry(moved, "page-parts", "packet", [_json(w) for _, w in made]))
    return out


def _in(root: Path, cls: str, path: Path) -> Path:
    (root / cls).mkdir(exist_ok=True)
    return root / cls / path.name


def _missing(want: Any, got: Any) -> list[Any] | None:
    """The wanted values ``got`` lacks or has otherwise (leaves), or None when ``got`` holds a value the form
    does not show (a value invented: never reported)."""
    if want == got:
        return []
    if isinstance(want, dict) and isinstance(got, dict):
        out: list[Any] = []
        for k in want.keys() | got.keys():
            leaves = _missing(want.get(k), got.get(k))
            if leaves is None:
                return None
            out += leaves
        return out
    if isinstance(want, list) and isinstance(got, list):
        if len(want) == len(got):
            pairs = [_missing(a, b) for a, b in zip(want, got, strict=True)]
            return None if any(p is None for p in pairs) else [x for p in pairs for x in p]  # type: ignore[union-attr]
        if any(item not in want for item in got):
            return None
        return [leaf for item in want if item not in got for leaf in _leaves(item)]
    if want is None:
        return None
    return _leaves(want)


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _leaves(v)]
    if isinstance(value, list):
        return [x for v in value for x in _leaves(v)]
    return [] if value is None else [value]


def verdict(entry: Entry, got: list[dict] | None, error: str | None, warnings: str = "") -> str:
    """exact | refused (a typed error: reported) | reported (values missing, every one of them quoted by a
    warning: 未读取的内容 …) | WRONG (a value differs and nothing says so)."""
    if error is not None:
        return "refused"
    if got == entry.want:
        return "exact"
    missing = _missing(entry.want, got) if got is not None and len(got) == len(entry.want) else None
    if missing is None:
        return "WRONG"
    folded = "".join(warnings.split()).replace(",", "")
    return "reported" if all("".join(str(v).split()) in folded for v in missing) else "WRONG"


def read(entry: Entry) -> tuple[list[dict] | None, str | None, str]:
    """What ``formparse`` makes of the entry in-process: (records, None, warnings) or (None, the error, "")."""
    try:
        if entry.packet:
            found = formparse.read_all(entry.path)
            records = [f.record for f in found]
        else:
            records = [formparse.read(entry.path)]
    except formparse.FormparseError as exc:
        return None, f"{type(exc).__name__}: {exc}", ""
    return [_json(r) for r in records], None, "\n".join(str(w) for r in records for w in r.warnings)
