"""The PostgreSQL backend: an asyncpg pool; writes group committed on one pooled connection."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from bot.db.database import (
    POSTGRES_DIALECT,
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

POOL_MIN, POOL_MAX = 2, 10
CONNECT_TIMEOUT = 10.0
# Any migration holds this advisory lock, so two processes starting at once migrate one by one.
MIGRATION_LOCK = 0x726F636B79  # "rocky"

# The server went away, restarts, or refuses for now: the unit of work was not committed.
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.DiskFullError,
    asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.exceptions.ReadOnlySQLTransactionError,
    ConnectionError,
    OSError,
    asyncio.TimeoutError,
)


def _translated(exc: BaseException) -> BaseException:
    if isinstance(exc, asyncpg.exceptions.IntegrityConstraintViolationError):
        return IntegrityViolation(f"{exc} ({exc.constraint_name})",
                                  exc.constraint_name or "")
    if isinstance(exc, _UNAVAILABLE):
        return DatabaseUnavailable(f"PostgreSQL: {exc.__class__.__name__}: {exc}")
    return exc


async def _guarded(call: Awaitable[T]) -> T:
    try:
        return await call
    except Exception as exc:
        translated = _translated(exc)
        if translated is exc:
            raise
        raise translated from exc


def _rowcount(status: str) -> int:
    """asyncpg reports "UPDATE 3", "INSERT 0 1", "DELETE 0": the last number is the count."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PostgresConnection:
    """The Connection of a unit of work or transaction: one asyncpg connection."""

    __slots__ = ("_raw",)

    def __init__(self, raw: PoolConnectionProxy) -> None:
        self._raw = raw

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        text, args = positional(sql, params)
        return await _guarded(self._raw.fetchrow(text, *args))

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        text, args = positional(sql, params)
        return list(await _guarded(self._raw.fetch(text, *args)))  # list[Record] as list[Row]

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        text, args = positional(sql, params)
        return await _guarded(self._raw.fetchval(text, *args))

    async def execute(self, sql: str, params: Params = ()) -> int:
        text, args = positional(sql, params)
        return _rowcount(await _guarded(self._raw.execute(text, *args)))

    async def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = list(rows)
        if batch:
            await _guarded(self._raw.executemany(sql, batch))


