"""Quiz aggregates: seasons, the maintained totals behind leaderboards, and /stats.

Scoring writes every result into per-member, per-season, per-day and per-film totals in the same
transaction as the answer, so a leaderboard page or a member's stats reads a handful of indexed
rows however many answers were ever recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from bot.db.database import Connection, Database, Dialect
from bot.domain.films import FRANCHISE
from bot.domain.leaderboard import (
    MIN_ANSWERS_FOR_ACCURACY,
    PAGE_SIZE,
    SCOPES,
    SORTS,
    BoardPage,
    BoardRow,
    MemberStats,
    Result,
)
from bot.domain.streaks import DayStreak

_ORDER = {
    "points": "points DESC, correct DESC, user_id",
    "accuracy": "(correct * 1.0 / answered) DESC, answered DESC, user_id",
    "streak": "best_streak DESC, points DESC, user_id",
}


def _utc_now() -> datetime:
    return datetime.now(UTC)


async def season_of(conn: Connection, guild_id: int, now: datetime) -> int:
    """The server's open season, opening season 1 on first use. Call inside a write."""
    season = await conn.fetch_value(
        "SELECT season FROM quiz_seasons WHERE guild_id = $1 AND ended_at IS NULL", (guild_id,))
    if season is not None:
        return int(season)
    season = int(await conn.fetch_value(
        "SELECT COALESCE(MAX(season), 0) + 1 FROM quiz_seasons WHERE guild_id = $1",
        (guild_id,)))
    await conn.execute(
        "INSERT INTO quiz_seasons (guild_id, season, started_at) VALUES ($1, $2, $3)",
        (guild_id, season, now.isoformat()))
    return season


async def member_streaks(conn: Connection, guild_id: int, user_id: int
                         ) -> tuple[int, DayStreak]:
    """(answer streak, day streak) as stored; zeros for a member who never answered."""
    row = await conn.fetch_one(
        "SELECT streak, daily_streak, best_daily_streak, last_daily_correct "
        "FROM quiz_member_stats WHERE guild_id = $1 AND user_id = $2", (guild_id, user_id))
    if row is None:
        return 0, DayStreak()
    last = date.fromisoformat(row[3]) if row[3] else None
    return int(row[0]), DayStreak(int(row[1]), int(row[2]), last)


def _larger(column: str, table: str) -> str:
    """The larger of the stored value and the proposed one, in an upsert (MAX(a, b) is
    SQLite's spelling, GREATEST PostgreSQL's: a CASE is both's)."""
    return (f"CASE WHEN excluded.{column} > {table}.{column} THEN excluded.{column} "
            f"ELSE {table}.{column} END")


def _totals_upsert(table: str, key: tuple[str, ...]) -> str:
    """Add one answer to a row of a per-season or per-day totals table."""
    columns = (*key, "points", "answered", "correct", "best_streak")
    values = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
            f"points = {table}.points + excluded.points, answered = {table}.answered + 1, "
            f"correct = {table}.correct + excluded.correct, "
            f"best_streak = {_larger('best_streak', table)}")


_SEASON_TOTALS = _totals_upsert("quiz_season_totals", ("guild_id", "season", "user_id"))
_DAY_TOTALS = _totals_upsert("quiz_day_totals", ("guild_id", "season", "day", "user_id"))
_MEMBER_STATS = (
    "INSERT INTO quiz_member_stats (guild_id, user_id, points, answered, correct, streak, "
    "best_streak, fastest_ms, daily_streak, best_daily_streak, last_daily_correct) "
    "VALUES ($1, $2, $3, 1, $4, COALESCE($5, 0), COALESCE($5, 0), $6, COALESCE($7, 0), "
    "COALESCE($8, 0), $9) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
    "points = quiz_member_stats.points + excluded.points, "
    "answered = quiz_member_stats.answered + 1, "
    "correct = quiz_member_stats.correct + excluded.correct, "
    "streak = COALESCE($5, quiz_member_stats.streak), "
    f"best_streak = {_larger('best_streak', 'quiz_member_stats')}, "
    "fastest_ms = CASE WHEN excluded.fastest_ms IS NULL THEN quiz_member_stats.fastest_ms "
    "  WHEN quiz_member_stats.fastest_ms IS NULL "
    "    OR excluded.fastest_ms < quiz_member_stats.fastest_ms THEN excluded.fastest_ms "
    "  ELSE quiz_member_stats.fastest_ms END, "
    "daily_streak = COALESCE($7, quiz_member_stats.daily_streak), "
    f"best_daily_streak = {_larger('best_daily_streak', 'quiz_member_stats')}, "
    "last_daily_correct = CASE WHEN $10 = 1 THEN excluded.last_daily_correct "
    "  ELSE quiz_member_stats.last_daily_correct END")


