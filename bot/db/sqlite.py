"""The SQLite backend: one aiosqlite connection (its own thread), WAL, group commit in-thread."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.db.database import (
    SQLITE_DIALECT,
    Connection,
    Database,
    ForeignKey,
    Params,
    Row,
    Work,
    commit_group,
    positional,
)
from bot.db.errors import (
    DatabaseSetupError,
    DatabaseTooNewError,
    DatabaseUnavailable,
    IntegrityViolation,
)
from bot.db.migrations import LATEST_VERSION, migrations_for
from bot.db.url import DatabaseUrl

log = logging.getLogger(__name__)
T = TypeVar("T")

# Checkpoints (copying the WAL into the database file, with an fsync of each under NORMAL) run
# in the background every CHECKPOINT_EVERY seconds on a connection of their own, so that no
# commit, and no member waiting for one, pays for them. The writer checkpoints by itself only
# as a safety net, if the WAL ever grows past WRITER_CHECKPOINT_PAGES (40 MB).
CHECKPOINT_EVERY = 1.0
WRITER_CHECKPOINT_PAGES = 10_000

# WAL keeps readers off the writer's back. synchronous=NORMAL in WAL mode never corrupts and keeps
# every commit across a process crash (kill -9); only a power cut may drop the last commits.
# FULL costs an fsync per commit (see README "Performance and reliability" for the figures).
# busy_timeout comes first: switching to WAL already needs the lock another program may hold.
PRAGMAS = (
    "PRAGMA busy_timeout = 5000",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    f"PRAGMA wal_autocheckpoint = {WRITER_CHECKPOINT_PAGES}",
)

_UNAVAILABLE = ("disk is full", "readonly database", "disk i/o error", "unable to open")
_PLACEHOLDER = re.compile(r"\$(\d+)")


@lru_cache(maxsize=1024)
def _sqlite_sql(sql: str) -> str:
    """`$n` placeholders as SQLite numbers them: `?n`."""
    return _PLACEHOLDER.sub(r"?\1", sql)


def _translated(exc: sqlite3.Error) -> Exception:
    if isinstance(exc, sqlite3.IntegrityError):
        # "UNIQUE constraint failed: quiz_games.channel_id": the columns name the constraint.
        return IntegrityViolation(str(exc), str(exc).partition(": ")[2])
    if isinstance(exc, sqlite3.OperationalError) and any(
            marker in str(exc).lower() for marker in _UNAVAILABLE):
        return DatabaseUnavailable(str(exc))
    return exc


def setup_error(path: Path, exc: OSError | sqlite3.Error) -> DatabaseSetupError:
    """One sentence for the person starting the bot: which setting, which file, what to do."""
    where = f"The database {path} (DATABASE_PATH or DATABASE_URL)"
    if isinstance(exc, OSError):  # creating its folder
        return DatabaseSetupError(
            f"{where} cannot be created: its folder {path.parent} cannot be made "
            f"({exc.strerror or exc}); point the setting at a folder the bot may write in.")
    message = str(exc).lower()
    if "not a database" in message or "malformed" in message:
        return DatabaseSetupError(
            f"{where} is not a SQLite database or is damaged; point the setting at the bot's "
            "database, or restore a backup (rocky-bot db restore BACKUP), or move this file "
            "away to start with a new one.")
    if "disk is full" in message:
        return DatabaseSetupError(
            f"{where} cannot be written: the disk is full; free some space on it and start "
            "again.")
    if "locked" in message or "busy" in message:
        return DatabaseSetupError(
            f"{where} is locked by another program (another rocky-bot, or a tool holding it "
            "open); stop that program and start again.")
    if "readonly" in message or "read-only" in message or "unable to open" in message:
        return DatabaseSetupError(f"{where} {_why_not_writable(path)}")
    return DatabaseSetupError(
        f"{where} cannot be used ({exc}); check the file and the disk, or restore a backup "
        "(rocky-bot db restore BACKUP).")


def _why_not_writable(path: Path) -> str:
    """The end of the sentence for a file SQLite could not open or write: what is read-only."""
    folder = path.parent
    with contextlib.suppress(OSError):
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return (f"is on a read-only file system ({folder}); mount it read-write or point "
                    "the setting at a writable place.")
    if path.exists() and not os.access(path, os.W_OK):
        return ("is a read-only file; make it writable by the user running the bot "
                f"(for example: chmod u+w {path}).")
    # SQLite writes its -wal and -shm files beside the database: the folder must be writable.
    return (f"cannot be opened for writing; make the file and its folder {folder} writable "
            "by the user running the bot.")


def _fetch_one(raw: sqlite3.Connection, sql: str, params: Sequence[Any]) -> Row | None:
    row: Row | None = raw.execute(_sqlite_sql(sql), params).fetchone()
    return row


def _fetch_all(raw: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[Row]:
    return raw.execute(_sqlite_sql(sql), params).fetchall()


def _execute(raw: sqlite3.Connection, sql: str, params: Sequence[Any]) -> int:
    return raw.execute(_sqlite_sql(sql), params).rowcount


def _execute_many(raw: sqlite3.Connection, sql: str, rows: list[Sequence[Any]]) -> None:
    raw.executemany(_sqlite_sql(sql), rows)


class SqliteConnection:
    """The Connection of a unit of work or transaction. Inside the database thread (`hop` is
    None) each call runs at once and never suspends; from the event loop each call is one hop
    to the thread."""

    __slots__ = ("_hop", "_raw")

    def __init__(self, raw: sqlite3.Connection,
                 hop: Callable[..., Coroutine[Any, Any, Any]] | None = None) -> None:
        self._raw = raw
        self._hop = hop

    async def _run(self, function: Callable[..., T], *args: Any) -> T:
        try:
            if self._hop is None:
                return function(self._raw, *args)
            result: T = await self._hop(function, self._raw, *args)
            return result
        except sqlite3.Error as exc:
            raise _translated(exc) from exc

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        return await self._run(_fetch_one, *positional(sql, params))

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._run(_fetch_all, *positional(sql, params))

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def execute(self, sql: str, params: Params = ()) -> int:
        return await self._run(_execute, *positional(sql, params))

    async def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._run(_execute_many, sql, list(rows))


def run_inline(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends (a unit of work on an in-thread connection) to its
    end, synchronously, in the calling thread."""
    try:
        coroutine.send(None)
    except StopIteration as finished:
        return finished.value
    coroutine.close()
    raise RuntimeError("a unit of work awaited something other than its database connection")


