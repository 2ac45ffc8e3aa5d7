"""Why each field of the emulator's interaction payload is there.

discord.py raises KeyError on a missing required field, which ends the whole bot process. This
test removes each field in turn and records which ones discord.py cannot do without, so the
emulator never drops one by accident and a discord.py upgrade that needs more shows up here.
"""

from __future__ import annotations

import discord
import pytest

from bot.emulator import Emulator, payloads
from bot.emulator.records import APPLICATION_COMMAND

# Fields discord.py 2.7 reads with data[...] when building an Interaction.
REQUIRED = {"id", "type", "token", "version", "application_id", "attachment_size_limit"}


@pytest.fixture()
def emu() -> Emulator:
    return Emulator()


@pytest.fixture()
def payload(emu: Emulator) -> dict:
    guild = emu.add_guild("G", channels=["general"])
    alice = emu.add_member(guild, "alice")
    return payloads.interaction(
        interaction_id=1234567890123456789, token="t", kind=APPLICATION_COMMAND,
        application_id=emu.application_id, guild=guild,
        channel_obj=guild.channel_named("general"), actor=alice,
        bot_member=emu.bot_member(guild),
        data={"id": "1", "name": "quote", "type": 1, "options": []})


def _parse(emu: Emulator, payload: dict) -> discord.Interaction:
    client = discord.Client(intents=discord.Intents(guilds=True))
    state = client._connection
    state.user = discord.ClientUser(state=state, data=payloads.user(emu.bot_user))  # logged in
    return discord.Interaction(data=payload, state=state)


def test_the_full_payload_parses_with_the_member_and_permissions(emu, payload):
    interaction = _parse(emu, payload)
    assert isinstance(interaction.user, discord.Member)
    assert interaction.user.name == "alice"
    assert interaction.permissions.send_messages
    assert interaction.app_permissions.embed_links


def test_each_required_field_is_required_and_the_rest_are_optional(emu, payload):
    required = set()
    for key in payload:
        trimmed = {k: v for k, v in payload.items() if k != key}
        try:
            _parse(emu, trimmed)
        except KeyError:
            required.add(key)
    assert required == REQUIRED
