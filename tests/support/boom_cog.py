"""A test-only extension (loaded through ROCKY_TEST_EXTRA_EXTENSIONS): a command that fails."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands


class Boom(commands.Cog):
    @app_commands.command(name="boom", description="Test only: raises an unexpected error")
    @app_commands.guild_only()
    async def boom(self, interaction: discord.Interaction) -> None:
        raise RuntimeError("kaboom for the error-handler test")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Boom())
