"""Small named values the bot keeps between runs (such as the synced command-tree hash)."""

from __future__ import annotations

from bot.db.database import Database


class AppStateRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, key: str) -> str | None:
        row = await self._db.fetch_one("SELECT value FROM app_state WHERE key = $1", (key,))
        return None if row is None else row["value"]

    async def set(self, key: str, value: str) -> None:
        await self._db.execute_write(
            "INSERT INTO app_state (key, value) VALUES ($1, $2) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
