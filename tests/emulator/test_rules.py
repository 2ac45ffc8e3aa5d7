"""Discord's interaction and REST rules, checked over real HTTP against the emulator."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from bot.emulator import Emulator
from bot.emulator.permissions import MANAGE_ROLES
from bot.emulator.ratelimit import Limit
from bot.emulator.records import EmulatorError

TOKEN = "Bot test-token"


@pytest.fixture()
async def emu():
    emulator = Emulator(token="test-token", response_deadline=0.5)
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


def _alice(emu):
    guild = next(iter(emu.guilds.values()))
    return guild.member_named("alice")


async def _callback(http, record, body):
    return await http.post(f"/api/v10/interactions/{record.id}/{record.token}/callback",
                           json=body)


async def test_binds_to_loopback_only():
    with pytest.raises(EmulatorError, match="loopback"):
        await Emulator().start(host="0.0.0.0")


async def test_answers_are_exactly_application_json(emu, http):
    response = await http.get("/api/v10/users/@me", headers={"Authorization": TOKEN})
    assert response.headers["Content-Type"] == "application/json"


async def test_wrong_token_is_401(http):
    response = await http.get("/api/v10/users/@me", headers={"Authorization": "Bot wrong"})
    assert response.status == 401


async def test_a_second_initial_response_is_40060(emu, http):
    record = await emu.command(_alice(emu), "ping", wait=False)
    first = await _callback(http, record, {"type": 4, "data": {"content": "pong"}})
    assert first.status == 200
    second = await _callback(http, record, {"type": 4, "data": {"content": "again"}})
    assert second.status == 400 and (await second.json())["code"] == 40060
    assert any("twice" in v for v in emu.violations)


async def test_a_late_first_response_is_refused(emu, http):
    record = await emu.command(_alice(emu), "ping", wait=False)
    await asyncio.sleep(0.6)
    response = await _callback(http, record, {"type": 4, "data": {"content": "late"}})
    assert response.status == 404 and (await response.json())["code"] == 10062
    assert record.rejected


async def test_a_modal_only_as_the_first_response(emu, http):
    record = await emu.command(_alice(emu), "ping", wait=False)
    assert (await _callback(http, record, {"type": 5, "data": {}})).status == 200
    modal = {"type": 9, "data": {"custom_id": "m", "title": "T", "components": []}}
    assert (await _callback(http, record, modal)).status == 400


async def test_follow_up_before_any_response_is_refused(emu, http):
    record = await emu.command(_alice(emu), "ping", wait=False)
    response = await http.post(f"/api/v10/webhooks/{emu.application_id}/{record.token}",
                               json={"content": "too early"})
    assert response.status == 404


async def test_an_oversized_message_is_a_400(emu, http):
    record = await emu.command(_alice(emu), "ping", wait=False)
    response = await _callback(http, record, {"type": 4, "data": {"content": "x" * 2001}})
    assert response.status == 400 and (await response.json())["code"] == 50035


async def test_channel_posts_are_rate_limited_with_discords_headers(emu, http):
    emu.rate_limiter.limits["channel_message_create"] = Limit(2, 5.0)
    channel = next(iter(next(iter(emu.guilds.values())).channels.values()))
    url = f"/api/v10/channels/{channel.id}/messages"
    statuses = []
    for _ in range(3):
        response = await http.post(url, json={"content": "hi"}, headers={"Authorization": TOKEN})
        statuses.append(response.status)
    assert statuses == [200, 200, 429]
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert "Via" in response.headers  # without it discord.py takes the 429 for a ban
    assert float((await response.json())["retry_after"]) > 0
    assert emu.rate_limited


async def test_unknown_routes_are_recorded(emu, http):
    await http.get("/api/v10/no/such/route", headers={"Authorization": TOKEN})
    assert any("unknown route" in v for v in emu.violations)


async def test_member_roles_need_manage_roles_and_a_role_below_the_bots(emu, http):
    guild = next(iter(emu.guilds.values()))
    alice = _alice(emu)
    belt = emu.add_role(guild, "Champion")
    url = f"/api/v10/guilds/{guild.id}/members/{alice.user.id}/roles/{belt.id}"

    async def send(method):
        response = await http.request(method, url, headers={"Authorization": TOKEN})
        return response.status, (await response.json() if response.status != 204 else None)

    # The bot has no Manage Roles: Discord's 403 and its code, and nothing changes.
    assert await send("PUT") == (403, {"message": "Missing Permissions", "code": 50013})
    assert alice.roles == []
    # Manage Roles through a role below the belt: still refused (the hierarchy).
    bot_role = emu.add_role(guild, "Rocky Bot", MANAGE_ROLES)
    emu.bot_member(guild).roles.append(bot_role.id)
    await emu.update_role(guild, bot_role, position=belt.position)  # the belt moves up
    assert belt.position > bot_role.position
    assert (await send("PUT"))[0] == 403 and alice.roles == []
    # Above the belt: given, given again harmlessly, and taken.
    await emu.update_role(guild, bot_role, position=belt.position)
    assert bot_role.position > belt.position
    assert await send("PUT") == (204, None) and alice.roles == [belt.id]
    assert await send("PUT") == (204, None) and alice.roles == [belt.id]
    assert await send("DELETE") == (204, None) and alice.roles == []
    # Unknown member or role: Discord's 404s.
    response = await http.put(f"/api/v10/guilds/{guild.id}/members/1/roles/{belt.id}",
                              headers={"Authorization": TOKEN})
    assert response.status == 404 and (await response.json())["code"] == 10007
    response = await http.put(
        f"/api/v10/guilds/{guild.id}/members/{alice.user.id}/roles/{guild.id}",
        headers={"Authorization": TOKEN})
    assert response.status == 404 and (await response.json())["code"] == 10011
