"""Discord's REST API as the emulator serves it: identity, commands, interaction responses,
channels and DMs."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.emulator import attachments, limits, oauth2, payloads
from bot.emulator.model import (
    Channel,
    Member,
    Message,
    User,
    new_snowflake,
)
from bot.emulator.permissions import (
    EMBED_LINKS,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    channel_permissions,
    role_refusal,
)
from bot.emulator.records import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE,
    JSON_BODY,
    MESSAGE_COMPONENT,
    MODAL,
    MODAL_SUBMIT,
    TOKEN_LIFETIME,
    UPDATE_MESSAGE,
    InteractionRecord,
    RequestRecord,
)
from bot.emulator.state import EmulatorState


class RestApi(EmulatorState):
    """The Emulator's REST handlers (a mixin: the state lives on the Emulator)."""

    # -- HTTP plumbing ---------------------------------------------------------------------
    @web.middleware
    async def _record_middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if request.path.startswith("/gateway"):
            return await handler(request)
        body: Any = None
        if request.content_type.startswith("multipart/"):
            body = await attachments.read_multipart(request)
        elif request.can_read_body:
            raw = await request.read()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")
        request[JSON_BODY] = body
        needs_auth = not request.path.startswith(
            ("/api/v10/interactions/", "/api/v10/webhooks/")
        ) and request.path not in oauth2.PUBLIC_PATHS
        if needs_auth and not self._authorized(request):
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

    def _authorized(self, request: web.Request) -> bool:
        authorization = request.headers.get("Authorization", "")
        if authorization.startswith("Bearer "):
            # An OAuth2 access token opens only the routes that check its scopes themselves.
            return request.match_info.route.name in BEARER_ROUTES
        return self._token_ok(authorization)

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
        r.add_get(f"{base}/users/@me/guilds", self._get_my_guilds, name="users_me_guilds")
        self.oauth2.add_routes(app)
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
        r.add_route("*", f"{base}/guilds/{{guild}}/members/{{user}}/roles/{{role}}",
                    self._member_role, name="member_role")
        # What a second process (the web dashboard) reads with the bot token: a server with
        # its roles, and its channels with their overwrites.
        r.add_get(f"{base}/guilds/{{guild}}", self._get_guild, name="guild_get")
        r.add_get(f"{base}/guilds/{{guild}}/channels", self._get_guild_channels,
                  name="guild_channels_get")

    # -- REST: identity and commands -------------------------------------------------------
    async def _get_me(self, request: web.Request) -> web.Response:
        if _is_bearer(request):
            grant = self.oauth2.bearer(request, "identify")
            return _json(self.oauth2.me(grant)) if grant else oauth2.unauthorized()
        return _json(payloads.user(self.bot_user) | {"verified": True, "mfa_enabled": False,
                                                        "flags": 0})

    async def _get_my_guilds(self, request: web.Request) -> web.Response:
        """The servers of the user behind a Bearer token (scope `guilds`), or the bot's."""
        user_id = self.bot_user.id
        if _is_bearer(request):
            grant = self.oauth2.bearer(request, "guilds")
            if grant is None:
                return oauth2.unauthorized()
            user_id = grant.user_id
        listed = self.oauth2.guilds_of(user_id, request.query)
        if isinstance(listed, str):
            return _error(400, 50035, f"Invalid Form Body: {listed}")
        return _json(listed)

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
        gate = self.gateway.shard_gate
        return _json({"url": self.gateway_url, "shards": gate.recommended_shards(),
                      "session_start_limit": gate.session_start_limit()})

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
            assert record.message_id is not None  # _callback_problem refuses an update without one
            message = self.messages[record.message_id]
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

    def _callback_problem(self, record: InteractionRecord, kind: int | None, data: dict
                          ) -> str | None:
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
        if kind == DEFERRED_CHANNEL_MESSAGE and int(data.get("flags") or 0) & Message.COMPONENTS_V2:
            return "a deferred response cannot set IS_COMPONENTS_V2; set it when editing"
        if kind == UPDATE_MESSAGE:
            assert record.message_id is not None  # refused just above
            return "; ".join(self._edit_problems(self.messages[record.message_id], data)) or None
        if kind == CHANNEL_MESSAGE:
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
            return self._invalid_form("follow-up", problems)
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
            return await self._delete_message(message, limited)
        return await self._edit_message(message, request[JSON_BODY] or {}, limited,
                                        application_id=self.application_id)

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
            return self._invalid_form("channel message", problems)
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
            return await self._delete_message(message, limited)
        if message.author.id != self.bot_user.id:
            return _error(403, 50005, "Cannot edit a message authored by another user")
        return await self._edit_message(message, request[JSON_BODY] or {}, limited)

    async def _delete_message(self, message: Message, headers: dict[str, str]) -> web.Response:
        message.deleted = True
        await self._notify("message_delete", message)
        return web.Response(status=204, headers=headers)

    def _edit_problems(self, message: Message, data: dict[str, Any]) -> list[str]:
        """An edit's body is checked as the message it leaves behind."""
        flags = int(data.get("flags", message.flags) or 0)
        after = {"content": data.get("content", message.content),
                 "embeds": data.get("embeds", message.embeds),
                 "components": data.get("components", message.components),
                 "attachments": data.get("attachments", message.attachments),
                 "flags": flags}
        problems = limits.edit_problems(message.flags, data)
        problems += limits.message_problems({k: v for k, v in data.items() if k != "flags"}
                                            | {"flags": flags}, check_layout=False)
        problems += limits.layout_problems(after, flags, attachments.filenames(data, message))
        return problems

    async def _edit_message(self, message: Message, data: dict[str, Any],
                            headers: dict[str, str], *, application_id: int | None = None
                            ) -> web.Response:
        problems = self._edit_problems(message, data)
        if problems:
            return self._invalid_form("edit", problems)
        self._apply_edit(message, data)
        await self._notify("message_edit", message)
        return _json(payloads.message(message, application_id=application_id), headers=headers)

    def _invalid_form(self, where: str, problems: list[str]) -> web.Response:
        """Discord's 400 for a body over its limits, recorded as a broken rule."""
        self.violations.append(f"{where}: {'; '.join(problems)}")
        return _error(400, 50035, "Invalid Form Body: " + "; ".join(problems))

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

    async def _get_guild(self, request: web.Request) -> web.Response:
        guild = self.guilds.get(int(request.match_info["guild"]))
        if guild is None:
            return _error(404, 10004, "Unknown Guild")
        return _json({"id": str(guild.id), "name": guild.name, "icon": None,
                      "owner_id": str(guild.owner_id),
                      "roles": [payloads.role(r) for r in guild.roles.values()],
                      "emojis": [], "stickers": [], "features": []})

    async def _get_guild_channels(self, request: web.Request) -> web.Response:
        guild = self.guilds.get(int(request.match_info["guild"]))
        if guild is None:
            return _error(404, 10004, "Unknown Guild")
        return _json([payloads.channel(c) for c in guild.channels.values()])

    async def _get_member(self, request: web.Request) -> web.Response:
        guild = self.guilds.get(int(request.match_info["guild"]))
        member = guild.members.get(int(request.match_info["user"])) if guild else None
        if member is None:
            return _error(404, 10007, "Unknown Member")
        return _json(payloads.member(member))

    async def _member_role(self, request: web.Request) -> web.Response:
        """PUT gives a member a role, DELETE takes it (204 either way, also when nothing
        changes), with Discord's checks: Manage Roles and a role below the bot's highest."""
        if request.method not in ("PUT", "DELETE"):
            raise web.HTTPNotFound()
        guild = self.guilds.get(int(request.match_info["guild"]))
        if guild is None:
            return _error(404, 10004, "Unknown Guild")
        limited = self._limited("member_role", str(guild.id))
        if isinstance(limited, web.Response):
            return limited
        member = guild.members.get(int(request.match_info["user"]))
        if member is None:
            return _error(404, 10007, "Unknown Member")
        role_id = int(request.match_info["role"])
        if role_id not in guild.roles or role_id == guild.id:
            return _error(404, 10011, "Unknown Role")
        refusal = role_refusal(guild, self.bot_member(guild), role_id)
        if refusal:
            return _error(403, 50013, refusal)
        has = role_id in member.roles
        if request.method == "PUT" and not has:
            member.roles.append(role_id)
        elif request.method == "DELETE" and has:
            member.roles.remove(role_id)
        else:
            return web.Response(status=204, headers=limited)
        await self._notify("member_update", member)
        return web.Response(status=204, headers=limited)


BEARER_ROUTES = frozenset({"users_me", "users_me_guilds", "oauth2_me"})


def _is_bearer(request: web.Request) -> bool:
    return request.headers.get("Authorization", "").startswith("Bearer ")


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
