"""How formparse's modules import one another: in one direction only."""

from __future__ import annotations

import ast
from pathlib import Path

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


def test_formparse_imports_go_one_way():
    """No circle among formparse's modules (batch ↔ _worker ↔ export and backends.xlsx ↔ xlsx_calamine were
    two): each shared piece lives in a module both sides import."""
    assert cycles(import_graph()) == []
