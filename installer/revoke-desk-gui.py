"""The bundle's windowed program: ``revoke-desk-gui`` (no console window on Windows)."""

import sys

from desktop.__main__ import gui_main

if __name__ == "__main__":
    sys.exit(gui_main())
