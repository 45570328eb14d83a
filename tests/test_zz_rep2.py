import tempfile
from pathlib import Path
from hypothesis import HealthCheck, given, settings, reproduce_failure, note
from hypothesis import strategies as st
from tests.acceptance.test_structural_project import check_variant, layout_projects, styles

@reproduce_failure('6.170.17', b'AXicc2RwJBJCCEaEAJDZ/GRHA6oQk2MAoyMLTAqbESiQGSSKHWDVBmcAADW7FyM=')
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_p(data):
    fmt = "docx"
    record = data.draw(layout_projects, label="record")
    style = data.draw(styles(record, fmt), label="style")
    with tempfile.TemporaryDirectory() as tmp:
        from tests.structural import write_docx; from tests.structural_project import build; write_docx(build(record, style), Path("/tmp/rep_p.docx"))
        check_variant(record, style, fmt, Path(tmp))
