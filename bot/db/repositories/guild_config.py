"""Per-server configuration: one row per server, defaults when the server set nothing."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from bot.db.database import Database
from bot.domain.config import GuildConfig
from bot.domain.films import FILMS

COLUMNS = tuple(f.name for f in fields(GuildConfig) if f.name not in ("guild_id", "enabled_films"))
_BOOLEAN = {"daily_fact_enabled", "daily_quote_enabled", "daily_question_enabled"}
# One statement (one trip to the database): the settings row if there is one, and the films
# switched off, joined with the unit separator (no film name contains it).
_SEPARATOR = 31  # the unit separator's character code


def _get_sql(db: Database) -> str:
    films = db.dialect.concat("film", _SEPARATOR)
    return (f"SELECT s.guild_id IS NOT NULL AS configured, {', '.join('s.' + c for c in COLUMNS)}, "
            f"(SELECT {films} FROM guild_disabled_films WHERE guild_id = $1) AS disabled "
            "FROM (SELECT 1) AS one LEFT JOIN guild_settings s ON s.guild_id = $1")


def _stored(name: str, value: object) -> object:
    """Switches are stored as 0/1 on both backends."""
    return int(bool(value)) if name in _BOOLEAN else value


class GuildConfigRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._get = _get_sql(db)

    async def get(self, guild_id: int) -> GuildConfig:
        row = await self._db.fetch_one(self._get, (guild_id,))
        assert row is not None  # the LEFT JOIN always yields one row
        disabled = set(row["disabled"].split(chr(_SEPARATOR))) if row["disabled"] else set()
        values: dict[str, Any] = {} if not row["configured"] else {
            name: bool(row[name]) if name in _BOOLEAN else row[name] for name in COLUMNS
        }
        return GuildConfig(guild_id, **values,
                           enabled_films=frozenset(f for f in FILMS if f not in disabled))

    async def update(self, guild_id: int, **changes: object) -> GuildConfig:
        """Set some columns (names as in GuildConfig); the server's row must exist in guilds."""
        unknown = set(changes) - set(COLUMNS)
        if unknown:
            raise ValueError(f"unknown setting(s): {sorted(unknown)}")
        if changes:
            names = list(changes)
            async with self._db.transaction() as conn:
                await conn.execute(
                    "INSERT INTO guild_settings (guild_id) VALUES ($1) "
                    "ON CONFLICT (guild_id) DO NOTHING", (guild_id,))
                assignments = ", ".join(f"{n} = ${i}" for i, n in enumerate(names, start=2))
                await conn.execute(
                    f"UPDATE guild_settings SET {assignments} WHERE guild_id = $1",
                    (guild_id, *[_stored(n, changes[n]) for n in names]))
        return await self.get(guild_id)

    async def set_enabled_films(self, guild_id: int, enabled: frozenset[str]) -> GuildConfig:
        unknown = enabled - set(FILMS)
        if unknown:
            raise ValueError(f"unknown film(s): {sorted(unknown)}")
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM guild_disabled_films WHERE guild_id = $1", (guild_id,))
            await conn.execute_many(
                "INSERT INTO guild_disabled_films (guild_id, film) VALUES ($1, $2)",
                [(guild_id, film) for film in FILMS if film not in enabled])
        return await self.get(guild_id)

    async def reset(self, guild_id: int) -> GuildConfig:
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM guild_settings WHERE guild_id = $1", (guild_id,))
            await conn.execute("DELETE FROM guild_disabled_films WHERE guild_id = $1", (guild_id,))
        return await self.get(guild_id)