async def add_result(
    conn: Connection, result: Result, season: int, *,
    answer_streak: int | None = None, elapsed_ms: int | None = None,
    day_streak: DayStreak | None = None,
) -> None:
    """Add one scored answer to every total. `answer_streak` is the streak after a game answer;
    `day_streak` the day streak after a daily answer. Call inside the scoring write."""
    g, u, pts, ok = result.guild_id, result.user_id, result.points, int(result.correct)
    streak_now = answer_streak or 0
    fastest = elapsed_ms if result.correct and elapsed_ms is not None else None
    last_correct = day_streak.last_correct if day_streak else None
    await conn.execute(_MEMBER_STATS, (
        g, u, pts, ok, answer_streak, fastest,
        day_streak.current if day_streak else None, day_streak.best if day_streak else None,
        last_correct.isoformat() if last_correct else None, int(day_streak is not None)))
    await conn.execute(_SEASON_TOTALS, (g, season, u, pts, 1, ok, streak_now))
    await conn.execute(_DAY_TOTALS, (g, season, result.day.isoformat(), u, pts, 1, ok,
                                     streak_now))
    await conn.execute_many(
        "INSERT INTO quiz_film_totals (guild_id, user_id, film, answered, correct) "
        "VALUES ($1, $2, $3, 1, $4) ON CONFLICT (guild_id, user_id, film) "
        "DO UPDATE SET answered = quiz_film_totals.answered + 1, "
        "correct = quiz_film_totals.correct + excluded.correct",
        [(g, u, film, ok) for film in dict.fromkeys(result.films)])


# Members who turned the global board off: left out of the global board, and of every page
# shown outside Discord.
_OPTED_OUT = "(SELECT user_id FROM user_preferences WHERE global_leaderboard = 0)"


def _board_source(dialect: Dialect, scope: str, since: date | None, public: bool = False) -> str:
    """The rows one board ranks (named parameters :guild, :season, :since); `public` leaves out
    the members who turned the global board off (for the web page)."""
    source = _ranked_rows(dialect, scope, since)
    if public and scope == "server":
        return f"SELECT * FROM ({source}) AS shown WHERE user_id NOT IN {_OPTED_OUT}"
    return source


def _ranked_rows(dialect: Dialect, scope: str, since: date | None) -> str:
    # No index chosen just for the grouping's order: with statistics (ANALYZE) SQLite would
    # otherwise skip-scan a (user_id, ...) index over every day ever recorded instead of
    # reading the period's range and sorting the few rows found.
    by_user = dialect.group_by_unindexed.format(column="user_id")
    if scope == "server" and since is None:
        return ("SELECT user_id, points, answered, correct, best_streak FROM quiz_season_totals "
                "WHERE guild_id = :guild AND season = :season")
    if scope == "server":
        return ("SELECT user_id, SUM(points) AS points, SUM(answered) AS answered, "
                "SUM(correct) AS correct, MAX(best_streak) AS best_streak FROM quiz_day_totals "
                "WHERE guild_id = :guild AND season = :season AND day >= :since "
                f"{by_user}")
    if since is None:
        source = ("SELECT user_id, SUM(points) AS points, SUM(answered) AS answered, "
                  "SUM(correct) AS correct, MAX(best_streak) AS best_streak "
                  "FROM quiz_member_stats GROUP BY user_id")
    else:
        source = ("SELECT user_id, SUM(points) AS points, SUM(answered) AS answered, "
                  "SUM(correct) AS correct, MAX(best_streak) AS best_streak FROM quiz_day_totals "
                  f"WHERE day >= :since {by_user}")
    # Members who turned the global board off appear only on their servers' boards.
    return f"SELECT * FROM ({source}) AS ranked WHERE user_id NOT IN {_OPTED_OUT}"


