"""The real discord.py, sharded, against the emulator: AutoShardedClient gets every server on the
right shard, clients holding part of the shards get only their servers, DMs go to shard 0, and
the close codes 4008, 4010 and 4011 do to discord.py what Discord's do."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import discord
import pytest
import yarl

from bot.emulator import Emulator, Guild
from bot.emulator.sharding import ShardingRules, shard_of

TOKEN = "test-token"
INTERVAL = 0.3  # identify_interval: Discord's 5 s, shortened
SHARDS = 4


class IdentifyQueue:
    """What a cluster shares so that its shards honour the IDENTIFY rate: the last IDENTIFY of
    each bucket `shard_id % max_concurrency` (Avrae keeps this in Redis; here it is in memory)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval * 1.2  # a margin: the gateway measures on arrival
        self.last: dict[int, float] = {}
        self.lock = asyncio.Lock()


class Client(discord.AutoShardedClient):
    """An AutoShardedClient whose before_identify_hook waits per bucket, reading
    max_concurrency from /gateway/bot as a large bot does, and that answers /ping."""

    def __init__(self, name: str, queue: IdentifyQueue | None, **options: Any) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.05, **options)
        self.name = name
        self.queue = queue
        self.max_concurrency: int | None = None
        self.seen: list[discord.Interaction] = []

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        if self.queue is None:  # no waiting at all: too fast when buckets are shared
            return
        if self.max_concurrency is None:
            self.max_concurrency = (await self.fetch_session_start_limits()).max_concurrency
        bucket = (shard_id or 0) % self.max_concurrency
        async with self.queue.lock:
            loop = asyncio.get_running_loop()
            last = self.queue.last.get(bucket)
            if last is not None:
                await asyncio.sleep(max(0.0, last + self.queue.interval - loop.time()))
            self.queue.last[bucket] = loop.time()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        self.seen.append(interaction)
        await interaction.response.send_message(f"pong from {self.name}")


@pytest.fixture()
async def emu(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Emulator]:
    emulator = Emulator(token=TOKEN, sharding=ShardingRules(identify_interval=INTERVAL))
    for shard_id in range(SHARDS):  # two servers on each of the four shards
        for n in range(2):
            guild = emulator.add_guild(f"S{shard_id}-{n}", shard=(shard_id, SHARDS))
            emulator.add_member(guild, f"m{shard_id}{n}")
    await emulator.start()
    monkeypatch.setattr(discord.http.Route, "BASE", emulator.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                        yarl.URL(emulator.gateway_url))
    async with aiohttp.ClientSession() as http:
        await http.put(f"{emulator.api_base}/applications/{emulator.application_id}/commands",
                       json=[{"name": "ping", "description": "p", "contexts": [0, 1]}],
                       headers={"Authorization": f"Bot {TOKEN}"})
    yield emulator
    await emulator.stop()


@pytest.fixture()
async def run() -> AsyncIterator[Callable[..., Any]]:
    """Start clients; every one is closed at the end."""
    tasks: list[tuple[discord.Client, asyncio.Task]] = []

    async def start(client: discord.Client, *, ready: bool = True) -> asyncio.Task:
        task = asyncio.create_task(client.start(TOKEN))
        tasks.append((client, task))
        if ready:
            waiter = asyncio.create_task(client.wait_until_ready())
            done, _ = await asyncio.wait({waiter, task}, timeout=15,
                                         return_when=asyncio.FIRST_COMPLETED)
            if waiter not in done:
                waiter.cancel()
                if task in done:
                    task.result()  # raise what stopped the client
                raise TimeoutError(f"{client} not ready")
        return task

    yield start
    for client, task in tasks:
        await client.close()
        task.cancel()
        with contextlib.suppress(BaseException):
            await task


def _member(guild: Guild):  # type: ignore[no-untyped-def]
    return next(m for m in guild.members.values() if m.user.username.startswith("m"))


async def test_auto_sharded_client_gets_every_server_on_its_shard(emu, run):
    client = Client("all", IdentifyQueue(INTERVAL), shard_count=SHARDS)
    await run(client)
    assert sorted(client.shards) == [0, 1, 2, 3]
    assert {g.id for g in client.guilds} == set(emu.guilds)
    for guild in emu.guilds.values():
        expected = shard_of(guild.id, SHARDS)
        assert client.get_guild(guild.id).shard_id == expected
        # The emulator sent its GUILD_CREATE on that shard's session and no other.
        carried_by = [s.shard_id for s in emu.gateway.sessions.values()
                      if any(p["t"] == "GUILD_CREATE" and p["d"]["id"] == str(guild.id)
                             for _, p in s.buffer)]
        assert carried_by == [expected]
    assert emu.gateway.refusals == []


async def test_an_interaction_reaches_only_its_servers_shard(emu, run):
    client = Client("all", IdentifyQueue(INTERVAL), shard_count=SHARDS)
    await run(client)
    for guild in emu.guilds.values():
        record = await emu.command(_member(guild), "ping")
        assert record.delivered_on_shards == [shard_of(guild.id, SHARDS)]
        assert emu.message(record.original_message_id).content == "pong from all"
        interaction = client.seen[-1]
        assert interaction.id == record.id and interaction.guild.shard_id == shard_of(
            guild.id, SHARDS)
    assert len(client.seen) == len(emu.guilds)
    assert emu.violations == []


