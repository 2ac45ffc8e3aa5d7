"""The bot sharded in one process against the emulator sharding like Discord: every server on
its shard, and Discord's refusals of the shard settings as one line and exit 2."""

from __future__ import annotations

from bot.emulator.sharding import ShardingRules, shard_of
from tests.conftest import Discord
from tests.support.botproc import BotProcess


def test_one_process_holding_every_shard_serves_every_server(tmp_path):
    discord = Discord(sharding=ShardingRules(identify_interval=0.05))
    try:
        guilds = discord.thread.do(lambda: [
            discord.emu.add_guild(f"S{i}", shard=(i % 3, 3)) for i in range(6)])
        bot = BotProcess(discord.emu, tmp_path, extra_env={
            "SHARD_COUNT": "3", "ROCKY_TEST_TIMER_SCALE": "0.02"})
        bot.start(timeout=30)
        try:
            for guild in guilds:
                record = discord.call(discord.emu.command(
                    guild.members[discord.emu.owner.id], "quote",
                    channel=next(iter(guild.channels.values()))))
                assert record.answered and record.delivered_on_shards == [shard_of(guild.id, 3)]
            assert discord.emu.gateway.refusals == []
        finally:
            assert bot.stop() == 0
    finally:
        discord.stop()


def test_too_few_shards_for_the_servers_is_one_line_and_exit_2(tmp_path):
    discord = Discord(sharding=ShardingRules(max_guilds_per_shard=1))  # the demo server and:
    try:
        discord.thread.do(lambda: discord.emu.add_guild("Second"))
        bot = BotProcess(discord.emu, tmp_path, extra_env={"SHARD_COUNT": "1"})
        bot.launch()
        assert bot.proc is not None and bot.proc.wait(30) == 2
        log = bot.new_log()
        assert "raise SHARD_COUNT" in log.strip().splitlines()[-1]
        assert "Traceback" not in log
    finally:
        discord.stop()
