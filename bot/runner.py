"""Start the bot: point discord.py at the configured endpoints, open resources, run, clean up."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal

import discord
import yarl

from bot.content import ContentError, ContentLibrary, load_content
from bot.core.bot import RockyBot, make_bot
from bot.db import Database, DatabaseSetupError, open_database
from bot.settings import Settings

log = logging.getLogger(__name__)


# Gateway close codes Discord uses to refuse a bot's shard settings, as one sentence each.
SHARDING_REFUSALS = {
    4010: "Discord refused the shard settings: every id in SHARD_IDS must be below SHARD_COUNT.",
    4011: "Discord requires more shards for this many servers (at most 2,500 a shard): raise "
          "SHARD_COUNT, or set it to auto.",
}


class StartupError(Exception):
    """The bot cannot start; the message says why in one sentence. Exit code 2."""


def point_discord_at(settings: Settings) -> None:
    """discord.py has no base-URL option; these two class attributes are what it reads."""
    # The bot never joins voice: no warnings about voice libraries it does not need.
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False
    if settings.api_base:
        discord.http.Route.BASE = settings.api_base
    if settings.cdn_base:  # avatars for the cards come from here
        discord.asset.Asset.BASE = settings.cdn_base.rstrip("/")
    if settings.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


async def open_resources(settings: Settings) -> tuple[Database, ContentLibrary]:
    try:
        content = load_content(settings.content_dir)
    except ContentError as exc:
        raise StartupError(f"The content packs have problems; fix them and start again:\n{exc}"
                           ) from None
    try:
        database = await open_database(settings.database)
    except DatabaseSetupError as exc:
        raise StartupError(str(exc)) from None
    return database, content


async def run_bot(settings: Settings) -> int:
    point_discord_at(settings)
    database, content = await open_resources(settings)
    # The content library is thousands of objects that live as long as the process: keep them
    # out of the garbage collector's scans so collections stay short under load.
    gc.freeze()
    bot = make_bot(settings, database, content)
    loop = asyncio.get_running_loop()
    try:
        async with bot:
            connection = asyncio.create_task(bot.start(settings.token or ""),
                                             name="rocky-connection")
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, _begin_shutdown, bot, connection, sig)
            await asyncio.wait({connection})
            if not connection.cancelled():
                connection.result()  # a rejected token and other start-up errors surface here
    except discord.ConnectionClosed as exc:
        sentence = SHARDING_REFUSALS.get(exc.code)
        if sentence is None:
            raise
        raise StartupError(sentence) from None
    except discord.LoginFailure:
        raise StartupError("Discord rejected DISCORD_TOKEN: copy the token again from the Bot "
                           "page of your application (see the README's Configuration).") from None
    finally:
        await database.close()
        log.info("stopped cleanly")
    return 0


_shutdown_tasks: set[asyncio.Task[None]] = set()


def _begin_shutdown(bot: RockyBot, connection: asyncio.Task[None], sig: signal.Signals) -> None:
    log.info("received %s: stopping", sig.name)
    task = asyncio.ensure_future(_shut_down(bot, connection))
    _shutdown_tasks.add(task)  # keep a reference until it finishes
    task.add_done_callback(_shutdown_tasks.discard)


async def _shut_down(bot: RockyBot, connection: asyncio.Task[None]) -> None:
    await bot.close()
    # While disconnected, discord.py sleeps out its reconnect backoff (which grows to minutes)
    # even after close(); Docker would kill the process after its 10 s grace period.
    if not connection.done():
        connection.cancel()


async def sync_once(settings: Settings, guild_id: int | None) -> bool:
    point_discord_at(settings)
    database, content = await open_resources(settings)
    bot = make_bot(settings, database, content)
    bot.auto_sync = False
    try:
        async with bot:
            await bot.login(settings.token or "")
            return await bot.sync_commands(guild_id, force=True)
    finally:
        await database.close()
