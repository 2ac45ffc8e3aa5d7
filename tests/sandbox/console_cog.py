"""Test only (loaded through ROCKY_TEST_EXTRA_EXTENSIONS): a button, a menu, a form, a late
edit, silence and a crash.

The console tests drive these instead of the feature cogs, so they test the console and keep
passing while the features' wording changes.
"""

from __future__ import annotations

import asyncio
import os

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.error_handler import RockyModal, RockyView


class NoteForm(RockyModal, title="Leave a note"):
    name = discord.ui.TextInput(label="Your name", custom_id="name", max_length=20)
    note = discord.ui.TextInput(label="Note", style=discord.TextStyle.paragraph,
                                required=False, default="Yo, Adrian!")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"Noted from {self.name.value}: {self.note.value}", ephemeral=True)


class Counter(RockyView):
    def __init__(self, count: int = 0) -> None:
        super().__init__(timeout=None)
        self.count = count

    @discord.ui.button(label="Count", style=discord.ButtonStyle.primary)
    async def count_up(self, interaction: discord.Interaction, button: discord.ui.Button
                       ) -> None:
        self.count += 1
        await interaction.response.edit_message(content=f"Count: {self.count}", view=self)

    @discord.ui.button(label="Form")
    async def form(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_modal(NoteForm())

    @discord.ui.select(placeholder="Corner", options=[
        discord.SelectOption(label="Mickey", value="mickey"),
        discord.SelectOption(label="Paulie", value="paulie"),
        discord.SelectOption(label="Apollo", value="apollo"),
    ])
    async def corner(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(f"In your corner: {', '.join(select.values)}",
                                                ephemeral=True)


class ConsoleDemo(commands.Cog):
    @app_commands.command(name="counter", description="Test only: a button, a menu and a form")
    @app_commands.guild_only()
    async def counter(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"Count: 0 (started by {interaction.user.mention})", view=Counter())

    @app_commands.command(name="silent", description="Test only: never answers")
    @app_commands.guild_only()
    async def silent(self, interaction: discord.Interaction) -> None:
        return  # no response: Discord would show "The application did not respond"


    @app_commands.command(name="bell", description="Test only: answers, edits a second later")
    @app_commands.guild_only()
    async def bell(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Ding ding...")
        await asyncio.sleep(1.0)
        await interaction.edit_original_response(content="Round one!")

    @app_commands.command(name="crash", description="Test only: the bot process dies")
    @app_commands.guild_only()
    async def crash(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Going down in round one.")
        asyncio.get_running_loop().call_later(0.05, os._exit, 3)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(ConsoleDemo())
