"""Reading and writing a database behind the code's back, on either backend, from sync code.

Through a connection of its own, so only committed data is visible: what a test asserts here is
what a restart, another process or a crash would find. SQL uses `$n` placeholders.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import asyncpg

from bot.db import DatabaseUrl

T = TypeVar("T")


def in_own_thread(function: Callable[[], T]) -> T:
    """Run `function` in a thread of its own (it may call asyncio.run even when the caller is
    inside an event loop) and return its result."""
    result: list[Any] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(function())
        except BaseException as exc:
            failure.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if failure:
        raise failure[0]
    return result[0]  # type: ignore[no-any-return]


def _sqlite(sql: str) -> str:
    return re.sub(r"\$(\d+)", r"?\1", sql)


def query(url: DatabaseUrl, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    if url.is_sqlite:
        conn = sqlite3.connect(url.path)  # type: ignore[arg-type]
        try:
            return [tuple(r) for r in conn.execute(_sqlite(sql), tuple(params)).fetchall()]
        finally:
            conn.close()

    async def fetch() -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(url.dsn)
        try:
            return [tuple(r) for r in await conn.fetch(sql, *params)]
        finally:
            await conn.close()

    return in_own_thread(lambda: asyncio.run(fetch()))


def execute(url: DatabaseUrl, sql: str, params: Sequence[Any] = ()) -> None:
    if url.is_sqlite:
        conn = sqlite3.connect(url.path, timeout=10)  # type: ignore[arg-type]
        try:
            conn.execute(_sqlite(sql), tuple(params))
            conn.commit()
        finally:
            conn.close()
        return

    async def run() -> None:
        conn = await asyncpg.connect(url.dsn)
        try:
            await conn.execute(sql, *params)
        finally:
            await conn.close()

    in_own_thread(lambda: asyncio.run(run()))
