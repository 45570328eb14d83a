"""The clerk's workbook: widths fitted to content (CJK counted double), long text wrapped and rows made
tall enough, formula-like text kept exact as text, print set-up on every sheet."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from formparse.backends.summary_xlsx import MAX_LINES, MAX_WIDTH, SummaryWorkbook, display_width, line_count
from formparse.tables import Column

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
