"""`rocky-bot db check` and `rocky-bot db restore BACKUP`: is the database sound, and putting a
backup back in its place without losing the file it replaces."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.db.backup import backup_database
from bot.db.errors import DatabaseSetupError
from bot.db.migrations import LATEST_VERSION
from bot.db.url import DatabaseUrl

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a check or restore found: an exit code and the sentences to print."""

    code: int
    lines: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.code == EXIT_OK


@dataclass(frozen=True, slots=True)
class FileHealth:
    integrity: str  # "ok", or what PRAGMA integrity_check (or opening the file) reported
    version: int | None  # None when the file could not be read

    @property
    def sound(self) -> bool:
        return self.integrity == "ok"


@contextlib.contextmanager
def _read_only(path: Path, *, immutable: bool) -> Iterator[sqlite3.Connection]:
    # Read-only: checking a file must never change it (no WAL switch, no journal). A file no
    # one else uses is opened immutable: no -shm to create, so it may sit on read-only media.
    mode = "ro&immutable=1" if immutable else "ro"
    conn = sqlite3.connect(f"file:{path}?mode={mode}", uri=True, timeout=5)
    try:
        yield conn
    finally:
        conn.close()


def inspect_sqlite_file(path: Path, *, immutable: bool = False) -> FileHealth:
    """PRAGMA integrity_check and the schema version of a SQLite file, never raising for a
    damaged one (the answer then says what went wrong). `immutable` only for a file nothing
    else has open."""
    try:
        with _read_only(path, immutable=immutable) as conn:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
            integrity = "ok" if problems == ["ok"] else "; ".join(problems)
            has_versions = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            ).fetchone()
            version = int(conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
                          or 0) if has_versions else 0
    except sqlite3.Error as exc:
        return FileHealth(str(exc), None)
    return FileHealth(integrity, version)


def _version_sentence(where: str, version: int) -> tuple[bool, str]:
    if version == LATEST_VERSION:
        return True, f"schema version {version}, as this bot expects."
    if version < LATEST_VERSION:
        return False, (f"{where} is at schema version {version}, older than this bot's "
                       f"{LATEST_VERSION}: run `rocky-bot db migrate` (the bot also migrates "
                       "on start).")
    return False, (f"{where} is at schema version {version}, newer than this bot's "
                   f"{LATEST_VERSION}: upgrade the bot, or restore a backup made by this "
                   "version (rocky-bot db restore BACKUP).")


def check_database(url: DatabaseUrl) -> Verdict:
    """Integrity (SQLite) and schema version against the code's LATEST_VERSION."""
    if url.path is None:
        return _check_postgres(url)
    path = url.path
    if not path.is_file():
        return Verdict(EXIT_FAILED, (
            f"There is no database at {path} (DATABASE_PATH or DATABASE_URL): check the "
            "setting, or create it with `rocky-bot db migrate`.",))
    health = inspect_sqlite_file(path)
    if not health.sound or health.version is None:
        return Verdict(EXIT_FAILED, (
            f"{path} fails the integrity check ({health.integrity[:300]}): stop the bot and "
            "restore a backup (rocky-bot db restore BACKUP).",))
    lines = [f"{path}: integrity ok."]
    fine, sentence = _version_sentence(str(path), health.version)
    lines.append(f"{path}: {sentence}" if fine else sentence)
    return Verdict(EXIT_OK if fine else EXIT_FAILED, tuple(lines))


def _check_postgres(url: DatabaseUrl) -> Verdict:
    from bot.db import open_database

    async def version() -> int:
        database = await open_database(url, migrate=False)
        try:
            return await database.schema_version()
        finally:
            await database.close()

    try:
        found = asyncio.run(version())
    except DatabaseSetupError as exc:
        return Verdict(EXIT_USAGE, (str(exc),))
    fine, sentence = _version_sentence(url.safe, found)
    lines = [f"{url.safe}: {sentence}" if fine else sentence,
             "The integrity of PostgreSQL's files is the server's job (data checksums, "
             "amcheck, its log); this check reads only the schema version."]
    return Verdict(EXIT_OK if fine else EXIT_FAILED, tuple(lines))


