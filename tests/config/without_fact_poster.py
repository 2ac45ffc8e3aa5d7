"""A test extension: no feature posts the daily fact (as when the facts cog failed to load)."""

from __future__ import annotations

from bot.core.bot import RockyBot


async def setup(bot: RockyBot) -> None:
    bot.daily_posters.pop("fact", None)  # extra extensions load after every feature cog
