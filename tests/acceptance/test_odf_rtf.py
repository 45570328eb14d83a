"""OpenDocument and RTF made by real LibreOffice, the way departments save them (slow: LibreOffice batches).

* every sample and packet saved as .rtf reads to its .docx original's JSON (through the long-lived LibreOffice);
* the differential: each .ods/.odt of tests/data/odf read natively gives the grid LibreOffice's own .xlsx/.docx
  of that file gives (texts, spans, addresses, hidden rows, columns and sheets);
* structural layout variants (tests/structural.py, tests/structural_project.py) and drifted submissions
  (tests/drift.py) saved as .ods/.odt/.rtf read exact.
"""

import random
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import formparse
from formparse.backends import legacy, open_grids
from tests.acceptance.test_structural import assert_reads
from tests.acceptance.test_structural_project import assert_reads as assert_reads_project
from tests.conftest import PACKETS, SAMPLES, needs_soffice
from tests.drift import drifted
from tests.strategies import records
from tests.structural import RandomChooser, build, draw_style, expected, random_record, write_html
from tests.structural_project import build as build_project
from tests.structural_project import draw_style as draw_project_style
from tests.structural_project import expected as expected_project
from tests.structural_project import random_project

pytestmark = [pytest.mark.acceptance, pytest.mark.slow, needs_soffice()]
DATA = Path(__file__).parent.parent / "data" / "odf"
# LibreOffice's export filters, and the import filter a web page is opened with for each
TARGETS = {"ods": ("HTML (StarCalc)", "ods:calc8"), "odt": ("HTML (StarWriter)", "odt:writer8"),
           "rtf": ("HTML (StarWriter)", "rtf:Rich Text Format")}
STRUCTURAL = {"ods": 12, "odt": 12, "rtf": 8}  # 附件1 variants per format (附件2: half as many)
DRIFTED = 6  # drifted submissions per format


def _soffice(args: list[str], profile: Path) -> None:
    subprocess.run([legacy.soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    *args], check=True, capture_output=True, timeout=1200)


def _converted(files: list[Path], target: str, outdir: Path, profile: Path, infilter: str | None = None) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    _soffice([*([f"--infilter={infilter}"] if infilter else []), "--convert-to", target, "--outdir", str(outdir),
              *map(str, files)], profile)
    out = [outdir / f"{p.stem}.{target.partition(':')[0]}" for p in files]
    assert all(p.is_file() for p in out), f"LibreOffice did not write {[p.name for p in out if not p.is_file()]}"
    return out


# -- RTF ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rtf(tmp_path_factory):
    root = tmp_path_factory.mktemp("rtf")
    docs = sorted(SAMPLES.glob("*.docx")) + sorted(PACKETS.glob("*.docx"))
    return _converted(docs, "rtf", root / "rtf", root / "profile")


def test_rtf_of_every_sample_reads_as_its_original(rtf):
    for path in rtf:
        assert path.read_bytes().startswith(b"{\\rtf")
        original = (SAMPLES if path.name.startswith("附件") else PACKETS) / f"{path.stem}.docx"
        got = [(f.schema, formparse.to_dict(f.record)) for f in formparse.read_all(path)]
        assert got == [(f.schema, formparse.to_dict(f.record)) for f in formparse.read_all(original)], path.name
        if path.name.startswith("附件"):
            assert formparse.dumps(formparse.read(path)) == formparse.dumps(formparse.read(original)), path.name


