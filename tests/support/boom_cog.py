"""A test-only extension (loaded through ROCKY_TEST_EXTRA_EXTENSIONS): a command that fails,
and a routed button whose handler fails."""

from __future__ import annotations

import re

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.routes import RoutedButton, route


class Boom(commands.Cog):
    @app_commands.command(name="boom", description="Test only: raises an unexpected error")
    @app_commands.guild_only()
    async def boom(self, interaction: discord.Interaction) -> None:
        raise RuntimeError("kaboom for the error-handler test")

    @app_commands.command(name="boom-button", description="Test only: a button that raises")
    @app_commands.guild_only()
    async def boom_button(self, interaction: discord.Interaction) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(RoutedButton(label="Boom", custom_id="boom:1"))
        await interaction.response.send_message("Press it.", view=view)

    @route(r"boom:(?P<n>\d+)")
    async def boom_clicked(self, interaction: discord.Interaction, match: re.Match[str]) -> None:
        raise RuntimeError(f"kaboom from button {match['n']}")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Boom())
