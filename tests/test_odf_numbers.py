"""Numbers LibreOffice writes into an .ods (office:value, and the General text:p) as the .xlsx reader shows the
same double: LibreOffice rounds a double's shortest decimal half up to 15 significant digits, so the double
nearest 9.780000000000005 (9.78 and a few units of float noise: Excel, and the .xlsx reader, show 9.78) is saved
“9.78000000000001”, which no amount may be. Observed with LibreOffice 7 (``soffice --convert-to ods`` of an .xlsx
holding such doubles: the slow tests below); the quick tests write the same content.xml by hand.
"""

import math
import random
import shutil
import subprocess
import tempfile
import zipfile
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest

import formparse
from formparse.backends import open_grids
from formparse.backends.odf_sheet import lo_double_rounding
from tests.conftest import needs_soffice
from tests.test_backend_odf import odf_zip

CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
FORMAT_STYLES = ('<number:number-style style:name="N2" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:'
                 'datastyle:1.0"><number:number number:decimal-places="2" number:min-decimal-places="2" '
                 'number:min-integer-digits="1"/></number:number-style>'
                 '<style:style style:name="ce2" style:family="table-cell" style:data-style-name="N2"/>')


def lo_written(double: float) -> str:
    """office:value as LibreOffice writes ``double``: its shortest decimal (repr) rounded half up to 15
    significant digits, trailing zeros dropped (what the slow test sees LibreOffice do)."""
    shortest = Decimal(repr(double))
    if len(shortest.as_tuple().digits) > 15:
        shortest = shortest.quantize(Decimal(1).scaleb(shortest.adjusted() - 14), rounding=ROUND_HALF_UP)
    text = format(shortest.normalize(), "f")
    return text


def excel_shows(double: float) -> Decimal:
    """What Excel and the .xlsx reader show for ``double``: 15 significant digits, rounded once."""
    return Decimal(format(double, ".15g"))


def noisy(value: Decimal) -> float | None:
    """A double a few units in the last place above ``value`` that LibreOffice rounds twice (its shortest
    decimal has 16 digits ending in 5), or None when none of the next three has that form."""
    x = float(value)
    for _ in range(3):
        x = math.nextafter(x, math.inf)
        digits = Decimal(repr(x)).as_tuple().digits
        if len(digits) == 16 and digits[-1] == 5 and excel_shows(x) == value:
            return x
    return None


def _sheet(cells: list[str]) -> str:
    rows = "".join(f"<table:table-row>{c}</table:table-row>" for c in cells)
    return (f'<office:spreadsheet xmlns:calcext="{CALCEXT}"><table:table table:name="S">{rows}</table:table>'
            "</office:spreadsheet>")


def _float_cell(written: str, shown: str, style: str = "") -> str:
    st = f' table:style-name="{style}"' if style else ""
    return (f'<table:table-cell{st} office:value-type="float" office:value="{written}" calcext:value-type="float">'
            f"<text:p>{shown}</text:p></table:table-cell>")


def _xlsx_cells(path, doubles: list[tuple[float, str]]):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for r, (x, fmt) in enumerate(doubles, start=1):
        ws.cell(r, 1, x).number_format = fmt
    wb.save(path)
    (g,) = open_grids(str(path))
    return _shown(g)


def _shown(grid):
    """Each cell's text and value, the value to the 15 digits a spreadsheet keeps (the .xlsx reader gives the
    stored double, the .ods reader the 15 digits LibreOffice saved)."""
    return [(row[0].text, excel_shows(row[0].value)) for row in grid.rows]


# The doubles of the tests: noise over amounts (General and 0.00), a negative one, and three that must stay as
# written: a 15-digit number typed so, decimals a 0.00 format hides, and noise under a format (shown 1865.40).
NOISE = [(9.780000000000005, "General"), (68349.66000000005, "General"), (8428.890000000005, "0.00"),
         (-9.780000000000005, "General")]
KEPT = [(1.23456789012346, "General"), (9.785, "0.00"), (1865.4000000001865, "0.00")]


def test_the_double_rounding_is_undone_as_the_xlsx_reader_rounds(tmp_path):
    cells = []
    for x, fmt in NOISE + KEPT:
        written = lo_written(x)
        shown = written if fmt == "General" else format(Decimal(written).quantize(Decimal("0.01"), ROUND_HALF_UP))
        cells.append(_float_cell(written, shown, "" if fmt == "General" else "ce2"))
    assert lo_written(9.780000000000005) == "9.78000000000001"  # (what LibreOffice writes, as the slow test sees)
    (g,) = open_grids(str(odf_zip(tmp_path / "数.ods", "spreadsheet", _sheet(cells), auto_styles=FORMAT_STYLES)))
    assert _shown(g) == _xlsx_cells(tmp_path / "数.xlsx", NOISE + KEPT)
    got = [(row[0].text, row[0].value) for row in g.rows]
    assert got[:4] == [("9.78", 9.78), ("68349.66", 68349.66), ("8428.89", 8428.89), ("-9.78", -9.78)]
    assert got[4:] == [("1.23456789012346", 1.23456789012346), ("9.79", 9.785), ("1865.40", 1865.40000000019)]