def test_rtf_needs_libreoffice_and_says_so(rtf, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("FORMPARSE_SOFFICE", "")
    with pytest.raises(formparse.ConversionFailed, match="rtf.*apt-get install libreoffice"):
        formparse.read(rtf[0])


def test_rtf_is_not_a_template(rtf, tmp_path):
    record = formparse.read(rtf[0])
    with pytest.raises(formparse.FormparseError, match="RTF"):
        formparse.fill(record, tmp_path / "out.docx", template=rtf[0])


# -- the differential: ODF read natively against LibreOffice's own OOXML of the same file ---------------
def _picture(grid):
    # (a paragraph's page break before it is a line break in LibreOffice's .docx, and a field's trailing
    # carriage return a space in the .odt: white space at the ends of a text is left out)
    cells = [(c.address, c.text.rstrip().lstrip("\n"), c.rowspan, c.colspan, c.value) for c in grid.reading_order()]
    return cells, sorted(grid.hidden_rows), sorted(grid.hidden_cols)


@pytest.fixture(scope="module")
def back(tmp_path_factory):
    root = tmp_path_factory.mktemp("odf-back")
    out = {}
    for suffix, target in ((".ods", legacy.FILTERS["xlsx"]), (".odt", legacy.FILTERS["docx"])):
        files = sorted(DATA.glob(f"*{suffix}"))
        for src, dst in zip(files, _converted(files, target, root / suffix[1:], root / "profile"), strict=True):
            out[src.name] = dst
    return out


@pytest.mark.parametrize("path", sorted(p for p in DATA.iterdir() if p.suffix in (".ods", ".odt")),
                         ids=lambda p: p.name)
def test_odf_grids_are_libreoffices_ooxml_grids(back, path):
    native = [_picture(g) for g in open_grids(str(path))]
    route = [_picture(g) for g in open_grids(str(back[path.name]))]
    assert native == route


def test_hidden_rows_columns_and_sheets_agree_with_libreoffices_xlsx(tmp_path):
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLES / "附件1-2020-邵阳市科学技术局.xlsx")
    old = wb.copy_worksheet(wb.active)
    old.title = "去年"
    old.sheet_state = "hidden"
    wb.active.row_dimensions[3].hidden = True
    wb.active.column_dimensions["K"].hidden = True
    wb.save(tmp_path / "hidden.xlsx")
    (ods,) = _converted([tmp_path / "hidden.xlsx"], "ods", tmp_path / "ods", tmp_path / "profile")
    (xlsx,) = _converted([ods], legacy.FILTERS["xlsx"], tmp_path / "back", tmp_path / "profile")
    native, route = open_grids(str(ods)), open_grids(str(xlsx))
    assert [_picture(g) for g in native] == [_picture(g) for g in route]
    states = [ws.sheet_state for ws in openpyxl.load_workbook(xlsx).worksheets]
    assert [g.sheet_hidden for g in native] == [s != "visible" for s in states] == [False, True]
    original = open_grids(str(tmp_path / "hidden.xlsx"))[0]
    assert native[0].hidden_rows == original.hidden_rows == {2}
    assert 10 in native[0].hidden_cols and native[0].hidden_cols == original.hidden_cols


