"""Entry points and composition root.

``revoke-desk`` is the command line (with no arguments: the GUI, from a terminal);
``revoke-desk-gui`` is the windowed GUI (``[project.gui-scripts]``: no console
window on Windows).  Both take the hidden ``--smoke-gui``: open the first window,
check it is shown, and quit (the installer's smoke test of a bundle).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

SMOKE_GUI = "--smoke-gui"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args == [SMOKE_GUI]:
        return gui_main(args)
    # Names, addresses and ID numbers: nothing this process creates is for other users.
    from desktop.files import use_private_umask  # noqa: PLC0415

    use_private_umask()
    from desktop.cli import run  # noqa: PLC0415 - keep `import desktop.__main__` cheap

    return run(args)


def gui_main(argv: Sequence[str] | None = None) -> int:
    """The counter GUI; ``argv`` may hold only ``--smoke-gui`` (anything else is ignored)."""
    args = list(sys.argv[1:] if argv is None else argv)
    # The one place the core reaches up into the GUI, and lazily: the command
    # line starts fast and runs with no display and without Qt installed.
    # The GUI shows its lock screen before it imports the core, and sets the
    # private umask then, before it writes anything (ui/app.py, bench startup).
    from ui.import_hook import without_pyside_import_hook  # noqa: PLC0415

    with without_pyside_import_hook():
        from ui.app import main as run_gui  # noqa: PLC0415

    return run_gui(smoke=SMOKE_GUI in args)


if __name__ == "__main__":
    sys.exit(main())
