"""Revoke Desk's core: domain rules, services, ledger, config and command line.

No Qt here: everything in this package runs headless (the command line, the tests,
and the GUI on top of it).
"""