def _group_in_thread(raw: sqlite3.Connection, works: list[Work[Any]]) -> list[tuple[bool, Any]]:
    return run_inline(commit_group(SqliteConnection(raw), SQLITE_DIALECT.begin, works))


class SqliteDatabase(Database):
    dialect = SQLITE_DIALECT

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        super().__init__()
        self._conn = conn
        self.path = path
        self.url = DatabaseUrl.sqlite(path)
        self._checkpointer: asyncio.Task[None] | None = None
        self._written = False  # since the last background checkpoint

    @property
    def where(self) -> str:
        return str(self.path)

    # A backend's own opener takes only its kind of location (Database.open picks the backend).
    @classmethod
    async def open(  # type: ignore[override]
            cls, path: Path, *, migrate: bool = True) -> SqliteDatabase:
        """The database at `path`, migrated by default; DatabaseSetupError says what is wrong
        with the file (not a database, read-only, disk full, locked) in one sentence."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise setup_error(path, exc) from None
        conn = aiosqlite.connect(path, isolation_level=None)
        try:
            await conn
        except sqlite3.Error as exc:
            # aiosqlite stops its thread without waiting: wait here, or the thread reports
            # to an event loop that has closed meanwhile (a traceback on stderr).
            await asyncio.to_thread(conn._thread.join, 5)
            raise setup_error(path, exc) from None
        conn.row_factory = aiosqlite.Row
        db = cls(conn, path)
        try:
            try:
                for pragma in PRAGMAS:
                    await conn.execute(pragma)
            except sqlite3.Error as exc:
                raise setup_error(path, exc) from None
            if migrate:
                await db.migrate()
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                await conn.close()
            raise
        db._checkpointer = asyncio.create_task(db._checkpoint_regularly(), name="db-checkpoint")
        return db

    async def close(self) -> None:
        await self._wait_for_queue()  # every queued write is committed before the file closes
        if self._checkpointer is not None:
            self._checkpointer.cancel()
            await asyncio.gather(self._checkpointer, return_exceptions=True)
        async with self._write_lock:
            await self._conn.close()  # the last connection to close checkpoints what is left

    async def _checkpoint_regularly(self) -> None:
        # One thread of its own runs the checkpoints and, last, the close: a connection must
        # never be closed while another thread is inside it (that crashes the process).
        worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-checkpoint")
        loop = asyncio.get_running_loop()
        conn = await loop.run_in_executor(
            worker, partial(sqlite3.connect, self.path, check_same_thread=False))
        try:
            while True:
                await asyncio.sleep(CHECKPOINT_EVERY)
                if not self._written:
                    continue
                self._written = False
                try:
                    # PASSIVE never waits for the writer or readers: it copies what it can.
                    await loop.run_in_executor(worker, conn.execute,
                                               "PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error as exc:
                    log.warning("background checkpoint failed (%s); the next one retries", exc)
        finally:
            worker.submit(conn.close)  # after a checkpoint still running, if any
            worker.shutdown(wait=False)

    # -- reads ---------------------------------------------------------------------------
    def _hopping(self) -> SqliteConnection:
        return SqliteConnection(self._conn._conn, self._conn._execute)

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        return await self._hopping().fetch_one(sql, params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._hopping().fetch_all(sql, params)

    # -- writes --------------------------------------------------------------------------
    @asynccontextmanager
    async def _open_transaction(self) -> AsyncIterator[Connection]:
        conn = self._hopping()
        await conn.execute(self.dialect.begin)
        try:
            yield conn
        except BaseException:
            with contextlib.suppress(Exception):
                await conn.execute("ROLLBACK")
            raise
        await conn.execute("COMMIT")
        self._written = True

    async def _run_group(self, works: list[Work[Any]]) -> list[tuple[bool, Any]]:
        # aiosqlite runs this function in its thread: one hop for the whole group.
        try:
            outcomes: list[tuple[bool, Any]] = await self._conn._execute(
                _group_in_thread, self._conn._conn, works)
        except sqlite3.Error as exc:
            raise _translated(exc) from exc
        self._written = True
        return outcomes

    # -- schema --------------------------------------------------------------------------
    async def schema_version(self) -> int:
        if await self.fetch_one("SELECT name FROM sqlite_master WHERE type = 'table' "
                                "AND name = 'schema_version'") is None:
            return 0
        return int(await self.fetch_value("SELECT MAX(version) FROM schema_version") or 0)

    async def migrate(self) -> list[int]:
        try:
            return await self._migrate()
        except sqlite3.Error as exc:
            raise setup_error(self.path, exc) from None

    async def _migrate(self) -> list[int]:
        await self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        current = await self.schema_version()
        if current > LATEST_VERSION:
            raise DatabaseTooNewError(str(self.path), current, LATEST_VERSION)
        applied = []
        async with self._write_lock:
            for migration in migrations_for(self.backend):
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

    async def batches(self, table: str, size: int) -> AsyncIterator[Sequence[Row]]:
        async with self._conn.execute(f'SELECT * FROM "{table}"') as cursor:
            while rows := list(await cursor.fetchmany(size)):
                yield rows

    async def after_bulk_load(self, table: str) -> None:
        """Nothing to do: SQLite's next rowid (and AUTOINCREMENT's counter) follows the largest
        id inserted."""

    async def tables(self) -> list[str]:
        rows = await self.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name")
        return [r["name"] for r in rows]

    async def columns(self, table: str) -> list[str]:
        return [r["name"] for r in await self.fetch_all(
            "SELECT name FROM pragma_table_info($1) ORDER BY cid", (table,))]

    async def foreign_keys_to(self, table: str) -> list[ForeignKey]:
        rows = await self.fetch_all(
            "SELECT m.name AS tbl, f.id AS fk, f.\"from\" AS col, f.\"to\" AS target,"
            " f.on_delete AS on_delete FROM sqlite_master AS m,"
            " pragma_foreign_key_list(m.name) AS f"
            " WHERE m.type = 'table' AND f.\"table\" = $1 ORDER BY m.name, f.id, f.seq",
            (table,))
        grouped: dict[tuple[str, int], list[Row]] = {}
        for row in rows:
            grouped.setdefault((row["tbl"], row["fk"]), []).append(row)
        primary = [r["name"] for r in await self.fetch_all(
            "SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk", (table,))]
        keys = []
        for (referrer, _), parts in grouped.items():
            # A key written as `REFERENCES members` (no columns) maps to the primary key.
            targets = tuple(p["target"] or primary[i] for i, p in enumerate(parts))
            keys.append(ForeignKey(referrer, tuple(p["col"] for p in parts), targets,
                                   parts[0]["on_delete"]))
        return keys