_OPEN_SEASON = "SELECT season FROM quiz_seasons WHERE guild_id = $1 AND ended_at IS NULL"
# The member's lifetime row and name, the open season, their points in it and how many are
# above them, and their favourite film (Franchise only when nothing else).
_MEMBER_STATS_READ = (
    "SELECT s.*, m.display_name, open.season AS open_season, t.points AS season_points, "
    "(SELECT COUNT(*) FROM quiz_season_totals o WHERE o.guild_id = $1 AND o.season = t.season "
    " AND o.points > t.points) AS above, "
    "(SELECT film FROM quiz_film_totals WHERE guild_id = $1 AND user_id = $2 "
    f" ORDER BY film = '{FRANCHISE}', correct DESC, answered DESC, film LIMIT 1) AS favourite "
    "FROM quiz_member_stats s JOIN members m ON m.guild_id = s.guild_id AND m.user_id = s.user_id "
    f"LEFT JOIN (SELECT ({_OPEN_SEASON}) AS season) AS open ON true "
    "LEFT JOIN quiz_season_totals t ON t.guild_id = s.guild_id AND t.user_id = s.user_id "
    "AND t.season = open.season "
    "WHERE s.guild_id = $1 AND s.user_id = $2")


class LeaderboardRepository:
    def __init__(self, db: Database, clock: Callable[[], datetime] | None = None) -> None:
        self._db = db
        self._clock = clock or _utc_now

    async def current_season(self, guild_id: int) -> int:
        row = await self._db.fetch_one(
            "SELECT season FROM quiz_seasons WHERE guild_id = $1 AND ended_at IS NULL", (guild_id,))
        if row is not None:
            return int(row["season"])
        now = self._clock()
        return await self._db.write(lambda conn: season_of(conn, guild_id, now))

    async def start_new_season(self, guild_id: int) -> int:
        """Close the open season (its totals stay, as that season's final standings) and open
        the next one; the server board starts from zero. Returns the new season's number."""
        now = self._clock()

        async def unit(conn: Connection) -> int:
            current = await season_of(conn, guild_id, now)
            await conn.execute(
                "UPDATE quiz_seasons SET ended_at = $1 WHERE guild_id = $2 AND season = $3",
                (now.isoformat(), guild_id, current))
            # Its champion: the top scorer (the board's order), nobody when nobody scored.
            await conn.execute(
                "INSERT INTO quiz_season_champions (guild_id, season, user_id) "
                "SELECT guild_id, season, user_id FROM quiz_season_totals "
                "WHERE guild_id = $1 AND season = $2 AND points > 0 "
                f"ORDER BY {_ORDER['points']} LIMIT 1", (guild_id, current))
            return await season_of(conn, guild_id, now)
        return await self._db.write(unit)

    async def champion(self, guild_id: int, season: int) -> BoardRow | None:
        """A finished season's champion with their final figures; None when nobody scored
        (or the champion's data was deleted)."""
        row = await self._db.fetch_one(
            "SELECT c.user_id, m.display_name, t.points, t.answered, t.correct, t.best_streak "
            "FROM quiz_season_champions c "
            "JOIN members m ON m.guild_id = c.guild_id AND m.user_id = c.user_id "
            "JOIN quiz_season_totals t ON t.guild_id = c.guild_id AND t.season = c.season "
            "AND t.user_id = c.user_id WHERE c.guild_id = $1 AND c.season = $2",
            (guild_id, season))
        if row is None:
            return None
        return BoardRow(1, int(row["user_id"]), row["display_name"], int(row["points"]),
                        int(row["answered"]), int(row["correct"]), int(row["best_streak"]))

    async def last_champion_id(self, guild_id: int) -> int | None:
        """Who holds the belt: the champion of the last finished season (None if nobody)."""
        value = await self._db.fetch_value(
            "SELECT c.user_id FROM quiz_seasons s LEFT JOIN quiz_season_champions c "
            "ON c.guild_id = s.guild_id AND c.season = s.season "
            "WHERE s.guild_id = $1 AND s.ended_at IS NOT NULL ORDER BY s.season DESC LIMIT 1",
            (guild_id,))
        return None if value is None else int(value)

    async def seasons(self, guild_id: int) -> list[tuple[int, str, str | None]]:
        rows = await self._db.fetch_all(
            "SELECT season, started_at, ended_at FROM quiz_seasons WHERE guild_id = $1 "
            "ORDER BY season", (guild_id,))
        return [(int(r["season"]), r["started_at"], r["ended_at"]) for r in rows]

    async def board(
        self, *, scope: str, guild_id: int, since: date | None, sort: str = "points",
        page: int = 1, season: int | None = None, page_size: int = PAGE_SIZE,
        public: bool = False,
    ) -> BoardPage:
        """One page of a board. Server boards count the given (default: open) season only;
        `public` leaves out members who keep their standings inside Discord."""
        if scope not in SCOPES or sort not in SORTS:
            raise ValueError(f"unknown scope or sort: {scope!r}, {sort!r}")
        if scope == "server" and season is None:
            season = await self.current_season(guild_id)
        source = _board_source(self._db.dialect, scope, since, public)
        where = f"WHERE answered >= {MIN_ANSWERS_FOR_ACCURACY}" if sort == "accuracy" else ""
        params: dict[str, object] = {"guild": guild_id, "season": season,
                                     "since": since.isoformat() if since else None}
        page = max(page, 1)
        rows = await self._page(source, where, sort, scope, params, page, page_size)
        if not rows and page > 1:  # past the end (the board shrank): show the last page
            count = await self._db.fetch_one(
                f"SELECT COUNT(*) AS n FROM ({source}) AS board {where}", params)
            page = max(1, -(-int(count["n"] if count else 0) // page_size))
            rows = await self._page(source, where, sort, scope, params, page, page_size)
        total = int(rows[0]["total"]) if rows else 0
        first = (page - 1) * page_size
        return BoardPage(
            tuple(BoardRow(first + i + 1, int(r["user_id"]), r["display_name"] or "(unknown)",
                           int(r["points"]), int(r["answered"]), int(r["correct"]),
                           int(r["best_streak"])) for i, r in enumerate(rows)),
            page, max(1, -(-total // page_size)), total,
            season if scope == "server" else None)

    async def _page(self, source: str, where: str, sort: str, scope: str,
                    params: dict[str, object], page: int, page_size: int) -> list:
        """One page in one pass: the rows, each carrying the board's total (a window count);
        names are looked up for the page's rows only."""
        if scope == "server":
            name = ("(SELECT display_name FROM members m WHERE m.guild_id = :guild "
                    "AND m.user_id = p.user_id)")
        else:
            name = ("(SELECT display_name FROM members m WHERE m.user_id = p.user_id "
                    "ORDER BY last_seen_at DESC LIMIT 1)")
        return await self._db.fetch_all(
            f"SELECT p.*, {name} AS display_name FROM ("
            f"SELECT t.*, COUNT(*) OVER () AS total FROM ({source}) t {where} "
            f"ORDER BY {_ORDER[sort]} LIMIT :limit OFFSET :offset) p ORDER BY {_ORDER[sort]}",
            params | {"limit": page_size, "offset": (page - 1) * page_size})

    async def lifetime_points(self, guild_id: int, user_ids: list[int]) -> dict[int, int]:
        """Each member's points on the server over every season (what rank titles go by)."""
        if not user_ids:
            return {}
        marks = ", ".join(f"${n}" for n in range(2, len(user_ids) + 2))
        rows = await self._db.fetch_all(
            f"SELECT user_id, points FROM quiz_member_stats WHERE guild_id = $1 "
            f"AND user_id IN ({marks})", (guild_id, *user_ids))
        return {int(r["user_id"]): int(r["points"]) for r in rows}

    async def shown_publicly(self, user_id: int) -> bool:
        """False for a member who turned the global board off (kept off the web pages)."""
        row = await self._db.fetch_one(
            f"SELECT 1 AS hidden WHERE $1 IN {_OPTED_OUT}", (user_id,))
        return row is None

    async def member_stats(self, guild_id: int, user_id: int) -> MemberStats | None:
        """One member's figures in one statement (one trip to the database)."""
        row = await self._db.fetch_one(_MEMBER_STATS_READ, (guild_id, user_id))
        if row is not None and row["open_season"] is None:  # the first season opens now
            await self.current_season(guild_id)
            row = await self._db.fetch_one(_MEMBER_STATS_READ, (guild_id, user_id))
        if row is None:
            return None
        season = row["open_season"]
        place = None if row["season_points"] is None else int(row["above"]) + 1
        last = row["last_daily_correct"]
        return MemberStats(
            guild_id, user_id, row["display_name"], int(row["points"]),
            int(row["season_points"] or 0), int(season), place, int(row["answered"]),
            int(row["correct"]), int(row["streak"]), int(row["best_streak"]), row["fastest_ms"],
            DayStreak(int(row["daily_streak"]), int(row["best_daily_streak"]),
                      date.fromisoformat(last) if last else None),
            row["favourite"])
