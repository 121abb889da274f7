"""The two entry points: ``revoke-desk --version`` and the hidden ``--smoke-gui``."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from desktop import __main__ as entry
from desktop.cli import run as cli_run
from desktop.version import UNKNOWN, app_version
from ui.first_run import FirstRunView

ROOT = Path(__file__).resolve().parents[2]


def test_version_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as stopped:
        cli_run(["--version"])
    assert stopped.value.code == 0
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    version, location = capsys.readouterr().out.splitlines()
    assert version == f"revoke-desk {expected}"
    assert location.startswith("data: ")  # which data location is in use
    assert app_version() == expected


def test_an_uninstalled_checkout_says_so(monkeypatch):
    monkeypatch.setattr("desktop.version.DISTRIBUTION", "no-such-distribution-here")
    assert app_version() == UNKNOWN


@pytest.mark.parametrize("start", [entry.main, entry.gui_main])
def test_smoke_gui_shows_the_first_window_and_quits(qtbot, capsys, start):
    assert start(["--smoke-gui"]) == 0
    assert "smoke-gui: FirstRunView shown" in capsys.readouterr().out


def test_smoke_gui_leaves_no_window_open(qtbot):
    assert entry.main(["--smoke-gui"]) == 0
    assert not [
        w for w in QApplication.topLevelWidgets() if isinstance(w, FirstRunView) and w.isVisible()
    ]
