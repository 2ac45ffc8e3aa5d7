"""One place that turns errors into ephemeral sentences and logs the unexpected ones."""

from __future__ import annotations

import logging
import secrets
import time

import discord
from discord import app_commands

from bot.db import DatabaseUnavailable
from bot.errors import UserFacingError
from bot.ui.embeds import echo

MAX_SENTENCE = 1900  # Discord's content limit is 2,000 characters
log = logging.getLogger("bot.errors")

CANNOT_SAVE = ("I can't save anything right now (my database is not reachable), so nothing of "
               "this was recorded. Please try again in a minute.")
# While the database is away every request fails the same way: log the outage, not each request.
OUTAGE_LOG_EVERY = 60.0
_last_outage_logged = -OUTAGE_LOG_EVERY


def describe(error: Exception) -> str | None:
    """The sentence for an error a member can act on, or None for a bug."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, UserFacingError):
        return error.message
    if isinstance(error, DatabaseUnavailable):
        _log_outage(error)
        return CANNOT_SAVE
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works only in a server: run it in one of the server's channels."
    if isinstance(error, app_commands.MissingPermissions):
        return f"You need the {_names(error.missing_permissions)} permission to do that."
    if isinstance(error, app_commands.BotMissingPermissions):
        return (f"I need the {_names(error.missing_permissions)} permission in this channel; "
                "ask a server admin to grant it.")
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Easy, champ: you can do that again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.TransformerError):
        return f"{echo(str(error.value))} is not a valid value there; pick one of the suggestions."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    return None


def _log_outage(error: DatabaseUnavailable) -> None:
    global _last_outage_logged
    now = time.monotonic()
    if now - _last_outage_logged >= OUTAGE_LOG_EVERY:
        _last_outage_logged = now
        log.warning("the database is unavailable (%s); members are told nothing was saved "
                    "(logged at most once a minute while it lasts)", error)


def _names(permissions: list[str]) -> str:
    return ", ".join(p.replace("_", " ").replace("guild", "server").title() for p in permissions)


UNKNOWN_INTERACTION = 10062  # Discord's code for an interaction past its 3-second window


async def report(interaction: discord.Interaction, error: Exception) -> None:
    """Tell the member what happened; log bugs with a traceback and an id they also see."""
    original = getattr(error, "original", error)
    if isinstance(original, discord.NotFound) and original.code == UNKNOWN_INTERACTION:
        # Too late to answer (the bot was overloaded or disconnected): nobody can be told, and a
        # traceback per expired interaction would only slow an overloaded bot further.
        log.warning("interaction %s in %s expired before it was answered", interaction.id,
                    _where(interaction))
        return
    sentence = describe(error)
    if sentence is None:
        error_id = secrets.token_hex(4)
        original = getattr(error, "original", error)
        where = _where(interaction)
        log.error("unhandled error %s in %s", error_id, where, exc_info=original)
        sentence = (f"Something went wrong on our side (error id `{error_id}`). Please try again; "
                    "if it keeps happening, give this id to the server admins.")
    await send_ephemeral(interaction, sentence)


async def send_ephemeral(interaction: discord.Interaction, sentence: str) -> None:
    if len(sentence) > MAX_SENTENCE:
        sentence = sentence[: MAX_SENTENCE - 1] + "…"
    try:
        if interaction.response.is_done():
            await interaction.followup.send(sentence, ephemeral=True)
        else:
            await interaction.response.send_message(sentence, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not deliver an error message for interaction %s", interaction.id)


def _where(interaction: discord.Interaction) -> str:
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    custom_id = interaction.data.get("custom_id") if interaction.data else None
    return f"component {custom_id}" if custom_id else f"interaction type {interaction.type}"


class RockyTree(app_commands.CommandTree):
    """The command tree with the central error handler and the shutdown gate."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        bot = interaction.client
        if getattr(bot, "shutting_down", False):
            await send_ephemeral(interaction, "The bot is restarting; try again in a moment.")
            return False
        remember = getattr(bot, "remember_member", None)
        if remember is not None:
            await remember(interaction)
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report(interaction, error)


class RockyView(discord.ui.View):
    """Views route their errors to the same handler as commands."""

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item
    ) -> None:
        await report(interaction, error)


class RockyModal(discord.ui.Modal):
    # Modal.on_error itself drops BaseView.on_error's item argument (discord.py's typing); this
    # matches Modal's, the one discord.py calls.
    async def on_error(  # type: ignore[override]
            self, interaction: discord.Interaction, error: Exception) -> None:
        await report(interaction, error)
