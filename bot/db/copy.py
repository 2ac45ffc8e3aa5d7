"""`rocky-bot db copy SOURCE_URL TARGET_URL`: every table, from either backend to the other.

The target is migrated first and must hold no data (unless --replace); tables are copied
parents first (foreign keys), in batches, with a progress line each; at the end every table's
row count is compared between the two.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import TextIO

from bot.db import (
    LATEST_VERSION,
    Database,
    DatabaseSetupError,
    DatabaseUrlError,
    open_database,
    parse_database_url,
)

BATCH = 1_000
VERSION_TABLE = "schema_version"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CopyRefused(Exception):
    """The copy cannot start; the message says why and what to do."""


async def copy_order(db: Database) -> list[str]:
    """The bot's tables, each after every table its foreign keys refer to."""
    tables = [t for t in await db.tables() if t != VERSION_TABLE]
    parents: dict[str, set[str]] = {t: set() for t in tables}
    for table in tables:
        for key in await db.foreign_keys_to(table):
            if key.table != table:
                parents[key.table].add(table)
    ordered: list[str] = []
    while parents:
        ready = sorted(t for t, needs in parents.items() if needs <= set(ordered))
        if not ready:
            raise RuntimeError(f"foreign keys form a cycle among {sorted(parents)}")
        ordered.extend(ready)
        for table in ready:
            del parents[table]
    return ordered


async def row_counts(db: Database, tables: list[str]) -> dict[str, int]:
    return {t: int(await db.fetch_value(f'SELECT COUNT(*) FROM "{t}"')) for t in tables}


async def copy_database(source: Database, target: Database, *, replace: bool,
                        progress: Callable[[str, int, int], None]) -> dict[str, int]:
    """Copy every row; returns the row count per table (checked equal on both sides)."""
    version = await source.schema_version()
    if version != LATEST_VERSION:
        raise CopyRefused(
            f"the source is at schema version {version}, this bot at {LATEST_VERSION}: run "
            "`rocky-bot db migrate` with DATABASE_URL set to the source first")
    tables = await copy_order(target)
    held = {t: n for t, n in (await row_counts(target, tables)).items() if n}
    if held and not replace:
        raise CopyRefused(
            f"the target already holds data ({', '.join(sorted(held))}); copy into an empty "
            "database, or add --replace to empty it first")
    expected = await row_counts(source, tables)
    async with target.transaction() as conn:
        for table in reversed(tables):
            await conn.execute(f'DELETE FROM "{table}"')
        for table in tables:
            done = 0
            progress(table, done, expected[table])
            async for rows in source.batches(table, BATCH):
                columns = list(rows[0].keys())
                marks = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
                names = ", ".join(f'"{c}"' for c in columns)
                await conn.execute_many(
                    f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                    [tuple(row[c] for c in columns) for row in rows])
                done += len(rows)
                progress(table, done, expected[table])
    for table in tables:
        await target.after_bulk_load(table)
    copied = await row_counts(target, tables)
    wrong = [f"{t}: {expected[t]} in the source, {copied[t]} in the target"
             for t in tables if copied[t] != expected[t]]
    if wrong:
        raise RuntimeError("row counts differ after the copy: " + "; ".join(wrong))
    return copied


def _progress_printer(out: TextIO) -> Callable[[str, int, int], None]:
    width = 30

    def show(table: str, done: int, total: int) -> None:
        filled = width if total == 0 else width * done // total
        line = f"{table:<24} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}"
        if out.isatty():
            print(f"\r{line}", end="\n" if done >= total else "", file=out, flush=True)
        elif done >= total:
            print(line, file=out, flush=True)

    return show


def copy_command(source_url: str, target_url: str, *, replace: bool,
                 out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    try:
        source, target = parse_database_url(source_url), parse_database_url(target_url)
    except DatabaseUrlError as exc:
        print(f"rocky-bot: that database URL is not usable: {exc}.", file=err)
        return EXIT_USAGE
    if source == target:
        print("rocky-bot: SOURCE_URL and TARGET_URL are the same database.", file=err)
        return EXIT_USAGE
    if source.is_sqlite and source.path is not None and not source.path.is_file():
        print(f"rocky-bot: there is no SQLite database at {source.path}.", file=err)
        return EXIT_USAGE

    async def run() -> dict[str, int]:
        from_db = await open_database(source, migrate=False)
        try:
            to_db = await open_database(target)
            try:
                return await copy_database(from_db, to_db, replace=replace,
                                           progress=_progress_printer(out))
            finally:
                await to_db.close()
        finally:
            await from_db.close()

    try:
        counts = asyncio.run(run())
    except (DatabaseSetupError, CopyRefused) as exc:
        print(f"rocky-bot: {exc}.".replace("..", "."), file=err)
        return EXIT_USAGE
    print(f"Copied {sum(counts.values()):,} rows in {len(counts)} tables from {source} to "
          f"{target}; every table's row count matches.", file=out)
    return EXIT_OK