class _InUse(Exception):
    """Another connection has the database open."""


@contextlib.contextmanager
def _sole_user(path: Path) -> Iterator[None]:
    """Hold SQLite's exclusive lock on `path`, or raise _InUse if another connection (the bot,
    another tool) has it open: in WAL mode every open connection keeps a shared lock, which an
    exclusive-mode lock cannot pass."""
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=0)
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
    except sqlite3.Error as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            if conn is not None:
                conn.close()
            raise _InUse from None
        # Not readable as a database (damaged): nobody can be using it as one either.
    try:
        yield
    finally:
        if conn is not None:
            conn.close()


def restore_database(url: DatabaseUrl, backup: Path, *, bot_running: str | None,
                     now: float | None = None) -> Verdict:
    """Replace the SQLite file with `backup`, once the backup is verified and the bot is not
    running, keeping the current file as a safety copy beside it. `bot_running` says why the
    bot seems to run (its fresh heartbeat), or is None."""
    if url.path is None:
        return Verdict(EXIT_USAGE, (
            "db restore replaces a SQLite file; DATABASE_URL names PostgreSQL, so use "
            f"pg_restore instead (for example: pg_restore --clean -d {url.safe} rocky.dump).",))
    path = url.path
    if not backup.is_file():
        return Verdict(EXIT_FAILED, (f"There is no backup at {backup}; name the file "
                                     "`rocky-bot db backup` wrote.",))
    if bot_running is not None:
        return Verdict(EXIT_FAILED, (
            f"The bot is running ({bot_running}); nothing was changed: stop the bot, then "
            "restore (after a crash, wait half a minute for the heartbeat to go stale).",))
    if path.exists():
        try:
            with _sole_user(path):
                pass
        except _InUse:
            return Verdict(EXIT_FAILED, (
                f"{path} is open in another program (the bot, or a tool); nothing was "
                "changed: stop it, then restore.",))

    # The backup is copied beside the database first and that copy is verified: what is
    # checked is exactly what is put in place, and the backup may sit on read-only media.
    path.parent.mkdir(parents=True, exist_ok=True)
    incoming = path.with_name(f".{path.name}.restoring")
    shutil.copyfile(backup, incoming)
    with open(incoming, "rb") as written:
        os.fsync(written.fileno())
    health = inspect_sqlite_file(incoming, immutable=True)
    refusal = None
    if not health.sound or health.version is None:
        refusal = (f"The backup {backup} fails the integrity check "
                   f"({health.integrity[:300]}); nothing was changed: choose another backup.")
    elif health.version > LATEST_VERSION:
        refusal = (f"The backup {backup} is at schema version {health.version}, newer than "
                   f"this bot's {LATEST_VERSION}; nothing was changed: upgrade the bot first.")
    if refusal is not None:
        incoming.unlink()
        return Verdict(EXIT_FAILED, (refusal,))

    safety: Path | None = None
    if path.exists():
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
        safety = path.with_name(f"{path.name}.before-restore-{stamp}")
        try:
            backup_database(path, safety)  # consistent, with what the WAL still held
        except sqlite3.DatabaseError:
            # A damaged file (the usual reason to restore) cannot be read page by page:
            # keep its bytes, and its WAL beside it, as they are.
            safety.unlink(missing_ok=True)
            shutil.copy2(path, safety)
            for suffix in ("-wal", "-shm"):
                side = path.with_name(path.name + suffix)
                if side.exists():
                    shutil.copy2(side, safety.with_name(safety.name + suffix))

    # The old file's WAL would be replayed into the restored file: remove it with the file.
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    os.replace(incoming, path)  # atomic: the file is the old one or the backup, never half

    kept = (f"the previous file is kept as {safety}" if safety is not None
            else "there was no previous file")
    then = ("start the bot." if health.version == LATEST_VERSION
            else f"start the bot (it migrates the backup from schema version "
                 f"{health.version} to {LATEST_VERSION}).")
    return Verdict(EXIT_OK, (
        f"Restored {path} from {backup} (integrity ok, schema version {health.version}); "
        f"{kept}; {then}",))