# -- structural layout variants and drifted submissions, saved by LibreOffice -----------------------------
@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    root = tmp_path_factory.mktemp("odf-variants")
    made = []
    for fmt, n in STRUCTURAL.items():
        pages, forms = [], []
        for i in range(n):
            rng = random.Random(f"odf-{fmt}-{i}")
            record = random_record(rng)
            style = draw_style(RandomChooser(rng), record, "html")
            pages.append(write_html(build(record, style), root / f"{fmt}-1-{i:02d}.html"))
            forms.append(("附件1", expected(record, style), style.classes(), not style.reviews))
        for i in range(n // 2):
            rng = random.Random(f"odf2-{fmt}-{i}")
            project = random_project(rng)
            pstyle = draw_project_style(RandomChooser(rng), project, "html")
            pages.append(write_html(build_project(project, pstyle), root / f"{fmt}-2-{i:02d}.html"))
            forms.append(("附件2", expected_project(project, pstyle), pstyle.classes(), False))
        infilter, target = TARGETS[fmt]
        for path, form in zip(_converted(pages, target, root / fmt, root / "profile", infilter), forms, strict=True):
            made.append((path, *form))
    return made


def test_layout_variants_saved_as_odf_and_rtf_read_exact(variants):
    assert len(variants) == sum(n + n // 2 for n in STRUCTURAL.values())
    for path, form, want, classes, no_reviews in variants:
        what = f"LibreOffice {path.suffix} {path.name} {classes or ['official']}"
        if form == "附件1":
            assert_reads(path, want, what, no_reviews=no_reviews)
        else:
            assert_reads_project(path, want, what)


@pytest.fixture(scope="module")
def drifted_files(tmp_path_factory):
    root = tmp_path_factory.mktemp("odf-drifted")
    made: list[tuple[Path, object]] = []

    def maker(suffix: str):
        @settings(max_examples=DRIFTED, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(data=st.data(), record=records)
        def make(data, record):
            with tempfile.TemporaryDirectory() as tmp:
                path, _ = data.draw(drifted(record, suffix, Path(tmp)))
                dst = root / f"drifted-{len(made):02d}{suffix}"
                shutil.copyfile(path, dst)
                made.append((dst, record))

        return make

    for suffix in (".xlsx", ".docx"):
        maker(suffix)()
    out = []
    for suffix, fmts in ((".xlsx", ("ods",)), (".docx", ("odt", "rtf"))):
        files = [(p, r) for p, r in made if p.suffix == suffix]
        for fmt in fmts:
            for src, (path, record) in zip(_converted([p for p, _ in files], fmt, root / fmt, root / "profile"),
                                           files, strict=True):
                out.append((src, path, record))
    return out


def test_drifted_submissions_saved_as_odf_and_rtf_read_exact(drifted_files):
    assert len(drifted_files) == 3 * DRIFTED
    for path, original, record in drifted_files:
        assert_reads(path, record, f"drifted {original.name} as {path.suffix}")


# -- check boxes set in symbol fonts, saved by LibreOffice -------------------------------------------------
def test_symbol_font_ticks_survive_libreoffices_odf_and_rtf(tmp_path):
    import attrs
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    from tests.test_backend_docx import PROJECT_DOCX, _retick, _sym
    from tests.test_backend_xlsx import PROJECT_XLSX, _kind_cell

    docs = [(_retick(PROJECT_DOCX, tmp_path / "sym.docx", lambda p: (
        p.add_run("新增项目"), _sym(p.add_run(), "Wingdings 2", "F0A3"), p.add_run("　　延续项目"),
        _sym(p.add_run(), "Wingdings 2", "F052"))), "延续项目"),
        (_retick(PROJECT_DOCX, tmp_path / "font.docx", lambda p: (
            p.add_run("新增项目"), setattr(p.add_run("R").font, "name", "Wingdings 2"), p.add_run("　　延续项目"),
            setattr(p.add_run("£").font, "name", "Wingdings 2"))), "新增项目")]
    wb = load_workbook(SAMPLES / PROJECT_XLSX)
    cell = _kind_cell(wb.worksheets[0])
    cell.value, cell.font = "新增项目£　　延续项目R", Font(name="Wingdings 2")
    wb.save(tmp_path / "font.xlsx")
    base = formparse.read(PROJECT_DOCX)
    cases = [(p, fmt, ticked) for p, ticked in docs for fmt in ("odt", "rtf")] + [(tmp_path / "font.xlsx", "ods",
                                                                                 "延续项目")]
    for src, fmt, ticked in cases:
        (made,) = _converted([src], fmt, tmp_path / f"{src.stem}-{fmt}", tmp_path / "profile")
        assert formparse.read(made) == attrs.evolve(base, project_kind=ticked), made.name


def _values(grid):
    """Every cell's address, value (and its type), spans, and text, the text of a number of 15 digits or more
    left out: Calc shows those in exponent form (“1.00000000000000E+17”), which is what its .ods holds."""
    out = []
    for c in grid.reading_order():
        huge = isinstance(c.value, int | float) and abs(c.value) >= 1e15
        out.append((c.address, c.value, type(c.value).__name__, c.rowspan, c.colspan, None if huge else c.text))
    return out


def test_awkward_numbers_dates_and_booleans_read_as_libreoffices_xlsx(tmp_path):
    from tests.test_backend_xls import _generated

    made = [_generated(tmp_path / f"generated-{seed:02d}.xlsx", seed) for seed in range(6)]
    ods = _converted(made, "ods", tmp_path / "ods", tmp_path / "profile")
    back = _converted(ods, legacy.FILTERS["xlsx"], tmp_path / "back", tmp_path / "profile")
    for native, route in zip(ods, back, strict=True):
        assert [_values(g) for g in open_grids(str(native))] == [_values(g) for g in open_grids(str(route))], \
            native.name


# -- Word's tracked changes and page headers, saved by LibreOffice as .odt ---------------------------------
def test_tracked_deletions_and_a_header_line_in_libreoffices_odt(tmp_path):
    from docx import Document
    from docx.oxml.ns import qn
    from lxml import etree

    src = SAMPLES / "附件1-2020-邵阳市科学技术局.docx"
    doc = Document(str(src))
    unit = next(p for p in doc.paragraphs if p.text.startswith("单位："))
    doc.sections[0].header.paragraphs[0].text = unit.text  # the 单位 line typed in the page header instead
    unit._p.getparent().remove(unit._p)
    cell = next(c for row in doc.tables[0].rows for c in row.cells if c.text.strip() == "25")
    p = cell.paragraphs[0]._p
    for tag, text, kind in (("w:del", "99", "w:delText"), ("w:ins", "", "w:t")):  # 99 deleted, nothing inserted
        change = etree.SubElement(p, qn(tag), {qn("w:id"): "1" if tag == "w:del" else "2", qn("w:author"): "某人",
                                              qn("w:date"): "2020-01-01T00:00:00Z"})
        etree.SubElement(etree.SubElement(change, qn("w:r")), qn(kind)).text = text
    doc.save(str(tmp_path / "changes.docx"))
    (odt,) = _converted([tmp_path / "changes.docx"], "odt", tmp_path / "odt", tmp_path / "profile")
    import zipfile

    with zipfile.ZipFile(odt) as zf:
        content, styles = zf.read("content.xml"), zf.read("styles.xml")
    assert b"text:tracked-changes" in content and "单位：万元".encode() in styles  # what LibreOffice made of it
    got = formparse.read(odt)
    assert formparse.dumps(got) == formparse.dumps(formparse.read(src))
    (g,) = open_grids(str(odt))
    assert g.rows[0][0].address == "页眉第1段" and g.rows[0][0].text.startswith("单位：万元")
