"""Importing our own modules past PySide6's import hook (issue 11, the cold start).

Once PySide6 is loaded, ``builtins.__import__`` is its hook, which reads the source of
every module imported after it (``inspect.getsource``) to find the ones that use
``__feature__``.  None of ours does, so the GUI imports its first screens
(``desktop.__main__.gui_main``, about 9 ms here) and the core (ui.app's cold start, on
a worker thread, about 75 ms of CPU over the core's few hundred modules) with Python's
own ``importlib.__import__`` instead.  Screens imported later, when first opened, go
through the hook as before.

This module imports PySide6 itself, so the hook is in place before it is swapped out:
a swap made before PySide6 loads would put back the plain import at the end of the
block and lose the hook for good.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib
from collections.abc import Iterator

import PySide6.QtCore  # noqa: F401 - installs the hook that the block below steps past


@contextlib.contextmanager
def without_pyside_import_hook() -> Iterator[None]:
    """Imports in this block skip PySide6's import hook.

    The swap is process-wide while the block runs: an import another thread makes
    meanwhile (the GUI thread, while the worker imports the core) skips the hook too,
    which loses nothing, since the hook only matters to modules that use
    ``__feature__`` and none of ours does.
    """
    hooked = builtins.__import__
    builtins.__import__ = importlib.__import__
    try:
        yield
    finally:
        builtins.__import__ = hooked
