"""The installer tests: the built bundle (``bundle`` marker) and the installer scripts.

``./test`` builds the Linux bundle after the suite (installer/build.sh, from the lock
file, in a fresh venv) and runs ``pytest -m bundle tests/installer`` with
REVOKE_DESK_BUNDLE (the bundle folder) and REVOKE_DESK_DEB (the .deb) set.  Without
them the bundle tests are skipped: a PyInstaller build takes minutes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

BUNDLE_ENV = "REVOKE_DESK_BUNDLE"
DEB_ENV = "REVOKE_DESK_DEB"
ROOT = Path(__file__).resolve().parents[2]


def _given(env: str) -> Path:
    value = os.environ.get(env)
    if not value:
        pytest.skip(f"{env} is not set: ./test builds the bundle and runs these after the suite")
    path = Path(value)
    assert path.exists(), f"{env}={value} does not exist"
    return path


@pytest.fixture(scope="session")
def bundle_dir() -> Path:
    return _given(BUNDLE_ENV)


@pytest.fixture(scope="session")
def deb_file() -> Path:
    return _given(DEB_ENV)
