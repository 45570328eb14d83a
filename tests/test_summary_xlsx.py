"""The clerk's workbook: widths fitted to content (CJK counted double), long text wrapped and rows made
tall enough, formula-like text kept exact as text, print set-up on every sheet."""

import shutil
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from formparse.backends.summary_xlsx import (
    FEW_LINES,
    LINE_HEIGHT,
    LONG_WIDTH,
    MAX_LINES,
    MAX_ROW_HEIGHT,
    MAX_WIDTH,
    SummaryWorkbook,
    display_width,
    line_count,
)
from formparse.tables import Column
from tests.conftest import needs_soffice

CJK = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=60)
ASCII = st.text(alphabet="abcXYZ0123456789 -+=", min_size=1, max_size=60)


@given(cjk=CJK, ascii_=ASCII)
def test_display_width_counts_cjk_double(cjk, ascii_):
    assert display_width(cjk) == 2 * len(cjk)
    assert display_width(ascii_) == len(ascii_)
    assert display_width(cjk + "\n" + ascii_) == max(2 * len(cjk), len(ascii_))


@settings(max_examples=25, deadline=None)
@given(texts=st.lists(st.one_of(CJK, ASCII), min_size=1, max_size=8))
def test_columns_fit_their_text_or_wrap_it_in_rows_tall_enough(tmp_path_factory, texts):
    cols = [Column("n", "int", "序号"), Column("text", "text", "绩效目标"), Column("money", "money", "金额")]
    book = SummaryWorkbook({"t": cols}, {"t": ["序号", "绩效目标", "金额"]}, {"t": "表"})
    for i, text in enumerate(texts):
        book.append("t", [i, text * 3, Decimal("1234.5")])
    path = tmp_path_factory.mktemp("wb") / "t.xlsx"
    book.save(str(path))
    ws = load_workbook(path)["表"]
    width = ws.column_dimensions["B"].width
    assert width <= max(MAX_WIDTH["text"], 150)
    for r, text in enumerate(texts, start=2):
        cell = ws.cell(row=r, column=2)
        assert cell.value == text * 3  # exact, no apostrophe
        assert cell.quotePrefix == (text * 3).startswith(("=", "+", "-", "@"))
        fits = display_width(text * 3) + 2 <= width
        if not fits:  # a column narrower than its text wraps it (a fitting one may wrap too: per column)
            assert cell.alignment.wrap_text
            lines = min(MAX_LINES, line_count(text * 3, width))
            assert lines == 1 or ws.row_dimensions[r].height >= lines * 14
        money = ws.cell(row=r, column=3)
        assert money.value == 1234.5 and money.number_format.startswith("#,##0.00")
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:C{len(texts) + 1}"
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9


def test_a_long_text_prints_whole_its_column_widened_and_its_row_tall_enough(tmp_path):
    """A 单位职能概述 of 600 characters is not cut at the bottom of its cell when printed: its column is
    widened until the text fits in Excel's tallest row, and the row is made that tall."""
    long = "贯彻创新驱动发展战略，拟订全市科技发展规划和政策并组织实施。" * 21  # 630 characters
    cols = [Column("file", "text", "文件"), Column("unit_name", "text", "填报单位"),
            Column("functions", "text", "单位职能概述")]
    book = SummaryWorkbook({"t": cols}, {"t": ["文件", "填报单位", "单位职能概述"]}, {"t": "表"})
    book.append("t", ["a.xlsx", "某局", long])
    book.append("t", ["b.xlsx", "某局", "短"])
    book.save(str(tmp_path / "t.xlsx"))
    ws = load_workbook(tmp_path / "t.xlsx")["表"]
    width = ws.column_dimensions["C"].width
    lines = line_count(long, width)
    assert width > MAX_WIDTH["text"] and lines <= FEW_LINES
    assert lines * LINE_HEIGHT + 3 <= ws.row_dimensions[2].height <= MAX_ROW_HEIGHT
    assert ws.print_title_cols is None  # it fits one page width: nothing to repeat


