"""Components V2's rules, enforced by the emulator over real HTTP: each breach is a 400, and the
payloads are discord.py's own (LayoutView.to_components), so the shapes are the library's."""

from __future__ import annotations

import json

import aiohttp
import discord
import pytest

from bot.emulator import Emulator
from bot.emulator.limits import IS_COMPONENTS_V2
from bot.emulator.model import Message
from bot.ui.cards import draw_png
from tests.cards.samples import MEMBER

TOKEN = "Bot test-token"
V2 = IS_COMPONENTS_V2
EPHEMERAL = 1 << 6


@pytest.fixture()
async def emu():
    emulator = Emulator(token="test-token")
    guild = emulator.add_guild("G", channels=["general"])
    emulator.add_member(guild, "alice")
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture()
async def http(emu):
    async with aiohttp.ClientSession(base_url=f"http://127.0.0.1:{emu.port}") as session:
        await session.put(f"/api/v10/applications/{emu.application_id}/commands",
                          json=[{"name": "ping", "description": "p", "options": []}],
                          headers={"Authorization": TOKEN})
        yield session


def layout(*items: discord.ui.Item, text: str | None = None) -> list[dict]:  # type: ignore[type-arg]
    view = discord.ui.LayoutView()
    children = [discord.ui.TextDisplay(text)] if text is not None else []
    view.add_item(discord.ui.Container(*children, *items, accent_colour=0xB22222))
    return view.to_components()


def gallery(name: str) -> discord.ui.MediaGallery:  # type: ignore[type-arg]
    return discord.ui.MediaGallery(discord.MediaGalleryItem(f"attachment://{name}"))


async def command(emu: Emulator):  # type: ignore[no-untyped-def]
    guild = next(iter(emu.guilds.values()))
    return await emu.command(guild.member_named("alice"), "ping", wait=False)


async def respond(http, record, data: dict, kind: int = 4, files: dict | None = None):  # type: ignore[no-untyped-def]
    url = f"/api/v10/interactions/{record.id}/{record.token}/callback"
    body = {"type": kind, "data": data}
    if not files:
        return await http.post(url, json=body)
    form = aiohttp.FormData()
    form.add_field("payload_json", json.dumps(body), content_type="application/json")
    for i, (name, content) in enumerate(files.items()):
        form.add_field(f"files[{i}]", content, filename=name,
                       content_type="application/octet-stream")
    return await http.post(url, data=form)


async def test_a_layout_with_the_flag_is_accepted(emu, http) -> None:
    record = await command(emu)
    answer = await respond(http, record, {"flags": V2, "components": layout(text="Hi")})
    assert answer.status == 200, await answer.text()
    assert emu.message(record.original_message_id).text() == "Hi"


async def test_v2_components_need_the_flag(emu, http) -> None:
    record = await command(emu)
    answer = await respond(http, record, {"components": layout(text="Hi")})
    assert answer.status == 400
    assert "need the IS_COMPONENTS_V2 flag" in (await answer.json())["message"]


@pytest.mark.parametrize("field, value", [("content", "hello"),
                                          ("embeds", [{"title": "t"}]),
                                          ("poll", {"question": {"text": "q"}, "answers": []})])
async def test_nothing_beside_the_layout(emu, http, field: str, value: object) -> None:
    record = await command(emu)
    answer = await respond(http, record, {"flags": V2, "components": layout(text="Hi"),
                                          field: value})
    assert answer.status == 400
    assert f"{field}: not allowed with IS_COMPONENTS_V2" in (await answer.json())["message"]


async def test_at_most_40_components_counting_nested_ones(emu, http) -> None:
    record = await command(emu)
    # One container with 39 text displays: 40 components in all.
    fine = layout(*(discord.ui.TextDisplay(f"line {i}") for i in range(38)), text="top")
    assert (await respond(http, record, {"flags": V2, "components": fine})).status == 200
    record = await command(emu)
    # discord.py refuses a 41st itself; a hand-made payload shows the emulator does too.
    over = layout(*(discord.ui.TextDisplay(f"line {i}") for i in range(38)), text="top")
    over[0]["components"].append({"type": 10, "content": "one too many"})
    answer = await respond(http, record, {"flags": V2, "components": over})
    assert answer.status == 400
    assert "41 in all, limit 40" in (await answer.json())["message"]


