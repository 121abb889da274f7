"""Database triggers that refuse UPDATE and DELETE on append-only tables.

A second line of defence behind the hash chain: they stop an honest mistake or a
casual edit with a database tool, not a determined attacker (who could drop them;
the chain catches that).
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

APPEND_ONLY_MESSAGE = "append-only table: rows cannot be changed or deleted"


def create_append_only_guards(conn: Connection, tables: list[str]) -> None:
    if conn.dialect.name == "sqlite":
        for table in tables:
            for action in ("UPDATE", "DELETE"):
                conn.exec_driver_sql(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table}: {APPEND_ONLY_MESSAGE}'); END"
                )
        return
    # No '%' in the PL/pgSQL: the driver would read it as a query placeholder.
    conn.exec_driver_sql(
        "CREATE OR REPLACE FUNCTION revoke_desk_refuse_change() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ': "
        + APPEND_ONLY_MESSAGE
        + "'; END; $$ LANGUAGE plpgsql"
    )
    for table in tables:
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION revoke_desk_refuse_change()"
        )
        # Row triggers do not fire on TRUNCATE; a statement trigger does.
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION revoke_desk_refuse_change()"
        )


def drop_append_only_guards(conn: Connection, tables: list[str]) -> None:
    if conn.dialect.name == "sqlite":
        for table in tables:
            for action in ("update", "delete"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
        return
    for table in tables:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    conn.exec_driver_sql("DROP FUNCTION IF EXISTS revoke_desk_refuse_change()")
