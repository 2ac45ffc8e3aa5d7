"""Quiz challenges: games with buttons, scoring and streaks, the daily roadwork, leaderboards."""

from bot.core.bot import RockyBot
from cogs.quiz._cog import Quiz


async def setup(bot: RockyBot) -> None:
    await bot.add_cog(Quiz(bot))
