"""The emulator: a Discord world, its REST API and gateway, and an API to act as members."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.emulator import limits, payloads
from bot.emulator.gateway import Gateway
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
from bot.emulator.permissions import (
    ADMINISTRATOR,
    DEFAULT_EVERYONE,
    EMBED_LINKS,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    base_permissions,
    channel_permissions,
)
from bot.emulator.ratelimit import Limit, RateLimiter

log = logging.getLogger(__name__)

JSON_BODY = web.RequestKey("json_body", object)
RESPONSE_DEADLINE = 3.0  # Discord's rule: the first response within 3 seconds
TOKEN_LIFETIME = 15 * 60

# Interaction types and callback types, as Discord numbers them.
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9


class EmulatorError(Exception):
    """A test or sandbox asked the emulator for something Discord would not allow."""


@dataclass
class RequestRecord:
    method: str
    path: str
    route: str
    body: Any
    status: int
    at: float


@dataclass
class InteractionRecord:
    """One interaction a member made, and everything the bot answered to it."""

    id: int
    token: str
    kind: int
    guild_id: int | None
    channel_id: int
    user_id: int
    data: dict[str, Any]
    created_at: float
    message_id: int | None = None  # the message a component lives on
    response_type: int | None = None
    responded_after: float | None = None
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None
    rejected: list[str] = field(default_factory=list)  # answers Discord refused (late, twice...)
    deliveries: list[float] = field(default_factory=list)  # when it reached a live socket
    payload: dict[str, Any] = field(default_factory=dict, repr=False)  # as dispatched
    responded: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def answered(self) -> bool:
        return self.response_type is not None


class Emulator:
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
        self.host = "127.0.0.1"
        self.port = 0
        self.gateway = Gateway(
            heartbeat_interval_ms=heartbeat_interval_ms,
            resume_url=lambda: f"{self.gateway_url}/resume",
            ready_dispatches=self._ready_dispatches,
            check_token=self._token_ok,
            on_change=lambda what: self._notify("gateway", what),
            on_delivered=self._delivered,
        )

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

    async def stop(self) -> None:
        for session in list(self.gateway.sessions.values()):
            if session.connection is not None:
                await session.connection.ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

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
    def add_guild(self, name: str, *, channels: Iterable[str] = ("general",)) -> Guild:
        guild = Guild(id=self._world_id(), name=name, owner_id=self.owner.id)
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
            user = User(self._world_id(), username)
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
        self, session_id: str, identify: dict[str, Any]
    ) -> list[tuple[str, dict[str, Any]]]:
        ready = {
            "v": 10,
            "user": payloads.user(self.bot_user),
            "guilds": [{"id": str(g), "unavailable": True} for g in self.guilds],
            "session_id": session_id,
            "session_type": "normal",
            "resume_gateway_url": "",
            "shard": [0, 1],
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
        for guild in self.guilds.values():
            events.append(("GUILD_CREATE", payloads.guild_create(guild, self.bot_member(guild))))
        return events

    def _delivered(self, payload: dict[str, Any]) -> None:
        if payload.get("t") == "INTERACTION_CREATE":
            record = self.interactions.get(payload["d"]["token"])
            if record is not None:
                record.deliveries.append(time.monotonic())

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

    # -- HTTP plumbing ---------------------------------------------------------------------
    @web.middleware
    async def _record_middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if request.path.startswith("/gateway"):
            return await handler(request)
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")
        request[JSON_BODY] = body
        needs_auth = not request.path.startswith(("/api/v10/interactions/", "/api/v10/webhooks/"))
        if needs_auth and not self._token_ok(request.headers.get("Authorization", "")):
            response: web.StreamResponse = _error(401, 0, "401: Unauthorized")
        else:
            try:
                response = await handler(request)
            except web.HTTPNotFound:
                self.violations.append(f"unknown route {request.method} {request.path}")
                response = _error(404, 0, "404: Not Found")
        route = request.match_info.route.name or request.path
        self.requests.append(
            RequestRecord(request.method, request.path, route, body, response.status,
                          time.monotonic())
        )
        return response

    def _limited(self, route: str, major: str) -> web.Response | dict[str, str]:
        allowed, headers, retry_after = self.rate_limiter.hit(route, major)
        if allowed:
            return headers
        self.rate_limited.append(f"{route} {major}")
        body = {"message": "You are being rate limited.", "retry_after": retry_after,
                "global": False, "code": 0}
        return _json(body, status=429, headers=headers)

    def _add_routes(self, app: web.Application) -> None:
        r = app.router
        base = "/api/v10"
        r.add_get(f"{base}/users/@me", self._get_me, name="users_me")
        r.add_get(f"{base}/oauth2/applications/@me", self._get_application, name="application")
        r.add_get(f"{base}/gateway", self._get_gateway, name="gateway")
        r.add_get(f"{base}/gateway/bot", self._get_gateway, name="gateway_bot")
        r.add_get(f"{base}/applications/{{app}}/commands", self._get_commands, name="commands_get")
        r.add_put(f"{base}/applications/{{app}}/commands", self._put_commands, name="commands_put")
        r.add_get(f"{base}/applications/{{app}}/guilds/{{guild}}/commands", self._get_commands,
                  name="guild_commands_get")
        r.add_put(f"{base}/applications/{{app}}/guilds/{{guild}}/commands", self._put_commands,
                  name="guild_commands_put")
        r.add_post(f"{base}/interactions/{{iid}}/{{token}}/callback", self._callback,
                   name="interaction_callback")
        r.add_post(f"{base}/webhooks/{{app}}/{{token}}", self._followup, name="webhook_create")
        r.add_route("*", f"{base}/webhooks/{{app}}/{{token}}/messages/{{mid}}",
                    self._webhook_message, name="webhook_message")
        r.add_post(f"{base}/channels/{{cid}}/messages", self._post_message,
                   name="channel_message_create")
        r.add_route("*", f"{base}/channels/{{cid}}/messages/{{mid}}", self._channel_message,
                    name="channel_message")
        r.add_get(f"{base}/channels/{{cid}}", self._get_channel, name="channel_get")
        r.add_post(f"{base}/users/@me/channels", self._create_dm, name="dm_create")
        r.add_get(f"{base}/guilds/{{guild}}/members/{{user}}", self._get_member, name="member_get")

    # -- REST: identity and commands -------------------------------------------------------
    async def _get_me(self, request: web.Request) -> web.Response:
        return _json(payloads.user(self.bot_user) | {"verified": True, "mfa_enabled": False,
                                                        "flags": 0})

    async def _get_application(self, request: web.Request) -> web.Response:
        return _json({
            "id": str(self.application_id),
            "name": self.bot_user.username,
            "description": "Rocky fan bot (emulated application)",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": payloads.user(self.owner),
            "verify_key": "0" * 64,
            "flags": 0,
            "summary": "",
            "team": None,
        })

    async def _get_gateway(self, request: web.Request) -> web.Response:
        return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": {
            "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}})

    async def _get_commands(self, request: web.Request) -> web.Response:
        guild = request.match_info.get("guild")
        commands = self.guild_commands.get(int(guild), []) if guild else self.global_commands
        return _json(commands)

    async def _put_commands(self, request: web.Request) -> web.Response:
        limited = self._limited("commands_put", request.match_info.get("guild", "global"))
        if isinstance(limited, web.Response):
            return limited
        guild = request.match_info.get("guild")
        existing = self.guild_commands.get(int(guild), []) if guild else self.global_commands
        ids = {c["name"]: c["id"] for c in existing}
        stored = []
        for command in request[JSON_BODY] or []:
            item = dict(command)
            item["id"] = ids.get(item["name"], str(new_snowflake()))
            item["application_id"] = str(self.application_id)
            item["version"] = str(new_snowflake())
            item.setdefault("type", 1)
            item.setdefault("options", [])
            item.setdefault("default_member_permissions", None)
            item.setdefault("nsfw", False)
            if guild:
                item["guild_id"] = guild
            stored.append(item)
        if guild:
            self.guild_commands[int(guild)] = stored
        else:
            self.global_commands = stored
        self.command_sync_requests.append(guild or "global")
        await self._notify("commands", stored)
        return _json(stored, headers=limited)

    # -- REST: interaction responses -------------------------------------------------------
    async def _callback(self, request: web.Request) -> web.Response:
        record = self.interactions.get(request.match_info["token"])
        if record is None or str(record.id) != request.match_info["iid"]:
            return _error(404, 10062, "Unknown interaction")
        body = request[JSON_BODY] or {}
        kind = body.get("type")
        data = body.get("data") or {}
        elapsed = time.monotonic() - record.created_at
        if record.answered:
            record.rejected.append("second initial response")
            self.violations.append(f"interaction {record.id}: responded twice (40060)")
            return _error(400, 40060, "Interaction has already been acknowledged.")
        if elapsed > self.response_deadline:
            record.rejected.append(f"first response after {elapsed:.2f}s")
            self.violations.append(
                f"interaction {record.id}: first response after {elapsed:.2f}s (deadline "
                f"{self.response_deadline:.0f}s)"
            )
            return _error(404, 10062, "Unknown interaction")
        problem = self._callback_problem(record, kind, data)
        if problem:
            record.rejected.append(problem)
            self.violations.append(f"interaction {record.id}: {problem}")
            return _error(400, 50035, f"Invalid Form Body: {problem}")

        record.response_type = kind
        record.responded_after = elapsed
        resource: dict[str, Any] = {"type": kind}
        message: Message | None = None
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            flags = int(data.get("flags") or 0)
            if kind == DEFERRED_CHANNEL_MESSAGE:
                flags |= Message.LOADING
            message = self._new_message(record.channel_id, data, flags=flags, record=record)
            record.original_message_id = message.id
            await self._notify("message_create", message)
        elif kind == UPDATE_MESSAGE:
            message = self.messages[record.message_id]  # type: ignore[index]
            self._apply_edit(message, data)
            record.original_message_id = message.id
            await self._notify("message_edit", message)
        elif kind == DEFERRED_UPDATE:
            record.original_message_id = record.message_id
        elif kind == AUTOCOMPLETE_RESULT:
            record.choices = list(data.get("choices") or [])
        elif kind == MODAL:
            record.modal = data
            await self._notify("modal", (record, data))
        if message is not None:
            resource["message"] = payloads.message(message, application_id=self.application_id)
        record.responded.set()
        await self._notify("interaction_response", record)
        return _json({
            "interaction": {
                "id": str(record.id),
                "type": record.kind,
                "activity_instance_id": None,
                "response_message_id": str(message.id) if message else None,
                "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": bool(message and message.ephemeral),
            },
            "resource": resource,
        })

    def _callback_problem(self, record: InteractionRecord, kind: int, data: dict) -> str | None:
        allowed = {
            APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
            MESSAGE_COMPONENT: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE,
                                UPDATE_MESSAGE, MODAL},
            AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
            MODAL_SUBMIT: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE,
                           UPDATE_MESSAGE},
        }[record.kind]
        if kind not in allowed:
            return f"response type {kind} is not valid for interaction type {record.kind}"
        if kind in (UPDATE_MESSAGE, DEFERRED_UPDATE) and record.message_id is None:
            return "no message to update"
        if kind in (CHANNEL_MESSAGE, UPDATE_MESSAGE):
            problems = limits.message_problems(data)
            if kind == CHANNEL_MESSAGE and not _has_body(data):
                problems.append("empty message")
            return "; ".join(problems) or None
        if kind == AUTOCOMPLETE_RESULT:
            return "; ".join(limits.choices_problems(list(data.get("choices") or []))) or None
        if kind == MODAL:
            return "; ".join(limits.modal_problems(data)) or None
        return None

    def _token_record(self, request: web.Request) -> InteractionRecord | web.Response:
        record = self.interactions.get(request.match_info["token"])
        if record is None or request.match_info["app"] != str(self.application_id):
            return _error(404, 10015, "Unknown Webhook")
        if time.monotonic() - record.created_at > TOKEN_LIFETIME:
            return _error(401, 50027, "Invalid Webhook Token")
        if not record.answered or record.response_type in (AUTOCOMPLETE_RESULT, MODAL):
            self.violations.append(f"interaction {record.id}: webhook call before a response")
            return _error(404, 10015, "Unknown Webhook")
        return record

    async def _followup(self, request: web.Request) -> web.Response:
        record = self._token_record(request)
        if isinstance(record, web.Response):
            return record
        limited = self._limited("webhook_create", record.token)
        if isinstance(limited, web.Response):
            return limited
        data = request[JSON_BODY] or {}
        problems = limits.message_problems(data)
        if not _has_body(data):
            problems.append("empty message")
        if problems:
            self.violations.append(f"follow-up: {'; '.join(problems)}")
            return _error(400, 50035, "Invalid Form Body: " + "; ".join(problems))
        message = self._new_message(record.channel_id, data, flags=int(data.get("flags") or 0),
                                    record=record)
        record.followup_ids.append(message.id)
        await self._notify("message_create", message)
        return _json(payloads.message(message, application_id=self.application_id),
                     headers=limited)

    async def _webhook_message(self, request: web.Request) -> web.Response:
        record = self._token_record(request)
        if isinstance(record, web.Response):
            return record
        mid = request.match_info["mid"]
        message_id = record.original_message_id if mid == "@original" else int(mid)
        message = self.messages.get(message_id or 0)
        if message is None or message.deleted:
            return _error(404, 10008, "Unknown Message")
        if request.method == "GET":
            return _json(payloads.message(message, application_id=self.application_id))
        limited = self._limited("webhook_edit", record.token)
        if isinstance(limited, web.Response):
            return limited
        if request.method == "DELETE":
            message.deleted = True
            await self._notify("message_delete", message)
            return web.Response(status=204, headers=limited)
        data = request[JSON_BODY] or {}
        problems = limits.message_problems(data)
        if problems:
            self.violations.append(f"edit: {'; '.join(problems)}")
            return _error(400, 50035, "Invalid Form Body: " + "; ".join(problems))
        self._apply_edit(message, data)
        await self._notify("message_edit", message)
        return _json(payloads.message(message, application_id=self.application_id),
                     headers=limited)

    # -- REST: channels and DMs ------------------------------------------------------------
    def _bot_can_post(self, channel: Channel, data: dict[str, Any]) -> str | None:
        if channel.type == 1:
            if channel.recipient_id in self.dm_closed:
                return "closed"
            return None
        guild = self.guilds.get(channel.guild_id or 0)
        if guild is None:
            return "Missing Access"
        perms = channel_permissions(guild, channel, self.bot_member(guild))
        if not perms & VIEW_CHANNEL:
            return "Missing Access"
        if not perms & SEND_MESSAGES or (data.get("embeds") and not perms & EMBED_LINKS):
            return "Missing Permissions"
        return None

    async def _post_message(self, request: web.Request) -> web.Response:
        channel = self.channels.get(int(request.match_info["cid"]))
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        limited = self._limited("channel_message_create", str(channel.id))
        if isinstance(limited, web.Response):
            return limited
        data = request[JSON_BODY] or {}
        refusal = self._bot_can_post(channel, data)
        if refusal == "closed":
            return _error(403, 50007, "Cannot send messages to this user")
        if refusal == "Missing Access":
            return _error(403, 50001, "Missing Access")
        if refusal:
            return _error(403, 50013, "Missing Permissions")
        problems = limits.message_problems(data)
        if not _has_body(data):
            problems.append("empty message")
        if problems:
            self.violations.append(f"channel message: {'; '.join(problems)}")
            return _error(400, 50035, "Invalid Form Body: " + "; ".join(problems))
        message = self._new_message(channel.id, data, flags=int(data.get("flags") or 0) & ~64)
        await self._notify("message_create", message)
        return _json(payloads.message(message), headers=limited)

    async def _channel_message(self, request: web.Request) -> web.Response:
        message = self.messages.get(int(request.match_info["mid"]))
        if message is None or message.deleted or str(message.channel_id) != request.match_info[
            "cid"
        ] or message.ephemeral:
            return _error(404, 10008, "Unknown Message")
        if request.method == "GET":
            return _json(payloads.message(message))
        route = "channel_message_edit" if request.method == "PATCH" else "channel_message_delete"
        limited = self._limited(route, str(message.channel_id))
        if isinstance(limited, web.Response):
            return limited
        if request.method == "DELETE":
            message.deleted = True
            await self._notify("message_delete", message)
            return web.Response(status=204, headers=limited)
        if message.author.id != self.bot_user.id:
            return _error(403, 50005, "Cannot edit a message authored by another user")
        data = request[JSON_BODY] or {}
        problems = limits.message_problems(data)
        if problems:
            self.violations.append(f"edit: {'; '.join(problems)}")
            return _error(400, 50035, "Invalid Form Body: " + "; ".join(problems))
        self._apply_edit(message, data)
        await self._notify("message_edit", message)
        return _json(payloads.message(message), headers=limited)

    async def _get_channel(self, request: web.Request) -> web.Response:
        channel = self.channels.get(int(request.match_info["cid"]))
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        return _json(payloads.channel(channel))

    async def _create_dm(self, request: web.Request) -> web.Response:
        limited = self._limited("dm_create", "global")
        if isinstance(limited, web.Response):
            return limited
        recipient = self.users.get(int((request[JSON_BODY] or {}).get("recipient_id", 0)))
        if recipient is None:
            return _error(400, 50035, "Invalid Form Body: recipient_id")
        channel = next((c for c in self.channels.values()
                        if c.type == 1 and c.recipient_id == recipient.id), None)
        if channel is None:
            channel = Channel(new_snowflake(), f"dm-{recipient.username}", None, type=1,
                              recipient_id=recipient.id)
            self.channels[channel.id] = channel
        data = payloads.channel(channel)
        data["recipients"] = [payloads.user(recipient)]
        return _json(data, headers=limited)

    async def _get_member(self, request: web.Request) -> web.Response:
        guild = self.guilds.get(int(request.match_info["guild"]))
        member = guild.members.get(int(request.match_info["user"])) if guild else None
        if member is None:
            return _error(404, 10007, "Unknown Member")
        return _json(payloads.member(member))

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

    # -- acting as a member ----------------------------------------------------------------
    def find_command(self, name: str, guild: Guild | None) -> dict[str, Any]:
        pool = (self.guild_commands.get(guild.id, []) if guild else []) + self.global_commands
        for command in pool:
            if command["name"] == name and command.get("type", 1) == 1:
                return command
        raise EmulatorError(f"/{name} is not registered (has the bot synced its commands?)")

    def _offered(self, command: dict[str, Any], guild: Guild | None, actor: Member | User,
                 channel: Channel, bypass_default_permissions: bool) -> None:
        if guild is None:
            contexts = command.get("contexts")
            in_dm = (1 in contexts) if contexts else command.get("dm_permission", True) is not False
            if not in_dm:
                raise EmulatorError(f"/{command['name']} is not offered in direct messages")
            return
        required = command.get("default_member_permissions")
        if required is not None and not bypass_default_permissions:
            assert isinstance(actor, Member)
            perms = base_permissions(guild, actor)
            if not perms & ADMINISTRATOR and (perms & int(required)) != int(required):
                raise EmulatorError(
                    f"/{command['name']} is not offered to {actor.display_name} "
                    "(default_member_permissions)"
                )

    def _command_options(
        self, command: dict[str, Any], path: list[str], options: dict[str, Any],
        focused: str | None, guild: Guild | None,
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        schema = command.get("options") or []
        for name in path:
            match = next((o for o in schema if o["name"] == name and o["type"] in (1, 2)), None)
            if match is None:
                raise EmulatorError(f"/{command['name']} has no subcommand {name!r}")
            schema = match.get("options") or []
        if any(o["type"] in (1, 2) for o in schema):
            names = ", ".join(o["name"] for o in schema)
            raise EmulatorError(f"/{command['name']} needs a subcommand: {names}")
        resolved: dict[str, dict[str, Any]] = {}
        built = []
        for name, value in options.items():
            spec = next((o for o in schema if o["name"] == name), None)
            if spec is None:
                raise EmulatorError(f"/{command['name']} has no option {name!r}")
            built.append(self._option_value(spec, value, resolved, guild, name == focused))
        missing = [o["name"] for o in schema if o.get("required") and o["name"] not in options]
        if missing and focused is None:
            raise EmulatorError(f"/{command['name']}: missing required option(s) {missing}")
        for name in reversed(path):
            kind = 1 if name == path[-1] else 2
            built = [{"type": kind, "name": name, "options": built}]
        return built, resolved

    def _option_value(self, spec: dict[str, Any], value: Any, resolved: dict[str, Any],
                      guild: Guild | None, focused: bool) -> dict[str, Any]:
        kind = spec["type"]
        item: dict[str, Any] = {"name": spec["name"], "type": kind}
        if focused:
            item["focused"] = True
            item["value"] = str(value)
            return item
        if kind == 6:  # user: resolved carries the user and the member
            member = value if isinstance(value, Member) else None
            user = _user_of(value) if isinstance(value, Member | User) else self.users[int(value)]
            if member is None and guild is not None:
                member = guild.members.get(user.id)
            resolved.setdefault("users", {})[str(user.id)] = payloads.user(user)
            if member is not None:
                m = payloads.member(member)
                m.pop("user")
                resolved.setdefault("members", {})[str(user.id)] = m
            item["value"] = str(user.id)
        elif kind == 7:
            channel = value if isinstance(value, Channel) else self.channels[int(value)]
            c = payloads.channel(channel)
            c["permissions"] = str(channel_permissions(guild, channel, self.bot_member(guild))
                                   if guild else 0)
            resolved.setdefault("channels", {})[str(channel.id)] = c
            item["value"] = str(channel.id)
        elif kind == 8:
            role = value if isinstance(value, Role) else guild.roles[int(value)]  # type: ignore
            resolved.setdefault("roles", {})[str(role.id)] = payloads.role(role)
            item["value"] = str(role.id)
        elif kind == 4:
            item["value"] = int(value)
        elif kind == 10:
            item["value"] = float(value)
        elif kind == 5:
            item["value"] = value if isinstance(value, bool) else str(value).lower() == "true"
        else:
            item["value"] = str(value)
        return item

    async def _send_interaction(
        self, kind: int, guild: Guild | None, channel: Channel, actor: Member | User,
        data: dict[str, Any], message: Message | None = None, wait: bool = True,
    ) -> InteractionRecord:
        token = "emu." + secrets.token_urlsafe(24)
        record = InteractionRecord(
            id=new_snowflake(), token=token, kind=kind, guild_id=guild.id if guild else None,
            channel_id=channel.id, user_id=_user_of(actor).id, data=data,
            created_at=time.monotonic(), message_id=message.id if message else None,
        )
        self.interactions[token] = record
        payload = payloads.interaction(
            interaction_id=record.id, token=token, kind=kind,
            application_id=self.application_id, guild=guild, channel_obj=channel, actor=actor,
            bot_member=self.bot_member(guild) if guild else None, data=data,
            message_obj=message,
        )
        record.payload = payload
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        if wait:
            await self.wait_response(record)
        return record

    async def redeliver(self, record: InteractionRecord) -> None:
        """Dispatch an interaction again, unchanged: what a RESUME replays when the client's
        last sequence number lags behind. A bot must not act on it twice."""
        await self.gateway.dispatch("INTERACTION_CREATE", record.payload)

    async def wait_response(self, record: InteractionRecord, extra: float = 0.5) -> bool:
        """Wait for the first response up to the deadline; False (and a violation) if none."""
        remaining = self.response_deadline + extra - (time.monotonic() - record.created_at)
        try:
            await asyncio.wait_for(record.responded.wait(), max(remaining, 0.01))
            return True
        except TimeoutError:
            self.violations.append(f"interaction {record.id}: no response within the deadline")
            return False

    async def command(
        self, actor: Member | User, name: str, options: dict[str, Any] | None = None, *,
        channel: Channel | None = None, guild: Guild | None = None, sub: str | None = None,
        group: str | None = None, bypass_default_permissions: bool = False, wait: bool = True,
    ) -> InteractionRecord:
        """Run a slash command as `actor` (a Member in a server, a User in DMs)."""
        guild, channel = self._where(actor, guild, channel)
        command = self.find_command(name, guild)
        self._offered(command, guild, actor, channel, bypass_default_permissions)
        path = [p for p in (group, sub) if p]
        built, resolved = self._command_options(command, path, options or {}, None, guild)
        data: dict[str, Any] = {"id": command["id"], "name": name, "type": 1, "options": built}
        if resolved:
            data["resolved"] = resolved
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return await self._send_interaction(APPLICATION_COMMAND, guild, channel, actor, data,
                                            wait=wait)

    async def autocomplete(
        self, actor: Member | User, name: str, focused: str, options: dict[str, Any], *,
        channel: Channel | None = None, guild: Guild | None = None, sub: str | None = None,
        group: str | None = None,
    ) -> list[dict[str, Any]]:
        """Ask the bot for autocomplete choices, as the client does while a member types."""
        guild, channel = self._where(actor, guild, channel)
        command = self.find_command(name, guild)
        path = [p for p in (group, sub) if p]
        built, _ = self._command_options(command, path, options, focused, guild)
        data = {"id": command["id"], "name": name, "type": 1, "options": built}
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        record = await self._send_interaction(AUTOCOMPLETE, guild, channel, actor, data)
        return list(record.choices or [])

    async def click(
        self, actor: Member | User, message: Message, *, custom_id: str | None = None,
        label: str | None = None, index: int | None = None, wait: bool = True,
    ) -> InteractionRecord:
        """Press a button of `message`: by custom_id, by label, or by number from 1 (a Member
        in a server, a User in their direct messages)."""
        buttons = [b for b in message.buttons() if "custom_id" in b]
        if custom_id is None:
            if label is not None:
                match = [b for b in buttons if b.get("label") == label]
            elif index is not None:
                match = buttons[index - 1: index] if index >= 1 else []
            else:
                match = buttons[:1]
            if not match:
                raise EmulatorError(f"no such button on message {message.id}")
            if match[0].get("disabled"):
                raise EmulatorError(f"button {match[0].get('label')!r} is disabled")
            custom_id = match[0]["custom_id"]
        return await self._component(actor, message, {"custom_id": custom_id,
                                                      "component_type": 2}, wait)

    async def select(
        self, actor: Member, message: Message, values: list[str], *,
        custom_id: str | None = None, wait: bool = True,
    ) -> InteractionRecord:
        selects = message.selects()
        if custom_id is None:
            if not selects:
                raise EmulatorError(f"message {message.id} has no select menu")
            custom_id = selects[0]["custom_id"]
        spec = next((s for s in selects if s.get("custom_id") == custom_id), {"type": 3})
        data = {"custom_id": custom_id, "component_type": spec.get("type", 3), "values": values}
        return await self._component(actor, message, data, wait)

    async def _component(self, actor: Member | User, message: Message, data: dict[str, Any],
                         wait: bool) -> InteractionRecord:
        channel = self.channels[message.channel_id]
        guild = self.guilds.get(channel.guild_id or 0)
        if channel.type == 1 and channel.recipient_id != _user_of(actor).id:
            raise EmulatorError("that message is in another user's direct messages")
        if guild is not None and not isinstance(actor, Member):
            raise EmulatorError("in a server, act as the Member, not the User")
        if message.ephemeral and message.interaction_user_id != _user_of(actor).id:
            raise EmulatorError("that message is visible only to another member")
        return await self._send_interaction(MESSAGE_COMPONENT, guild, channel, actor, data,
                                            message=message, wait=wait)

    async def submit_modal(
        self, actor: Member | User, opened_by: InteractionRecord,
        values: dict[str, str | list[str]], *,
        wait: bool = True,
    ) -> InteractionRecord:
        """Submit the modal the bot opened in answer to `opened_by`, with field values (a
        select in the modal takes a list of option values, or one value)."""
        if opened_by.modal is None:
            raise EmulatorError("the bot did not open a modal for that interaction")
        rows = []
        known = set()
        for row in opened_by.modal.get("components") or []:
            inputs = limits.modal_inputs(row)
            filled = []
            for item in inputs:
                known.add(item["custom_id"])
                filled.append(_submitted_input(item, values.get(item["custom_id"])))
            if row.get("type") == 18:
                rows.append({"type": 18, "id": row.get("id", 0), "component": filled[0]})
            else:
                rows.append({"type": 1, "id": row.get("id", 0), "components": filled})
        unknown = set(values) - known
        if unknown:
            raise EmulatorError(
                f"the modal has no field(s) {sorted(unknown)}; it has {sorted(known)}"
            )
        channel = self.channels[opened_by.channel_id]
        guild = self.guilds.get(channel.guild_id or 0)
        data = {"custom_id": opened_by.modal["custom_id"], "components": rows}
        message = self.messages.get(opened_by.message_id or 0)
        return await self._send_interaction(MODAL_SUBMIT, guild, channel, actor, data,
                                            message=message, wait=wait)

    def _where(self, actor: Member | User, guild: Guild | None, channel: Channel | None
               ) -> tuple[Guild | None, Channel]:
        if isinstance(actor, User):
            channel = next((c for c in self.channels.values()
                            if c.type == 1 and c.recipient_id == actor.id), None)
            if channel is None:
                channel = Channel(new_snowflake(), f"dm-{actor.username}", None, type=1,
                                  recipient_id=actor.id)
                self.channels[channel.id] = channel
            return None, channel
        if channel is not None:
            return self.guilds[channel.guild_id], channel  # type: ignore[index]
        if guild is None:
            guild = next(g for g in self.guilds.values() if actor.user.id in g.members)
        return guild, next(iter(guild.channels.values()))


def _user_of(actor: Member | User) -> User:
    return actor.user if isinstance(actor, Member) else actor


def _submitted_input(item: dict[str, Any], value: str | list[str] | None) -> dict[str, Any]:
    """A modal input as Discord sends it back: a text input's `value`, a select's `values`."""
    entry = {"type": item.get("type", 4), "id": item.get("id", 0), "custom_id": item["custom_id"]}
    if entry["type"] in (3, 5, 6, 7, 8):
        entry["values"] = [] if not value else [value] if isinstance(value, str) else list(value)
    else:
        entry["value"] = value if isinstance(value, str) else ""
    return entry


def _has_body(data: dict[str, Any]) -> bool:
    return bool(data.get("content") or data.get("embeds") or data.get("components")
                or data.get("poll"))


def _json(
    data: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # Exactly application/json: with "; charset=utf-8" discord.py treats the body as text.
    return web.Response(body=json.dumps(data).encode(), status=status,
                        content_type="application/json", headers=headers)


def _error(status: int, code: int, message: str) -> web.Response:
    return _json({"message": message, "code": code}, status=status)
