"""Acting as a member: slash commands, autocomplete, buttons, selects and modal submissions."""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any

from bot.emulator import limits, payloads
from bot.emulator.model import (
    Channel,
    Guild,
    Member,
    Message,
    Role,
    User,
    new_snowflake,
)
from bot.emulator.permissions import (
    ADMINISTRATOR,
    base_permissions,
    channel_permissions,
)
from bot.emulator.records import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    EmulatorError,
    InteractionRecord,
)
from bot.emulator.rest import _submitted_input, _user_of
from bot.emulator.state import EmulatorState

GUILD_INSTALL_TYPE, USER_INSTALL_TYPE = 0, 1  # a command's integration_types


class MemberActions(EmulatorState):
    """What a member can do through the Emulator (a mixin: the state lives on the Emulator)."""

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
            if isinstance(value, Role):
                role = value
            elif guild is not None:
                role = guild.roles[int(value)]
            else:
                raise EmulatorError("a role option names a server's role: act in a server")
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
        user_install: bool = False,
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
            bot_member=guild.members.get(self.bot_user.id) if guild else None, data=data,
            message_obj=message, user_install=user_install,
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

    async def user_install_command(
        self, actor: User, name: str, options: dict[str, Any] | None = None, *,
        guild: Guild | None = None, group_dm: bool = False, sub: str | None = None,
    ) -> InteractionRecord:
        """Run a command of the app `actor` installed to their account: in `guild` (a server
        the bot need not be in), in a group DM of theirs, or else in their DM with the bot.
        Discord offers it only where the command's integration_types and contexts allow."""
        command = self.find_command(name, None)
        if USER_INSTALL_TYPE not in (command.get("integration_types") or [GUILD_INSTALL_TYPE]):
            raise EmulatorError(f"/{name} cannot be used as a user-installed app")
        where = "guild" if guild else "group DM" if group_dm else "DM"
        context = {"guild": 0, "DM": 1, "group DM": 2}[where]
        if context not in (command.get("contexts") or [0, 1, 2]):
            raise EmulatorError(f"/{name} is not offered in a {where} (contexts)")
        member: Member | User = actor
        if guild is not None:
            member = guild.members.get(actor.id) or Member(actor)
            channel = next(iter(guild.channels.values()))
        elif group_dm:
            channel = Channel(new_snowflake(), f"group-{actor.username}", None, type=3,
                              recipient_id=actor.id)
            self.channels[channel.id] = channel
        else:
            _, channel = self._where(actor, None, None)
        built, resolved = self._command_options(command, [sub] if sub else [], options or {},
                                                None, guild)
        data: dict[str, Any] = {"id": command["id"], "name": name, "type": 1, "options": built}
        if resolved:
            data["resolved"] = resolved
        return await self._send_interaction(APPLICATION_COMMAND, guild, channel, member, data,
                                            user_install=True)

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
        self, actor: Member | User, message: Message, values: list[str], *,
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
            if channel.guild_id is None:
                raise EmulatorError(
                    f"a member acts in a server channel, not in the DM #{channel.name}")
            return self.guilds[channel.guild_id], channel
        if guild is None:
            guild = next(g for g in self.guilds.values() if actor.user.id in g.members)
        return guild, next(iter(guild.channels.values()))
