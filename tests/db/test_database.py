"""The data layer on each backend: migrations, refusal, the same schema on both; SQLite's
pragmas and online backups."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.db import LATEST_VERSION, Database, DatabaseTooNewError
from bot.db import migrations as migrations_module
from bot.db.backup import backup_database, integrity_check
from bot.db.migrations import Migration
from tests.conftest import BACKENDS
from tests.support.dbaccess import query


async def test_migrations_on_an_empty_database_create_every_table(database):
    assert await database.schema_version() == LATEST_VERSION
    tables = set(await database.tables())
    assert {"guilds", "guild_settings", "members", "app_state", "schema_version"} <= tables
    assert await database.migrate() == []  # a second run applies nothing


async def test_sqlite_is_opened_with_the_pragmas_the_bot_relies_on(tmp_path):
    db = await Database.open(tmp_path / "fresh.db")
    try:
        assert (await db.fetch_one("PRAGMA journal_mode"))[0] == "wal"
        assert (await db.fetch_one("PRAGMA foreign_keys"))[0] == 1
        assert (await db.fetch_one("PRAGMA busy_timeout"))[0] == 5000
    finally:
        await db.close()


async def test_a_database_newer_than_the_code_is_refused(database_url):
    db = await Database.open(database_url)
    await db.execute_write(
        "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, 'future', 'now')",
        (LATEST_VERSION + 1,))
    await db.close()
    with pytest.raises(DatabaseTooNewError, match="newer than this bot knows"):
        await Database.open(database_url)


def test_db_migrate_refuses_a_newer_database_with_exit_2(tmp_path):
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT, "
                 "applied_at TEXT)")
    conn.execute("INSERT INTO schema_version VALUES (?, 'future', 'now')", (LATEST_VERSION + 5,))
    conn.commit()
    conn.close()
    result = _cli(["db", "migrate"], DATABASE_PATH=str(path))
    assert result.returncode == 2
    assert "newer than this bot knows" in result.stderr
    assert "Traceback" not in result.stderr


async def test_a_failing_migration_is_rolled_back_whole(database_url, monkeypatch):
    broken = Migration(LATEST_VERSION + 1, "broken",
                       "CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);")
    module = f"bot.db.{'sqlite' if database_url.is_sqlite else 'postgres'}"
    extended = (*migrations_module.migrations_for(database_url.backend), broken)
    monkeypatch.setattr(f"{module}.migrations_for", lambda backend: extended)
    monkeypatch.setattr(f"{module}.LATEST_VERSION", LATEST_VERSION + 1)
    with pytest.raises(Exception, match="no_such_table"):
        await Database.open(database_url)
    assert ("half_done",) not in query(
        database_url, "SELECT table_name FROM information_schema.tables"
        if not database_url.is_sqlite else "SELECT name FROM sqlite_master WHERE type='table'")
    assert query(database_url, "SELECT MAX(version) FROM schema_version") == [(LATEST_VERSION,)]


async def test_transaction_rolls_back_on_error(database):
    with pytest.raises(RuntimeError):
        async with database.transaction() as conn:
            await conn.execute("INSERT INTO app_state VALUES ('k', 'v')")
            raise RuntimeError("boom")
    assert await database.fetch_one("SELECT * FROM app_state") is None


def test_backup_during_concurrent_writes_is_consistent_and_complete(tmp_path):
    source = tmp_path / "live.db"
    conn = sqlite3.connect(source, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE answers (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
    for _ in range(2000):  # enough pages that the backup takes several steps
        conn.execute("INSERT INTO answers (payload) VALUES (?)", ("x" * 200,))
    stop = threading.Event()
    committed: list[int] = []

    def writer() -> None:
        w = sqlite3.connect(source, isolation_level=None, timeout=10)
        while not stop.is_set():
            w.execute("BEGIN IMMEDIATE")
            cur = w.execute("INSERT INTO answers (payload) VALUES (?)", ("y" * 200,))
            w.execute("COMMIT")
            committed.append(cur.lastrowid)
        w.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(0.2)
        committed_before = max(committed)
        target = backup_database(source, tmp_path / "copy.db")
    finally:
        stop.set()
        thread.join()
        conn.close()
    assert integrity_check(target) == "ok"
    copy = sqlite3.connect(target)
    ids = [r[0] for r in copy.execute("SELECT id FROM answers ORDER BY id")]
    copy.close()
    assert ids == list(range(1, len(ids) + 1)), "the copy has holes"
    assert ids[-1] >= committed_before, "a row committed before the backup is missing"


def test_db_backup_command_copies_and_refuses_to_overwrite(tmp_path):
    path = tmp_path / "rocky.db"
    assert _cli(["db", "migrate"], DATABASE_PATH=str(path)).returncode == 0
    result = _cli(["db", "backup", str(tmp_path / "b.db")], DATABASE_PATH=str(path))
    assert result.returncode == 0, result.stderr
    assert integrity_check(tmp_path / "b.db") == "ok"
    again = _cli(["db", "backup", str(tmp_path / "b.db")], DATABASE_PATH=str(path))
    assert again.returncode == 1 and "already exists" in again.stderr


def _cli(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    return subprocess.run([sys.executable, "-m", "bot", "--env-file", "/dev/null", *args],
                          env=base | env, capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[2])


async def _shape(db: Database) -> dict[str, object]:
    """Tables with their columns, and every foreign key, as the live schema has them."""
    shape: dict[str, object] = {}
    for table in await db.tables():
        columns = await db.columns(table)
        keys = sorted((k.table, k.columns, k.target_columns, k.on_delete)
                      for k in await db.foreign_keys_to(table))
        shape[table] = (columns, keys)
    return shape


if "postgresql" in BACKENDS:  # part of the PostgreSQL half (see tests/conftest.py)
    async def test_both_backends_build_the_same_schema(tmp_path, postgres_server):
        """Migration N brings either backend to the same tables, columns and foreign keys."""
        from bot.db import parse_database_url

        sqlite_db = await Database.open(tmp_path / "shape.db")
        postgres_db = await Database.open(parse_database_url(await postgres_server.new_database()))
        try:
            assert await _shape(sqlite_db) == await _shape(postgres_db)
        finally:
            await sqlite_db.close()
            await postgres_db.close()
