"""Entry point and composition root: ``revoke-desk`` (no arguments: the GUI)."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from desktop.cli import run  # noqa: PLC0415 - keep `import desktop.__main__` cheap

    # Until the counter GUI lands, no arguments shows the command-line help.
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
