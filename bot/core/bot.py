"""The Bot subclass: owns the database, the content and the clock; loads one cog per feature."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import discord
from discord.ext import commands

from bot.content import ContentLibrary
from bot.core.error_handler import RockyTree
from bot.core.heartbeat import HEARTBEAT_EVERY, write_heartbeat
from bot.core.routes import Router
from bot.core.sync import sync_if_changed
from bot.db import Database, DatabaseUnavailable
from bot.db.repositories import (
    AppStateRepository,
    GuildConfigRepository,
    GuildRepository,
    MemberRepository,
    PreferencesRepository,
)
from bot.db.repositories.identify import IdentifyRepository
from bot.settings import Settings

log = logging.getLogger(__name__)

# One cog per feature; a cog that fails to load is logged and the others still run.
EXTENSIONS: tuple[str, ...] = (
    "cogs.quotes",
    "cogs.facts",
    "cogs.quiz",
    "cogs.montage",
    "cogs.config",
    "cogs.daily_posts",
    "cogs.privacy",
    "cogs.help",
)

# Gateway events whose handlers write to the database. Once shutdown begins they are no longer
# dispatched (discord.py may still deliver "ready" after close(): the database is closing).
_WRITING_EVENTS = ("ready", "guild_join", "guild_remove")
# Handlers discord.py runs as tasks with these names: shutdown waits for them, then cancels
# those still running, so that none writes to a closed database.
_WORK_TASK_PREFIXES = ("CommandTree-invoker", "discord.py: on_interaction",
                       "discord-ui-view-dispatch", "discord-ui-modal-dispatch",
                       *(f"discord.py: on_{event}" for event in _WRITING_EVENTS))
STOP_GRACE_SECONDS = 3.0


IDENTIFY_INTERVAL = 5.0  # Discord: one IDENTIFY per bucket every 5 seconds
MAX_IDENTIFY_WAITS = 1000  # turns to wait for at most (a cluster of 1,000 shards in one bucket)


def utc_now() -> datetime:
    return datetime.now(UTC)


class RockyBot(commands.Bot):
    def __init__(
        self,
        settings: Settings,
        database: Database,
        content: ContentLibrary,
        *,
        clock: Callable[[], datetime] = utc_now,
        rng: random.Random | None = None,
        **sharding: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,  # slash commands only; no message intent
            intents=discord.Intents(guilds=True),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=RockyTree,
            help_command=None,
            guild_ready_timeout=settings.guild_ready_timeout,
            heartbeat_timeout=settings.heartbeat_timeout,
            **sharding,
        )
        self.settings = settings
        self.db = database
        self.content = content
        self.clock = clock
        self.rng = rng or random.Random(settings.random_seed)
        self.state = AppStateRepository(database)
        self.guild_store = GuildRepository(database)
        self.member_store = MemberRepository(database)
        self.guild_config = GuildConfigRepository(database)
        self.preferences = PreferencesRepository(database)
        self.started_at = clock()
        self.shutting_down = False
        self.failed_extensions: dict[str, str] = {}
        self.router = Router()  # buttons and forms, by custom id (bot/core/routes.py)
        self._names_seen: dict[tuple[int, int], str] = {}
        self._heartbeat_task: asyncio.Task[None] | None = None
        # Daily posts: each feature registers a poster for its kind ("fact", "quote", "question");
        # the scheduler calls poster(guild_id, channel, local_day) when a post is due.
        self.daily_posters: dict[str, Callable[..., Awaitable[None]]] = {}
        self.auto_sync = True  # `rocky-bot sync` turns this off and forces a sync itself

    # -- start-up ----------------------------------------------------------------------------
    async def setup_hook(self) -> None:
        for extension in EXTENSIONS + self.settings.extra_extensions:
            try:
                await self.load_extension(extension)
            except Exception as exc:
                self.failed_extensions[extension] = repr(exc)
                log.exception("could not load %s; the other features still run", extension)
        if self.auto_sync:
            await sync_if_changed(self.tree, self.state, self.settings.dev_guild_id)
        self._heartbeat_task = asyncio.create_task(self._heartbeat(), name="rocky-heartbeat")

    async def add_cog(self, cog: commands.Cog, /, **options: Any) -> None:
        await super().add_cog(cog, **options)
        self.router.add_cog(cog)

    async def remove_cog(self, name: str, /, **options: Any) -> commands.Cog | None:
        cog = await super().remove_cog(name, **options)
        if cog is not None:
            self.router.remove_cog(cog)
        return cog

    def serves_guild(self, guild_id: int) -> bool:
        """Whether this process holds the server's shard, so its games, reveals and daily
        posts are this process's work (always, unsharded)."""
        shard_ids = getattr(self, "shard_ids", None)
        if not shard_ids or not self.shard_count:
            return True
        return (guild_id >> 22) % self.shard_count in shard_ids

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.router.answer(interaction)

    async def sync_commands(self, guild_id: int | None, *, force: bool) -> bool:
        return await sync_if_changed(self.tree, self.state, guild_id, force=force)

    def dispatch(self, event_name: str, /, *args: object, **kwargs: object) -> None:
        if self.shutting_down and event_name in _WRITING_EVENTS:
            log.debug("stopping: %s not handled", event_name)
            return
        super().dispatch(event_name, *args, **kwargs)

    async def on_ready(self) -> None:
        now = self.clock()
        await self.guild_store.upsert_many_present([(g.id, g.name) for g in self.guilds], now)
        await self.guild_store.purge_departed(now)
        log.info("ready: %s in %d servers", self.user, len(self.guilds))

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.guild_store.upsert_present(guild.id, guild.name, self.clock())

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.guild_store.mark_left(guild.id, self.clock())

    async def remember_member(self, interaction: discord.Interaction) -> None:
        """Keep the display name last seen, writing only when it changed. The write is not
        waited for: it is committed before anything this interaction writes (Database.write)."""
        if interaction.guild_id is None or not interaction.is_guild_integration():
            return  # a DM, or a server the bot is not in (the member installed the app)
        key = (interaction.guild_id, interaction.user.id)
        name = interaction.user.display_name
        if self._names_seen.get(key) == name:
            return
        self._names_seen[key] = name
        guild_name = interaction.guild.name if interaction.guild else str(key[0])
        stored = self.member_store.remember(key[0], key[1], name, self.clock(),
                                            guild_name=guild_name)
        stored.add_done_callback(lambda done: self._check_remembered(done, key))

    def _check_remembered(self, stored: asyncio.Future[None], key: tuple[int, int]) -> None:
        if stored.cancelled() or stored.exception() is None:
            return
        self._names_seen.pop(key, None)  # so the next interaction tries again
        if isinstance(stored.exception(), DatabaseUnavailable):
            return  # an outage: the interaction's own write fails too, and reports it once
        log.error("could not store the member %s of server %s", key[1], key[0],
                  exc_info=stored.exception())

    def forget_member(self, guild_id: int, user_id: int) -> None:
        """Drop the cached name after a member's data was deleted, so it is recorded again."""
        self._names_seen.pop((guild_id, user_id), None)

    async def _heartbeat(self) -> None:
        path = self.settings.heartbeat_path
        while not self.is_closed():
            try:
                connected = self.is_ready() and self.ws is not None and self.ws.open
                await asyncio.to_thread(write_heartbeat, path, connected=bool(connected),
                                        guilds=len(self.guilds))
            except OSError:
                log.warning("could not write the heartbeat file %s", path)
            await asyncio.sleep(HEARTBEAT_EVERY)

    # -- shutdown ----------------------------------------------------------------------------
    async def close(self) -> None:
        """Stop taking new work, let running handlers finish their writes, then disconnect."""
        if self.shutting_down:
            return await super().close()
        self.shutting_down = True
        current = asyncio.current_task()
        running = [t for t in asyncio.all_tasks()
                   if t is not current and t.get_name().startswith(_WORK_TASK_PREFIXES)]
        if running:
            log.info("finishing %d running handler(s) before stopping", len(running))
            _, late = await asyncio.wait(running, timeout=STOP_GRACE_SECONDS)
            if late:
                log.warning("cancelling %d handler(s) still running after %.0fs",
                            len(late), STOP_GRACE_SECONDS)
                for task in late:
                    task.cancel()
                await asyncio.gather(*late, return_exceptions=True)
        if self._heartbeat_task is not None:
            self._heartbeat_task.cancel()
        await super().close()
        try:
            write_heartbeat(self.settings.heartbeat_path, connected=False, guilds=0,
                            stopped=True)
        except OSError:
            pass


