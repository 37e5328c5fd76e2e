"""The database settings follow the environment: PgBouncer's transaction mode, kept connections, SQLite."""

from pathlib import Path

from luoshi.settings import database_settings

PG = "postgres://luoshi@db:6432/luoshi"
VAR = Path("/tmp/nowhere")


def test_behind_pgbouncer_there_are_no_server_side_cursors_and_no_prepared_statements() -> None:
    db = database_settings({"DATABASE_URL": PG, "LUOSHI_PGBOUNCER": "true"}, VAR)
    assert db["ENGINE"] == "luoshi.events.backends.postgresql"
    assert db["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert "prepare_threshold" in db["OPTIONS"]
    assert db["OPTIONS"]["prepare_threshold"] is None
    assert db["PORT"] == 6432


def test_straight_to_postgresql_psycopg_keeps_its_defaults() -> None:
    db = database_settings({"DATABASE_URL": PG}, VAR)
    assert not db.get("DISABLE_SERVER_SIDE_CURSORS")
    assert "prepare_threshold" not in db.get("OPTIONS", {})


def test_connections_are_kept_a_minute_unchecked_unless_the_environment_says_otherwise() -> None:
    db = database_settings({"DATABASE_URL": PG}, VAR)
    assert (db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"]) == (60, False)
    db = database_settings(
        {"DATABASE_URL": PG, "LUOSHI_CONN_MAX_AGE": "0", "LUOSHI_CONN_HEALTH_CHECKS": "yes"}, VAR
    )
    assert (db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"]) == (0, True)


def test_without_a_database_url_the_sqlite_file_lies_in_the_var_directory_and_pgbouncer_is_ignored() -> None:
    db = database_settings({"LUOSHI_PGBOUNCER": "true"}, VAR)
    assert db["ENGINE"] == "luoshi.events.backends.sqlite3"
    assert db["NAME"] == str(VAR / "luoshi.sqlite3")
    assert db["CONN_MAX_AGE"] == 0
    assert not db.get("DISABLE_SERVER_SIDE_CURSORS")
