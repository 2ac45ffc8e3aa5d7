"""Database.write: group commit (savepoints only once a unit failed), results only after commit,
writes committed in the order they were requested. On each backend."""

from __future__ import annotations

import asyncio

import pytest

from bot.db import Connection, Database, IntegrityViolation
from tests.support.dbaccess import query

TABLE = "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)"


@pytest.fixture()
async def db(database):
    await database.execute_write(TABLE)
    return database


def _insert(k: int, v: str | None = "x"):  # type: ignore[no-untyped-def]
    async def work(conn: Connection) -> int:
        return int(await conn.fetch_value(
            "INSERT INTO t (k, v) VALUES ($1, $2) RETURNING k", (k, v)))

    return work


async def test_concurrent_writes_share_commits_and_are_committed_when_they_return(db):
    results = await asyncio.gather(*(db.write(_insert(k)) for k in range(500)))
    assert results == list(range(500))
    # Another connection sees every row: they were committed before write() returned.
    assert query(db.url, "SELECT COUNT(*) FROM t") == [(500,)]


async def test_a_failing_unit_is_rolled_back_alone_and_its_caller_gets_the_error(db):
    outcomes = await asyncio.gather(
        db.write(_insert(1)), db.write(_insert(2, None)), db.write(_insert(3)),
        return_exceptions=True)
    assert outcomes[0] == 1 and outcomes[2] == 3
    assert isinstance(outcomes[1], IntegrityViolation)
    rows = await db.fetch_all("SELECT k FROM t ORDER BY k")
    assert [r["k"] for r in rows] == [1, 3]


async def test_close_waits_for_queued_writes(database_url):
    database = await Database.open(database_url)
    await database.execute_write(TABLE)
    tasks = [asyncio.create_task(database.write(_insert(k))) for k in range(100)]
    await asyncio.sleep(0)
    await database.close()
    assert all(t.done() and not t.exception() for t in tasks)
    assert query(database_url, "SELECT COUNT(*) FROM t") == [(100,)]


async def test_writes_and_transactions_do_not_interleave(db):
    async def through_transaction(k: int) -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t (k, v) VALUES ($1, 'tx')", (k,))

    await asyncio.gather(*(db.write(_insert(k)) for k in range(50)),
                         *(through_transaction(k) for k in range(50, 100)))
    assert await db.fetch_value("SELECT COUNT(*) FROM t") == 100


async def test_units_of_a_group_that_had_a_failure_run_again_but_commit_once(db):
    runs: list[int] = []

    def counted(k: int):  # type: ignore[no-untyped-def]
        async def work(conn: Connection) -> None:
            runs.append(k)
            await conn.execute("INSERT INTO t (k, v) VALUES ($1, 'x')", (k,))
        return work

    outcomes = await asyncio.gather(db.write(counted(1)), db.write(_insert(2, None)),
                                    return_exceptions=True)
    assert outcomes[0] is None and isinstance(outcomes[1], IntegrityViolation)
    assert runs == [1, 1]  # once in the group that failed, once in the retry with savepoints
    assert [r["k"] for r in await db.fetch_all("SELECT k FROM t")] == [1]


async def test_a_write_soon_is_committed_before_any_later_transaction(db):
    await db.execute_write("CREATE TABLE child (k INTEGER PRIMARY KEY REFERENCES t (k))")
    pending = db.write_soon(_insert(7))
    async with db.transaction() as conn:  # would fail the foreign key if 7 were not in first
        await conn.execute("INSERT INTO child (k) VALUES (7)")
    assert pending.done() and pending.result() == 7


async def test_a_failed_write_soon_reports_through_its_future(db):
    pending = db.write_soon(_insert(1, None))
    with pytest.raises(IntegrityViolation):
        await pending


async def test_a_unit_of_work_that_awaits_anything_else_is_refused_on_sqlite(db):
    """On SQLite a unit runs inside the database thread, where it cannot wait for the loop."""
    async def sleepy(conn: Connection) -> None:
        await conn.execute("INSERT INTO t (k, v) VALUES (1, 'x')")
        await asyncio.sleep(0.001)

    if db.backend == "sqlite":
        with pytest.raises(RuntimeError, match=r"awaited something other|no running event loop"):
            await db.write(sleepy)
        assert await db.fetch_value("SELECT COUNT(*) FROM t") == 0
    else:  # on PostgreSQL the unit runs on the loop, and may
        await db.write(sleepy)
        assert await db.fetch_value("SELECT COUNT(*) FROM t") == 1
