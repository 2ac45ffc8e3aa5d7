"""One SQLite database opened with the pragmas the bot relies on, migrated at start-up."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.db.migrations import LATEST_VERSION, MIGRATIONS

log = logging.getLogger(__name__)

# Checkpoints (copying the WAL into the database file, with an fsync of each under NORMAL) run
# in the background every CHECKPOINT_EVERY seconds on a connection of their own, so that no
# commit, and no member waiting for one, pays for them. The writer checkpoints by itself only
# as a safety net, if the WAL ever grows past WRITER_CHECKPOINT_PAGES (40 MB).
CHECKPOINT_EVERY = 1.0
WRITER_CHECKPOINT_PAGES = 10_000

# WAL keeps readers off the writer's back. synchronous=NORMAL in WAL mode never corrupts and keeps
# every commit across a process crash (kill -9); only a power cut may drop the last commits.
# FULL costs an fsync per commit (see README "Performance and reliability" for the figures).
PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
    f"PRAGMA wal_autocheckpoint = {WRITER_CHECKPOINT_PAGES}",
)


T = TypeVar("T")
Work = Callable[[sqlite3.Connection], Any]
MAX_GROUP = 256  # writes committed together at most


class DatabaseTooNewError(RuntimeError):
    """The database was written by a newer version of the bot; running on it could damage it."""

    def __init__(self, path: Path, found: int) -> None:
        super().__init__(
            f"The database {path} is at schema version {found}, newer than this bot knows "
            f"({LATEST_VERSION}). Upgrade the bot, or restore a backup made by this version."
        )
        self.found = found


class Database:
    """The bot's connection. Writes go through `transaction()`, one at a time."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()
        self._queued: list[tuple[Work, asyncio.Future[Any]]] = []
        self._committer: asyncio.Task[None] | None = None
        self._checkpointer: asyncio.Task[None] | None = None
        self._written = False  # since the last background checkpoint

    @classmethod
    async def open(cls, path: Path, *, migrate: bool = True) -> Database:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        db = cls(conn, path)
        try:
            for pragma in PRAGMAS:
                await conn.execute(pragma)
            if migrate:
                await db.migrate()
        except BaseException:
            await conn.close()
            raise
        db._checkpointer = asyncio.create_task(db._checkpoint_regularly(), name="db-checkpoint")
        return db

    async def close(self) -> None:
        if self._committer is not None:
            await self._committer  # every queued write is committed before the file closes
        if self._checkpointer is not None:
            self._checkpointer.cancel()
            await asyncio.gather(self._checkpointer, return_exceptions=True)
        async with self._write_lock:
            await self._conn.close()  # the last connection to close checkpoints what is left

    async def _checkpoint_regularly(self) -> None:
        conn = await asyncio.to_thread(sqlite3.connect, self.path, check_same_thread=False)
        try:
            while True:
                await asyncio.sleep(CHECKPOINT_EVERY)
                if not self._written:
                    continue
                self._written = False
                try:
                    # PASSIVE never waits for the writer or readers: it copies what it can.
                    await asyncio.to_thread(conn.execute, "PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error as exc:
                    log.warning("background checkpoint failed (%s); the next one retries", exc)
        finally:
            # A checkpoint still running in its thread when we were cancelled keeps the
            # connection busy; it is then closed when collected. Nothing is lost either way.
            with contextlib.suppress(sqlite3.Error):
                conn.close()

    async def schema_version(self) -> int:
        row = await self.fetch_one(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        )
        if row is None:
            return 0
        row = await self.fetch_one("SELECT MAX(version) AS version FROM schema_version")
        return int(row["version"] or 0)

    async def migrate(self) -> list[int]:
        """Apply pending migrations; refuse a database newer than the code."""
        await self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        current = await self.schema_version()
        if current > LATEST_VERSION:
            raise DatabaseTooNewError(self.path, current)
        applied = []
        async with self._write_lock:
            for migration in MIGRATIONS:
                if migration.version <= current:
                    continue
                script = (
                    "BEGIN IMMEDIATE;\n"
                    f"{migration.sql}\n;"
                    "INSERT INTO schema_version (version, name, applied_at) VALUES "
                    f"({migration.version}, '{migration.name}', datetime('now'));\n"
                    "COMMIT;"
                )
                try:
                    await self._conn.executescript(script)
                except BaseException:
                    if self._conn.in_transaction:
                        await self._conn.rollback()
                    raise
                log.info("applied migration %04d_%s", migration.version, migration.name)
                applied.append(migration.version)
        return applied

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error. Returns after the commit.
        Writes requested earlier through `write` or `write_soon` are committed first."""
        async with self._write_lock:
            await self._commit_queued_locked()
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.rollback()
                raise
            await self._conn.commit()
            self._written = True

    async def write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work(connection)` in a transaction in the database's thread; return after commit.

        Group commit: writes that arrive while one is being committed are committed together, in
        one transaction and one trip to the database thread (if one of them fails, the group is
        run again with a savepoint each, so only the failing one is rolled back and its caller
        gets the exception). This is how a burst of quiz answers is stored at close to raw
        SQLite speed while every answer is still committed before its member is told it
        counted. `work` may therefore run more than once: it must only read and write the
        database. Writes are committed in the order they were requested.
        """
        return await self.write_soon(work)

    def write_soon(self, work: Callable[[sqlite3.Connection], T]) -> asyncio.Future[T]:
        """Like `write`, without waiting: the future completes after the commit. Any write or
        transaction requested afterwards sees this one committed first."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queued.append((work, future))
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit_queued(), name="db-committer")
        return future

    async def _commit_queued(self) -> None:
        while self._queued:
            async with self._write_lock:
                await self._commit_queued_locked()

    async def _commit_queued_locked(self) -> None:
        while self._queued:
            group, self._queued = self._queued[:MAX_GROUP], self._queued[MAX_GROUP:]
            try:
                # aiosqlite runs this function in its thread: one hop for the whole group.
                outcomes = await self._conn._execute(
                    _commit_group, self._conn._conn, [work for work, _ in group])
            except Exception as exc:  # the transaction itself failed: nothing committed
                outcomes = [(False, exc)] * len(group)
            self._written = True
            for (_, future), (ok, value) in zip(group, outcomes, strict=True):
                if future.done():  # the caller gave up waiting; the write still stands
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)

    async def execute_write(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One statement in its own transaction; returns the affected row count."""
        async with self.transaction() as conn:
            cursor = await conn.execute(sql, params)
            return cursor.rowcount

    async def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self.transaction() as conn:
            await conn.executemany(sql, rows)

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Row | None:
        async with self._conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        async with self._conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())


def _commit_group(conn: sqlite3.Connection, works: list[Work]) -> list[tuple[bool, Any]]:
    """In the database thread: the whole group in one transaction. Should one unit fail, roll
    back and run the group again with a savepoint per unit, so that only that unit is lost."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        outcomes: list[tuple[bool, Any]] = [(True, work(conn)) for work in works]
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(exc, Exception):
            return _commit_units(conn, works)
        raise
    conn.execute("COMMIT")
    return outcomes


def _commit_units(conn: sqlite3.Connection, works: list[Work]) -> list[tuple[bool, Any]]:
    outcomes: list[tuple[bool, Any]] = []
    conn.execute("BEGIN IMMEDIATE")
    try:
        for work in works:
            conn.execute("SAVEPOINT unit")
            try:
                outcomes.append((True, work(conn)))
            except Exception as exc:
                conn.execute("ROLLBACK TO unit")
                outcomes.append((False, exc))
            conn.execute("RELEASE unit")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return outcomes