class ShardedRockyBot(RockyBot, commands.AutoShardedBot):
    """The same bot over several gateway connections (SHARD_COUNT, SHARD_IDS): discord.py's
    AutoShardedClient runs the shards; every process of the cluster takes its IDENTIFY turns
    through the shared database, so Discord's rate per bucket holds across processes."""

    def __init__(self, settings: Settings, database: Database, content: ContentLibrary,
                 **options: Any) -> None:
        count = settings.shard_count
        super().__init__(settings, database, content,
                         shard_count=None if count == "auto" else count,
                         shard_ids=list(settings.shard_ids) if settings.shard_ids else None,
                         **options)
        self.identify_turns = IdentifyRepository(database)
        self.identify_interval = IDENTIFY_INTERVAL * settings.timer_scale
        self._max_concurrency: int | None = None

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        if self._max_concurrency is None:
            self._max_concurrency = (await self.fetch_session_start_limits()).max_concurrency
        bucket = (shard_id or 0) % self._max_concurrency
        for _ in range(MAX_IDENTIFY_WAITS):
            wait = await self.identify_turns.try_take(bucket, time.time(), self.identify_interval)
            if not wait:
                return
            await asyncio.sleep(wait)  # another process's turn: polling the database, not an event
        log.warning("shard %s: no IDENTIFY turn after %d tries; identifying anyway", shard_id,
                    MAX_IDENTIFY_WAITS)


def make_bot(settings: Settings, database: Database, content: ContentLibrary) -> RockyBot:
    """Unsharded unless SHARD_COUNT is set: one connection, exactly as before sharding."""
    if settings.shard_count is None:
        return RockyBot(settings, database, content)
    return ShardedRockyBot(settings, database, content)