def test_a_typed_fifteen_digit_number_and_other_values_are_kept():
    # 1.234567890123455 is written 1.23456789012346 too, but 1.23456789012345 is no round number: kept as written
    assert lo_double_rounding("1.23456789012346") is None
    assert lo_double_rounding("9.78") is None and lo_double_rounding("9.785") is None
    assert lo_double_rounding("1865.40000000019") is None  # (no double's shortest form is 1865.400000000185)
    assert lo_double_rounding("9.78000000000002") is None  # two units off: not one rounding's
    assert lo_double_rounding("x") is None and lo_double_rounding("INF") is None and lo_double_rounding("0") is None
    assert lo_double_rounding("-9.78000000000001") == Decimal("-9.78")
    assert lo_double_rounding("9.78000000000001E-05") == Decimal("0.0000978")


def test_generated_noise_reads_as_excel_shows_it(tmp_path):
    rng = random.Random(18)
    doubles = []
    while len(doubles) < 300:
        places = rng.randint(1, 6)
        value = Decimal(rng.randint(1, 10 ** rng.randint(2, 9))).scaleb(-places)
        x = noisy(value)
        if x is not None:
            doubles.append(-x if rng.random() < 0.2 else x)
    cells = [_float_cell(lo_written(x), lo_written(x)) for x in doubles]
    assert sum(Decimal(lo_written(x)) != excel_shows(x) for x in doubles) == len(doubles)  # every one rounded twice
    (g,) = open_grids(str(odf_zip(tmp_path / "噪.ods", "spreadsheet", _sheet(cells))))
    assert [Decimal(row[0].text) for row in g.rows] == [excel_shows(x) for x in doubles]
    assert [row[0].value for row in g.rows] == [float(excel_shows(x)) for x in doubles]


def _soffice_ods(src, out_dir):
    with tempfile.TemporaryDirectory(prefix="lo-ods-") as profile:
        subprocess.run([shutil.which("soffice"), f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "ods", "--outdir", str(out_dir), str(src)],
                       check=True, capture_output=True, timeout=300)
    return out_dir / f"{src.stem}.ods"


@pytest.mark.slow
@needs_soffice()
def test_libreoffice_writes_the_noise_and_it_reads_as_the_xlsx(tmp_path):
    src = tmp_path / "数.xlsx"
    want = _xlsx_cells(src, NOISE + KEPT)
    ods = _soffice_ods(src, tmp_path / "out")
    content = zipfile.ZipFile(ods).read("content.xml").decode()
    assert 'office:value="9.78000000000001"' in content  # the noise LibreOffice writes
    (g,) = open_grids(str(ods))
    assert _shown(g) == want


def _rounded_twice(path) -> int:
    """How many numbers of the workbook LibreOffice will write rounded twice."""
    wb = openpyxl.load_workbook(path)
    return sum(1 for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, float)
               and Decimal(lo_written(c.value)) != excel_shows(c.value))


@pytest.mark.slow
@needs_soffice()
def test_generated_forms_with_noisy_amounts_saved_by_libreoffice_read_exactly(tmp_path):
    """Generated 附件1 whose amounts are stored with float noise (tests/structural.py money_cell), the first
    few of them that LibreOffice writes rounded twice, read from the .ods as from the .xlsx."""
    from tests.classkit import _form, _json
    from tests.structural import write_xlsx

    made = []
    for i in range(40):
        form, want = _form(i, "附件1", "xlsx")
        path = write_xlsx(form, tmp_path / f"附件1-{i}.xlsx")
        if _rounded_twice(path):
            made.append((path, _json(want)))
        if len(made) == 2:
            break
    assert len(made) == 2
    with tempfile.TemporaryDirectory(prefix="lo-ods-") as profile:
        subprocess.run([shutil.which("soffice"), f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "ods", "--outdir", str(tmp_path / "out"), *(str(p) for p, _ in made)],
                       check=True, capture_output=True, timeout=600)
    for path, want in made:
        got = _json(formparse.read(tmp_path / "out" / f"{path.stem}.ods"))
        assert got == want, path.name
