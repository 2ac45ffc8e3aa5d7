"""Database.write: group commit (savepoints only once a unit failed), results only after commit,
writes committed in the order they were requested."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from bot.db import Database


@pytest.fixture()
async def db(tmp_path):
    database = await Database.open(tmp_path / "g.db")
    await database.execute_write("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
    yield database
    await database.close()


def _insert(k: int, v: str | None = "x"):  # type: ignore[no-untyped-def]
    def work(conn: sqlite3.Connection) -> int:
        return conn.execute("INSERT INTO t (k, v) VALUES (?, ?)", (k, v)).lastrowid

    return work


async def test_concurrent_writes_share_commits_and_are_committed_when_they_return(db, tmp_path):
    results = await asyncio.gather(*(db.write(_insert(k)) for k in range(500)))
    assert results == list(range(500))
    # Another connection sees every row: they were committed before write() returned.
    other = sqlite3.connect(tmp_path / "g.db")
    assert other.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 500
    other.close()


async def test_a_failing_unit_is_rolled_back_alone_and_its_caller_gets_the_error(db):
    outcomes = await asyncio.gather(
        db.write(_insert(1)), db.write(_insert(2, None)), db.write(_insert(3)),
        return_exceptions=True)
    assert outcomes[0] == 1 and outcomes[2] == 3
    assert isinstance(outcomes[1], sqlite3.IntegrityError)
    rows = await db.fetch_all("SELECT k FROM t ORDER BY k")
    assert [r["k"] for r in rows] == [1, 3]


async def test_close_waits_for_queued_writes(tmp_path):
    database = await Database.open(tmp_path / "c.db")
    await database.execute_write("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
    tasks = [asyncio.create_task(database.write(_insert(k))) for k in range(100)]
    await asyncio.sleep(0)
    await database.close()
    assert all(t.done() and not t.exception() for t in tasks)
    conn = sqlite3.connect(tmp_path / "c.db")
    assert conn.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 100
    conn.close()


async def test_writes_and_transactions_do_not_interleave(db):
    async def through_transaction(k: int) -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t (k, v) VALUES (?, 'tx')", (k,))

    await asyncio.gather(*(db.write(_insert(k)) for k in range(50)),
                         *(through_transaction(k) for k in range(50, 100)))
    assert (await db.fetch_one("SELECT COUNT(*) FROM t"))[0] == 100


async def test_units_of_a_group_that_had_a_failure_run_again_but_commit_once(db):
    runs: list[int] = []

    def counted(k: int):  # type: ignore[no-untyped-def]
        def work(conn: sqlite3.Connection) -> None:
            runs.append(k)
            conn.execute("INSERT INTO t (k, v) VALUES (?, 'x')", (k,))
        return work

    outcomes = await asyncio.gather(db.write(counted(1)), db.write(_insert(2, None)),
                                    return_exceptions=True)
    assert outcomes[0] is None and isinstance(outcomes[1], sqlite3.IntegrityError)
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
    with pytest.raises(sqlite3.IntegrityError):
        await pending
