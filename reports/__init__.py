"""Printed and exported documents: slips, day report, ledger, CSV/XLSX, PDF signing.

Renderers take plain frozen snapshots, never ORM sessions.
"""
