"""The emulator: a Discord world, its REST API and gateway, and an API to act as members."""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from aiohttp import web

from bot.emulator import attachments, limits, payloads
from bot.emulator.acting import MemberActions
from bot.emulator.cdn import Cdn
from bot.emulator.gateway import Gateway, Session
from bot.emulator.model import (
    Channel,
    Guild,
    Member,
    Message,
    Overwrite,
    Role,
    User,
    iso_now,
    new_snowflake,
)
from bot.emulator.oauth2 import OAuth2App, OAuth2Provider
from bot.emulator.permissions import (
    DEFAULT_EVERYONE,
)
from bot.emulator.ratelimit import Limit, RateLimiter
from bot.emulator.records import (
    RESPONSE_DEADLINE,
    EmulatorError,
    InteractionRecord,
    RequestRecord,
)
from bot.emulator.rest import RestApi, _user_of
from bot.emulator.sharding import Shard, ShardGate, ShardingRules, covers, with_shard_id

log = logging.getLogger(__name__)


class Emulator(RestApi, MemberActions):
    def __init__(
        self,
        *,
        token: str | None = None,
        heartbeat_interval_ms: int = 41250,
        response_deadline: float = RESPONSE_DEADLINE,
        rate_limits: dict[str, Limit] | None = None,
        rate_limit_scale: float = 1.0,
        bot_name: str = "Rocky",
        world_ids: Iterator[int] | None = None,
        sharding: ShardingRules | None = None,
        oauth2: OAuth2App | None = None,
    ) -> None:
        self.token = token  # None accepts any token (the sandbox and the Docker check)
        self.response_deadline = response_deadline
        # Ids for the bot, servers, channels, roles and members (not messages): fixed ones let
        # a database kept between runs match the same world (see demo.stable_ids).
        self._world_ids = world_ids
        self.bot_user = User(self._world_id(), bot_name, bot=True)
        self.application_id = self.bot_user.id
        self.owner = User(self._world_id(), "owner")
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.dm_closed: set[int] = set()
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.command_sync_requests: list[str] = []
        self.requests: list[RequestRecord] = []
        self.violations: list[str] = []
        self.rate_limited: list[str] = []
        self.interactions: dict[str, InteractionRecord] = {}
        self.listeners: list[Callable[[str, Any], None]] = []
        self.rate_limiter = RateLimiter(rate_limits, scale=rate_limit_scale)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.cdn = Cdn()  # avatars, on a port of their own
        self.host = "127.0.0.1"
        self.port = 0
        # The OAuth2 provider for web logins; settings on `self.oauth2.app`.
        self.oauth2 = OAuth2Provider(self, oauth2 or OAuth2App(),
                                     base_url=lambda: f"http://{self.host}:{self.port}")
        self.gateway = Gateway(
            heartbeat_interval_ms=heartbeat_interval_ms,
            resume_url=lambda: f"{self.gateway_url}/resume",
            ready_dispatches=self._ready_dispatches,
            check_token=self._token_ok,
            on_change=lambda what: self._notify("gateway", what),
            on_delivered=self._delivered,
            shard_gate=ShardGate(sharding or ShardingRules(), lambda: self.guilds.keys()),
        )

    @property
    def sharding(self) -> ShardingRules:
        """Discord's sharding rules as the gateway applies them on each IDENTIFY; change its
        fields, or assign new rules, at any time."""
        return self.gateway.shard_gate.rules

    @sharding.setter
    def sharding(self, rules: ShardingRules) -> None:
        self.gateway.shard_gate.rules = rules

    # -- lifecycle -------------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if not ipaddress.ip_address(host).is_loopback:
            raise EmulatorError(f"the emulator binds to loopback only, not {host}")
        app = web.Application(middlewares=[self._record_middleware], client_max_size=16 << 20)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway/resume", self.gateway.handle)
        self._add_routes(app)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, reuse_address=True)
        await site.start()
        self.host = host
        self.port = site._server.sockets[0].getsockname()[1]  # the port 0 resolved to
        await self.cdn.start(host)

    async def stop(self) -> None:
        for session in list(self.gateway.sessions.values()):
            if session.connection is not None:
                await session.connection.ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.cdn.stop()

    @property
    def api_base(self) -> str:
        return f"http://{self.host}:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway"

    def _world_id(self) -> int:
        return next(self._world_ids) if self._world_ids is not None else new_snowflake()

    def _token_ok(self, token: str) -> bool:
        token = token.removeprefix("Bot ").strip()
        return bool(token) and (self.token is None or token == self.token)

    # -- building the world ----------------------------------------------------------------
    def add_guild(self, name: str, *, channels: Iterable[str] = ("general",),
                  shard: Shard | None = None) -> Guild:
        """A server with the bot in it; `shard=(shard_id, shard_count)` picks an id on that
        shard (ids made in one millisecond would otherwise all share one shard)."""
        guild_id = self._world_id()
        if shard is not None:
            guild_id = with_shard_id(guild_id, shard)
        guild = Guild(id=guild_id, name=name, owner_id=self.owner.id)
        guild.roles[guild.id] = Role(guild.id, "@everyone", DEFAULT_EVERYONE, 0)
        self.guilds[guild.id] = guild
        self._add_member_obj(guild, Member(self.owner))
        self._add_member_obj(guild, Member(self.bot_user))
        for channel_name in channels:
            self.add_channel(guild, channel_name)
        return guild

    def add_channel(
        self, guild: Guild, name: str, *, overwrites: Iterable[Overwrite] = ()
    ) -> Channel:
        channel = Channel(
            self._world_id(), name, guild.id, position=len(guild.channels),
            overwrites=list(overwrites),
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def add_role(
        self, guild: Guild, name: str, permissions: int = 0, *, mentionable: bool = False
    ) -> Role:
        role = Role(self._world_id(), name, permissions, len(guild.roles),
                    mentionable=mentionable)
        guild.roles[role.id] = role
        return role

    def add_member(
        self, guild: Guild, username: str, *, roles: Iterable[Role] = (), nick: str | None = None
    ) -> Member:
        user = next((u for u in self.users.values() if u.username == username), None)
        if user is None:
            user = User(self._world_id(), username,
                        avatar=hashlib.md5(username.encode()).hexdigest())
            self.users[user.id] = user
        member = Member(user, [r.id for r in roles], nick=nick)
        self._add_member_obj(guild, member)
        return member

    def _add_member_obj(self, guild: Guild, member: Member) -> None:
        self.users.setdefault(member.user.id, member.user)
        guild.members[member.user.id] = member

    def bot_member(self, guild: Guild) -> Member:
        return guild.members[self.bot_user.id]

    async def set_bot_permissions(self, guild: Guild, channel: Channel, *, deny: int) -> None:
        """Deny the bot some permissions in one channel (a member overwrite), as an admin would."""
        channel.overwrites = [o for o in channel.overwrites if o.id != self.bot_user.id]
        channel.overwrites.append(Overwrite(self.bot_user.id, 1, 0, deny))
        await self.gateway.dispatch("CHANNEL_UPDATE", payloads.channel(channel))

    async def delete_channel(self, channel: Channel) -> None:
        guild = self.guilds[channel.guild_id]
        del guild.channels[channel.id]
        del self.channels[channel.id]
        await self.gateway.dispatch("CHANNEL_DELETE", payloads.channel(channel))

    async def remove_bot(self, guild: Guild) -> None:
        del self.guilds[guild.id]
        await self.gateway.dispatch("GUILD_DELETE", {"id": str(guild.id)})

    async def add_bot(self, guild: Guild) -> None:
        self.guilds[guild.id] = guild
        await self.gateway.dispatch(
            "GUILD_CREATE", payloads.guild_create(guild, self.bot_member(guild))
        )

    def close_dms(self, user: User) -> None:
        self.dm_closed.add(user.id)

    def _ready_dispatches(
        self, session_id: str, identify: dict[str, Any], shard: Shard | None
    ) -> list[tuple[str, dict[str, Any]]]:
        guilds = [g for g in self.guilds.values() if covers(shard, g.id)]
        ready = {
            "v": 10,
            "user": payloads.user(self.bot_user),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session_id,
            "session_type": "normal",
            "resume_gateway_url": "",
            "shard": list(shard or (0, 1)),
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "auth": {},
            "user_settings": {},
        }
        events = [("READY", ready)]
        for guild in guilds:
            events.append(("GUILD_CREATE", payloads.guild_create(guild, self.bot_member(guild))))
        return events

    def _delivered(self, session: Session, payload: dict[str, Any]) -> None:
        if payload.get("t") == "INTERACTION_CREATE":
            record = self.interactions.get(payload["d"]["token"])
            if record is not None:
                record.deliveries.append(time.monotonic())
                record.delivered_on_shards.append(session.shard_id)

    # -- notifications ---------------------------------------------------------------------
    async def _notify(self, event: str, subject: Any) -> None:
        for listener in list(self.listeners):
            try:
                listener(event, subject)
            except Exception:  # a broken listener must not break the emulator
                log.exception("emulator listener failed")
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until `predicate()` holds (it is re-checked after every change)."""

        async def waiter() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(waiter(), timeout)

    # -- messages --------------------------------------------------------------------------
    def _new_message(
        self, channel_id: int, data: dict[str, Any], *, flags: int,
        record: InteractionRecord | None = None,
    ) -> Message:
        channel = self.channels[channel_id]
        mentions, pings = limits.mentions_and_pings(
            data.get("content") or "", data.get("allowed_mentions")
        )
        message = Message(
            id=new_snowflake(),
            channel_id=channel_id,
            guild_id=channel.guild_id,
            author=self.bot_user,
            content=data.get("content") or "",
            embeds=list(data.get("embeds") or []),
            components=list(data.get("components") or []),
            flags=flags,
            interaction_id=record.id if record else None,
            interaction_user_id=record.user_id if record else None,
            webhook_id=self.application_id if record else None,
            mentions=mentions,
            pings=pings,
        )
        attachments.attach(message, data, self.cdn.base)
        self.messages[message.id] = message
        self._check_pings(message, pings, data.get("allowed_mentions"))
        return message

    def _check_pings(self, message: Message, pings: tuple[str, ...],
                     allowed: dict[str, Any] | None) -> None:
        """A ping is deliberate only when allowed_mentions names that user or role by id."""
        for ping in limits.broad_pings(pings, allowed):
            self.violations.append(
                f"message {message.id}: {ping} pinged without being named in allowed_mentions "
                f"(content {message.content[:80]!r})")

    def _apply_edit(self, message: Message, data: dict[str, Any]) -> None:
        if "content" in data:
            message.content = data["content"] or ""
            message.mentions, pings = limits.mentions_and_pings(
                message.content, data.get("allowed_mentions")
            )
            # An edit notifies only mentions that are new to the message.
            message.pings = tuple(dict.fromkeys(message.pings + pings))
            self._check_pings(message, pings, data.get("allowed_mentions"))
        if "embeds" in data:
            message.embeds = list(data["embeds"] or [])
        if "components" in data:
            message.components = list(data["components"] or [])
        attachments.attach(message, data, self.cdn.base)
        if int(data.get("flags") or 0) & Message.COMPONENTS_V2:
            message.flags |= Message.COMPONENTS_V2
        message.flags &= ~Message.LOADING
        message.edited_at = iso_now()
        message.edits += 1

    def channel_messages(self, channel: Channel, *, visible_to: Member | User | None = None
                         ) -> list[Message]:
        user_id = None if visible_to is None else _user_of(visible_to).id
        return [
            m for m in self.messages.values()
            if m.channel_id == channel.id and not m.deleted
            and (user_id is None or m.visible_to(user_id))
        ]

    def dms_to(self, user: User | Member) -> list[Message]:
        uid = _user_of(user).id
        return [m for m in self.messages.values()
                if self.channels[m.channel_id].recipient_id == uid and not m.deleted]

    def message(self, message_id: int) -> Message:
        return self.messages[message_id]

    def pinging_messages(self) -> list[Message]:
        return [m for m in self.messages.values() if m.pings]
