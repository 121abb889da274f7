"""The bundle's console program: ``revoke-desk`` (the command line; no arguments: the GUI)."""

import sys

from desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
