"""The native .xls reader against the LibreOffice route (.xls → .xlsx by LibreOffice → the .xlsx reader).

Every sample, the blank template, drifted submissions and generated workbooks full of awkward numbers,
number formats, dates, text and merges are saved as .xls by real LibreOffice once per session, and
converted back to .xlsx the way ``legacy.convert`` does; the two grids must agree cell by cell
(text, value, spans, address, the extent), or both readers must raise the same error.
"""

import datetime as dt
import random
import subprocess
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import formparse
from formparse.backends import legacy, xls, xlsx
from formparse.backends.ooxml import Package
from formparse.errors import FormparseError, UnsafeFile
from formparse.limits import DEFAULT, Limits
from tests.conftest import TEMPLATES, expected_for, needs_soffice, numeric, sample_files
from tests.drift import drifted
from tests.strategies import records

TEXTS = ["编制人数", "合计", " ", "基本\n支出", "（万元）", "a  b", "12.50", "0571-1234"]
DRIFTED = 12
GENERATED = 10
FORMATS = ["General", "0", "0.00", "#,##0", "#,##0.00", "0%", "0.00%", "@", '0.00"万元"', "#,##0.00_);(#,##0.00)",
           "0.000", "#,##0.0000"]
DATE_FORMATS = ['yyyy"年"m"月"d"日"', 'm"月"d"日"', "yyyy/m/d", "yyyy-mm-dd", 'yyyy"年"m"月"']
AWKWARD = [0.1 + 0.2, 1 / 3, 373.51, 12345678901234567, 123456789012345678, 1e17, 1e20, 2.0**53 + 2, -5.5, 0,
           18973929192, 123456.789, 1e-7, 0.125, 99999999.995, 3.14159265358979, -0.0001, 2.675, 1.005, 0.1 + 0.7]


