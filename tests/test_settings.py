"""Settings: one typed object; a bad value is one clear line and exit 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import DEFAULT_DATABASE_PATH, SettingsError, load_settings

REPO = Path(__file__).resolve().parents[1]
SECRET = "MTEx.secret-token-value.that-must-never-show"


def test_defaults():
    settings = load_settings({})
    assert settings.token is None
    assert settings.database_path == DEFAULT_DATABASE_PATH
    assert settings.log_level == "INFO"
    assert settings.api_base is None and settings.gateway_url is None
    assert SECRET not in repr(load_settings({"DISCORD_TOKEN": SECRET}))


def test_values_are_parsed_and_typed(tmp_path):
    settings = load_settings({
        "DISCORD_TOKEN": SECRET, "DATABASE_PATH": str(tmp_path / "x.db"), "LOG_LEVEL": "debug",
        "DEV_GUILD_ID": "123456789012345678",
        "DISCORD_API_BASE": "http://127.0.0.1:8080/api/v10/",
        "DISCORD_GATEWAY_URL": "ws://127.0.0.1:8080/gateway", "CONTENT_DIR": str(tmp_path),
    })
    assert settings.token == SECRET
    assert settings.log_level == "DEBUG"
    assert settings.dev_guild_id == 123456789012345678
    assert settings.api_base == "http://127.0.0.1:8080/api/v10"
    assert settings.content_dir == tmp_path


BAD_VALUES = [
    ("LOG_LEVEL", "LOUD"),
    ("DEV_GUILD_ID", "my-server"),
    ("DISCORD_API_BASE", "ftp://example"),
    ("DISCORD_GATEWAY_URL", "http://127.0.0.1/gateway"),
    ("CONTENT_DIR", "/no/such/folder"),
    ("DATABASE_PATH", "/"),
    ("DISCORD_TOKEN", "has spaces in it"),
    ("ROCKY_TEST_TIMER_SCALE", "-1"),
    ("ROCKY_TEST_RANDOM_SEED", "seven"),
]


@pytest.mark.parametrize(("name", "value"), BAD_VALUES)
def test_a_bad_value_names_the_setting(name, value):
    with pytest.raises(SettingsError) as caught:
        load_settings({name: value})
    assert name in str(caught.value)


@pytest.mark.parametrize(("name", "value"), BAD_VALUES)
def test_a_bad_value_exits_2_with_one_line_and_no_secret(name, value):
    env = {"DISCORD_TOKEN": SECRET, name: value}
    result = _run(["run"], env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0]
    assert "Traceback" not in result.stderr
    assert SECRET not in result.stderr + result.stdout


def test_run_without_token_and_without_terminal_exits_2_naming_the_setting():
    result = _run(["run"], {})
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr and "Configuration" in result.stderr


def test_dotenv_is_read_and_the_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("LOG_LEVEL=LOUD\nDEV_GUILD_ID=nope\n")
    result = _run(["--env-file", str(env_file), "content", "check"], {"LOG_LEVEL": "INFO"})
    assert result.returncode == 2 and "DEV_GUILD_ID" in result.stderr


def test_every_level_has_help():
    for args in (["--help"], ["run", "--help"], ["sync", "--help"], ["db", "--help"],
                 ["db", "backup", "--help"], ["content", "--help"], ["content", "stats", "--help"],
                 ["health", "--help"]):
        result = _run(args, {})
        assert result.returncode == 0 and "usage: rocky-bot" in result.stdout, args


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    if "--env-file" not in args:
        args = ["--env-file", "/dev/null", *args]
    return subprocess.run([sys.executable, "-m", "bot", *args], env=base | env, cwd=REPO,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


def test_shards_default_to_one_unsharded_process():
    settings = load_settings({})
    assert (settings.shard_count, settings.shard_ids) == (None, None)


def test_shard_ranges_and_lists_parse_and_bad_ones_say_why():
    pg = {"DATABASE_URL": "postgresql://rocky@db/rocky"}
    assert load_settings(pg | {"SHARD_COUNT": "8", "SHARD_IDS": "0-3"}).shard_ids == (0, 1, 2, 3)
    assert load_settings(pg | {"SHARD_COUNT": "8", "SHARD_IDS": "4,5, 6,7"}).shard_ids == (
        4, 5, 6, 7)
    assert load_settings({"SHARD_COUNT": "4"}).shard_ids == (0, 1, 2, 3)  # all: SQLite is fine
    assert load_settings({"SHARD_COUNT": "auto"}).shard_count == "auto"
    for env, why in (
        ({"SHARD_IDS": "0-3"}, "SHARD_IDS needs SHARD_COUNT"),
        ({"SHARD_COUNT": "zero"}, "SHARD_COUNT must be auto or a whole number"),
        (pg | {"SHARD_COUNT": "4", "SHARD_IDS": "2-5"}, "outside 0-3"),
        (pg | {"SHARD_COUNT": "4", "SHARD_IDS": "a-b"}, "a range or a list"),
        (pg | {"SHARD_COUNT": "auto", "SHARD_IDS": "0"}, "not auto"),
    ):
        with pytest.raises(SettingsError, match=why):
            load_settings(env)


def test_part_of_the_shards_on_sqlite_is_refused_naming_postgresql():
    with pytest.raises(SettingsError, match=r"SQLite file, which serves one bot .*PostgreSQL"):
        load_settings({"SHARD_COUNT": "4", "SHARD_IDS": "0-1"})


def test_each_process_serves_exactly_the_servers_of_its_shards():
    from bot.core.bot import RockyBot

    class Holding:  # the two attributes serves_guild reads, as AutoShardedClient has them
        serves_guild = RockyBot.serves_guild

        def __init__(self, count, ids):  # type: ignore[no-untyped-def]
            self.shard_count, self.shard_ids = count, ids

    guilds = [(n << 22) + 7 for n in range(1000)]
    first, second = Holding(4, [0, 1]), Holding(4, [2, 3])
    for guild in guilds:
        assert first.serves_guild(guild) != second.serves_guild(guild)
        assert first.serves_guild(guild) == ((guild >> 22) % 4 in (0, 1))
    assert all(Holding(None, None).serves_guild(g) for g in guilds)  # unsharded: everything


def test_each_process_of_a_cluster_has_a_heartbeat_of_its_own():
    pg = {"DATABASE_URL": "postgresql://rocky@db/rocky", "SHARD_COUNT": "4"}
    paths = {load_settings(pg | {"SHARD_IDS": ids}).heartbeat_path for ids in ("0-1", "2-3")}
    assert len(paths) == 2 and load_settings({}).heartbeat_path.name == "rocky.db.heartbeat"
