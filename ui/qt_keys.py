"""Qt's enum values set by their key names, for what is drawn before the first paint.

PySide6 makes the Python enums of a Qt class all at once, the first time the class is
touched, and ``PySide6.QtCore.Qt`` has about a hundred of them (``Qt.Key`` alone has
471 members): 26–31 ms of the counter's cold start here, a quarter of a bare window's
whole start (docs/PERFORMANCE.md, the ``startup`` bench).  So the modules the lock
screen is built from (ui.app, ui.main_window, ui.lock_screen, ui.forms, ui.fit) do not
import ``Qt``: they set their few Qt values through the meta-object, by the names Qt
itself writes them with (as Qt Designer's files and style sheets do), and the rest of
the program meets ``Qt`` after the first paint.  tests/gui/test_cold_start.py checks
that ``Qt`` is still untouched once the lock screen is on screen.
"""

from __future__ import annotations

from PySide6.QtCore import QObject


def set_keys(target: QObject, name: str, keys: str) -> None:
    """Set ``target``'s Qt property ``name`` to ``keys``, as Qt reads it from text: an
    enum's key ("RichText", "AlignCenter"), flags joined by "|" ("ImhDigitsOnly|
    ImhSensitiveData"), or a key sequence ("F9", "Ctrl+L").

    A property the object does not have, or a key its enum does not have, is a
    programming error, raised at once (Qt's ``setProperty`` only returns False).
    """
    if not target.setProperty(name, keys):
        raise ValueError(f"{type(target).__name__}.{name} cannot be set to {keys!r}")