async def test_at_most_4000_characters_of_text(emu, http) -> None:
    record = await command(emu)
    halves = (discord.ui.TextDisplay("x" * 2000), discord.ui.TextDisplay("y" * 2001))
    answer = await respond(http, record, {"flags": V2, "components": layout(*halves)})
    assert answer.status == 400
    assert "4001 characters in all, limit 4000" in (await answer.json())["message"]


async def test_a_deferred_response_cannot_set_the_flag(emu, http) -> None:
    record = await command(emu)
    answer = await respond(http, record, {"flags": V2 | EPHEMERAL}, kind=5)
    assert answer.status == 400
    assert "deferred response cannot set IS_COMPONENTS_V2" in (await answer.json())["message"]


async def test_the_edit_after_a_deferral_may_set_it(emu, http) -> None:
    record = await command(emu)
    assert (await respond(http, record, {"flags": EPHEMERAL}, kind=5)).status == 200
    edit = await http.patch(
        f"/api/v10/webhooks/{emu.application_id}/{record.token}/messages/@original",
        json={"flags": V2, "components": layout(text="Done")})
    assert edit.status == 200, await edit.text()
    message = emu.message(record.original_message_id)
    assert message.flags & V2 and message.text() == "Done"


async def test_the_flag_cannot_be_removed_by_an_edit(emu, http) -> None:
    record = await command(emu)
    await respond(http, record, {"flags": V2, "components": layout(text="Hi")})
    url = f"/api/v10/webhooks/{emu.application_id}/{record.token}/messages/@original"
    back = await http.patch(url, json={"flags": 0, "content": "plain again",
                                       "components": []})
    assert back.status == 400
    assert "cannot be removed" in (await back.json())["message"]
    embeds = await http.patch(url, json={"embeds": [{"title": "t"}]})
    assert embeds.status == 400  # still a V2 message: no embeds on it
    assert emu.message(record.original_message_id).flags & V2


async def test_attachments_must_be_shown_by_a_component(emu, http) -> None:
    png = draw_png(MEMBER, {})
    record = await command(emu)
    shown = await respond(http, record, {
        "flags": V2, "components": layout(gallery("stats.png"), text="Card"),
        "attachments": [{"id": 0, "filename": "stats.png"}]}, files={"stats.png": png})
    assert shown.status == 200, await shown.text()
    message = emu.message(record.original_message_id)
    assert message.files == {"stats.png": png}
    assert message.attachments[0]["filename"] == "stats.png"

    record = await command(emu)
    missing = await respond(http, record, {"flags": V2,
                                           "components": layout(gallery("other.png"))})
    assert missing.status == 400
    assert "attachment://other.png: no such attachment" in (await missing.json())["message"]

    record = await command(emu)
    hidden = await respond(http, record, {
        "flags": V2, "components": layout(text="No picture"),
        "attachments": [{"id": 0, "filename": "stats.png"}]}, files={"stats.png": png})
    assert hidden.status == 400
    assert "stats.png: no component shows it" in (await hidden.json())["message"]


async def test_buttons_inside_a_container_are_found_and_checked(emu, http) -> None:
    record = await command(emu)
    row = discord.ui.ActionRow(discord.ui.Button(label="x" * 81, custom_id="b"))
    answer = await respond(http, record, {"flags": V2, "components": layout(row, text="Hi")})
    assert answer.status == 400 and "label: 81 characters" in (await answer.json())["message"]
    record = await command(emu)
    row = discord.ui.ActionRow(discord.ui.Button(label="Next", custom_id="b"))
    await respond(http, record, {"flags": V2, "components": layout(row, text="Hi")})
    message: Message = emu.message(record.original_message_id)
    assert [b["custom_id"] for b in message.buttons()] == ["b"]
