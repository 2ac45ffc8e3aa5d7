"""Members per server with the display name last seen, so departed members still have a name."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from bot.db.database import Connection, Database


@dataclass(frozen=True, slots=True)
class Member:
    guild_id: int
    user_id: int
    display_name: str
    last_seen_at: str


class MemberRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def remember(
        self, guild_id: int, user_id: int, display_name: str, now: datetime,
        guild_name: str | None = None,
    ) -> asyncio.Future[None]:
        """Upsert the member (and, given `guild_name`, their server first) in the next group
        commit, without waiting for it: every write requested afterwards (an answer, a
        submission) is committed after it, so their foreign keys hold. The future completes
        after the commit."""

        async def work(conn: Connection) -> None:
            if guild_name is not None:
                await conn.execute(
                    "INSERT INTO guilds (guild_id, name, joined_at) VALUES ($1, $2, $3) "
                    "ON CONFLICT (guild_id) DO NOTHING", (guild_id, guild_name, now.isoformat()))
            await conn.execute(
                "INSERT INTO members (guild_id, user_id, display_name, last_seen_at) "
                "VALUES ($1, $2, $3, $4) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
                "display_name = excluded.display_name, last_seen_at = excluded.last_seen_at",
                (guild_id, user_id, display_name, now.isoformat()))

        return self._db.write_soon(work)

    async def get(self, guild_id: int, user_id: int) -> Member | None:
        row = await self._db.fetch_one(
            "SELECT guild_id, user_id, display_name, last_seen_at FROM members "
            "WHERE guild_id = $1 AND user_id = $2",
            (guild_id, user_id),
        )
        return None if row is None else Member(**dict(row))
