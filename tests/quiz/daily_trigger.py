"""Test-only extension: run the daily question poster now, as the daily-post scheduler would.

Loaded through ROCKY_TEST_EXTRA_EXTENSIONS by the quiz end-to-end tests only.
"""

from __future__ import annotations

from datetime import timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.daily import local_day


class DailyTrigger(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="test-daily-post", description="Post the daily question here")
    @app_commands.guild_only()
    async def trigger(self, interaction: discord.Interaction, days_ahead: int = 0) -> None:
        bot = self.bot
        config = await bot.guild_config.get(interaction.guild_id)  # type: ignore[attr-defined]
        day = local_day(bot.clock(), config.timezone) + timedelta(days=days_ahead)  # type: ignore
        await interaction.response.send_message(f"posting {day}", ephemeral=True)
        poster = bot.daily_posters["question"]  # type: ignore[attr-defined]
        await poster(interaction.guild_id, interaction.channel, day)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(DailyTrigger(bot))
