"""/privacy: see and delete what the bot stores about you, and your two privacy choices."""

from __future__ import annotations

import logging
import re
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.bot import RockyBot
from bot.core.routes import RoutedButton, route
from bot.db.repositories.privacy import PrivacyRepository
from bot.domain.privacy import MEMBERS, UNAPPROVED_FACTS, MemberData, StoredCount
from bot.errors import NotAllowed
from bot.ui.embeds import safe

log = logging.getLogger(__name__)

OnOff = Literal["on", "off"]
PREFERENCES_KEPT = ("Your privacy choices (global leaderboard, being motivated) are kept, so they "
                    "keep applying.")


# -- text -----------------------------------------------------------------------------------
# Plain words for tables (or table.column) whose name says little; others show their name.
LABELS = {
    MEMBERS: "your name as last seen",
    UNAPPROVED_FACTS: "fact suggestions not approved (pending, rejected or removed)",
    "fact_submissions.submitter_id": "facts you suggested",
    "fact_submissions.decider_id": "facts you reviewed",
    "fact_submitters": "your name on facts you suggested",
    "fact_deciders": "your name on facts you reviewed",
    "quiz_games.starter_id": "quiz games you started",
}


def _words(name: str) -> str:
    return name.replace("_", " ")


def _label(count: StoredCount) -> str:
    label = LABELS.get(f"{count.table}.{count.column}") or LABELS.get(count.table)
    if label:
        return label
    through = f" ({_words(count.column)})" if count.column not in (None, "user_id") else ""
    return _words(count.table) + through


def _lines(counts: tuple[StoredCount, ...]) -> str:
    return "\n".join(f"• {_label(c)}: {c.rows}" for c in counts)


def stored_text(data: MemberData) -> str:
    if data.empty:
        return "The bot stores nothing about you in this server."
    return "Stored about you in this server:\n" + _lines(tuple(c for c in data.counts if c.rows))


def deleted_text(data: MemberData) -> str:
    if data.empty:
        return f"The bot had nothing stored about you in this server. {PREFERENCES_KEPT}"
    text = ("Done. Deleted everything the bot stored about you in this server:\n"
            f"{_lines(data.deleted)}")
    if data.kept_without_name:
        text += ("\nKept, but no longer credited to you:\n"
                 f"{_lines(data.kept_without_name)}")
    return f"{text}\n{PREFERENCES_KEPT}"


# -- the confirmation buttons (routed: the member's id is in the custom id) ---------------------
def _check_owner(interaction: discord.Interaction, owner_id: int) -> None:
    if interaction.guild_id is None:
        raise NotAllowed("Data deletion works per server; run /privacy delete in the server.")
    if interaction.user.id != owner_id:
        raise NotAllowed("This button belongs to someone else; run /privacy delete yourself.")


class Privacy(commands.Cog):
    """What the bot stores about you, deleting it, and your privacy choices."""

    privacy = app_commands.Group(name="privacy", description="Your data and privacy choices",
                                 guild_only=True)

    def __init__(self, bot: RockyBot) -> None:
        self.bot = bot
        self.repository = PrivacyRepository(bot.db)

    @route(r"privacy:delete:(?P<owner>\d+)")
    async def confirm_delete(self, interaction: discord.Interaction, match: re.Match[str]
                             ) -> None:
        owner_id = int(match["owner"])
        _check_owner(interaction, owner_id)
        guild_id = interaction.guild_id
        assert guild_id is not None  # _check_owner refused DMs
        data = await self.repository.delete_member(guild_id, owner_id)
        self.bot.forget_member(guild_id, owner_id)
        log.info("deleted the data of member %s in server %s", owner_id, guild_id)
        await interaction.response.edit_message(content=deleted_text(data), view=None)

    @route(r"privacy:keep:(?P<owner>\d+)")
    async def keep_data(self, interaction: discord.Interaction, match: re.Match[str]) -> None:
        _check_owner(interaction, int(match["owner"]))
        await interaction.response.edit_message(content="Nothing was deleted.", view=None)

    @privacy.command(name="show", description="What the bot stores about you in this server",
                     extras={"example": "/privacy show"})
    async def show(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None  # the group is server-only
        data = await self.repository.stored_about(interaction.guild_id, interaction.user.id)
        prefs = await self.bot.preferences.get(interaction.user.id)
        choices = (f"Your choices (every server): global leaderboard "
                   f"{'on' if prefs.global_leaderboard else 'off'}, being motivated "
                   f"{'on' if prefs.motivate else 'off'}.")
        await interaction.response.send_message(f"{stored_text(data)}\n{choices}",
                                                ephemeral=True)

    @privacy.command(name="delete",
                     description="Delete everything the bot stores about you in this server",
                     extras={"example": "/privacy delete"})
    async def delete(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None and interaction.guild_id is not None
        data = await self.repository.stored_about(interaction.guild_id, interaction.user.id)
        view = discord.ui.View(timeout=None)
        view.add_item(RoutedButton(label="Delete my data", style=discord.ButtonStyle.danger,
                                   custom_id=f"privacy:delete:{interaction.user.id}"))
        view.add_item(RoutedButton(label="Cancel", style=discord.ButtonStyle.secondary,
                                   custom_id=f"privacy:keep:{interaction.user.id}"))
        await interaction.response.send_message(
            f"This deletes what the bot stores about you in **{safe(interaction.guild.name)}**: "
            "answers, scores, streaks and pending submissions; approved facts you suggested "
            f"stay, without your name. It cannot be undone.\n\n{stored_text(data)}",
            view=view, ephemeral=True)

    @privacy.command(name="global-leaderboard",
                     description="Appear on the leaderboard across all servers, or not",
                     extras={"example": "/privacy global-leaderboard setting:off"})
    @app_commands.describe(setting="on: appear on it; off: stay off it (every server)")
    async def global_leaderboard(self, interaction: discord.Interaction,
                                 setting: OnOff) -> None:
        await self.bot.preferences.set(interaction.user.id, global_leaderboard=setting == "on")
        sentence = ("You appear on the global leaderboard." if setting == "on" else
                    "You no longer appear on the global leaderboard (in any server); "
                    "server leaderboards still show you.")
        await interaction.response.send_message(sentence, ephemeral=True)

    @privacy.command(name="motivate", description="Let members send you /motivate, or not",
                     extras={"example": "/privacy motivate setting:off"})
    @app_commands.describe(setting="on: members may motivate you; off: nobody can (every server)")
    async def motivate(self, interaction: discord.Interaction, setting: OnOff) -> None:
        await self.bot.preferences.set(interaction.user.id, motivate=setting == "on")
        sentence = ("Members can send you /motivate again." if setting == "on" else
                    "Nobody can send you /motivate any more (in any server).")
        await interaction.response.send_message(sentence, ephemeral=True)


async def setup(bot: RockyBot) -> None:
    await bot.add_cog(Privacy(bot))
