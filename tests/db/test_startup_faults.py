"""A database that cannot be used at start is one line on stderr naming the setting, the file
and what to do, and exit 2 — for every command that opens it, never a traceback.

The faults are real: random bytes, a folder path through a regular file, tmpfs file systems
mounted read-only or too small to write in (the suite runs as root, so permission bits alone
would not stop it), and another connection holding SQLite's exclusive lock."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.db.sqlite import SqliteDatabase

REPO = Path(__file__).resolve().parents[2]
TOKEN = "emulator-test-token-0123456789"
COMMANDS = (("db", "migrate"), ("run",), ("sandbox", "--script", "-", "--db"))


def _cli(args: tuple[str, ...], database: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "PYTHONPATH": str(REPO),
           "DISCORD_TOKEN": TOKEN}
    # The sandbox takes its database from --db; the other commands from DATABASE_PATH.
    if args[0] == "sandbox":
        args = (*args, str(database))
    else:
        env["DATABASE_PATH"] = str(database)
    return subprocess.run([sys.executable, "-m", "bot", "--env-file", "/dev/null", *args],
                          env=env, input="", capture_output=True, text=True, timeout=90,
                          cwd=REPO)


def _assert_one_line(result: subprocess.CompletedProcess[str], database: Path, says: str) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DATABASE_PATH" in lines[0] and str(database) in lines[0], lines[0]
    assert says in lines[0], lines[0]


@contextmanager
def _tmpfs(folder: Path, options: str) -> Iterator[Path]:
    folder.mkdir(exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def _remount_read_only(folder: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)


async def _migrated(path: Path) -> None:
    database = await SqliteDatabase.open(path)
    await database.close()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:1]))
def test_a_file_that_is_not_a_database(tmp_path, command):
    database = tmp_path / "rocky.db"
    database.write_bytes(os.urandom(8192))
    _assert_one_line(_cli(command, database), database, "is not a SQLite database")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:1]))
def test_a_folder_that_cannot_be_created(tmp_path, command):
    (tmp_path / "file.txt").write_text("a regular file, not a folder")
    database = tmp_path / "file.txt" / "rocky.db"
    _assert_one_line(_cli(command, database), database, "cannot be created")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:1]))
def test_a_folder_that_cannot_be_written(tmp_path, command):
    with _tmpfs(tmp_path / "mnt", "ro,size=1m") as folder:
        database = folder / "rocky.db"
        _assert_one_line(_cli(command, database), database, "read-only file system")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:1]))
def test_a_read_only_database_file(tmp_path, command):
    with _tmpfs(tmp_path / "mnt", "size=1m") as folder:
        database = folder / "rocky.db"
        asyncio.run(_migrated(database))  # a good database, up to date...
        _remount_read_only(folder)  # ...that can no longer be written
        _assert_one_line(_cli(command, database), database, "read-only file system")


def _fill(folder: Path) -> None:
    with open(folder / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError:  # ENOSPC: the disk is full
            pass


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:1]))
def test_a_full_disk(tmp_path, command):
    with _tmpfs(tmp_path / "mnt", "size=64k") as folder:
        _fill(folder)
        database = folder / "rocky.db"
        _assert_one_line(_cli(command, database), database, "the disk is full")


@contextmanager
def _held_exclusively(path: Path) -> Iterator[None]:
    """Another program in the middle of a long write: SQLite's exclusive lock, held."""
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("CREATE TABLE theirs (x)")
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# Each waits out the busy timeout (5 s) first, as a short lock would simply be waited for.
@pytest.mark.parametrize("command", COMMANDS[:2], ids=lambda c: " ".join(c[:1]))
def test_a_database_locked_by_another_program(tmp_path, command):
    database = tmp_path / "rocky.db"
    with _held_exclusively(database):
        _assert_one_line(_cli(command, database), database, "locked by another program")


def test_the_sentences_say_what_to_do():
    """Each fault's sentence ends with an action, not just the driver's words."""
    from bot.db.sqlite import setup_error

    path = Path("/srv/rocky/rocky.db")
    faults: list[Callable[[], Exception]] = [
        lambda: sqlite3.DatabaseError("file is not a database"),
        lambda: sqlite3.OperationalError("database or disk is full"),
        lambda: sqlite3.OperationalError("database is locked"),
        lambda: sqlite3.OperationalError("disk I/O error"),
        lambda: FileExistsError(17, "File exists"),
    ]
    for fault in faults:
        sentence = str(setup_error(path, fault()))  # type: ignore[arg-type]
        assert "DATABASE_PATH" in sentence and str(path) in sentence
        assert "; " in sentence and sentence.endswith("."), sentence
