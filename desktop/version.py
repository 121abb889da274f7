"""The app's version, from its installed package metadata (pyproject.toml's ``version``).

One source: ``revoke-desk --version``, the About dialog and the installers' version
info all read it.  The PyInstaller bundle carries the metadata (``copy_metadata`` in
``installer/revoke-desk.spec``); a source tree that was never installed says so.
"""

from __future__ import annotations

from importlib import metadata

DISTRIBUTION = "revoke-desk"
UNKNOWN = "0+unknown"


def app_version() -> str:
    """``"0.1.0"``, or ``"0+unknown"`` when the package is not installed (a bare checkout)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return UNKNOWN
