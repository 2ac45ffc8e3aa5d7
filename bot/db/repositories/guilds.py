"""Servers the bot is in, and those it left (kept 30 days, then purged)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.db.database import Database

RETENTION_AFTER_LEAVING = timedelta(days=30)


class GuildRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def name_of(self, guild_id: int) -> str | None:
        """The server's name, if the bot is in it (a server it left has no pages)."""
        row = await self._db.fetch_one(
            "SELECT name FROM guilds WHERE guild_id = $1 AND left_at IS NULL", (guild_id,))
        return None if row is None else str(row["name"])

    async def present(self) -> list[tuple[int, str]]:
        """Every server the bot is in, by name."""
        rows = await self._db.fetch_all(
            "SELECT guild_id, name FROM guilds WHERE left_at IS NULL ORDER BY name, guild_id")
        return [(int(r["guild_id"]), str(r["name"])) for r in rows]

    async def upsert_present(self, guild_id: int, name: str, now: datetime) -> None:
        """Record that the bot is in this server (again): a return cancels the pending purge."""
        await self._db.execute_write(
            "INSERT INTO guilds (guild_id, name, joined_at) VALUES ($1, $2, $3) "
            "ON CONFLICT (guild_id) DO UPDATE SET name = excluded.name, left_at = NULL",
            (guild_id, name, now.isoformat()),
        )

    async def upsert_many_present(self, guilds: list[tuple[int, str]], now: datetime) -> None:
        await self._db.execute_many(
            "INSERT INTO guilds (guild_id, name, joined_at) VALUES ($1, $2, $3) "
            "ON CONFLICT (guild_id) DO UPDATE SET name = excluded.name, left_at = NULL",
            [(gid, name, now.isoformat()) for gid, name in guilds],
        )

    async def mark_left(self, guild_id: int, now: datetime) -> None:
        await self._db.execute_write(
            "UPDATE guilds SET left_at = $1 WHERE guild_id = $2 AND left_at IS NULL",
            (now.isoformat(), guild_id),
        )

    async def purge_departed(self, now: datetime) -> int:
        """Delete servers the bot left more than the retention period ago (cascades)."""
        cutoff = (now - RETENTION_AFTER_LEAVING).isoformat()
        return await self._db.execute_write(
            "DELETE FROM guilds WHERE left_at IS NOT NULL AND left_at < $1", (cutoff,)
        )
