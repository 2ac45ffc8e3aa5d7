"""Two bot processes, two shards each of four, over many servers on one PostgreSQL database:
each server is served by exactly one process, once-only work happens once, a killed process's
games resume when it comes back while the other keeps serving, and both see the same global
leaderboard. Real bot processes, the emulator sharding like Discord, a real PostgreSQL server."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from bot.db import parse_database_url
from bot.emulator.demo import build_many_guilds
from bot.emulator.model import Guild
from bot.emulator.sharding import ShardingRules, shard_of
from tests.conftest import Discord
from tests.quiz.conftest import board_rows, read_db, right_and_wrong, title, write_db
from tests.support.botproc import BotProcess
from tests.support.dbaccess import in_own_thread

SHARDS = 4
SERVERS = 1000 if os.environ.get("RELIABILITY") == "full" else 400
TIMER_SCALE = 0.05  # IDENTIFY turns of 0.25 s (Discord's 5 s), quiz questions of 0.5-3 s
INTERVAL = 5.0 * TIMER_SCALE * 0.8  # the emulator's IDENTIFY rate, a little under the bot's
DAILY_SERVERS = 200

@dataclass
class Cluster:
    discord: Discord
    guilds: list[Guild]
    bots: dict[str, BotProcess]  # "low" holds shards 0-1, "high" 2-3

    def bot_of(self, guild: Guild) -> BotProcess:
        return self.bots["low" if shard_of(guild.id, SHARDS) < 2 else "high"]

    def owner(self, guild: Guild):  # type: ignore[no-untyped-def]
        return guild.members[self.discord.emu.owner.id]

    def channel(self, guild: Guild):  # type: ignore[no-untyped-def]
        return next(iter(guild.channels.values()))


@pytest.fixture(scope="module")
def cluster(postgres_server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    discord = Discord(sharding=ShardingRules(identify_interval=INTERVAL))
    guilds = discord.thread.do(lambda: build_many_guilds(discord.emu, SERVERS, channels_each=2,
                                                         shard_count=SHARDS))
    url = parse_database_url(in_own_thread(
        lambda: asyncio.run(postgres_server.new_database(migrated=False))))
    bots = {}
    for name, ids in (("low", "0-1"), ("high", "2-3")):
        bots[name] = BotProcess(
            discord.emu, tmp_path_factory.mktemp(f"cluster-{name}"), name=name, database=url,
            extra_env={"SHARD_COUNT": str(SHARDS), "SHARD_IDS": ids,
                       "ROCKY_TEST_TIMER_SCALE": str(TIMER_SCALE),
                       "ROCKY_TEST_EXTRA_EXTENSIONS": ""})
    for bot in bots.values():  # both start together: their IDENTIFYs share bucket 0
        bot.launch()
    try:
        for bot in bots.values():
            bot.wait_for_log("ready: ", timeout=60)
        yield Cluster(discord, guilds, bots)
    finally:
        for bot in bots.values():
            bot.kill()
        discord.stop()


def test_both_processes_identify_within_discords_rate(cluster: Cluster):
    refusals = cluster.discord.emu.gateway.refusals
    assert refusals == [], refusals  # no 4008 (rate), 4010 (shard) or 4011 (sharding required)
    held = {name: bot.new_log().count("has connected to Gateway") for name, bot in
            cluster.bots.items()}
    assert held == {"low": 2, "high": 2}


def test_every_servers_commands_are_answered_by_exactly_one_process(cluster: Cluster):
    emu = cluster.discord.emu

    async def everyone() -> list:  # type: ignore[type-arg]
        return [await emu.command(cluster.owner(g), "quote", channel=cluster.channel(g),
                                  wait=False) for g in cluster.guilds]

    records = cluster.discord.call(everyone())
    cluster.discord.call(emu.wait_for(lambda: all(r.answered for r in records), 60))
    for guild, record in zip(cluster.guilds, records, strict=True):
        assert record.delivered_on_shards == [shard_of(guild.id, SHARDS)], guild.name
        assert record.rejected == [], (guild.name, record.rejected)  # nobody answered twice
    assert emu.violations == []


def test_a_daily_post_due_in_many_servers_goes_out_once_in_each(cluster: Cluster, tmp_path):
    """A twin of the low process holds the same shards (as during a rolling deploy), so for
    half of the servers two processes race for every post: the claim in the database decides."""
    low = cluster.bots["low"]
    twin = BotProcess(cluster.discord.emu, tmp_path, name="twin", database=low.database_url,
                      extra_env=low.extra_env)
    twin.start(timeout=60)
    try:
        _daily_posts_once(cluster, twin)
    finally:
        # The twin's sessions replaced the low process's on shards 0-1: bring it back in full.
        twin.kill()
        low.kill()
        low.start(timeout=60)


def _daily_posts_once(cluster: Cluster, twin: BotProcess) -> None:
    low = cluster.bots["low"]
    due = cluster.guilds[:DAILY_SERVERS]
    now = datetime.now(UTC)
    for guild in due:  # as /config daily would store it: on, in the first channel, due now
        write_db(cluster.bots["low"], "INSERT INTO guild_settings (guild_id, daily_time, "
                 "daily_quote_channel_id, daily_quote_enabled) VALUES ($1, $2, $3, 1) "
                 "ON CONFLICT (guild_id) DO UPDATE SET daily_time = excluded.daily_time, "
                 "daily_quote_channel_id = excluded.daily_quote_channel_id, "
                 "daily_quote_enabled = 1", (guild.id, now.strftime("%H:%M"),
                                             cluster.channel(guild).id))
    emu = cluster.discord.emu

    def posted(guild: Guild) -> int:
        return sum(1 for m in emu.channel_messages(cluster.channel(guild))
                   if m.interaction_id is None and m.author.id == emu.bot_user.id)

    cluster.discord.call(emu.wait_for(lambda: all(posted(g) >= 1 for g in due), 60))
    time.sleep(60 * TIMER_SCALE * 3)  # three more scheduler ticks of each process
    assert {g.name: posted(g) for g in due if posted(g) != 1} == {}
    claimed = read_db(cluster.bots["low"], "SELECT COUNT(*) FROM daily_post_state "
                      "WHERE kind = 'quote' AND last_posted_day IS NOT NULL")
    assert claimed == [(DAILY_SERVERS,)]
    raced = [g for g in due if cluster.bot_of(g) is low]
    assert raced and "daily" in twin.new_log().lower()  # the twin's scheduler ran too


def test_a_killed_process_resumes_its_games_while_the_other_keeps_serving(cluster: Cluster):
    emu = cluster.discord.emu
    low = [g for g in cluster.guilds if cluster.bot_of(g) is cluster.bots["low"]][:3]
    high = [g for g in cluster.guilds if cluster.bot_of(g) is cluster.bots["high"]][:3]
    players = {g.id: [emu.add_member(g, f"boxer-{g.id}-{i}") for i in range(8)]
               for g in low + high}
    for guild in low + high:
        start = cluster.discord.call(emu.command(
            cluster.owner(guild), "quiz", {"questions": 3, "seconds": 60},
            sub="start", channel=cluster.channel(guild)))
        assert start.answered

    def question(guild: Guild):  # type: ignore[no-untyped-def]
        found: list = []  # type: ignore[type-arg]

        def open_question() -> bool:
            found[:] = [m for m in emu.channel_messages(cluster.channel(guild))
                        if title(m).startswith("Question") and m.buttons()
                        and not any(b.get("disabled") for b in m.buttons())]
            return bool(found)

        cluster.discord.call(emu.wait_for(open_question, 30))
        return found[-1]

    async def answer(guild: Guild, message):  # type: ignore[no-untyped-def]
        right, _ = right_and_wrong(message)
        return [await emu.click(p, message, custom_id=right["custom_id"], wait=False)
                for p in players[guild.id]]

    clicks = [r for g in low + high for r in cluster.discord.call(answer(g, question(g)))]
    time.sleep(0.05)
    victim = cluster.bots["low"]
    victim.proc.kill()  # type: ignore[union-attr]  # SIGKILL, mid-burst
    victim.proc.wait()  # type: ignore[union-attr]
    # The other process keeps serving its servers while this one is down.
    served = [cluster.discord.call(emu.command(cluster.owner(g), "quote",
                                               channel=cluster.channel(g))) for g in high]
    assert all(r.answered for r in served)

    victim.start(timeout=60)
    for guild in low:  # its games come back: the next question, then the final bell
        cluster.discord.call(emu.wait_for(lambda g=guild: any(
            "Final bell" in title(m) for m in emu.channel_messages(cluster.channel(g))), 60))
    acknowledged = {r.id for r in clicks if r.answered
                    and emu.message(r.original_message_id).content.startswith("Locked in")}
    stored = [row[0] for row in read_db(victim, "SELECT interaction_id FROM quiz_answers")]
    assert acknowledged and acknowledged <= set(stored)
    assert len(stored) == len(set(stored))


def test_the_global_leaderboard_is_the_same_whichever_process_answers(cluster: Cluster):
    emu = cluster.discord.emu
    boards = []
    for name in ("low", "high"):
        guild = next(g for g in cluster.guilds if cluster.bot_of(g) is cluster.bots[name])
        record = cluster.discord.call(emu.command(
            cluster.owner(guild), "leaderboard", {"scope": "global"},
            channel=cluster.channel(guild)))
        boards.append(board_rows(emu.message(record.original_message_id)))
    assert boards[0] and boards[0] == boards[1]
