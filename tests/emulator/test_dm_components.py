"""Buttons in direct messages: Discord lets the DM's user press them, and nobody else."""

from __future__ import annotations

import aiohttp
import pytest

from bot.emulator import Emulator
from bot.emulator.records import MESSAGE_COMPONENT, EmulatorError

TOKEN = "Bot test-token"
BUTTON = {"type": 1, "components": [{"type": 2, "style": 2, "label": "Next",
                                     "custom_id": "page:next"}]}


@pytest.fixture()
async def emu():
    emulator = Emulator(token="test-token")
    guild = emulator.add_guild("G", channels=["general"])
    emulator.add_member(guild, "alice")
    emulator.add_member(guild, "bob")
    await emulator.start()
    yield emulator
    await emulator.stop()


async def _dm_message_with_a_button(emu, user):
    async with aiohttp.ClientSession(base_url=f"http://127.0.0.1:{emu.port}") as http:
        await http.put(f"/api/v10/applications/{emu.application_id}/commands",
                       json=[{"name": "help", "description": "h", "options": [],
                              "contexts": [0, 1]}], headers={"Authorization": TOKEN})
        record = await emu.command(user, "help", wait=False)
        await http.post(f"/api/v10/interactions/{record.id}/{record.token}/callback",
                        json={"type": 4, "data": {"content": "page 1", "components": [BUTTON]}})
    return emu.message(record.original_message_id)


async def test_the_dm_user_presses_a_button_in_their_dms(emu):
    alice = next(iter(emu.guilds.values())).member_named("alice").user
    message = await _dm_message_with_a_button(emu, alice)
    record = await emu.click(alice, message, label="Next", wait=False)
    assert record.kind == MESSAGE_COMPONENT and record.guild_id is None
    assert record.user_id == alice.id and record.data["custom_id"] == "page:next"


async def test_nobody_else_can_press_a_button_in_someone_elses_dms(emu):
    guild = next(iter(emu.guilds.values()))
    message = await _dm_message_with_a_button(emu, guild.member_named("alice").user)
    with pytest.raises(EmulatorError, match="another user's direct messages"):
        await emu.click(guild.member_named("bob").user, message, label="Next", wait=False)
