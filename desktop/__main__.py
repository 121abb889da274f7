"""Entry point and composition root: ``revoke-desk`` (no arguments: the GUI)."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    # Names, addresses and ID numbers: nothing this process creates is for other users.
    from desktop.files import use_private_umask  # noqa: PLC0415

    use_private_umask()
    if not args:
        # The one place the core reaches up into the GUI, and lazily: the command
        # line starts fast and runs with no display and without Qt installed.
        # The core is loaded before Qt on purpose: once PySide6 is imported, its
        # import hook reads the source of every later module, which
        # costs about 0.1 s over SQLAlchemy's few hundred modules (bench startup).
        import desktop.app  # noqa: F401, PLC0415
        from ui.app import main as gui_main  # noqa: PLC0415

        return gui_main()
    from desktop.cli import run  # noqa: PLC0415 - keep `import desktop.__main__` cheap

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
