"""The build's sources agree with each other: spec and package data, lock and pyproject."""

from __future__ import annotations

import itertools
import re
import subprocess
import tomllib

import pytest

from tests.installer.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
SPEC = (ROOT / "installer" / "revoke-desk.spec").read_text("utf-8")
LOCK = (ROOT / "installer" / "requirements-lock.txt").read_text("utf-8")


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9_.-]+", requirement)
    assert match is not None
    return normalised(match.group(0))


def locked() -> dict[str, list[str]]:
    """name → the markers of its pinned lines (one line per marker)."""
    pins: dict[str, list[str]] = {}
    for line in LOCK.splitlines():
        match = re.match(r"([A-Za-z0-9_.-]+)==\S+(?: ; (.*?))?(?: \\)?$", line)
        if match:
            pins.setdefault(normalised(match.group(1)), []).append(match.group(2) or "")
    return pins


@pytest.mark.parametrize("package", sorted(PYPROJECT["tool"]["setuptools"]["package-data"]))
def test_the_spec_bundles_every_package_data_pattern(package):
    for pattern in PYPROJECT["tool"]["setuptools"]["package-data"][package]:
        if pattern.endswith(".ts"):  # the Linguist source: the bundle needs only the .qm
            continue
        assert f'"{pattern}"' in SPEC, f"{package}: {pattern} is missing from the spec"


def test_the_spec_collects_the_migrations_imports():
    assert 'collect_submodules("db")' in SPEC


def test_the_lock_pins_every_dependency_and_the_build_extra():
    pins = locked()
    project = PYPROJECT["project"]
    wanted = [
        *project["dependencies"],
        *project["optional-dependencies"]["postgresql"],
        *project["optional-dependencies"]["build"],
    ]
    missing = {requirement_name(r) for r in wanted} - set(pins)
    assert not missing, f"refresh installer/requirements-lock.txt (README): {missing}"
    lines = LOCK.splitlines()
    unhashed = [
        line
        for line, after in itertools.pairwise(lines)
        if re.match(r"[A-Za-z0-9_.-]+==", line) and "--hash=sha256:" not in after
    ]
    assert not unhashed, "the lock is made with --generate-hashes (README)"


def test_pyside6_is_capped_only_below_python_3_12():
    dependencies = PYPROJECT["project"]["dependencies"]
    assert "PySide6>=6.8,<6.12; python_version < '3.12'" in dependencies
    assert "PySide6>=6.8; python_version >= '3.12'" in dependencies
    markers = sorted(locked()["pyside6"])
    assert markers == ["python_full_version < '3.12'", "python_full_version >= '3.12'"]
    below = re.search(r"^pyside6==(\S+) ; python_full_version < '3.12'", LOCK, re.M)
    assert below is not None
    assert tuple(int(p) for p in below.group(1).split(".")[:2]) < (6, 12)


def test_the_entry_points_are_a_console_and_a_windowed_program():
    assert PYPROJECT["project"]["scripts"] == {"revoke-desk": "desktop.__main__:main"}
    assert PYPROJECT["project"]["gui-scripts"] == {"revoke-desk-gui": "desktop.__main__:gui_main"}


@pytest.mark.parametrize(
    "script", ["installer/build.sh", "installer/linux/make-deb.sh", "installer/linux/debian/postrm"]
)
def test_the_shell_scripts_parse(script):
    shell = "sh" if script.endswith("postrm") else "bash"
    subprocess.run([shell, "-n", str(ROOT / script)], check=True)
