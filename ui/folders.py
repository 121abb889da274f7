"""Opening a folder the app wrote in the OS's file manager (day close, head-office export)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

# How a view opens a folder: the file manager, or a test's recorder.
Opener = Callable[[Path], object]


def open_in_file_manager(folder: Path) -> object:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
