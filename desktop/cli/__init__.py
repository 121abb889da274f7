"""The command line (ARCHITECTURE.md, "Command line": a stable contract).

Exit codes: 0 done; 1 ``verify`` found tampering; 2 bad input or a condition the
user can fix (the message says which); 3 an unexpected fault (details in the log).
Errors are one line on stderr, in Japanese and English; never a traceback.

``desktop.cli.common`` holds what every command shares; ``desktop.cli.main`` the
parser and :func:`run`; each other module is the command face of one part of the
core, named after it (``setup``, ``intake``, ``clerks``, ``voiding``, ``minors``,
``verify``, ``slips``, ``dayclose``, ``headoffice``, ``ledger``, ``maintenance``,
``keys``, ``database``).
"""

from desktop.cli.common import EXIT_FAULT, EXIT_OK, EXIT_TAMPERED, EXIT_USAGE, Console
from desktop.cli.main import build_parser, run

__all__ = ["EXIT_FAULT", "EXIT_OK", "EXIT_TAMPERED", "EXIT_USAGE", "Console", "build_parser", "run"]