def _generated(path: Path, seed: int) -> Path:
    """A workbook of awkward cells: numbers under many formats, dates, booleans, text with line breaks and
    spaces, merges of several shapes, a second sheet."""
    rnd = random.Random(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"表{seed}"
    for row in range(1, rnd.randint(20, 60)):
        for col in range(1, rnd.randint(2, 9)):
            roll = rnd.random()
            cell = ws.cell(row=row, column=col)
            if roll < 0.35:
                cell.value = rnd.choice(AWKWARD) * rnd.choice([1, -1, 10, 0.01])
                cell.number_format = rnd.choice(FORMATS)
            elif roll < 0.45:
                cell.value = dt.date(2020, 1, 1) + dt.timedelta(days=rnd.randint(-3000, 3000))
                cell.number_format = rnd.choice(DATE_FORMATS)
            elif roll < 0.5:
                cell.value = rnd.choice([True, False])
            elif roll < 0.75:
                cell.value = rnd.choice(TEXTS)
    for _ in range(rnd.randint(0, 4)):
        r, c = rnd.randint(1, 70), rnd.randint(1, 12)
        ws.merge_cells(start_row=r, start_column=c, end_row=r + rnd.randint(0, 3), end_column=c + rnd.randint(1, 3))
    for _ in range(rnd.randint(0, 2)):  # hidden helper rows and columns (their state is the grid's)
        ws.row_dimensions[rnd.randint(1, 30)].hidden = True
        ws.column_dimensions[openpyxl.utils.get_column_letter(rnd.randint(1, 8))].hidden = True
    wb.create_sheet("第二页")["C4"] = "另一页"
    wb.save(path)
    return path


def _drifted(out: Path, count: int) -> list[Path]:
    made: list[Path] = []

    @settings(max_examples=count, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data(), record=records)
    def make(data, record):
        with tempfile.TemporaryDirectory() as tmp:
            path, _ = data.draw(drifted(record, ".xlsx", Path(tmp)))
            dst = out / f"drifted-{len(made):02d}.xlsx"
            dst.write_bytes(path.read_bytes())
            made.append(dst)

    make()
    return made


def _soffice(args: list[str], profile: Path) -> None:
    subprocess.run([legacy.soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    *args], check=True, capture_output=True, timeout=900)


@pytest.fixture(scope="session")
def xls_cases(tmp_path_factory):
    """(name, .xls made by LibreOffice, the .xlsx LibreOffice makes of that .xls), made once per session."""
    root = tmp_path_factory.mktemp("xls-cases")
    src = root / "xlsx"
    src.mkdir()
    originals = [p for p in sample_files() if p.suffix == ".xlsx"] + [TEMPLATES / "dept-overall-2020.xlsx"]
    for p in originals:
        (src / p.name).write_bytes(p.read_bytes())
    _drifted(src, DRIFTED)
    for seed in range(GENERATED):
        _generated(src / f"generated-{seed:02d}.xlsx", seed)
    names = sorted(p.stem for p in src.glob("*.xlsx"))
    _soffice(["--convert-to", "xls", "--outdir", str(root / "xls"), *(str(src / f"{n}.xlsx") for n in names)],
             root / "profile")
    _soffice(["--convert-to", legacy.FILTERS["xlsx"], "--outdir", str(root / "back"),
              *(str(root / "xls" / f"{n}.xls") for n in names)], root / "profile")
    return [(n, root / "xls" / f"{n}.xls", root / "back" / f"{n}.xlsx") for n in names]


def picture(grid):
    """Every position of a grid: the anchor's text, value, spans and address, or where its covering anchor is."""
    out = {}
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            if (cell.row, cell.col) == (r, c):
                out[(r, c)] = (cell.text, cell.value, type(cell.value).__name__, cell.rowspan, cell.colspan,
                               cell.address)
            else:
                out[(r, c)] = ("covered by", cell.row, cell.col)
    return len(grid.rows), [len(row) for row in grid.rows], out, sorted(grid.hidden_rows), sorted(grid.hidden_cols)


def _grids_or_error(read):
    try:
        return [picture(g) for g in read()]
    except FormparseError as exc:
        return (type(exc).__name__, exc.message)


@pytest.mark.slow
@needs_soffice()
def test_native_grids_are_the_libreoffice_routes(xls_cases):
    assert len(xls_cases) == 4 + DRIFTED + GENERATED
    mismatched, errors = [], 0
    for name, path, back in xls_cases:
        native = _grids_or_error(lambda: xls.read_grids(str(path), path.read_bytes(), DEFAULT))  # noqa: B023
        route = _grids_or_error(lambda: xlsx.read_grids(str(back), fast=False))  # noqa: B023
        if native != route:
            mismatched.append((name, _first_difference(native, route)))
        errors += isinstance(route, tuple)
    assert not mismatched, mismatched
    assert errors == 0  # every case compared grids, not just errors


def _first_difference(native, route):
    if isinstance(native, tuple) or isinstance(route, tuple) or len(native) != len(route):
        return native if isinstance(native, tuple) else len(native), route if isinstance(route, tuple) else len(route)
    for k, (a, b) in enumerate(zip(native, route, strict=True)):
        if a[:2] != b[:2]:
            return f"sheet {k}: extent", a[:2], b[:2]
        if a[3:] != b[3:]:
            return f"sheet {k}: hidden rows and columns", a[3:], b[3:]
        for pos in sorted(set(a[2]) | set(b[2])):
            if a[2].get(pos) != b[2].get(pos):
                return f"sheet {k} {pos}", a[2].get(pos), b[2].get(pos)
    return None


@pytest.mark.slow
@needs_soffice()
def test_xls_reads_without_libreoffice(xls_cases, monkeypatch):
    def no_libreoffice(*args, **kwargs):
        raise AssertionError("LibreOffice was asked to convert an ordinary .xls")

    monkeypatch.setattr(legacy, "convert", no_libreoffice)
    read = 0
    for original in (p for p in sample_files() if p.suffix == ".xlsx"):
        path = next(p for n, p, _ in xls_cases if n == original.stem)
        assert numeric(formparse.to_dict(formparse.read(path))) == numeric(expected_for(original))
        read += 1
    assert read == 3


@pytest.mark.slow
@needs_soffice()
def test_biff5_and_older_are_declined(xls_cases):
    # LibreOffice no longer writes BIFF5, so a sample's BOF records are made to say BIFF5 (version 0x0500)
    data = bytearray(xls_cases[0][1].read_bytes())
    bof8 = b"\x09\x08\x10\x00\x00\x06"
    assert data.count(bof8) >= 2
    data[:] = data.replace(bof8, b"\x09\x08\x10\x00\x00\x05")
    with pytest.raises(xls.Declined):
        xls.read_grids("biff5.xls", bytes(data), DEFAULT)


@pytest.mark.slow
@needs_soffice()
def test_what_the_native_reader_declines_goes_to_libreoffice(xls_cases, monkeypatch):
    converted = []
    real = legacy.convert

    def declined(*args, **kwargs):
        raise xls.Declined("test")

    def convert(path, *args, **kwargs):
        converted.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(xls, "read_grids", declined)
    monkeypatch.setattr(legacy, "convert", convert)
    original = next(p for p in sample_files() if p.suffix == ".xlsx")
    path = next(p for n, p, _ in xls_cases if n == original.stem)
    assert numeric(formparse.to_dict(formparse.read(path))) == numeric(expected_for(original))
    assert converted == [str(path)]


@pytest.mark.parametrize("raw, shown", [
    (0.1 + 0.2, 0.3), (1 / 3, 0.333333333333333), (12345678901234567, 12345678901234600), (1e17, 1e17),
    (90071992547409924.0, 90071992547409900), (2.0, 2), (-0.0, 0), (99999999.995, 99999999.995)])
def test_numbers_are_rounded_to_15_digits_as_excel_saves_them(raw, shown):
    got = xls.excel_number(raw)
    assert got == shown and type(got) is type(shown)


@pytest.mark.slow
@needs_soffice()
@pytest.mark.parametrize("limits, message", [
    (Limits(max_cells=100), "范围"), (Limits(max_rows=20), "范围"), (Limits(max_cols=5), "范围"),
    (Limits(max_text_chars=10), "文字超过"),
])
def test_the_limits_hold_for_xls_as_for_xlsx(xls_cases, limits, message):
    _, path, back = next(c for c in xls_cases if c[0] == "附件1-2020-邵阳市科学技术局")
    with pytest.raises(UnsafeFile, match=message):
        xls.read_grids(str(path), path.read_bytes(), limits)
    with pytest.raises(UnsafeFile):  # the LibreOffice route refuses it too
        xlsx.read_grids(str(back), Package(str(back), limits), fast=False)
