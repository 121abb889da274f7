"""Run the Alembic migrations from inside the app (no alembic.ini needed).

Alembic is imported only when the schema is behind: every start compares the
database's revision with :data:`SCHEMA_HEAD` by plain SQL, which keeps a command
line call and the GUI's cold start fast.  A test holds SCHEMA_HEAD to the
migrations' real head.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SCHEMA_HEAD = "0003"  # the newest revision in migrations/versions
# Every revision this version of the app knows, oldest first (a test holds it to the scripts).
KNOWN_REVISIONS = ("0001", "0002", "0003")


class SchemaTooNew(Exception):
    """The database was made by a newer version of the app: this one must not touch it."""

    def __init__(self, revision: str) -> None:
        super().__init__(f"database schema {revision} is newer than this app's {SCHEMA_HEAD}")
        self.revision = revision


def _config() -> Config:
    from alembic.config import Config  # noqa: PLC0415 - see module docstring

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The head according to the migration scripts themselves."""
    from alembic.script import ScriptDirectory  # noqa: PLC0415

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; a no-op when it is there already."""
    current = current_revision(engine)
    if current is not None and current not in KNOWN_REVISIONS:
        raise SchemaTooNew(current)
    if revision == "head" and current == SCHEMA_HEAD:
        return
    from alembic import command  # noqa: PLC0415

    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command  # noqa: PLC0415

    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
