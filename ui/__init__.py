"""The PySide6 counter GUI (the only package that imports Qt)."""
