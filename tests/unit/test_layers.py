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