def test_a_sheet_wider_than_a_page_repeats_file_and_unit_on_every_page():
    import tempfile
    from pathlib import Path

    cols = [Column("file", "text", "文件"), Column("unit_name", "text", "填报单位")] + [
        Column(f"m{i}", "money", f"年度收入预算 第{i}项收入") for i in range(30)]
    book = SummaryWorkbook({"t": cols}, {"t": [c.label for c in cols]}, {"t": "表"})
    book.append("t", ["附件1-2020-邵阳市科学技术局.xlsx", "邵阳市科学技术局", *[Decimal("373.51")] * 30])
    with tempfile.TemporaryDirectory() as tmp:
        book.save(str(Path(tmp) / "t.xlsx"))
        ws = load_workbook(Path(tmp) / "t.xlsx")["表"]
    assert ws.page_setup.fitToWidth > 1
    assert ws.print_title_cols == "$A:$B" and ws.print_title_rows == "$1:$1"


def test_the_samples_workbook_prints_whole_texts_and_whose_row_on_every_page(tmp_path):
    from formparse.export import convert
    from tests.conftest import SAMPLES

    convert(SAMPLES, tmp_path / "汇总.xlsx", workers=0)
    wb = load_workbook(tmp_path / "汇总.xlsx")
    forms = wb["申报表"]
    header = [c.value for c in forms[1]]
    assert header[:2] == ["文件", "填报单位"] and forms.print_title_cols == "$A:$B"
    col = header.index("单位职能概述") + 1
    width = forms.column_dimensions[forms.cell(row=1, column=col).column_letter].width
    for r in range(2, forms.max_row + 1):
        text = forms.cell(row=r, column=col).value
        lines = line_count(text, width)
        # the 645-character one too: its column was widened (to the widest a column gets)
        assert lines <= FEW_LINES or (width == LONG_WIDTH and lines <= MAX_LINES)
        if lines > 1:
            assert forms.row_dimensions[r].height >= lines * LINE_HEIGHT
    for ws in wb.worksheets:
        assert ws.print_title_rows == "$1:$1" and ws.freeze_panes == "A2"
        assert (ws.print_title_cols == "$A:$B") == (ws.page_setup.fitToWidth > 1)


def test_sheets_keep_table_order_whichever_fills_first(tmp_path):
    """More than SAMPLE_ROWS rows in a later table (绩效指标 of 60 forms) must not move its sheet first."""
    from formparse.backends.summary_xlsx import SAMPLE_ROWS

    cols = [Column("file", "text", "文件")]
    book = SummaryWorkbook({"a": cols, "b": cols}, {"a": ["文件"], "b": ["文件"]}, {"a": "申报表", "b": "绩效指标"})
    for i in range(SAMPLE_ROWS + 1):
        book.append("b", [f"{i}.xlsx"])
    book.append("a", ["0.xlsx"])
    book.save(str(tmp_path / "t.xlsx"))
    wb = load_workbook(tmp_path / "t.xlsx")
    assert wb.sheetnames == ["申报表", "绩效指标"]
    assert wb["绩效指标"].max_row == SAMPLE_ROWS + 2 and wb["申报表"]["A2"].value == "0.xlsx"


def _pdf_words(pdf) -> list[tuple[str, float, float, float, float]]:
    """(word, yMin, yMax, xMin, xMax) in points of every word pdftotext finds in ``pdf``, in reading order."""
    import re
    import subprocess

    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [(w, float(y0), float(y1), float(x0), float(x1)) for x0, y0, x1, y1, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]


def _ink_rows(pdf, box: tuple[float, float, float, float], dpi: int = 144) -> list[bool]:
    """For each pixel row of ``box`` (x0, y0, x1, y1 in points) on page 1, whether anything is drawn there."""
    import subprocess

    k = dpi / 72
    x0, y0, x1, y1 = (round(v * k) for v in box)
    pgm = subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", str(dpi), "-gray", "-x", str(x0), "-y", str(y0),
                          "-W", str(x1 - x0), "-H", str(y1 - y0), str(pdf)], capture_output=True, check=True).stdout
    magic, w, h, _maxval, data = pgm.split(maxsplit=4)
    assert magic == b"P5"
    w, h = int(w), int(h)
    return [min(data[r * w:(r + 1) * w]) < 128 for r in range(h)]


