"""A server of our own in the shared emulator, so /config changes never touch the demo server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from bot.emulator.model import Channel, Guild, Member, Message, Overwrite, Role
from bot.emulator.permissions import (
    ADMINISTRATOR,
    DEFAULT_EVERYONE,
    EMBED_LINKS,
    MANAGE_GUILD,
    MANAGE_MESSAGES,
    SEND_MESSAGES,
    VIEW_CHANNEL,
)
from bot.emulator.records import InteractionRecord
from tests.conftest import Discord


@dataclass
class Gym:
    """The 'Config Gym' server: boss (Administrator), manager (Manage Server only), coach
    (Manage Messages only) and rookie (nothing); #locked and #hidden deny the bot."""

    discord: Discord
    guild: Guild
    members: dict[str, Member]
    roles: dict[str, Role]

    def channel(self, name: str) -> Channel:
        return self.guild.channel_named(name)

    def run(self, who: str, sub: str, options: dict[str, Any] | None = None, *,
            bypass: bool = False) -> InteractionRecord:
        return self.discord.call(self.discord.emu.command(
            self.members[who], "config", options or {}, sub=sub,
            channel=self.channel("lobby"), bypass_default_permissions=bypass))

    def reply(self, who: str, sub: str, options: dict[str, Any] | None = None, *,
              bypass: bool = False) -> Message:
        record = self.run(who, sub, options, bypass=bypass)
        assert record.answered, self.discord.emu.violations
        return self.discord.emu.message(record.original_message_id)

    def show(self) -> dict[str, str]:
        """/config show as the boss: its embed's fields by name."""
        message = self.reply("boss", "show")
        assert message.ephemeral
        [embed] = message.embeds
        return {f["name"]: f["value"] for f in embed["fields"]}


@pytest.fixture(scope="module")
def gym(discord_env) -> Gym:  # type: ignore[no-untyped-def]
    discord, _ = discord_env
    emu = discord.emu

    def build() -> tuple[Guild, dict[str, Member], dict[str, Role]]:
        guild = emu.add_guild("Config Gym", channels=("lobby", "daily", "reviews", "locked",
                                                      "hidden"))
        guild.channel_named("locked").overwrites.append(
            Overwrite(emu.bot_user.id, 1, 0, SEND_MESSAGES | EMBED_LINKS))
        guild.channel_named("hidden").overwrites.append(
            Overwrite(emu.bot_user.id, 1, 0, VIEW_CHANNEL))
        roles = {
            "admins": emu.add_role(guild, "Gym Admins", ADMINISTRATOR),
            "managers": emu.add_role(guild, "Managers", DEFAULT_EVERYONE | MANAGE_GUILD),
            "coaches": emu.add_role(guild, "Coaches", DEFAULT_EVERYONE | MANAGE_MESSAGES,
                                    mentionable=True),
            "fans": emu.add_role(guild, "Fans", mentionable=True),
            "quiet": emu.add_role(guild, "Quiet Fans", mentionable=False),
        }
        members = {
            "boss": emu.add_member(guild, "boss", roles=[roles["admins"]]),
            "manager": emu.add_member(guild, "manager", roles=[roles["managers"]]),
            "coach": emu.add_member(guild, "coach", roles=[roles["coaches"]]),
            "rookie": emu.add_member(guild, "rookie"),
        }
        return guild, members, roles

    guild, members, roles = discord.thread.do(build)
    discord.call(emu.add_bot(guild))  # GUILD_CREATE, as when the bot is invited
    return Gym(discord, guild, members, roles)
