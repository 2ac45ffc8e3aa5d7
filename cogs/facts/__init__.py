"""/fact: trivia facts, fan submissions and the moderation queue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.facts._cog import Facts

if TYPE_CHECKING:
    from bot.core.bot import RockyBot

__all__ = ["Facts", "setup"]


async def setup(bot: RockyBot) -> None:
    await bot.add_cog(Facts(bot))
