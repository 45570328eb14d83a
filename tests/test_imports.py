"""How formparse's modules import one another: in one direction only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "formparse"


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def import_graph() -> dict[str, set[str]]:
    """Every formparse module → the formparse modules it imports, at the top or inside a function (an
    import put in a function is still a dependency); only imports for the type checker are left out."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()

        def visit(node: ast.AST, name: str = name, package: str = package, edges: set[str] = edges) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and _type_checking(child):
                    for other in child.orelse:
                        visit(other)
                    continue
                if isinstance(child, ast.Import):
                    edges.update(a.name for a in child.names if a.name in modules)
                elif isinstance(child, ast.ImportFrom):
                    base = child.module or ""
                    if child.level:
                        base = package
                        for _ in range(child.level - 1):
                            base = base.rpartition(".")[0]
                        base = f"{base}.{child.module}" if child.module else base
                    for alias in child.names:
                        if f"{base}.{alias.name}" in modules:
                            edges.add(f"{base}.{alias.name}")
                        elif base in modules:
                            edges.add(base)
                visit(child)

        visit(ast.parse(path.read_text(encoding="utf-8")))
        # a module's own packages are imported before it anyway: not an edge of the graph
        graph[name] = {m for m in edges if m != name and not name.startswith(m + ".")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of ``graph`` (one per back edge a depth-first walk meets)."""
    state: dict[str, int] = {}
    path: list[str] = []
    found: list[list[str]] = []

    def walk(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                walk(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node)
    return found


def test_the_walk_finds_a_circle_and_follows_imports_inside_functions():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []
    graph = import_graph()
    # the worker reads with batch's read_one; batch builds its warnings sheet with check's category names
    assert "formparse.batch" in graph["formparse._worker"]
    assert "formparse.check" in graph["formparse.batch"]  # (imported inside _warnings_frame)
    assert "formparse.backends.xlsx_calamine" in graph["formparse.backends.xlsx"]


def test_the_two_old_circles_would_be_caught_again():
    """Put back either import that closed the two circles issue 19 removed, and the walk finds the circle."""
    for module, back in (("formparse.backends.xlsx_calamine", "formparse.backends.xlsx"),
                         ("formparse.batch", "formparse._worker")):
        graph = import_graph()
        assert cycles(graph) == []
        graph[module].add(back)
        assert any(module in circle and back in circle for circle in cycles(graph)), (module, back)


def test_formparse_imports_go_one_way():
    """No circle among formparse's modules (batch ↔ _worker ↔ export and backends.xlsx ↔ xlsx_calamine were
    two): each shared piece lives in a module both sides import."""
    assert cycles(import_graph()) == []


# What a ``formparse parse FILE`` may import (besides the standard library), by the file's format. A new
# import on this path makes every single parse start slower: add it here only when a parse needs it, and
# import it lazily otherwise (see docs/performance.md, "Start-up").
_PARSE_CORE = {
    "formparse", "formparse.cli", "formparse.errors", "formparse.contract", "formparse.reader",
    "formparse.records", "formparse.records_project", "formparse.check", "formparse.text", "formparse.fieldtypes",
    "formparse.grid", "formparse.limits", "formparse.geometry", "formparse.locate", "formparse.schema",
    "formparse.schema_blocks", "formparse.schema_toml",  # (schema.py split in three, issue 19: no new code)
    "formparse.backends", "formparse.backends.ooxml", "formparse.backends.symbols", "formparse.provenance",
    "formparse.generic", "formparse.rules", "formparse.values", "formparse.structuring",
    "formparse._startcache",  # (attrs' generated methods and the bundled schemas, cached: start-up)
    # the locate package, every module of it
    *(f"formparse.locate.{m}" for m in ("assign", "cache", "context", "coverage", "index", "inline", "layout",
                                        "locator", "placement", "scoring", "signs", "slots", "standins", "kinds")),
    *(f"formparse.locate.kinds.{m}" for m in ("band", "boxes", "fields", "lists", "matrix", "table", "title")),
}
PARSE_IMPORTS = {
    ".xlsx": (_PARSE_CORE | {"formparse.backends.xlsx", "formparse.backends.xlsx_calamine", "formparse.backends.cells",
                             "formparse.backends.numfmt", "formparse.formula", "formparse.backends.xlsx_controls",
                             "formparse.backends.xlsx_pages"},  # (the sample's page header: &A, Page &P)
              {"attr", "attrs", "click", "lxml", "python_calamine"}),
    ".docx": (_PARSE_CORE | {"formparse.backends.docx"}, {"attr", "attrs", "click", "lxml"}),
}
_PROBE = """
import sys
before = set(sys.modules)
import runpy
sys.argv = ["formparse", "parse", sys.argv[1]]
try:
    runpy.run_module("formparse", run_name="__main__")
except SystemExit as exc:
    assert not exc.code, exc.code
sys.stderr.write("IMPORTED " + " ".join(sorted(set(sys.modules) - before)) + "\\n")
"""


def parse_imports(path: Path) -> list[str]:
    """The modules a ``formparse parse`` of ``path`` (run as ``python -m formparse``) imported."""
    import os
    import subprocess
    import sys

    # (first as after an install: the .pyc files and the start-up caches written, where the environment forbids it)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "formparse", "parse", str(path)], capture_output=True, env=env, timeout=120)
    res = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert '"unit_name": "邵阳市科学技术局"' in res.stdout
    line = next(x for x in res.stderr.splitlines() if x.startswith("IMPORTED "))
    return line.split()[1:]


def _third_party(modules: list[str]) -> set[str]:
    import sys

    roots = {m.split(".")[0] for m in modules}
    # (C extensions' private helpers, e.g. lxml's _cython_3_x and cython_runtime, are part of their package)
    return {r for r in roots if r not in sys.stdlib_module_names and r != "formparse" and not r.startswith("_")
            and r != "cython_runtime"}


@pytest.mark.parametrize("suffix", sorted(PARSE_IMPORTS))
def test_a_parse_imports_only_what_it_needs(suffix):
    """No batch, export, tables or writer module, no back-end of another format, no cattrs, pandas, pyarrow,
    numpy, openpyxl, python-docx or tqdm: the formparse modules and the third-party packages a parse
    imports are exactly these."""
    modules = parse_imports(ROOT / "samples" / "submissions" / f"附件1-2020-邵阳市科学技术局{suffix}")
    ours, theirs = PARSE_IMPORTS[suffix]
    assert {m for m in modules if m.split(".")[0] == "formparse"} == ours
    assert _third_party(modules) == theirs
    assert not _NOT_FOR_A_PARSE & set(modules)


# Standard-library modules a parse no longer imports (start19): tomllib builds a schema, and the bundled ones come
# from the start-up cache once built (formparse._startcache).
_NOT_FOR_A_PARSE = {"tomllib"}
