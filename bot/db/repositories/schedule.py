"""Daily posts: which are on, the last local day each went out, and why one was switched off."""

from __future__ import annotations

from datetime import date, datetime

from bot.db.database import Database
from bot.domain.schedule import KINDS, Claim, PostState, ScheduledPost


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown daily post kind {kind!r}")
    return kind


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


# One SELECT per kind (column names cannot be parameters; kinds come from KINDS only).
_ENABLED = " UNION ALL ".join(
    f"SELECT s.guild_id, '{kind}' AS kind, s.daily_{kind}_channel_id AS channel_id, s.timezone, "
    f"s.daily_time, s.daily_ping_role_id FROM guild_settings s "
    f"WHERE s.daily_{kind}_enabled = 1 AND s.daily_{kind}_channel_id IS NOT NULL"
    for kind in KINDS
)


class ScheduleRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def enabled_posts(self) -> list[ScheduledPost]:
        """Every daily post that is on, in servers the bot has not left."""
        rows = await self._db.fetch_all(
            f"SELECT e.*, p.last_posted_day FROM ({_ENABLED}) e "
            "JOIN guilds g ON g.guild_id = e.guild_id AND g.left_at IS NULL "
            "LEFT JOIN daily_post_state p ON p.guild_id = e.guild_id AND p.kind = e.kind "
            "ORDER BY e.guild_id, e.kind"
        )
        return [
            ScheduledPost(r["guild_id"], r["kind"], r["channel_id"], r["timezone"],
                          r["daily_time"], r["daily_ping_role_id"], _day(r["last_posted_day"]))
            for r in rows
        ]

    async def claim(self, guild_id: int, kind: str, day: date, now: datetime) -> Claim | None:
        """Take `day` for this post, unless it (or a later day) was taken already: then None.

        A compare-and-set on the day read: of two ticks, or two bot processes sharing one
        PostgreSQL database, exactly one changes the row, so the post goes out once.
        """
        _check_kind(kind)
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO daily_post_state (guild_id, kind) VALUES ($1, $2) "
                "ON CONFLICT (guild_id, kind) DO NOTHING", (guild_id, kind))
            row = await conn.fetch_one(
                "SELECT last_posted_day, last_posted_at FROM daily_post_state "
                "WHERE guild_id = $1 AND kind = $2", (guild_id, kind))
            assert row is not None
            previous_day, previous_at = row["last_posted_day"], row["last_posted_at"]
            if previous_day is not None and previous_day >= day.isoformat():
                return None
            taken = await conn.execute(
                "UPDATE daily_post_state SET last_posted_day = $3, last_posted_at = $4 "
                "WHERE guild_id = $1 AND kind = $2 AND (last_posted_day = CAST($5 AS TEXT) "
                "OR (last_posted_day IS NULL AND CAST($5 AS TEXT) IS NULL))",
                (guild_id, kind, day.isoformat(), now.isoformat(), previous_day))
        if taken != 1:
            return None  # another process took it between our read and our write
        return Claim(guild_id, kind, day, previous_day, previous_at)

    async def release(self, claim: Claim) -> None:
        """Give a claimed day back (the post was not sent), so a later tick can try again."""
        await self._db.execute_write(
            "UPDATE daily_post_state SET last_posted_day = $1, last_posted_at = $2 "
            "WHERE guild_id = $3 AND kind = $4 AND last_posted_day = $5",
            (claim.previous_day, claim.previous_at, claim.guild_id, claim.kind,
             claim.day.isoformat()))

    async def disable(self, guild_id: int, kind: str, reason: str, now: datetime) -> None:
        """Switch the post off and record why, in one transaction."""
        _check_kind(kind)
        async with self._db.transaction() as conn:
            await conn.execute(
                f"UPDATE guild_settings SET daily_{kind}_enabled = 0 WHERE guild_id = $1",
                (guild_id,))
            await conn.execute(
                "INSERT INTO daily_post_state (guild_id, kind, disabled_reason, disabled_at) "
                "VALUES ($1, $2, $3, $4) ON CONFLICT (guild_id, kind) DO UPDATE SET "
                "disabled_reason = excluded.disabled_reason, disabled_at = excluded.disabled_at",
                (guild_id, kind, reason, now.isoformat()))

    async def clear_disabled(self, guild_id: int, kind: str | None = None) -> None:
        """Forget why a post was switched off (an admin changed its channel or switch)."""
        if kind is None:
            await self._db.execute_write(
                "UPDATE daily_post_state SET disabled_reason = NULL, disabled_at = NULL "
                "WHERE guild_id = $1", (guild_id,))
            return
        await self._db.execute_write(
            "UPDATE daily_post_state SET disabled_reason = NULL, disabled_at = NULL "
            "WHERE guild_id = $1 AND kind = $2", (guild_id, _check_kind(kind)))

    async def states(self, guild_id: int) -> dict[str, PostState]:
        """Each kind's state for a server (defaults for kinds never posted)."""
        rows = await self._db.fetch_all(
            "SELECT kind, last_posted_day, last_posted_at, disabled_reason, disabled_at "
            "FROM daily_post_state WHERE guild_id = $1", (guild_id,))
        found = {
            r["kind"]: PostState(r["kind"], _day(r["last_posted_day"]), r["last_posted_at"],
                                 r["disabled_reason"], r["disabled_at"])
            for r in rows
        }
        return {kind: found.get(kind, PostState(kind)) for kind in KINDS}
