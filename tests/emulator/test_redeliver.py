"""Redelivering an interaction: the same INTERACTION_CREATE again, as a RESUME replay can do."""

from __future__ import annotations

import pytest

from bot.emulator import Emulator
from bot.emulator.gateway import Session


@pytest.fixture()
async def emu():
    emulator = Emulator(token="test-token")
    guild = emulator.add_guild("G", channels=["general"])
    emulator.add_member(guild, "alice")
    await emulator.start()
    # A session waiting to resume: dispatches are numbered and buffered for the replay.
    emulator.gateway.sessions["s"] = Session("s")
    yield emulator
    await emulator.stop()


async def test_redeliver_dispatches_the_identical_interaction_again(emu):
    guild = next(iter(emu.guilds.values()))
    channel = guild.channel_named("general")
    button = {"type": 2, "style": 1, "label": "Go", "custom_id": "go"}
    message = emu._new_message(channel.id, {"content": "x", "components": [
        {"type": 1, "components": [button]}]}, flags=0)
    record = await emu.click(guild.member_named("alice"), message, label="Go", wait=False)

    await emu.redeliver(record)

    buffer = emu.gateway.sessions["s"].buffer
    dispatched = [p for _, p in buffer if p["t"] == "INTERACTION_CREATE"]
    assert len(dispatched) == 2
    first, second = dispatched
    assert first["d"] == second["d"]
    assert first["d"]["id"] == str(record.id) and first["d"]["token"] == record.token
    assert second["s"] == first["s"] + 1  # a new sequence number, the same event