class PostgresDatabase(Database):
    dialect = POSTGRES_DIALECT

    def __init__(self, pool: asyncpg.Pool, url: DatabaseUrl) -> None:
        super().__init__()
        self._pool = pool
        self.url = url

    @property
    def where(self) -> str:
        return self.url.safe

    # A backend's own opener takes only its kind of location (Database.open picks the backend).
    @classmethod
    async def open(cls, url: DatabaseUrl, *, migrate: bool = True,  # type: ignore[override]
                   min_size: int = POOL_MIN, max_size: int = POOL_MAX) -> PostgresDatabase:
        pool = await connect_pool(url, min_size=min_size, max_size=max_size)
        db = cls(pool, url)
        try:
            if migrate:
                await db.migrate()
        except BaseException:
            await pool.close()
            raise
        return db

    async def close(self) -> None:
        await self._wait_for_queue()
        async with self._write_lock:
            await self._pool.close()

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[PoolConnectionProxy]:
        try:
            async with self._pool.acquire(timeout=CONNECT_TIMEOUT) as raw:
                yield raw
        except Exception as exc:
            translated = _translated(exc)
            if translated is exc:
                raise
            raise translated from exc

    # -- reads ---------------------------------------------------------------------------
    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        async with self._connection() as raw:
            return await PostgresConnection(raw).fetch_one(sql, params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._connection() as raw:
            return await PostgresConnection(raw).fetch_all(sql, params)

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        async with self._connection() as raw:
            return await PostgresConnection(raw).fetch_value(sql, params)

    # -- writes --------------------------------------------------------------------------
    @asynccontextmanager
    async def _open_transaction(self) -> AsyncIterator[Connection]:
        async with self._connection() as raw:
            conn = PostgresConnection(raw)
            await conn.execute(self.dialect.begin)
            try:
                yield conn
            except BaseException:
                with contextlib.suppress(Exception):
                    await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")

    async def _run_group(self, works: list[Work[Any]]) -> list[tuple[bool, Any]]:
        async with self._connection() as raw:
            return await commit_group(PostgresConnection(raw), self.dialect.begin, works)

    # -- schema --------------------------------------------------------------------------
    async def schema_version(self) -> int:
        if await self.fetch_value("SELECT to_regclass('schema_version')") is None:
            return 0
        return int(await self.fetch_value("SELECT MAX(version) FROM schema_version") or 0)

    async def migrate(self) -> list[int]:
        applied = []
        async with self._write_lock, self._connection() as raw:
            await _guarded(raw.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK))
            try:
                await _guarded(raw.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version ("
                    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"))
                current = int(await raw.fetchval("SELECT MAX(version) FROM schema_version") or 0)
                if current > LATEST_VERSION:
                    raise DatabaseTooNewError(self.where, current, LATEST_VERSION)
                for migration in migrations_for(self.backend):
                    if migration.version <= current:
                        continue
                    async with raw.transaction():
                        await _guarded(raw.execute(migration.sql))
                        await raw.execute(
                            "INSERT INTO schema_version (version, name, applied_at) "
                            "VALUES ($1, $2, to_char(now() AT TIME ZONE 'UTC', "
                            "'YYYY-MM-DD HH24:MI:SS'))", migration.version, migration.name)
                    log.info("applied migration %04d_%s", migration.version, migration.name)
                    applied.append(migration.version)
            finally:
                with contextlib.suppress(Exception):
                    await raw.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
        return applied

    async def batches(self, table: str, size: int) -> AsyncIterator[Sequence[Row]]:
        async with self._connection() as raw, raw.transaction():
            cursor = await raw.cursor(f'SELECT * FROM "{table}"')
            while rows := await cursor.fetch(size):
                yield rows

    async def after_bulk_load(self, table: str) -> None:
        identities = await self.fetch_all(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = $1 AND is_identity = 'YES'", (table,))
        for row in identities:
            column = row["column_name"]
            await self.execute_write(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f'COALESCE(MAX("{column}"), 0) + 1, false) FROM "{table}"')

    async def tables(self) -> list[str]:
        rows = await self.fetch_all(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' "
            "ORDER BY table_name")
        return [r["table_name"] for r in rows]

    async def columns(self, table: str) -> list[str]:
        return [r["column_name"] for r in await self.fetch_all(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = $1 ORDER BY ordinal_position", (table,))]

    async def foreign_keys_to(self, table: str) -> list[ForeignKey]:
        rows = await self.fetch_all(
            "SELECT c.conrelid::regclass::text AS tbl, "
            "ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i) "
            "  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n "
            "  ORDER BY k.i) AS cols, "
            "ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i) "
            "  JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n "
            "  ORDER BY k.i) AS targets, "
            "CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' "
            "  WHEN 'd' THEN 'SET DEFAULT' WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END "
            "  AS on_delete "
            "FROM pg_constraint c WHERE c.contype = 'f' AND c.confrelid = to_regclass($1) "
            "ORDER BY 1, c.conname", (table,))
        return [ForeignKey(r["tbl"], tuple(r["cols"]), tuple(r["targets"]), r["on_delete"])
                for r in rows]


async def connect_pool(
    url: DatabaseUrl, *, min_size: int = POOL_MIN, max_size: int = POOL_MAX,
    init: Callable[[asyncpg.Connection], Coroutine[Any, Any, None]] | None = None,
) -> asyncpg.Pool:
    """The pool, or DatabaseSetupError with one sentence naming DATABASE_URL (no password)."""
    where = url.safe
    try:
        pool: asyncpg.Pool = await asyncpg.create_pool(
            url.dsn, min_size=min_size, max_size=max_size, timeout=CONNECT_TIMEOUT,
            command_timeout=60, init=init)
    except asyncpg.exceptions.InvalidPasswordError:
        raise DatabaseSetupError(
            f"PostgreSQL at {where} refused the user name or password in DATABASE_URL; check "
            "them (and the server's pg_hba.conf).") from None
    except asyncpg.exceptions.InvalidCatalogNameError:
        raise DatabaseSetupError(
            f"PostgreSQL at {url.host}:{url.port} has no database {url.database!r} "
            f"(DATABASE_URL); create it first, for example: createdb {url.database}") from None
    except asyncpg.exceptions.InvalidAuthorizationSpecificationError:
        raise DatabaseSetupError(
            f"PostgreSQL at {where} does not accept the user {url.user!r} from DATABASE_URL; "
            "check the user name and the server's pg_hba.conf.") from None
    except (TimeoutError, OSError, asyncpg.exceptions.CannotConnectNowError,
            asyncpg.exceptions.PostgresConnectionError):
        raise DatabaseSetupError(
            f"PostgreSQL at {url.host}:{url.port} (DATABASE_URL) does not answer; start the "
            "server or correct the host and port.") from None
    except asyncpg.exceptions.PostgresError as exc:
        raise DatabaseSetupError(
            f"PostgreSQL at {where} (DATABASE_URL) refused the connection: "
            f"{exc.__class__.__name__}; check the URL and the server's log.") from None
    return pool
