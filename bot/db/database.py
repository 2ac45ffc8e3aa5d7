"""The data layer's one public interface: `Database`, and the `Connection` a unit of work gets.

Two backends implement it: SQLite through aiosqlite (bot/db/sqlite.py, the default) and
PostgreSQL through an asyncpg pool (bot/db/postgres.py). SQL is written once, in the dialect the
two share, with `$1..$n` placeholders (or `:name` with a mapping of parameters); the places where
they differ are the `Dialect` fragments below and the DDL of each migration.

Writes are units of work, `async def work(conn) -> T`, committed by a group commit: the units
that arrive while one group is being committed share the next transaction, and each caller
resumes after the commit that holds its write. On SQLite the whole group runs in the database
thread in one hop; on PostgreSQL on one pooled connection. So acknowledged means committed, on
both backends, at close to the speed of batched writes.
"""

from __future__ import annotations

import asyncio
import logging
import re
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

from bot.db.errors import DatabaseUnavailable
from bot.db.url import DatabaseUrl

log = logging.getLogger(__name__)

T = TypeVar("T")
Params = Sequence[Any] | Mapping[str, Any]
MAX_GROUP = 256  # units of work committed together at most


class Row(Protocol):
    """A result row: by column name or position (sqlite3.Row and asyncpg.Record both are)."""

    def __getitem__(self, key: str | int, /) -> Any: ...
    def keys(self) -> Any: ...


class Connection(Protocol):
    """What a unit of work or a transaction may do: statements inside one transaction."""

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None: ...
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]: ...
    async def fetch_value(self, sql: str, params: Params = ()) -> Any: ...
    async def execute(self, sql: str, params: Params = ()) -> int: ...  # rows affected
    async def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...


Work = Callable[[Connection], Awaitable[T]]


@dataclass(frozen=True, slots=True)
class Dialect:
    """The few SQL fragments the two backends spell differently."""

    name: str
    begin: str  # starts a write transaction (SQLite takes the write lock up front)
    text_aggregate: str  # format with the expression and the separator's character code
    group_by_unindexed: str  # format with a column: a GROUP BY that picks no index for order

    def concat(self, expression: str, separator_code: int) -> str:
        return self.text_aggregate.format(expression=expression, code=separator_code)


SQLITE_DIALECT = Dialect(
    "sqlite", "BEGIN IMMEDIATE", "group_concat({expression}, char({code}))",
    # "+column" is an expression, so SQLite's planner does not pick an index just for its order.
    "GROUP BY +{column}")
POSTGRES_DIALECT = Dialect(
    "postgresql", "BEGIN", "string_agg({expression}, chr({code}))", "GROUP BY {column}")


@dataclass(frozen=True, slots=True)
class ForeignKey:
    """A foreign key of `table` whose `columns` refer to `target_columns` of the target."""

    table: str
    columns: tuple[str, ...]
    target_columns: tuple[str, ...]
    on_delete: str  # "CASCADE", "SET NULL", "NO ACTION", ...


_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@lru_cache(maxsize=512)
def _named_to_positional(sql: str) -> tuple[str, tuple[str, ...]]:
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match[1] not in names:
            names.append(match[1])
        return f"${names.index(match[1]) + 1}"

    return _NAMED.sub(number, sql), tuple(names)


def positional(sql: str, params: Params) -> tuple[str, Sequence[Any]]:
    """`:name` placeholders with a mapping become `$n` with a sequence (the one form backends
    take); a sequence is passed through."""
    if isinstance(params, Mapping):
        text, names = _named_to_positional(sql)
        return text, tuple(params[name] for name in names)
    return sql, params


