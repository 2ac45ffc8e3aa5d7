"""Daily posts: a scheduler that sends each server's fact, quote and question at its local time.

Once a minute (times the test timer scale) it reads the posts that are on, asks the domain
whether each is due, and calls the poster the feature registered in `bot.daily_posters`.

Exactly once per local day: the day is *claimed* in the database (a conditional write in one
transaction) BEFORE the poster sends. A crash between the claim and the send loses that day's
post; the other order (send, then record) could post twice after a crash, and a duplicate is
visible to the whole server while a missing post is not. A send that fails without posting
(Discord unreachable, 5xx) gives the claim back so the next tick tries again.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from typing import Any

import discord
from discord.ext import commands

from bot.content.models import MOTIVATIONAL
from bot.core.bot import RockyBot
from bot.core.checks import join_names, missing_permissions
from bot.db.repositories.schedule import ScheduleRepository
from bot.domain.schedule import (
    CATCH_UP_WINDOW,
    Action,
    ScheduledPost,
    decide,
    load_timezone,
    parse_daily_time,
)
from bot.ui.embeds import quote_embed

log = logging.getLogger(__name__)

DAILY_QUOTE_MOOD: str | None = MOTIVATIONAL  # the daily quote's mood unless told otherwise
TICK_SECONDS = 60.0  # how often the scheduler looks; multiplied by settings.timer_scale
STOP_GRACE_SECONDS = 5.0  # on shutdown, how long a post in progress may take to finish

class DailyPostChannel(discord.abc.Messageable):
    """The channel handed to posters: its first message carries the server's ping role.

    The ping role is the only mention a daily post may make, so every send goes out with
    allowed mentions limited to that role (none at all after the first message).
    """

    def __init__(self, channel: discord.abc.GuildChannel, ping_role: discord.Role | None) -> None:
        self.channel = channel
        self._state = channel._state
        self._ping_role = ping_role
        self._pinged = False

    async def _get_channel(self) -> Any:
        return self.channel

    def __getattr__(self, name: str) -> Any:  # id, guild, name, mention...: the real channel's
        return getattr(self.channel, name)

    async def send(self, content: str | None = None, **kwargs: Any) -> discord.Message:
        allowed = discord.AllowedMentions.none()
        if self._ping_role is not None and not self._pinged:
            self._pinged = True
            mention = self._ping_role.mention
            content = f"{mention} {content}" if content else mention
            allowed = discord.AllowedMentions(everyone=False, users=False, replied_user=False,
                                              roles=[self._ping_role])
        kwargs["allowed_mentions"] = allowed
        return await super().send(content, **kwargs)


class DailyPosts(commands.Cog):
    def __init__(self, bot: RockyBot) -> None:
        self.bot = bot
        self.store = ScheduleRepository(bot.db)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._told: set[tuple[Any, ...]] = set()  # what was logged already (log once, not daily)

    async def cog_load(self) -> None:
        self.bot.daily_posters["quote"] = self.post_daily_quote
        self._task = asyncio.create_task(self._run(), name="rocky-daily-posts")

    async def cog_unload(self) -> None:
        self._stop.set()
        if self.bot.daily_posters.get("quote") == self.post_daily_quote:
            del self.bot.daily_posters["quote"]
        if self._task is None:
            return
        # Let a post in progress finish (and record itself), then stop.
        done, _ = await asyncio.wait({self._task}, timeout=STOP_GRACE_SECONDS)
        if not done:
            self._task.cancel()

    # -- the loop ----------------------------------------------------------------------------
    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        interval = TICK_SECONDS * self.bot.settings.timer_scale
        first = True
        while not self._stop.is_set():
            try:
                count = await self.tick()
            except Exception:
                log.exception("daily-post check failed; trying again in %gs", interval)
            else:
                if first:
                    log.info("daily-post scheduler running: %d post(s) on, checking every %gs",
                             count, interval)
                    first = False
            try:
                await asyncio.wait_for(self._stop.wait(), interval)
            except TimeoutError:
                pass

    async def tick(self) -> int:
        """Look at every post that is on once; returns how many there were."""
        now = self.bot.clock()
        posts = [p for p in await self.store.enabled_posts() if self.bot.serves_guild(p.guild_id)]
        for post in posts:
            if self._stop.is_set() or self.bot.shutting_down:
                break
            try:
                await self._consider(post, now)
            except Exception:
                log.exception("daily %s for server %s failed", post.kind, post.guild_id)
        log.debug("daily-post check done: %d post(s) on", len(posts))
        return len(posts)

    async def _consider(self, post: ScheduledPost, now: Any) -> None:
        decision = decide(zone=load_timezone(post.timezone), at=parse_daily_time(post.daily_time),
                          last_posted_day=post.last_posted_day, now=now)
        if decision.action is Action.WAIT:
            return
        if decision.action is Action.SKIP:
            if post.last_posted_day is not None:  # a post that was running missed a day
                self._once(("skip", post.guild_id, post.kind, decision.day), logging.INFO,
                           "skipped the daily %s of %s in server %s: its time passed more than "
                           "%s ago (the bot was offline, or the time was changed)", post.kind,
                           decision.day, post.guild_id, CATCH_UP_WINDOW)
            return
        poster = self.bot.daily_posters.get(post.kind)
        if poster is None:
            self._once(("no poster", post.kind), logging.WARNING,
                       "no feature posts the daily %s (is its cog loaded?); skipping it",
                       post.kind)
            return
        guild = self.bot.get_guild(post.guild_id)
        if guild is None or guild.unavailable:
            return  # not connected to that server right now: try again next tick
        channel = guild.get_channel(post.channel_id)
        if channel is None:
            await self._disable(post, "its channel was deleted")
            return
        if not isinstance(channel, discord.abc.Messageable):
            await self._disable(post, f"#{channel.name} is not a text channel")
            return
        missing = missing_permissions(channel, guild.me)
        if missing:
            await self._disable(post, f"I lost {join_names(missing)} in #{channel.name}")
            return
        await self._send(post, poster, guild, channel, decision.day)

    async def _send(self, post: ScheduledPost, poster: Any, guild: discord.Guild,
                    channel: discord.abc.GuildChannel, day: date) -> None:
        claim = await self.store.claim(post.guild_id, post.kind, day, self.bot.clock())
        if claim is None:
            return  # already posted for that day
        role = guild.get_role(post.ping_role_id) if post.ping_role_id else None
        try:
            await poster(post.guild_id, DailyPostChannel(channel, role), day)
        except discord.NotFound:
            await self.store.release(claim)
            await self._disable(post, f"#{channel.name} no longer exists")
        except discord.Forbidden as exc:
            await self.store.release(claim)
            await self._disable(post, f"Discord refused the post in #{channel.name} "
                                      f"({exc.text or 'Missing Permissions'})")
        except (discord.DiscordServerError, OSError, TimeoutError):
            await self.store.release(claim)  # nothing was posted: the next tick tries again
            log.warning("could not reach Discord for the daily %s in server %s; will retry",
                        post.kind, post.guild_id)
        else:
            log.info("posted the daily %s for %s in server %s", post.kind, day, post.guild_id)

    async def _disable(self, post: ScheduledPost, reason: str) -> None:
        await self.store.disable(post.guild_id, post.kind, reason, self.bot.clock())
        log.warning("disabled the daily %s in server %s: %s", post.kind, post.guild_id, reason)

    def _once(self, key: tuple[Any, ...], level: int, message: str, *args: Any) -> None:
        if key not in self._told:
            self._told.add(key)
            log.log(level, message, *args)

    # -- the quote poster --------------------------------------------------------------------
    async def post_daily_quote(self, guild_id: int, channel: discord.abc.Messageable,
                               day: date, mood: str | None = DAILY_QUOTE_MOOD) -> None:
        """A `mood` quote (None: any) from the server's enabled films (spoiler gating).

        With no line of that mood from those films, any line from them is better than none.
        """
        films = (await self.bot.guild_config.get(guild_id)).enabled_films
        pool = self.bot.content.quotes_for(films, mood=mood)
        if not pool and mood is not None:
            self._once(("no mood", guild_id, mood), logging.INFO,
                       "no %s quote from the films server %s has on; any mood instead",
                       mood, guild_id)
            pool = self.bot.content.quotes_for(films)
        if not pool:
            self._once(("no quotes", guild_id), logging.WARNING,
                       "no quote from the films server %s has on; no daily quote", guild_id)
            return
        embed = quote_embed(self.bot.rng.choice(pool))
        embed.title = "Quote of the day"
        embed.set_footer(text=f"{day:%A} {day.day} {day:%B %Y}")
        await channel.send(embed=embed)


async def setup(bot: RockyBot) -> None:
    await bot.add_cog(DailyPosts(bot))
