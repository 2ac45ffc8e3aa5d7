"""Per-user privacy preferences (global leaderboard, being motivated); on unless turned off."""

from __future__ import annotations

from bot.db.database import Database
from bot.domain.config import UserPreferences


class PreferencesRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: int) -> UserPreferences:
        row = await self._db.fetch_one(
            "SELECT global_leaderboard, motivate FROM user_preferences WHERE user_id = $1",
            (user_id,))
        if row is None:
            return UserPreferences(user_id)
        return UserPreferences(user_id, bool(row["global_leaderboard"]), bool(row["motivate"]))

    async def set(self, user_id: int, *, global_leaderboard: bool | None = None,
                  motivate: bool | None = None) -> UserPreferences:
        current = await self.get(user_id)
        gl = current.global_leaderboard if global_leaderboard is None else global_leaderboard
        mo = current.motivate if motivate is None else motivate
        await self._db.execute_write(
            "INSERT INTO user_preferences (user_id, global_leaderboard, motivate) "
            "VALUES ($1, $2, $3) ON CONFLICT (user_id) DO UPDATE SET "
            "global_leaderboard = excluded.global_leaderboard, motivate = excluded.motivate",
            (user_id, int(gl), int(mo)))
        return UserPreferences(user_id, gl, mo)
