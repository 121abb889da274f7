"""The bundled Japanese font (BIZ UDPGothic), registered with ReportLab once per process.

Every document this package renders uses only these two faces, embedded as subsets,
so a slip prints the same on any machine.  ReportLab falls back to Helvetica (not
embedded, and without Japanese glyphs) wherever a font is left unset: create canvases
with ``initialFontName=REGULAR`` and name a font in every style and table style.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.lib.fonts import addMapping  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]

FONT_DIR = Path(__file__).with_name("fonts")
REGULAR = "BIZUDPGothic"
BOLD = "BIZUDPGothic-Bold"
_FILES = {REGULAR: "BIZUDPGothic-Regular.ttf", BOLD: "BIZUDPGothic-Bold.ttf"}

_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the regular and bold faces (idempotent, thread-safe).

    Also maps ``<b>`` in Paragraph markup to the bold face; there is no italic, so
    ``<i>`` maps to the upright faces rather than to a Helvetica fallback.
    """
    global _registered  # noqa: PLW0603 - a once-per-process latch
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, filename in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, REGULAR)
        addMapping(REGULAR, 1, 1, BOLD)
        addMapping(BOLD, 0, 0, BOLD)
        addMapping(BOLD, 1, 0, BOLD)
        addMapping(BOLD, 0, 1, BOLD)
        addMapping(BOLD, 1, 1, BOLD)
        _registered = True
