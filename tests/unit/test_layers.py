"""The core runs without Qt, and dependencies point one way (ARCHITECTURE.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ("desktop", "db", "reports")


def test_importing_the_core_loads_no_qt():
    modules = [
        f"{path.parent.relative_to(ROOT).as_posix().replace('/', '.')}.{path.stem}".removesuffix(
            ".__init__"
        )
        for package in CORE
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts and path.stem != "__main__"
    ]
    assert "desktop.cli" in modules
    probe = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def _imports(package: str) -> set[str]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        if path.name == "__main__.py":
            continue  # the composition root may start the GUI (lazily)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("db", {"desktop", "ui", "reports", "PySide6"}),
        ("reports", {"desktop", "ui", "PySide6"}),
        ("desktop", {"ui", "PySide6"}),
    ],
)
def test_dependencies_point_one_way(package, forbidden):
    assert _imports(package) & forbidden == set()


def _module_graph(packages: tuple[str, ...] = CORE) -> dict[str, set[str]]:
    """Every module of ``packages`` → those it imports, late (in-function) imports too."""
    paths = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): path
        for package in packages
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }
    graph: dict[str, set[str]] = {name: set() for name in paths}
    for name, path in paths.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # ``from desktop.cli import counter`` imports the module desktop.cli.counter
                targets = [
                    f"{node.module}.{alias.name}"
                    if f"{node.module}.{alias.name}" in paths
                    else node.module
                    for alias in node.names
                ]
            else:
                continue
            graph[name].update(t for t in targets if t in paths and t != name)
    return graph


def _circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle_in_the_core():
    """A late import hides a circle from the import system, not from the design: the
    command modules and desktop.cli.common, desktop.dayclose and desktop.exports once
    imported each other that way."""
    graph = _module_graph()
    assert "desktop.exports" in graph["desktop.headoffice"]  # the graph sees imports
    assert "desktop.rotation" in graph["desktop.cli.keys"]  # ... late ones too
    # desktop.app and desktop.rotation were the last pair (desktop.key_swap now apart).
    assert _circles(graph) == []


def test_no_import_circle_in_the_screens():
    """ui.dayclose_view and ui.headoffice_view once imported each other (the folder
    opener, now ui.folders)."""
    graph = _module_graph(("ui",))
    assert "ui.folders" in graph["ui.headoffice_view"]
    assert _circles(graph) == []
