"""A shop folder driven through the command line, in-process (the CLI contract)."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path
from typing import Any

from desktop.cli import EXIT_OK, run
from tests.conftest import CLERK_PIN, MANAGER_PIN


class _Stdin(io.StringIO):
    @property
    def buffer(self) -> io.BytesIO:
        return io.BytesIO(self.getvalue().encode())


class CliShop:
    """``revoke-desk`` against one SQLite file: init, a clerk, then any command."""

    def __init__(self, home: Path, name: str = "リボーク質店") -> None:
        self.home = home
        self.db = home / "shop.sqlite3"
        self.base = ["--db", f"sqlite:///{self.db}"]
        home.mkdir(parents=True, exist_ok=True)
        code, self.init_output, err = self(
            "init",
            "--shop-name",
            name,
            "--station",
            "S01",
            "--manager",
            "M01",
            "--license-no",
            "第301020001234号",
            "--commission",
            "東京都公安委員会",
            stdin=f"{MANAGER_PIN}\n",
        )
        assert code == EXIT_OK, err
        code, _, err = self(
            "clerk",
            "add",
            "C01",
            "--name",
            "佐藤 花子",
            "--manager",
            "M01",
            stdin=f"{MANAGER_PIN}\n{CLERK_PIN}\n",
        )
        assert code == EXIT_OK, err

    def __call__(self, *args: str, stdin: str = "") -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = run([*args, *self.base], out=out, err=err, stdin=_Stdin(stdin))
        return code, out.getvalue(), err.getvalue()

    def submit(self, document: dict[str, Any]) -> tuple[int, str, str]:
        return self("intake", "--json", "-", stdin=json.dumps(document, ensure_ascii=False))

    def intake(self, document: dict[str, Any]) -> str:
        """Commit a document that must pass; the receipt number."""
        code, out, err = self.submit(document)
        assert code == EXIT_OK, err
        return out.split()[0]

    def query(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql, params).fetchall()

    def body(self, receipt: str) -> dict[str, Any]:
        (raw,) = self.query(
            "SELECT body FROM ledger_entry WHERE kind='intake' AND subject=?", receipt
        )[0]
        body: dict[str, Any] = json.loads(raw)
        return body

    def person(self, receipt: str) -> dict[str, Any]:
        (raw,) = self.query("SELECT data FROM person WHERE receipt=?", receipt)[0]
        data: dict[str, Any] = json.loads(raw)
        return data