async def test_two_clients_with_half_the_shards_each_get_only_their_servers(emu, run):
    queue = IdentifyQueue(INTERVAL)  # shared, as a cluster shares its identify lock
    low = Client("low", queue, shard_count=SHARDS, shard_ids=[0, 1])
    high = Client("high", queue, shard_count=SHARDS, shard_ids=[2, 3])
    await asyncio.gather(run(low), run(high))
    assert {g.id for g in low.guilds} == {g for g in emu.guilds if shard_of(g, SHARDS) < 2}
    assert {g.id for g in high.guilds} == {g for g in emu.guilds if shard_of(g, SHARDS) >= 2}
    for guild in emu.guilds.values():
        record = await emu.command(_member(guild), "ping")
        owner = "low" if shard_of(guild.id, SHARDS) < 2 else "high"
        assert emu.message(record.original_message_id).content == f"pong from {owner}"
    assert len(low.seen) == len(high.seen) == len(emu.guilds) // 2
    assert emu.gateway.refusals == []


async def test_direct_messages_reach_the_client_holding_shard_0(emu, run):
    queue = IdentifyQueue(INTERVAL)
    high = Client("high", queue, shard_count=SHARDS, shard_ids=[2, 3])
    low = Client("low", queue, shard_count=SHARDS, shard_ids=[0, 1])
    await asyncio.gather(run(high), run(low))
    user = _member(next(iter(emu.guilds.values()))).user
    record = await emu.command(user, "ping")
    assert record.delivered_on_shards == [0]
    assert emu.message(record.original_message_id).content == "pong from low"
    assert [i.id for i in low.seen] == [record.id] and high.seen == []


async def test_a_hook_honouring_max_concurrency_starts_every_shard_without_4008(emu, run):
    emu.sharding.max_concurrency = 2
    queue = IdentifyQueue(INTERVAL)
    client = Client("all", queue, shard_count=SHARDS)
    started = asyncio.get_running_loop().time()
    await run(client)
    took = asyncio.get_running_loop().time() - started
    assert client.max_concurrency == 2  # read from /gateway/bot's session_start_limit
    assert emu.gateway.refusals == []
    # Shards 0 and 1 start together, 2 and 3 one interval later: one wait, not three.
    assert queue.interval <= took < 2 * queue.interval + 1.0
    assert emu.gateway.identifies == SHARDS


async def test_identifying_too_fast_gets_4008_and_discord_py_identifies_again(emu, run):
    client = Client("hasty", None, shard_count=2)  # its hook never waits
    await run(client)
    refused = [(r.code, r.shard) for r in emu.gateway.refusals]
    assert refused and all(r == (4008, [1, 2]) for r in refused)
    # discord.py treats 4008 as recoverable: shard 1 came back once the bucket was free.
    assert sorted(client.shards) == [0, 1]
    assert {g.id for g in client.guilds} == set(emu.guilds)


async def test_auto_sharded_client_follows_gateway_bots_recommendation(emu, run):
    emu.sharding.recommended_shards = 4
    client = Client("auto", IdentifyQueue(INTERVAL))  # no shard_count: asks /gateway/bot
    await run(client)
    assert client.shard_count == 4 and sorted(client.shards) == [0, 1, 2, 3]
    assert {g.id for g in client.guilds} == set(emu.guilds)


async def test_an_invalid_shard_ends_discord_py_with_4010(emu, run):
    client = Client("wrong", None, shard_count=2, shard_ids=[2])  # shard 2 of 2 does not exist
    task = await run(client, ready=False)
    with pytest.raises(discord.ConnectionClosed) as closed:
        await asyncio.wait_for(task, 10)
    assert closed.value.code == 4010
    assert [r.code for r in emu.gateway.refusals] == [4010]


async def test_an_unsharded_client_above_the_threshold_ends_with_4011(emu, run):
    emu.sharding.max_guilds_per_shard = 3  # 8 servers need 3 shards
    client = discord.Client(intents=discord.Intents.default())
    task = await run(client, ready=False)
    with pytest.raises(discord.ConnectionClosed) as closed:
        await asyncio.wait_for(task, 10)
    assert closed.value.code == 4011


async def test_too_few_shards_end_with_4011_and_enough_connect(emu, run):
    emu.sharding.max_guilds_per_shard = 3
    too_few = Client("two", IdentifyQueue(INTERVAL), shard_count=2)
    task = await run(too_few, ready=False)
    with pytest.raises(discord.ConnectionClosed) as closed:
        await asyncio.wait_for(task, 10)
    assert closed.value.code == 4011
    enough = Client("three", IdentifyQueue(INTERVAL), shard_count=3)
    await run(enough)
    assert {g.id for g in enough.guilds} == set(emu.guilds)


async def test_a_resumed_shard_keeps_its_servers(emu, run):
    client = Client("all", IdentifyQueue(INTERVAL), shard_count=SHARDS)
    await run(client)
    session = emu.gateway.shard_session(2)
    resumes = emu.gateway.resumes
    await emu.gateway.close_with(4000, shard_id=2)
    await emu.wait_for(lambda: emu.gateway.resumes > resumes and session.connection is not None,
                       timeout=10)
    assert emu.gateway.shard_session(2) is session and session.shard == (2, SHARDS)
    guild = next(g for g in emu.guilds.values() if shard_of(g.id, SHARDS) == 2)
    record = await emu.command(_member(guild), "ping")
    assert record.delivered_on_shards == [2]
    assert record.answered
    assert emu.gateway.identifies == SHARDS  # resumed, not identified again
