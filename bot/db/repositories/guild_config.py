"""Per-server configuration: one row per server, defaults when the server set nothing."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

from bot.db.database import Connection, Database
from bot.domain.config import AuditEntry, ChangedBy, GuildConfig
from bot.domain.films import FILMS

COLUMNS = tuple(f.name for f in fields(GuildConfig) if f.name not in ("guild_id", "enabled_films"))
_BOOLEAN = {"daily_fact_enabled", "daily_quote_enabled", "daily_question_enabled",
            "web_leaderboard"}
FILMS_SETTING = "enabled_films"  # how a change of the films is named in the audit log
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


def _shown(value: object) -> str | None:
    """A setting's value as the audit log keeps it (text, so every setting fits one column)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


async def _audit(conn: Connection, guild_id: int, by: ChangedBy | None, setting: str,
                 old: object, new: object) -> None:
    if by is None or _shown(old) == _shown(new):
        return
    await conn.execute(
        "INSERT INTO settings_audit (guild_id, user_id, user_name, setting, old_value, "
        "new_value, changed_at, via) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        (guild_id, by.user_id, by.user_name, setting, _shown(old), _shown(new),
         datetime.now(UTC).isoformat(timespec="seconds"), by.via))


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

    async def update(self, guild_id: int, *, changed_by: ChangedBy | None = None,
                     **changes: object) -> GuildConfig:
        """Set some columns (names as in GuildConfig); the server's row must exist in guilds.
        With `changed_by`, each value that changed is written to the audit log in the same
        transaction."""
        unknown = set(changes) - set(COLUMNS)
        if unknown:
            raise ValueError(f"unknown setting(s): {sorted(unknown)}")
        if changes:
            names = list(changes)
            before = await self.get(guild_id) if changed_by is not None else None
            async with self._db.transaction() as conn:
                await conn.execute(
                    "INSERT INTO guild_settings (guild_id) VALUES ($1) "
                    "ON CONFLICT (guild_id) DO NOTHING", (guild_id,))
                assignments = ", ".join(f"{n} = ${i}" for i, n in enumerate(names, start=2))
                await conn.execute(
                    f"UPDATE guild_settings SET {assignments} WHERE guild_id = $1",
                    (guild_id, *[_stored(n, changes[n]) for n in names]))
                for name in names:
                    await _audit(conn, guild_id, changed_by, name,
                                 getattr(before, name, None), changes[name])
        return await self.get(guild_id)

    async def set_enabled_films(self, guild_id: int, enabled: frozenset[str], *,
                                changed_by: ChangedBy | None = None) -> GuildConfig:
        unknown = enabled - set(FILMS)
        if unknown:
            raise ValueError(f"unknown film(s): {sorted(unknown)}")
        before = await self.get(guild_id) if changed_by is not None else None
        async with self._db.transaction() as conn:
            if before is not None:
                await _audit(conn, guild_id, changed_by, FILMS_SETTING,
                             _films_text(before.enabled_films), _films_text(enabled))
            await conn.execute("DELETE FROM guild_disabled_films WHERE guild_id = $1", (guild_id,))
            await conn.execute_many(
                "INSERT INTO guild_disabled_films (guild_id, film) VALUES ($1, $2)",
                [(guild_id, film) for film in FILMS if film not in enabled])
        return await self.get(guild_id)

    async def audit_log(self, guild_id: int, limit: int = 50) -> list[AuditEntry]:
        """The server's latest settings changes, newest first."""
        rows = await self._db.fetch_all(
            "SELECT id, guild_id, user_id, user_name, setting, old_value, new_value, changed_at, "
            "via FROM settings_audit WHERE guild_id = $1 ORDER BY id DESC LIMIT $2",
            (guild_id, limit))
        return [AuditEntry(**dict(r)) for r in rows]

    async def reset(self, guild_id: int, *, changed_by: ChangedBy | None = None) -> GuildConfig:
        async with self._db.transaction() as conn:
            await _audit(conn, guild_id, changed_by, "every setting", "as set", "defaults")
            await conn.execute("DELETE FROM guild_settings WHERE guild_id = $1", (guild_id,))
            await conn.execute("DELETE FROM guild_disabled_films WHERE guild_id = $1", (guild_id,))
        return await self.get(guild_id)


def _films_text(films: frozenset[str]) -> str:
    return "all nine" if len(films) == len(FILMS) else ", ".join(f for f in FILMS if f in films)
