"""The gateway shards like Discord, seen from a raw websocket client: which session gets which
server, DMs on shard 0, the IDENTIFY rate per bucket (4008), bad shards (4010), sharding
required (4011), /gateway/bot, and RESUME keeping a session's shard."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from bot.emulator import Emulator
from bot.emulator.demo import build_many_guilds
from bot.emulator.sharding import (
    InvalidShard,
    ShardingRules,
    covers,
    guild_of,
    parse_shard,
    shard_of,
    with_shard_id,
)

TOKEN = "test-token"
FAST = 0.3  # identify_interval for these tests: Discord's 5 s, shortened


# -- the rules as functions -------------------------------------------------------------------
def test_a_server_belongs_to_the_shard_of_its_id_timestamp():
    guild_id = (123456789 << 22) | 4321
    assert shard_of(guild_id, 4) == 123456789 % 4
    assert covers((123456789 % 4, 4), guild_id)
    assert not covers(((123456789 + 1) % 4, 4), guild_id)


def test_direct_messages_belong_to_shard_0_and_unsharded_gets_everything():
    assert covers((0, 4), None) and not covers((1, 4), None)
    assert covers(None, None) and covers(None, 12345 << 22)


def test_events_name_their_server_by_id_or_guild_id():
    assert guild_of("GUILD_CREATE", {"id": "42"}) == 42
    assert guild_of("GUILD_DELETE", {"id": "42"}) == 42
    assert guild_of("INTERACTION_CREATE", {"id": "7", "guild_id": "42"}) == 42
    assert guild_of("INTERACTION_CREATE", {"id": "7", "user": {}}) is None


@pytest.mark.parametrize("shard", [[0, 4], [3, 4], (1, 2), [0, 1]])
def test_valid_shards_parse(shard):
    assert parse_shard(shard) == tuple(shard)


@pytest.mark.parametrize("shard", [[4, 4], [-1, 4], [0, 0], [1, -2], [0], [0, 1, 2], "0,4",
                                   [True, 2], [0.0, 2], ["0", "2"], {"0": 2}])
def test_invalid_shards_are_refused(shard):
    with pytest.raises(InvalidShard):
        parse_shard(shard)


@pytest.mark.parametrize("wanted", range(5))
def test_an_id_can_be_moved_onto_a_chosen_shard(wanted):
    guild_id = (987654321 << 22) | 99
    moved = with_shard_id(guild_id, (wanted, 5))
    assert shard_of(moved, 5) == wanted
    assert 0 <= moved - guild_id < 5 << 22 and moved & ((1 << 22) - 1) == 99


def test_many_servers_can_be_spread_evenly_over_shards():
    emulator = Emulator()
    guilds = build_many_guilds(emulator, 40, channels_each=1, shard_count=4)
    assert [shard_of(g.id, 4) for g in guilds] == [i % 4 for i in range(40)]
    assert len({g.id for g in guilds}) == 40


# -- a raw gateway client ---------------------------------------------------------------------
class RawClient:
    """One websocket, as a minimal client: HELLO, IDENTIFY or RESUME, then read dispatches."""

    def __init__(self, http: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse):
        self.http = http
        self.ws = ws
        self.events: list[dict[str, Any]] = []
        self.close_code: int | None = None

    @classmethod
    async def connect(cls, emu: Emulator, path: str = "/gateway") -> RawClient:
        http = aiohttp.ClientSession()
        ws = await http.ws_connect(f"ws://127.0.0.1:{emu.port}{path}")
        client = cls(http, ws)
        hello = await client.next()
        assert hello["op"] == 10
        return client

    async def identify(self, shard: Any = None) -> None:
        """IDENTIFY; with `shard` None the field is left out (an unsharded session)."""
        data: dict[str, Any] = {"token": TOKEN, "intents": 1, "properties": {}}
        if shard is not None:
            data["shard"] = shard
        await self.ws.send_str(json.dumps({"op": 2, "d": data}))

    async def next(self, timeout: float = 2.0) -> dict[str, Any]:
        msg = await self.ws.receive(timeout)
        if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED,
                        aiohttp.WSMsgType.CLOSING):
            self.close_code = self.ws.close_code
            raise ConnectionError(f"closed with {self.close_code}")
        payload = json.loads(msg.data)
        if payload.get("op") == 0:
            self.events.append(payload)
        return payload

    async def until(self, event: str) -> dict[str, Any]:
        while True:
            payload = await self.next()
            if payload.get("t") == event:
                return payload

    async def closed_with(self) -> int | None:
        try:
            while True:
                await self.next()
        except ConnectionError:
            return self.close_code

    def guild_ids(self, event: str = "GUILD_CREATE") -> set[int]:
        return {int(e["d"]["id"]) for e in self.events if e["t"] == event}

    async def ready(self) -> dict[str, Any]:
        """READY, then the GUILD_CREATEs it announced."""
        ready = (await self.until("READY"))["d"]
        while len(self.guild_ids()) < len(ready["guilds"]):
            await self.next()
        return ready

    async def close(self) -> None:
        await self.ws.close()
        await self.http.close()


@pytest.fixture()
async def emu():
    emulator = Emulator(token=TOKEN, sharding=ShardingRules(identify_interval=FAST))
    # Two servers on each of 4 shards, each with a member to act as.
    for shard_id in range(4):
        for n in range(2):
            guild = emulator.add_guild(f"S{shard_id}-{n}", shard=(shard_id, 4))
            emulator.add_member(guild, f"m{shard_id}{n}")
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture()
async def clients():
    opened: list[RawClient] = []
    yield opened
    for client in opened:
        await client.close()


async def _sharded(emu: Emulator, clients: list, shard: Any) -> RawClient:
    client = await RawClient.connect(emu)
    clients.append(client)
    await client.identify(shard)
    return client


def _on_shard(emu: Emulator, shard_id: int, count: int = 4) -> set[int]:
    return {g for g in emu.guilds if shard_of(g, count) == shard_id}


async def _all_four(emu: Emulator, clients: list) -> list[RawClient]:
    emu.sharding.max_concurrency = 4  # one bucket each: no waiting between them
    shards = [await _sharded(emu, clients, [i, 4]) for i in range(4)]
    for client in shards:
        await client.ready()
    return shards


# -- which session gets what ------------------------------------------------------------------
async def test_each_shard_gets_ready_and_guild_create_for_its_servers_only(emu, clients):
    shards = await _all_four(emu, clients)
    for shard_id, client in enumerate(shards):
        ready = next(e["d"] for e in client.events if e["t"] == "READY")
        assert ready["shard"] == [shard_id, 4]
        assert {int(g["id"]) for g in ready["guilds"]} == _on_shard(emu, shard_id)
        assert client.guild_ids() == _on_shard(emu, shard_id)
        assert len(client.guild_ids()) == 2


async def test_an_unsharded_session_still_gets_every_server(emu, clients):
    client = await _sharded(emu, clients, None)
    ready = await client.ready()
    assert ready["shard"] == [0, 1]
    assert client.guild_ids() == set(emu.guilds)


async def test_interactions_and_other_events_reach_only_their_servers_shard(emu, clients):
    shards = await _all_four(emu, clients)
    await _register_command(emu)
    for guild in emu.guilds.values():
        member = next(m for m in guild.members.values() if m.user.username.startswith("m"))
        record = await emu.command(member, "ping", wait=False)
        expected = shard_of(guild.id, 4)
        assert record.delivered_on_shards == [expected]
        await emu.set_bot_permissions(guild, next(iter(guild.channels.values())), deny=0)
        for shard_id, client in enumerate(shards):
            await _drain(client)
            got = [e["d"]["id"] for e in client.events if e["t"] == "INTERACTION_CREATE"]
            updates = [e["d"]["guild_id"] for e in client.events if e["t"] == "CHANNEL_UPDATE"]
            assert (str(record.id) in got) == (shard_id == expected)
            assert (str(guild.id) in updates) == (shard_id == expected)


async def test_direct_messages_reach_shard_0_only(emu, clients):
    shards = await _all_four(emu, clients)
    await _register_command(emu)
    user = next(iter(emu.guilds.values())).member_named("m00").user
    record = await emu.command(user, "ping", wait=False)
    assert record.guild_id is None and record.delivered_on_shards == [0]
    for shard_id, client in enumerate(shards):
        await _drain(client)
        got = [e for e in client.events if e["t"] == "INTERACTION_CREATE"]
        assert bool(got) == (shard_id == 0)


async def test_a_server_added_later_arrives_on_its_shard(emu, clients):
    shards = await _all_four(emu, clients)
    guild = emu.add_guild("late", shard=(3, 4))
    del emu.guilds[guild.id]
    await emu.add_bot(guild)
    for shard_id, client in enumerate(shards):
        await _drain(client)
        assert (guild.id in client.guild_ids()) == (shard_id == 3)


# -- IDENTIFY rate per bucket: 4008 -----------------------------------------------------------
async def test_a_second_identify_in_the_same_bucket_too_soon_is_closed_with_4008(emu, clients):
    first = await _sharded(emu, clients, [0, 2])
    await first.ready()
    second = await _sharded(emu, clients, [1, 2])  # max_concurrency 1: the same bucket
    assert await second.closed_with() == 4008
    assert [(r.code, r.shard) for r in emu.gateway.refusals] == [(4008, [1, 2])]
    await asyncio.sleep(FAST)
    third = await _sharded(emu, clients, [1, 2])
    ready = await third.ready()
    assert ready["shard"] == [1, 2]


async def test_buckets_are_shard_id_modulo_max_concurrency(emu, clients):
    emu.sharding.max_concurrency = 2
    zero = await _sharded(emu, clients, [0, 4])
    one = await _sharded(emu, clients, [1, 4])  # bucket 1: may start at once
    await zero.ready()
    await one.ready()
    two = await _sharded(emu, clients, [2, 4])  # bucket 0 again: too soon
    assert await two.closed_with() == 4008
    await asyncio.sleep(FAST)
    three = await _sharded(emu, clients, [3, 4])
    two_again = await _sharded(emu, clients, [2, 4])
    assert (await three.ready())["shard"] == [3, 4]
    assert (await two_again.ready())["shard"] == [2, 4]


async def test_unsharded_identifies_are_not_rate_limited_as_before(emu, clients):
    for _ in range(3):
        client = await _sharded(emu, clients, None)
        await client.ready()
    assert emu.gateway.refusals == []


async def test_the_interval_runs_from_the_last_accepted_identify_not_a_refused_one(emu, clients):
    emu.sharding.identify_interval = 1.0
    first = await _sharded(emu, clients, [0, 2])
    await first.ready()
    await asyncio.sleep(0.6)
    refused = await _sharded(emu, clients, [1, 2])
    assert await refused.closed_with() == 4008
    await asyncio.sleep(0.5)  # 1.1 s after the accepted one, 0.5 s after the refused one
    assert (await (await _sharded(emu, clients, [1, 2])).ready())["shard"] == [1, 2]


# -- invalid shard: 4010; sharding required: 4011 ---------------------------------------------
@pytest.mark.parametrize("shard", [[4, 4], [-1, 4], [0, 0], [0], "0,4", [0.5, 2]])
async def test_an_invalid_shard_is_closed_with_4010(emu, clients, shard):
    client = await _sharded(emu, clients, shard)
    assert await client.closed_with() == 4010
    assert [r.code for r in emu.gateway.refusals] == [4010]
    assert emu.gateway.sessions == {}


async def test_too_many_servers_for_one_session_is_closed_with_4011(emu, clients):
    emu.sharding.max_guilds_per_shard = 3  # 8 servers: at least 3 shards needed
    unsharded = await _sharded(emu, clients, None)
    assert await unsharded.closed_with() == 4011
    too_few = await _sharded(emu, clients, [0, 2])
    assert await too_few.closed_with() == 4011
    enough = await _sharded(emu, clients, [0, 3])
    assert (await enough.ready())["shard"] == [0, 3]
    assert [r.code for r in emu.gateway.refusals] == [4011, 4011]


# -- /gateway/bot -----------------------------------------------------------------------------
async def _gateway_bot(emu: Emulator) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{emu.api_base}/gateway/bot",
                            headers={"Authorization": f"Bot {TOKEN}"}) as response:
            assert response.status == 200
            return await response.json()


async def test_gateway_bot_recommends_shards_from_the_server_count(emu):
    body = await _gateway_bot(emu)
    assert body["url"] == emu.gateway_url
    assert body["shards"] == 1  # 8 servers, 2,500 a shard
    emu.sharding.max_guilds_per_shard = 3
    assert (await _gateway_bot(emu))["shards"] == 3
    emu.sharding.recommended_shards = 4  # a test may ask for more shards than needed
    assert (await _gateway_bot(emu))["shards"] == 4
    emu.sharding = ShardingRules(recommended_shards=6)  # or replace the rules
    assert (await _gateway_bot(emu))["shards"] == 6


async def test_gateway_bot_reports_the_session_start_limit(emu, clients):
    emu.sharding.max_concurrency = 2
    limit = (await _gateway_bot(emu))["session_start_limit"]
    assert limit == {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 2}
    await (await _sharded(emu, clients, [0, 2])).ready()
    await (await _sharded(emu, clients, None)).ready()
    limit = (await _gateway_bot(emu))["session_start_limit"]
    assert limit["remaining"] == 998
    assert 0 < limit["reset_after"] <= 24 * 3600 * 1000


# -- RESUME keeps the shard -------------------------------------------------------------------
async def test_resume_keeps_the_sessions_shard(emu, clients):
    first = await _sharded(emu, clients, [1, 2])
    ready = await first.ready()
    seq = first.events[-1]["s"]
    await first.ws.close()
    await emu.wait_for(lambda: emu.gateway.live_session is None)
    shard_0 = next(g for g in emu.guilds.values() if shard_of(g.id, 2) == 0)
    shard_1 = next(g for g in emu.guilds.values() if shard_of(g.id, 2) == 1)
    await emu.set_bot_permissions(shard_0, next(iter(shard_0.channels.values())), deny=0)
    await emu.set_bot_permissions(shard_1, next(iter(shard_1.channels.values())), deny=0)

    resumed = await RawClient.connect(emu, "/gateway/resume")
    clients.append(resumed)
    await resumed.ws.send_str(json.dumps({"op": 6, "d": {
        "token": TOKEN, "session_id": ready["session_id"], "seq": seq}}))
    await resumed.until("RESUMED")
    replayed = [e["d"]["guild_id"] for e in resumed.events if e["t"] == "CHANNEL_UPDATE"]
    assert replayed == [str(shard_1.id)]
    assert emu.gateway.sessions[ready["session_id"]].shard == (1, 2)
    await emu.set_bot_permissions(shard_1, next(iter(shard_1.channels.values())), deny=0)
    await emu.set_bot_permissions(shard_0, next(iter(shard_0.channels.values())), deny=0)
    await _drain(resumed)
    later = [e["d"]["guild_id"] for e in resumed.events if e["t"] == "CHANNEL_UPDATE"]
    assert later == [str(shard_1.id), str(shard_1.id)]


# -- helpers ----------------------------------------------------------------------------------
async def _register_command(emu: Emulator) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.put(f"{emu.api_base}/applications/{emu.application_id}/commands",
                            json=[{"name": "ping", "description": "p", "contexts": [0, 1]}],
                            headers={"Authorization": f"Bot {TOKEN}"}) as response:
            assert response.status == 200


async def _drain(client: RawClient) -> None:
    """Read whatever has arrived (the emulator writes before its call returns)."""
    try:
        while True:
            await client.next(timeout=0.05)
    except TimeoutError:
        pass
