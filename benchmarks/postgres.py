"""The PostgreSQL backend against its baselines, in the same run, on a durable server (fsync on):

- answers committed per second through the repositories vs raw asyncpg on one connection
  committing each answer (the same statements, the same durability);
- the quiz click burst with the bot on PostgreSQL vs the bare discord.py bot;
- the top-10 server board and /stats at 10k..1M recorded answers (built in SQLite by
  benchmarks.boards, then moved over with `db copy`'s code).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg

from benchmarks.boards import NOW, build
from benchmarks.database import GUILD, _migrate, _prepared, board_times, repository_rate
from bot.db import Database, DatabaseUrl, parse_database_url
from bot.db.copy import copy_database
from tests.support.dbaccess import in_own_thread
from tests.support.postgres import PostgresServer

if TYPE_CHECKING:
    from benchmarks.run import Report, Sizes


async def raw_asyncpg_rate(url: DatabaseUrl, count: int) -> float:
    """The statements of one answer on one asyncpg connection, a transaction per answer."""
    db, _, game_id = await _prepared(url, count)
    await db.close()
    conn = await asyncpg.connect(url.dsn)
    try:
        started = time.perf_counter()
        for user in range(count):
            async with conn.transaction():
                await conn.fetchrow(
                    "SELECT g.status, g.guild_id, r.opened_at, r.closes_at, r.revealed_at, "
                    "r.correct_option, EXISTS (SELECT 1 FROM quiz_answers WHERE "
                    "interaction_id = $1) AS replay, (SELECT option FROM quiz_answers WHERE "
                    "game_id = $2 AND round_no = 1 AND user_id = $3) AS earlier "
                    "FROM quiz_rounds r JOIN quiz_games g USING (game_id) "
                    "WHERE r.game_id = $2 AND r.round_no = 1", 10**12 + user, game_id, user)
                await conn.execute(
                    "INSERT INTO quiz_answers (game_id, round_no, guild_id, user_id, option, "
                    "correct, elapsed_ms, interaction_id, answered_at) VALUES ($1, 1, $2, $3, $4, "
                    "$5, 0, $6, $7) ON CONFLICT (game_id, round_no, user_id) DO NOTHING",
                    game_id, GUILD, user, user % 4, int(user % 4 == 0), 10**12 + user,
                    NOW.isoformat())
        return count / (time.perf_counter() - started)
    finally:
        await conn.close()


def _new_database(server: PostgresServer) -> DatabaseUrl:
    return parse_database_url(in_own_thread(lambda: asyncio.run(server.new_database())))


async def _copy_in(source: Path, target: DatabaseUrl) -> None:
    from_db = await Database.open(source, migrate=False)
    to_db = await Database.open(target)
    try:
        await copy_database(from_db, to_db, replace=True, progress=lambda *_: None)
        await to_db.execute_write("ANALYZE")
    finally:
        await from_db.close()
        await to_db.close()


def bench_postgres(report: Report, sizes: Sizes, workdir: Path) -> None:
    from benchmarks.run import bench_interactions, progress

    server = PostgresServer(durable=True)
    server.start()
    try:
        progress(f"PostgreSQL: {sizes.write_count:,} answers, repositories vs raw asyncpg "
                 f"(median of {sizes.runs}; fsync on)")
        ours, raw = [], []
        for _ in range(sizes.runs):
            ours.append(asyncio.run(repository_rate(_new_database(server), sizes.write_count)))
            raw.append(asyncio.run(raw_asyncpg_rate(_new_database(server), sizes.write_count)))
        report.add("PostgreSQL: answers/s through the repositories", statistics.median(ours), "/s")
        report.add("PostgreSQL: answers/s raw asyncpg, one connection", statistics.median(raw),
                   "/s")
        ratio = statistics.median(ours) / statistics.median(raw)
        report.results["pg_db_write_ratio"] = ratio
        report.add("PostgreSQL: repository / raw write ratio", ratio)

        for answers in sizes.answers:
            progress(f"PostgreSQL: leaderboards at {answers:,} answers (building, copying...)")
            path = workdir / f"boards-{answers}.db"
            asyncio.run(_migrate(path))
            build(path, answers)
            url = _new_database(server)
            asyncio.run(_copy_in(path, url))
            path.unlink()
            board_ms, stats_ms = asyncio.run(board_times(url))
            label = f"{answers // 1000}k" if answers < 1_000_000 else f"{answers // 1_000_000}m"
            report.add(f"PostgreSQL: top-10 server board at {label} answers", board_ms, "ms")
            report.add(f"PostgreSQL: /stats at {label} answers", stats_ms, "ms")
            report.results[f"pg_leaderboard_ms_{label}"] = board_ms
            report.results[f"pg_stats_ms_{label}"] = stats_ms

        url = _new_database(server)
        bench_interactions(report, sizes, workdir, rocky_env={
            "DATABASE_URL": url.dsn, "DATABASE_PATH": ""}, prefix="pg_", fact=False)
    finally:
        server.stop()
