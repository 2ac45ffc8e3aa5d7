"""Data layer: answers recorded through the repositories against raw sqlite3, and leaderboards
at 10k, 100k and 1M recorded answers."""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.boards import NOW, build
from bot.db import Database, DatabaseUrl
from bot.db.repositories.quiz import QuizRepository
from bot.db.sqlite import PRAGMAS
from bot.domain.quiz import Shuffle

if TYPE_CHECKING:
    from benchmarks.run import Report, Sizes

GUILD, CHANNEL, IN_FLIGHT = 1, 4242, 64


async def _prepared(where: Path | DatabaseUrl, members: int
                    ) -> tuple[Database, QuizRepository, int]:
    """A migrated database with one server, `members` members and one open question."""
    db = await Database.open(where)
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO guilds (guild_id, name, joined_at) VALUES ($1, 'b', $2)",
                           (GUILD, NOW.isoformat()))
        await conn.execute_many(
            "INSERT INTO members (guild_id, user_id, display_name, last_seen_at) "
            "VALUES ($1, $2, 'fan', $3)", [(GUILD, m, NOW.isoformat()) for m in range(members)])
    repo = QuizRepository(db, lambda: NOW)
    game = await repo.start_game(guild_id=GUILD, channel_id=CHANNEL, starter_id=0, film=None,
                                 difficulty=None, questions=1, seconds=60, now=NOW)
    await repo.open_round(game.game_id, 1, "q-bench", Shuffle((0, 1, 2, 3), 0), NOW,
                          NOW + timedelta(days=1))
    return db, repo, game.game_id


async def repository_rate(where: Path | DatabaseUrl, count: int) -> float:
    """Answers per second through QuizRepository.record_answer, `IN_FLIGHT` at a time (a burst
    of clicks), each committed before it returns."""
    db, repo, game_id = await _prepared(where, count)
    try:
        pending: set[asyncio.Task[object]] = set()
        started = time.perf_counter()
        for user in range(count):
            if len(pending) >= IN_FLIGHT:
                _, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            pending.add(asyncio.create_task(repo.record_answer(
                game_id=game_id, round_no=1, guild_id=GUILD, user_id=user, option=user % 4,
                interaction_id=10**12 + user, now=NOW)))
        await asyncio.gather(*pending)
        elapsed = time.perf_counter() - started
        stored = (await db.fetch_one("SELECT COUNT(*) FROM quiz_answers"))[0]
        assert stored == count, f"{stored} of {count} answers stored"
        return count / elapsed
    finally:
        await db.close()


def raw_rate(path: Path, count: int) -> float:
    """The same statements with raw sqlite3 and the same pragmas: a transaction per answer."""
    asyncio.run(_prepared_and_closed(path, count))
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    game_id = conn.execute("SELECT game_id FROM quiz_games").fetchone()[0]
    started = time.perf_counter()
    for user in range(count):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("SELECT 1 FROM quiz_answers WHERE interaction_id = ?", (10**12 + user,))
        conn.execute(
            "SELECT g.status, g.guild_id, r.opened_at, r.closes_at, r.revealed_at, "
            "r.correct_option FROM quiz_rounds r JOIN quiz_games g USING (game_id) "
            "WHERE r.game_id = ? AND r.round_no = ?", (game_id, 1)).fetchone()
        conn.execute("SELECT option FROM quiz_answers WHERE game_id = ? AND round_no = ? "
                     "AND user_id = ?", (game_id, 1, user)).fetchone()
        conn.execute(
            "INSERT INTO quiz_answers (game_id, round_no, guild_id, user_id, option, correct, "
            "elapsed_ms, interaction_id, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (game_id, round_no, user_id) DO NOTHING",
            (game_id, 1, GUILD, user, user % 4, int(user % 4 == 0), 0, 10**12 + user,
             NOW.isoformat()))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return count / elapsed


async def _prepared_and_closed(path: Path, members: int) -> None:
    db, _, _ = await _prepared(path, members)
    await db.close()


async def board_times(where: Path | DatabaseUrl, runs: int = 20) -> tuple[float, float]:
    """Median ms of a top-10 server board and of /stats, on a built database."""
    db = await Database.open(where)
    try:
        boards = QuizRepository(db, lambda: NOW).leaderboards
        board, stats = [], []
        for i in range(runs):
            started = time.perf_counter()
            await boards.board(scope="server", guild_id=i % 20 + 1, since=None)
            board.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            await boards.member_stats(i % 20 + 1, (i % 20 + 1) * 10_000 + i)
            stats.append((time.perf_counter() - started) * 1000)
        return statistics.median(board), statistics.median(stats)
    finally:
        await db.close()


def bench_database(report: Report, sizes: Sizes, workdir: Path) -> None:
    from benchmarks.run import progress

    progress(f"data layer: {sizes.write_count:,} answers, repositories vs raw sqlite3 "
             f"(median of {sizes.runs})")
    ours, raw = [], []
    for run in range(sizes.runs):
        ours.append(asyncio.run(repository_rate(workdir / f"repo{run}.db", sizes.write_count)))
        raw.append(raw_rate(workdir / f"raw{run}.db", sizes.write_count))
    report.add("answers/s through the repositories", statistics.median(ours), "/s")
    report.add("answers/s raw sqlite3, same statements", statistics.median(raw), "/s")
    report.results["db_write_ratio"] = statistics.median(ours) / statistics.median(raw)
    report.add("repository / raw write ratio", report.results["db_write_ratio"])

    times = {}
    for answers in sizes.answers:
        progress(f"leaderboards at {answers:,} recorded answers (building the data...)")
        path = workdir / f"boards-{answers}.db"
        asyncio.run(_migrate(path))
        build(path, answers)
        board_ms, stats_ms = asyncio.run(board_times(path))
        times[answers] = board_ms
        label = f"{answers // 1000}k" if answers < 1_000_000 else f"{answers // 1_000_000}m"
        report.add(f"top-10 server board at {label} answers", board_ms, "ms")
        report.add(f"/stats at {label} answers", stats_ms, "ms")
        report.results[f"leaderboard_ms_{label}"] = board_ms
        report.results[f"stats_ms_{label}"] = stats_ms
        path.unlink()
    smallest, largest = min(times), max(times)
    growth = times[largest] / times[smallest]
    key = "leaderboard_growth_1m_vs_10k" if largest == 1_000_000 else (
        f"leaderboard_growth_{largest // 1000}k_vs_{smallest // 1000}k")
    report.results[key] = growth
    report.add(f"board time growth, {largest:,} vs {smallest:,} answers", growth, "x")


async def _migrate(path: Path) -> None:
    await (await Database.open(path)).close()