class Database(ABC):
    """The bot's database. Reads run at once; writes go through `write` (a unit of work, group
    committed) or `transaction()` (statements awaited one by one), one writer at a time."""

    dialect: Dialect
    url: DatabaseUrl  # where it is (its `safe` form may be shown or logged)

    def __init__(self) -> None:
        self._write_lock = asyncio.Lock()
        self._queued: list[tuple[Work[Any], asyncio.Future[Any]]] = []
        self._committer: asyncio.Task[None] | None = None

    @staticmethod
    async def open(location: DatabaseUrl | Path, *, migrate: bool = True) -> Database:
        """Open the backend `location` names (a SQLite file's path is short for its URL) and,
        by default, migrate it. DatabaseSetupError says what is wrong, in one sentence."""
        url = DatabaseUrl.sqlite(location) if isinstance(location, Path) else location
        if url.is_sqlite:
            from bot.db.sqlite import SqliteDatabase

            assert url.path is not None
            return await SqliteDatabase.open(url.path, migrate=migrate)
        from bot.db.postgres import PostgresDatabase

        return await PostgresDatabase.open(url, migrate=migrate)

    # -- what it is ----------------------------------------------------------------------
    @property
    def backend(self) -> str:
        return self.dialect.name

    @property
    @abstractmethod
    def where(self) -> str:
        """The database as it may be shown to a person or logged: never a password."""

    # -- reads ---------------------------------------------------------------------------
    @abstractmethod
    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None: ...

    @abstractmethod
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    # -- writes --------------------------------------------------------------------------
    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """BEGIN ... COMMIT, rolled back on any error; returns after the commit. Writes
        requested earlier through `write` or `write_soon` are committed first."""
        async with self._write_lock:
            await self._commit_queued_locked()
            async with self._open_transaction() as conn:
                yield conn

    @abstractmethod
    def _open_transaction(self) -> AbstractAsyncContextManager[Connection]:
        """A connection inside BEGIN ... COMMIT (ROLLBACK on an error); the lock is held."""

    async def execute_write(self, sql: str, params: Params = ()) -> int:
        """One statement in its own transaction; returns the affected row count."""
        async with self.transaction() as conn:
            return await conn.execute(sql, params)

    async def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self.transaction() as conn:
            await conn.execute_many(sql, rows)

    async def write(self, work: Work[T]) -> T:
        """Run `work(connection)` in a transaction; return after the commit.

        Group commit: units that arrive while one group is being committed are committed
        together, in one transaction (if one of them fails, the group is run again with a
        savepoint each, so only the failing one is rolled back and its caller gets the
        exception). `work` may therefore run more than once, and it must only use the
        connection: on SQLite it runs in the database thread, where awaiting anything else is
        refused. Writes are committed in the order they were requested.
        """
        return await self.write_soon(work)

    def write_soon(self, work: Work[T]) -> asyncio.Future[T]:
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
            works = [work for work, _ in group]
            try:
                outcomes = await self._run_group(works)
            except Exception as exc:  # the transaction itself failed: nothing committed
                outcomes = [(False, exc)] * len(group)
            for (_, future), (ok, value) in zip(group, outcomes, strict=True):
                if future.done():  # the caller gave up waiting; the write still stands
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)

    @abstractmethod
    async def _run_group(self, works: list[Work[Any]]) -> list[tuple[bool, Any]]:
        """Commit the group (see `commit_group`) and return each unit's outcome."""

    async def _wait_for_queue(self) -> None:
        if self._committer is not None:
            await asyncio.gather(self._committer, return_exceptions=True)

    # -- schema --------------------------------------------------------------------------
    @abstractmethod
    async def schema_version(self) -> int: ...

    @abstractmethod
    async def migrate(self) -> list[int]:
        """Apply pending migrations, each in one transaction; refuse a database newer than the
        code (DatabaseTooNewError). Returns the versions applied."""

    @abstractmethod
    async def columns(self, table: str) -> list[str]:
        """The table's columns, in their order."""

    @abstractmethod
    async def foreign_keys_to(self, table: str) -> list[ForeignKey]:
        """Every foreign key that refers to `table`, read from the live schema."""

    @abstractmethod
    async def tables(self) -> list[str]:
        """The bot's tables (the version table included), by name."""

    @abstractmethod
    def batches(self, table: str, size: int) -> AsyncIterator[Sequence[Row]]:
        """Every row of `table`, `size` rows at a time (for copying between databases)."""

    @abstractmethod
    async def after_bulk_load(self, table: str) -> None:
        """Rows were inserted with their ids given: let the next generated id follow them."""

    @abstractmethod
    async def close(self) -> None:
        """Commit what is queued, then close."""


async def commit_group(conn: Connection, begin: str, works: list[Work[Any]]
                       ) -> list[tuple[bool, Any]]:
    """The whole group in one transaction. Should one unit fail, roll back and run the group
    again with a savepoint per unit, so that only that unit is lost. The database going away
    fails the whole group (nothing was committed)."""
    await conn.execute(begin)
    try:
        outcomes: list[tuple[bool, Any]] = [(True, await work(conn)) for work in works]
    except DatabaseUnavailable:
        await _rollback_quietly(conn)
        raise
    except Exception:
        await conn.execute("ROLLBACK")
        return await _commit_units(conn, begin, works)
    except BaseException:  # cancelled: end the transaction if the connection still can
        await _rollback_quietly(conn)
        raise
    await conn.execute("COMMIT")
    return outcomes


async def _commit_units(conn: Connection, begin: str, works: list[Work[Any]]
                        ) -> list[tuple[bool, Any]]:
    outcomes: list[tuple[bool, Any]] = []
    await conn.execute(begin)
    try:
        for work in works:
            await conn.execute("SAVEPOINT unit")
            try:
                outcomes.append((True, await work(conn)))
            except DatabaseUnavailable:
                raise
            except Exception as exc:
                await conn.execute("ROLLBACK TO SAVEPOINT unit")
                outcomes.append((False, exc))
            await conn.execute("RELEASE SAVEPOINT unit")
        await conn.execute("COMMIT")
    except BaseException:
        await _rollback_quietly(conn)
        raise
    return outcomes


async def _rollback_quietly(conn: Connection) -> None:
    """After a failure: end the transaction if the connection still can (a dead one cannot;
    its backend discards it)."""
    with suppress(Exception):
        await conn.execute("ROLLBACK")
