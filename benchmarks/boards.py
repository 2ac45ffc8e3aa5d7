"""Measure leaderboard pages, /stats and answer recording with a million recorded answers.

    .venv/bin/python -m benchmarks.boards [ANSWERS] [--keep PATH]

It takes a minute to build the data (make bench runs it through benchmarks.database). It fills
a fresh database through the real schema: 20 servers x 500 members answering over 90 days, with the
maintained totals derived from the answers exactly as scoring would have written them, then times
the repository calls the bot makes per interaction.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.db import Database
from bot.db.repositories.quiz import QuizRepository
from bot.domain.quiz import Shuffle

SERVERS, MEMBERS_EACH, DAYS, PER_ROUND = 20, 500, 90, 25
FILMS = ("Rocky", "Rocky II", "Rocky III", "Rocky IV", "Creed")
TODAY = date(2026, 6, 30)
NOW = datetime(2026, 6, 30, 18, 0, tzinfo=UTC)


def build(path: Path, answers: int) -> None:
    conn = sqlite3.connect(path)
    rng = random.Random(1)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    with conn:
        conn.executemany("INSERT INTO guilds (guild_id, name, joined_at) VALUES (?, ?, ?)",
                         [(g, f"server {g}", NOW.isoformat()) for g in range(1, SERVERS + 1)])
        conn.executemany(
            "INSERT INTO members (guild_id, user_id, display_name, last_seen_at) "
            "VALUES (?, ?, ?, ?)",
            [(g, g * 10_000 + m, f"fan {g}-{m}", NOW.isoformat())
             for g in range(1, SERVERS + 1) for m in range(MEMBERS_EACH)])
        conn.executemany("INSERT INTO quiz_seasons (guild_id, season, started_at) "
                         "VALUES (?, 1, ?)", [(g, NOW.isoformat()) for g in range(1, SERVERS + 1)])
    rounds_needed = answers // PER_ROUND
    games = rounds_needed // 20 + 1
    with conn:
        conn.executemany(
            "INSERT INTO quiz_games (game_id, guild_id, channel_id, question_count, seconds, "
            "status, started_at) VALUES (?, ?, ?, 20, 20, 'finished', ?)",
            [(n, n % SERVERS + 1, 900 + n % SERVERS, NOW.isoformat()) for n in range(games)])
        conn.executemany(
            "INSERT INTO quiz_rounds (game_id, round_no, question_id, option_order, "
            "correct_option, opened_at, closes_at, revealed_at) VALUES (?, ?, ?, '0,1,2,3', 0, "
            "?, ?, ?)",
            [(n, r, f"q{r}", NOW.isoformat(), NOW.isoformat(), NOW.isoformat())
             for n in range(games) for r in range(1, 21)])

    def rows():
        iid = 0
        for r in range(rounds_needed):
            game, round_no = divmod(r, 20)
            guild = game % SERVERS + 1
            day = TODAY - timedelta(days=rng.randrange(DAYS))
            for m in rng.sample(range(MEMBERS_EACH), PER_ROUND):
                iid += 1
                correct = rng.random() < 0.6
                yield (game, round_no + 1, guild, guild * 10_000 + m, 0 if correct else 1,
                       int(correct), rng.randrange(20_000), 150 if correct else 0, iid,
                       f"{day.isoformat()}T12:00:00+00:00")

    with conn:
        conn.executemany(
            "INSERT INTO quiz_answers (game_id, round_no, guild_id, user_id, option, correct, "
            "elapsed_ms, points, interaction_id, answered_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            rows())
        # The totals, as scoring maintains them (one pass over the answers, here in SQL).
        conn.execute(
            "INSERT INTO quiz_member_stats (guild_id, user_id, points, answered, correct, "
            "best_streak, fastest_ms) SELECT guild_id, user_id, SUM(points), COUNT(*), "
            "SUM(correct), 3, MIN(elapsed_ms) FROM quiz_answers GROUP BY guild_id, user_id")
        conn.execute(
            "INSERT INTO quiz_season_totals (guild_id, season, user_id, points, answered, "
            "correct, best_streak) SELECT guild_id, 1, user_id, SUM(points), COUNT(*), "
            "SUM(correct), 3 FROM quiz_answers GROUP BY guild_id, user_id")
        conn.execute(
            "INSERT INTO quiz_day_totals (guild_id, season, day, user_id, points, answered, "
            "correct, best_streak) SELECT guild_id, 1, substr(answered_at, 1, 10), user_id, "
            "SUM(points), COUNT(*), SUM(correct), 2 FROM quiz_answers "
            "GROUP BY guild_id, substr(answered_at, 1, 10), user_id")
        conn.executemany(
            "INSERT INTO quiz_film_totals (guild_id, user_id, film, answered, correct) "
            "SELECT guild_id, user_id, ?, COUNT(*) / 5, SUM(correct) / 5 FROM quiz_answers "
            "GROUP BY guild_id, user_id", [(f,) for f in FILMS])
    conn.execute("ANALYZE")  # statistics make the planner's choices realistic for a big file
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # else the first timed commit pays for it
    conn.close()


async def timed(label: str, make, runs: int = 30) -> None:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await make()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    print(f"  {label:<44} median {statistics.median(samples):7.2f} ms   "
          f"max {samples[-1]:7.2f} ms")


async def measure(path: Path) -> None:
    db = await Database.open(path)
    try:
        await _measure(db)
    finally:
        await db.close()


async def _measure(db: Database) -> None:
    repo = QuizRepository(db, lambda: NOW)
    boards = repo.leaderboards
    week, month = TODAY - timedelta(days=6), TODAY - timedelta(days=29)
    await timed("server board, season, page 1", lambda: boards.board(
        scope="server", guild_id=7, since=None))
    await timed("server board, season, page 40", lambda: boards.board(
        scope="server", guild_id=7, since=None, page=40))
    await timed("server board, last 7 days", lambda: boards.board(
        scope="server", guild_id=7, since=week))
    await timed("server board, last 30 days, by accuracy", lambda: boards.board(
        scope="server", guild_id=7, since=month, sort="accuracy"))
    await timed("global board, all time", lambda: boards.board(
        scope="global", guild_id=7, since=None), runs=10)
    await timed("global board, last 7 days", lambda: boards.board(
        scope="global", guild_id=7, since=week), runs=10)
    await timed("/stats of one member", lambda: boards.member_stats(7, 70_123))

    channel = time.time_ns()  # a channel of its own, so the script can run again on a kept file
    game = await repo.start_game(guild_id=7, channel_id=channel, starter_id=70_001, film=None,
                                 difficulty=None, questions=1, seconds=20, now=NOW)
    await repo.open_round(game.game_id, 1, "q-new", Shuffle((0, 1, 2, 3), 0), NOW,
                          NOW + timedelta(seconds=20))
    counter = iter(range(10**9, 2 * 10**9))
    users = iter(range(70_000, 70_500))
    await timed("record one answer (commit included)", lambda: repo.record_answer(
        game_id=game.game_id, round_no=1, guild_id=7, user_id=next(users), option=0,
        interaction_id=next(counter), now=NOW), runs=100)
    started = time.perf_counter()
    await repo.reveal_round(game.game_id, 1, now=NOW, day=TODAY, difficulty="easy",
                            films=("Rocky",))
    print(f"  {'reveal: score 100 answers and their totals':<44} "
          f"{(time.perf_counter() - started) * 1000:7.2f} ms")


def main() -> None:
    answers = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 1_000_000
    keep = sys.argv[sys.argv.index("--keep") + 1] if "--keep" in sys.argv else None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(keep) if keep else Path(tmp) / "bench.db"

        async def migrate() -> None:
            await (await Database.open(path)).close()

        asyncio.run(migrate())
        started = time.perf_counter()
        build(path, answers)
        count = sqlite3.connect(path).execute("SELECT COUNT(*) FROM quiz_answers").fetchone()[0]
        print(f"{count:,} answers, {SERVERS * MEMBERS_EACH:,} members, built in "
              f"{time.perf_counter() - started:.0f} s ({path.stat().st_size / 1e6:.0f} MB)")
        for state in ("cold: the first pass after building", "warm: the same again"):
            print(state)
            asyncio.run(measure(path))


if __name__ == "__main__":
    main()