@pytest.mark.slow
@needs_soffice()
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftotext and pdftoppm (poppler-utils)")
def test_rows_printed_by_libreoffice_hold_every_line_of_their_text(tmp_path):
    """Rendered by LibreOffice (its CJK font, Noto Sans CJK, takes about 16 pt a line at 11 pt), each row is
    tall enough for its text: no line is cut off at the cell's bottom, none runs into the next row. Rows
    of 3 and 20 typed lines and a 600-character paragraph wrapped by LibreOffice itself; and the page
    footer is not cut in half by too small a footer area."""
    import subprocess

    typed3 = "\n".join(f"甲{i:02d}行贯彻执行国家财税方针政策" for i in range(1, 4))
    typed20 = "\n".join(f"乙{i:02d}行负责全市财政发展规划" for i in range(1, 21))
    paragraph = "统筹推进全市创新体系建设，组织协调重大基础研究和应用基础研究。" * 19 + "丙完结"
    cols = [Column("file", "text", "文件"), Column("unit_name", "text", "填报单位"),
            Column("functions", "text", "单位职能概述")]
    book = SummaryWorkbook({"t": cols}, {"t": ["文件", "填报单位", "单位职能概述"]}, {"t": "表"})
    rows = [("a.xlsx", typed3), ("b.xlsx", typed20), ("c.xlsx", paragraph), ("d.xlsx", "短")]
    for file, text in rows:
        book.append("t", [file, "某局", text])
    book.save(str(tmp_path / "t.xlsx"))
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "t.xlsx")],
                   check=True, capture_output=True, timeout=180)
    words = _pdf_words(tmp_path / "t.pdf")
    top = {w: y0 for w, y0, *_ in words if w.endswith(".xlsx")}  # each row's first cell: where the row starts
    for (file, text), (after, _) in zip(rows, rows[1:], strict=False):
        typed = "\n" in text
        lines = [(w, y1) for w, _, y1, *_ in words if (w.startswith(text[0]) if typed else w.endswith("丙完结"))]
        if typed:
            assert [w for w, _ in lines] == text.split("\n"), f"{file}: LibreOffice cut lines off"
        else:
            assert lines and lines[-1][0].endswith("丙完结"), f"{file}: the paragraph's end is cut off"
        assert max(y1 for _, y1 in lines) <= top[after], f"{file}: its last line runs into the next row"
    # the footer (表  第 1 页 / 共 1 页) is printed whole: ink in the lower half of its characters too
    _, y0, y1, x0, x1 = next(w for w in words if w[0] == "第")
    ink = _ink_rows(tmp_path / "t.pdf", (x0, y0, x1, y1))
    assert any(ink[len(ink) // 2:]), "the footer's lower half is cut off"


def test_every_header_of_the_chinese_workbook_and_csv_is_in_the_clerks_words(tmp_path):
    """No field name (附件2's year), no code (表式 dept-overall-2020) and no two alike headers in a sheet, in
    the default .xlsx and .csv; --labels en keeps the field names and codes."""
    import csv

    from formparse.export import convert
    from tests.conftest import SAMPLES

    def cjk(text: str) -> bool:
        return any("\u4e00" <= ch <= "\u9fff" for ch in text)

    convert(SAMPLES, tmp_path / "汇总.xlsx", workers=0)
    wb = load_workbook(tmp_path / "汇总.xlsx")
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        assert all(cjk(h) for h in header), (ws.title, [h for h in header if not cjk(h)])
        assert len(set(header)) == len(header), ws.title
        assert cjk(ws.title)
    for title, form in (("申报表", "附件1"), ("项目支出绩效目标申报表", "附件2")):
        header = [c.value for c in wb[title][1]]
        assert header[:6] == ["文件", "填报单位", "位置", "表式", "年度", "金额单位"]
        assert {r[3] for r in wb[title].iter_rows(min_row=2, values_only=True)} == {form}
    convert(SAMPLES, tmp_path / "csv", fmt="csv", workers=0)
    for path in (tmp_path / "csv").glob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        assert all(cjk(h) for h in rows[0]), (path.name, rows[0])
        if "表式" in rows[0]:
            assert {r[rows[0].index("表式")] for r in rows[1:]} <= {"附件1", "附件2"}
    convert(SAMPLES, tmp_path / "en.xlsx", labels="en", workers=0)
    projects = load_workbook(tmp_path / "en.xlsx")["projects"]
    assert [c.value for c in projects[1]][:6] == ["file", "unit_name", "position", "schema", "year", "amount_unit"]
    assert projects["D2"].value == "project-2020"


# Characters that test the text path: XML's specials, CR (a character reference), what cell_text escapes
# (C0 controls, U+FFFE/U+FFFF, "_xHHHH_"), what strip() sees (U+3000, U+0085, U+00A0), CJK, astral, DEL.
_PIECES = ["a", "中文", " ", "\n", "\r", "\r\n", "\t", "&", "<", ">", '"', "'", "_x0041_", "_x00", "\x01", "\x1f",
           "\x7f", "\u3000", "\x85", "\xa0", "\ufffe", "\U0001f600", "\U00020000", "]]>", "=", "+", "-", "@"]


def _value(rnd, kind):
    import datetime as dt

    pick = rnd.random()
    if pick < 0.12:
        return None
    if pick < 0.2:  # any kind may meet a value of another kind
        return rnd.choice(["", "  ", True, False, 1.5, -0.0, float("nan"), float("inf"), 10 ** 17, -(2 ** 53) - 1,
                           Decimal("NaN"), Decimal("1E+20"), Decimal("-0.00"), dt.datetime(2021, 3, 4, 5, 6, 7),
                           dt.date(1900, 1, 15), dt.date(2099, 12, 31), "x" * 33000, "=SUM(A1:A2)"])
    if kind == "int":
        return rnd.randint(-10 ** 6, 10 ** 16)
    if kind == "money":
        return Decimal(rnd.randint(-10 ** 14, 10 ** 14)).scaleb(-rnd.choice([0, 2, 4]))
    if kind == "date":
        return dt.date(rnd.randint(1900, 2100), rnd.randint(1, 12), rnd.randint(1, 28))
    return "".join(rnd.choice(_PIECES) for _ in range(rnd.randint(1, 12)))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rows_written_as_text_are_the_bytes_openpyxls_cells_give(tmp_path, seed):
    """The streamed rows against openpyxl's per-cell writer, on generated rows: every part the same."""
    import random
    import zipfile

    rnd = random.Random(seed)
    tables = {"a": [Column(f"c{i}", kind, kind) for i, kind in enumerate(["text", "int", "money", "date", "text"])],
              "b": [Column("f", "text", "文件"), Column("m", "money", "金额")]}
    # "a" past the rows held back to fit the widths, "b" within them; "b" fills first
    rows = [("b", [_value(rnd, c.kind) for c in tables["b"]]) for _ in range(rnd.randint(0, 40))]
    rows += [(t, [_value(rnd, c.kind) for c in tables[t]]) for t in rnd.choices("ab", [5, 1], k=700)]
    paths = []
    for stream in (True, False):
        book = SummaryWorkbook(tables, {t: [c.label for c in cols] for t, cols in tables.items()},
                               {"a": "表一", "b": "表二"}, stream=stream)
        for table, values in rows:
            book.append(table, values)
        paths.append(tmp_path / f"{stream}.xlsx")
        book.save(str(paths[-1]))
    with zipfile.ZipFile(paths[0]) as new, zipfile.ZipFile(paths[1]) as old:
        assert new.namelist() == old.namelist()
        for name in old.namelist():
            assert new.read(name) == old.read(name), name
        assert new.comment == old.comment  # the stamp sums every part's CRC
        sheet = new.read("xl/worksheets/sheet1.xml")
        assert b"&#13;" in sheet and b"_x005F_x0041_" in sheet and b"xml:space" in sheet  # the cases were met
        assert b"<dcterms:modified" in new.read("docProps/core.xml")
        assert b">2000-01-01T00:00:00Z</dcterms:modified>" in new.read("docProps/core.xml")  # not "now"


def test_a_lone_surrogate_is_refused_as_openpyxl_refuses_it(tmp_path):
    for stream in (True, False):
        book = SummaryWorkbook({"t": [Column("f", "text", "文件")]}, {"t": ["文件"]}, stream=stream)
        book.append("t", ["a\ud800b"])
        with pytest.raises(UnicodeEncodeError):
            book.save(str(tmp_path / f"{stream}.xlsx"))


def _width_by_character(line):
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_display_width_is_the_sum_of_each_characters_east_asian_width(text):
    assert display_width(text) == max(_width_by_character(line) for line in text.split("\n"))


def test_display_width_across_the_code_points():
    # the wide ones are found by a character class made from the table: every 7th code point, each three
    # times over
    assert all(display_width(chr(cp) * 3 + "a") == 3 * _width_by_character(chr(cp)) + 1
               for cp in range(0, 0x110000, 7) if chr(cp) != "\n")


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="a中ｱ😀 \n", max_size=80), width=st.sampled_from([1, 2, 2.5, 3, 6, 10, 12.5, 44, 100]))
def test_line_count_is_each_lines_measured_width_over_the_column(text, width):
    import math

    usable = max(1.0, width - 1.5)
    assert line_count(text, width) == sum(max(1, math.ceil(display_width(line) / usable)) for line in text.split("\n"))
