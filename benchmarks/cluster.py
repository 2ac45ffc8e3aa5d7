"""The inputs of the capacity model (README "Scaling: shards and processes"), measured:

- bot CPU time per interaction (/quote, a quiz click) for one process and for each process of a
  two-process cluster, on PostgreSQL, with the bare discord.py bot's CPU per /echo beside them;
- resident memory per 1,000 servers: one process holding all of them, and each process of a
  two-process cluster holding half;
- start to ready for 10,000 servers on 4 shards honouring the IDENTIFY rate (the emulator's
  interval scaled down; the real-time figure adds back Discord's 5 s per IDENTIFY);
- PostgreSQL statements and commits per interaction (pg_stat_statements, pg_stat_database).

    .venv/bin/python -m benchmarks.cluster        (make bench-cluster)
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg

from benchmarks.interactions import burst
from benchmarks.procs import BotUnderTest
from bot.db import DatabaseUrl, parse_database_url
from bot.emulator import EmulatorThread
from bot.emulator.demo import build_demo, build_many_guilds
from bot.emulator.server import Emulator
from bot.emulator.sharding import ShardingRules, shard_of
from tests.support.dbaccess import in_own_thread
from tests.support.postgres import PostgresServer

RESULTS = Path(__file__).with_name("results-cluster.json")
SHARDS = 4
DISCORD_IDENTIFY = 5.0
TIMER_SCALE = 0.02  # the bot's IDENTIFY turn: 0.1 s
INTERVAL = DISCORD_IDENTIFY * TIMER_SCALE * 0.8
BURST = 1000
SERVERS_FOR_MEMORY = 1000
SERVERS_FOR_STARTUP = 10_000


def say(text: str) -> None:
    print(f"== {text}", flush=True)


class World:
    """An emulator with `servers` servers spread over SHARDS shards, a member in each."""

    def __init__(self, servers: int, *, demo: bool = True) -> None:
        self.thread = EmulatorThread(
            lambda: Emulator(sharding=ShardingRules(identify_interval=INTERVAL)))
        self.emu = self.thread.start()
        # The demo server (for the bare bot's /echo) would be a 2,501st server on some shard.
        self.demo = self.thread.do(lambda: build_demo(self.emu)) if demo else None
        self.guilds = self.thread.do(lambda: build_many_guilds(
            self.emu, servers, channels_each=5, shard_count=SHARDS))

    def stop(self) -> None:
        self.thread.stop()


def _bot(world: World, workdir: Path, url: DatabaseUrl, shard_ids: str | None,
          kind: str = "rocky") -> BotUnderTest:
    env = {"DATABASE_PATH": "", "DATABASE_URL": url.dsn,
           "ROCKY_TEST_TIMER_SCALE": str(TIMER_SCALE)}
    if shard_ids is not None:
        env |= {"SHARD_COUNT": str(SHARDS), "SHARD_IDS": shard_ids}
    return BotUnderTest(kind, world.emu.api_base, world.emu.gateway_url, workdir, env)


def _ready(bot: BotUnderTest) -> bool:
    marker = "ready" if bot.kind == "bare" else "ready: "
    return bot.log_path.exists() and marker in bot.log_path.read_text(errors="replace")


def _new_url(server: PostgresServer) -> DatabaseUrl:
    return parse_database_url(in_own_thread(lambda: asyncio.run(server.new_database())))


async def _statements(url: DatabaseUrl) -> tuple[int, int]:
    """(statements run, transactions committed) in the database so far."""
    conn = await asyncpg.connect(url.dsn)
    try:
        calls = await conn.fetchval("SELECT COALESCE(SUM(calls), 0) FROM pg_stat_statements "
                                    "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = "
                                    "current_database())")
        commits = await conn.fetchval("SELECT xact_commit FROM pg_stat_database "
                                      "WHERE datname = current_database()")
        return int(calls), int(commits)
    finally:
        await conn.close()


def _quote_burst(world: World, guilds: list[Any]) -> Any:
    emu = world.emu

    async def send(i: int) -> Any:
        guild = guilds[i % len(guilds)]
        channel = next(iter(guild.channels.values()))
        return await emu.command(guild.members[emu.owner.id], "quote", channel=channel,
                                 wait=False)

    return world.thread.call(burst(emu, send, BURST))


def cpu_and_queries(report: dict[str, Any], server: PostgresServer, workdir: Path) -> None:
    say(f"CPU per interaction: {BURST} /quote on one process, then on a two-process cluster")
    world = World(SERVERS_FOR_MEMORY)
    try:
        url = _new_url(server)
        one = _bot(world, workdir / "one", url, None)
        one.start(lambda: _ready(one))
        _quote_burst(world, world.guilds)  # warm-up: connections, caches
        before_cpu, (before_calls, before_commits) = one.cpu_seconds(), in_own_thread(
            lambda: asyncio.run(_statements(url)))
        result = _quote_burst(world, world.guilds)
        cpu = one.cpu_seconds() - before_cpu
        calls, commits = in_own_thread(lambda: asyncio.run(_statements(url)))
        report["cpu_ms_per_quote_one_process"] = 1000 * cpu / result.sent
        report["pg_statements_per_quote"] = (calls - before_calls) / result.sent
        report["pg_commits_per_quote"] = (commits - before_commits) / result.sent
        report["rss_mb_one_process_1000_servers"] = one.peak_rss_mb()
        report["quote_throughput_one_process"] = result.throughput
        one.stop()

        halves = {"0-1": [g for g in world.guilds if shard_of(g.id, SHARDS) < 2],
                  "2-3": [g for g in world.guilds if shard_of(g.id, SHARDS) >= 2]}
        bots = {ids: _bot(world, workdir / f"cluster-{ids}", url, ids) for ids in halves}
        for bot in bots.values():
            bot.start(lambda b=bot: _ready(b), timeout=120)
        _quote_burst(world, world.guilds)
        before = {ids: bot.cpu_seconds() for ids, bot in bots.items()}
        result = _quote_burst(world, world.guilds)
        cpu = sum(bot.cpu_seconds() - before[ids] for ids, bot in bots.items())
        report["cpu_ms_per_quote_cluster"] = 1000 * cpu / result.sent
        report["rss_mb_cluster_process_500_servers"] = statistics.mean(
            bot.peak_rss_mb() for bot in bots.values())
        report["quote_throughput_cluster"] = result.throughput
        for bot in bots.values():
            bot.stop()

        bare = _bot(world, workdir / "bare", url, None, kind="bare")
        bare.start(lambda: _ready(bare))
        emu = world.emu
        assert world.demo is not None
        channel = world.demo.guild.channel_named("general")
        member = world.demo.members["alice"]

        async def echo(i: int) -> Any:
            return await emu.command(member, "echo", {"text": "hi"}, channel=channel, wait=False)

        world.thread.call(burst(emu, echo, BURST))
        before_cpu = bare.cpu_seconds()
        result = world.thread.call(burst(emu, echo, BURST))
        report["cpu_ms_per_echo_bare"] = 1000 * (bare.cpu_seconds() - before_cpu) / result.sent
        report["rss_mb_bare_1000_servers"] = bare.peak_rss_mb()
        bare.stop()
    finally:
        world.stop()


def startup(report: dict[str, Any], server: PostgresServer, workdir: Path) -> None:
    say(f"start to ready: {SERVERS_FOR_STARTUP:,} servers on {SHARDS} shards, one process")
    world = World(SERVERS_FOR_STARTUP, demo=False)
    try:
        bot = _bot(world, workdir / "startup", _new_url(server), "0-3")
        seconds = bot.start(lambda: _ready(bot), timeout=600)
        report["startup_s_10000_servers_4_shards_scaled"] = seconds
        # Each IDENTIFY after the first waits its turn: Discord's 5 s in place of the scaled one.
        waited = (SHARDS - 1) * DISCORD_IDENTIFY * TIMER_SCALE
        report["startup_s_10000_servers_4_shards_real"] = (
            seconds - waited + (SHARDS - 1) * DISCORD_IDENTIFY)
        report["rss_mb_10000_servers"] = bot.peak_rss_mb()
        bot.stop()
    finally:
        world.stop()


def main() -> int:
    report: dict[str, Any] = {}
    server = PostgresServer(durable=True, preload=("pg_stat_statements",))
    server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="rocky-cluster-") as tmp:
            cpu_and_queries(report, server, Path(tmp))
            startup(report, server, Path(tmp))
    finally:
        server.stop()
    for key, value in sorted(report.items()):
        print(f"  {key:<48} {value:>10.2f}")
    RESULTS.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"{time.monotonic() - started:.0f} s")
    sys.exit(code)
