"""`rocky-bot db check` and `rocky-bot db restore BACKUP`, through the real command line."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bot.core.heartbeat import check_heartbeat, write_heartbeat
from bot.db import LATEST_VERSION, Database, DatabaseUrl
from bot.db.backup import backup_database

REPO = Path(__file__).resolve().parents[2]


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "bot", "--env-file", "/dev/null", *args],
                          env=base | env, capture_output=True, text=True, timeout=60, cwd=REPO)


def _setting(url: DatabaseUrl) -> dict[str, str]:
    return {"DATABASE_PATH": str(url.path)} if url.path is not None else {"DATABASE_URL": url.dsn}


def _damage(path: Path) -> None:
    """Random bytes over the pages after the first: the header still says SQLite."""
    with open(path, "r+b") as file:
        file.seek(4096)
        file.write(os.urandom(path.stat().st_size - 4096))


def _database_with(path: Path, marker: str) -> Path:
    async def create() -> None:
        await (await Database.open(path)).close()

    asyncio.run(create())
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE marker (v TEXT)")
        conn.execute("INSERT INTO marker VALUES (?)", (marker,))
    conn.close()
    return path


def _marker(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("SELECT v FROM marker").fetchone()[0])
    finally:
        conn.close()


# -- db check --------------------------------------------------------------------------------
async def test_check_passes_a_sound_database_at_the_latest_version(database_url):
    result = _cli("db", "check", **_setting(database_url))
    assert result.returncode == 0, result
    assert f"schema version {LATEST_VERSION}, as this bot expects" in result.stdout
    if database_url.is_sqlite:
        assert "integrity ok" in result.stdout
    else:
        assert "the server's job" in result.stdout


async def test_check_says_to_migrate_an_older_database(database_url, database):
    await database.execute_write("DELETE FROM schema_version WHERE version = $1",
                                 (LATEST_VERSION,))
    result = _cli("db", "check", **_setting(database_url))
    assert result.returncode == 1, result
    assert "older than this bot's" in result.stderr and "rocky-bot db migrate" in result.stderr


async def test_check_says_to_upgrade_the_bot_for_a_newer_database(database_url, database):
    await database.execute_write(
        "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, 'future', 'now')",
        (LATEST_VERSION + 1,))
    result = _cli("db", "check", **_setting(database_url))
    assert result.returncode == 1, result
    assert "newer than this bot's" in result.stderr and "upgrade the bot" in result.stderr


def test_check_says_to_restore_a_damaged_file(tmp_path):
    path = _database_with(tmp_path / "rocky.db", "x")
    _damage(path)
    result = _cli("db", "check", DATABASE_PATH=str(path))
    assert result.returncode == 1, result
    assert "fails the integrity check" in result.stderr
    assert "rocky-bot db restore BACKUP" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_of_a_missing_file_says_how_to_create_it(tmp_path):
    result = _cli("db", "check", DATABASE_PATH=str(tmp_path / "none.db"))
    assert result.returncode == 1 and "rocky-bot db migrate" in result.stderr, result
    assert not (tmp_path / "none.db").exists()  # checking never creates the file


# -- db restore ------------------------------------------------------------------------------
def test_restore_verifies_keeps_a_safety_copy_and_replaces_the_file(tmp_path):
    current = _database_with(tmp_path / "rocky.db", "current")
    backup = backup_database(_database_with(tmp_path / "old.db", "from the backup"),
                             tmp_path / "rocky.backup")
    result = _cli("db", "restore", str(backup), DATABASE_PATH=str(current))
    assert result.returncode == 0, result
    assert _marker(current) == "from the backup"
    safety = [p for p in tmp_path.iterdir() if p.name.startswith("rocky.db.before-restore-")]
    assert len(safety) == 1 and _marker(safety[0]) == "current"
    assert f"Restored {current} from {backup}" in result.stdout and str(safety[0]) in result.stdout
    assert not (tmp_path / "rocky.db-wal").exists()  # no stale WAL replayed into the backup
    assert _cli("db", "check", DATABASE_PATH=str(current)).returncode == 0


def test_restore_replaces_a_damaged_file_keeping_its_bytes(tmp_path):
    current = _database_with(tmp_path / "rocky.db", "current")
    _damage(current)
    damaged = current.read_bytes()
    backup = backup_database(_database_with(tmp_path / "old.db", "good"), tmp_path / "b.db")
    result = _cli("db", "restore", str(backup), DATABASE_PATH=str(current))
    assert result.returncode == 0, result
    assert _marker(current) == "good"
    [safety] = [p for p in tmp_path.iterdir() if ".before-restore-" in p.name]
    assert safety.read_bytes()[100:] == damaged[100:]  # every page past SQLite's header


def test_restore_replaces_a_file_that_is_no_database_at_all_keeping_it(tmp_path):
    current = tmp_path / "rocky.db"
    garbage = os.urandom(8192)
    current.write_bytes(garbage)
    backup = backup_database(_database_with(tmp_path / "old.db", "good"), tmp_path / "b.db")
    result = _cli("db", "restore", str(backup), DATABASE_PATH=str(current))
    assert result.returncode == 0, result
    [safety] = [p for p in tmp_path.iterdir() if ".before-restore-" in p.name]
    assert _marker(current) == "good" and safety.read_bytes() == garbage


def test_restore_from_read_only_media(tmp_path):
    current = _database_with(tmp_path / "rocky.db", "current")
    media = tmp_path / "media"
    media.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(media)], check=True)
    try:
        backup = backup_database(_database_with(tmp_path / "old.db", "good"), media / "b.db")
        subprocess.run(["mount", "-o", "remount,ro", str(media)], check=True)
        result = _cli("db", "restore", str(backup), DATABASE_PATH=str(current))
        assert result.returncode == 0, result
        assert _marker(current) == "good"
    finally:
        subprocess.run(["umount", "-l", str(media)], check=True)


def _refused(result: subprocess.CompletedProcess[str], current: Path, says: str) -> None:
    assert result.returncode == 1, result
    assert says in result.stderr and "nothing was changed" in result.stderr, result.stderr
    assert _marker(current) == "current"
    assert not [p for p in current.parent.iterdir()
                if ".before-restore-" in p.name or ".restoring" in p.name]


def test_restore_refuses_while_the_bot_runs(tmp_path):
    current = _database_with(tmp_path / "rocky.db", "current")
    backup = _database_with(tmp_path / "b.db", "backup")
    heartbeat = tmp_path / "rocky.db.heartbeat"  # where the running bot writes it
    heartbeat.write_text(json.dumps({"at": time.time(), "connected": False, "guilds": 0}))
    _refused(_cli("db", "restore", str(backup), DATABASE_PATH=str(current)), current,
             "The bot is running")
    # A stale heartbeat (the bot was killed a while ago) does not stand in the way...
    heartbeat.write_text(json.dumps({"at": time.time() - 3600, "connected": True}))
    assert _cli("db", "restore", str(backup), DATABASE_PATH=str(current)).returncode == 0


def test_restore_right_after_a_clean_stop_need_not_wait(tmp_path):
    current = _database_with(tmp_path / "rocky.db", "current")
    backup = _database_with(tmp_path / "b.db", "backup")
    # ...nor does the last beat of a clean stop, though it is seconds old.
    write_heartbeat(tmp_path / "rocky.db.heartbeat", connected=False, guilds=0, stopped=True)
    assert check_heartbeat(tmp_path / "rocky.db.heartbeat")[1].startswith("the bot stopped")
    assert _cli("db", "restore", str(backup), DATABASE_PATH=str(current)).returncode == 0


def test_restore_refuses_while_another_program_has_the_database_open(tmp_path):
    current = _database_with(tmp_path / "rocky.db", "current")
    backup = _database_with(tmp_path / "b.db", "backup")

    async def hold_open() -> subprocess.CompletedProcess[str]:
        database = await Database.open(current)  # as the bot holds it: WAL, idle
        try:
            return await asyncio.to_thread(
                _cli, "db", "restore", str(backup), DATABASE_PATH=str(current))
        finally:
            await database.close()

    _refused(asyncio.run(hold_open()), current, "open in another program")


def test_restore_refuses_a_damaged_backup(tmp_path):
    current = _database_with(tmp_path / "rocky.db", "current")
    backup = _database_with(tmp_path / "b.db", "backup")
    _damage(backup)
    _refused(_cli("db", "restore", str(backup), DATABASE_PATH=str(current)), current,
             "fails the integrity check")


def test_restore_refuses_a_backup_newer_than_the_bot(tmp_path):
    current = _database_with(tmp_path / "rocky.db", "current")
    backup = _database_with(tmp_path / "b.db", "backup")
    with sqlite3.connect(backup) as conn:
        conn.execute("INSERT INTO schema_version VALUES (?, 'future', 'now')",
                     (LATEST_VERSION + 1,))
    conn.close()
    _refused(_cli("db", "restore", str(backup), DATABASE_PATH=str(current)), current,
             "upgrade the bot first")


def test_restore_of_a_missing_backup_is_refused(tmp_path):
    current = _database_with(tmp_path / "rocky.db", "current")
    result = _cli("db", "restore", str(tmp_path / "nope.db"), DATABASE_PATH=str(current))
    assert result.returncode == 1 and "There is no backup" in result.stderr, result


def test_restore_on_postgresql_says_to_use_pg_restore():
    result = _cli("db", "restore", "rocky.dump",
                  DATABASE_URL="postgresql://rocky:pw@127.0.0.1:1/rocky")
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "pg_restore" in lines[0] and "pw" not in lines[0]


def test_backup_of_a_file_that_is_not_a_database_is_a_sentence(tmp_path):
    current = tmp_path / "rocky.db"
    current.write_bytes(os.urandom(8192))
    result = _cli("db", "backup", str(tmp_path / "copy.db"), DATABASE_PATH=str(current))
    assert result.returncode == 1, result
    assert "cannot be backed up" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "copy.db").exists()  # no partial copy left to be mistaken for one


def test_check_with_postgresql_down_is_one_line_and_exit_2():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once the probe closes
    result = _cli("db", "check", DATABASE_URL=f"postgresql://rocky:pw@127.0.0.1:{port}/rocky")
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "DATABASE_URL" in lines[0] and "does not answer" in lines[0]
    assert "Traceback" not in result.stderr
