"""Modal submissions carry what Discord sends: a text input's `value`, a select's `values`."""

from __future__ import annotations

import time

from bot.emulator import Emulator, InteractionRecord

MODAL = {"custom_id": "form", "title": "Form", "components": [
    {"type": 18, "label": "Text", "component": {"type": 4, "custom_id": "text", "style": 1}},
    {"type": 18, "label": "Film", "component": {
        "type": 3, "custom_id": "film", "options": [{"label": "Rocky", "value": "Rocky"},
                                                    {"label": "Creed", "value": "Creed"}]}},
    {"type": 18, "label": "Cast", "component": {"type": 3, "custom_id": "cast", "max_values": 2,
                                                 "options": []}},
]}


async def test_text_inputs_send_a_value_and_selects_send_values():
    emu = Emulator()
    guild = emu.add_guild("G", channels=["general"])
    alice = emu.add_member(guild, "alice")
    await emu.start()
    try:
        opened = InteractionRecord(1, "tok", 2, guild.id, guild.channel_named("general").id,
                                   alice.user.id, {}, time.monotonic(), modal=MODAL)
        submitted = await emu.submit_modal(
            alice, opened, {"text": "hello", "film": "Creed", "cast": ["Adonis", "Bianca"]},
            wait=False)
        inputs = [row["component"] for row in submitted.data["components"]]
        assert inputs[0] == {"type": 4, "id": 0, "custom_id": "text", "value": "hello"}
        assert inputs[1] == {"type": 3, "id": 0, "custom_id": "film", "values": ["Creed"]}
        assert inputs[2]["values"] == ["Adonis", "Bianca"]
        unfilled = await emu.submit_modal(alice, opened, {}, wait=False)
        assert [row["component"].get("values") for row in unfilled.data["components"]] == [
            None, [], []]
    finally:
        await emu.stop()
