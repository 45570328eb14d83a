"""A web page's form inputs (HTML a web system saves under an .xls name): ``<input type="checkbox" checked>``
is the mark it shows (formparse/backends/html.py), so a 项目属性 ticked with inputs reads as if typed."""

import pytest

import formparse


@pytest.mark.parametrize("kind", ["checkbox", "radio"])
def test_html_form_inputs_read_as_the_marks_they_show(tmp_path, kind):
    from tests.structural import write_html
    from tests.structural_project import ProjectStyle
    from tests.structural_project import build as build_project
    from tests.test_members import PROJECT

    page = write_html(build_project(PROJECT, ProjectStyle()), tmp_path / "page.html").read_text(encoding="utf-8")
    assert "新增项目□　　延续项目☑" in page
    boxes = page.replace("新增项目□　　延续项目☑", f'<input type="{kind}" name="k" disabled>新增项目　　'
                                                 f'<input type="{kind}" name="k" checked="checked" disabled>延续项目')
    path = tmp_path / "申报表.xls"
    path.write_text(boxes, encoding="utf-8")
    assert formparse.read(path).project_kind == "延续项目" == PROJECT.project_kind
    path.write_text(boxes.replace(' checked="checked"', ""), encoding="utf-8")  # (none ticked: none read)
    assert formparse.read(path).project_kind is None
