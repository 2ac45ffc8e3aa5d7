"""What the sandbox hands the bot process: its own endpoints and database, none of yours."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox.launcher import SANDBOX_TOKEN, LaunchOptions, bot_environment
from bot.settings import Settings


def test_the_bot_gets_the_emulator_and_not_the_callers_discord_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("DISCORD_TOKEN", "a-real-token-that-must-not-leak")
    monkeypatch.setenv("DEV_GUILD_ID", "123456789012345678")  # no such server in the demo
    monkeypatch.setenv("DATABASE_PATH", "/srv/rocky/production.db")
    monkeypatch.setenv("LOG_LEVEL", "ERROR")  # would hide the "ready" line the sandbox waits for
    monkeypatch.setenv("ROCKY_TEST_HEARTBEAT_TIMEOUT", "1")
    settings = Settings(content_dir=tmp_path, timer_scale=0.5, random_seed=4,
                        extra_extensions=("tests.support.boom_cog",))
    env = bot_environment(settings, LaunchOptions(), "http://127.0.0.1:5/api/v10",
                          "ws://127.0.0.1:5/gateway", Path("/tmp/x/rocky.db"))
    assert env["DISCORD_TOKEN"] == SANDBOX_TOKEN
    assert env["DISCORD_API_BASE"] == "http://127.0.0.1:5/api/v10"
    assert env["DISCORD_GATEWAY_URL"] == "ws://127.0.0.1:5/gateway"
    assert env["DATABASE_PATH"] == "/tmp/x/rocky.db"
    assert env["LOG_LEVEL"] == "INFO"
    assert "DEV_GUILD_ID" not in env and "ROCKY_TEST_HEARTBEAT_TIMEOUT" not in env
    # What the person chose for the sandbox passes on: content, timers, seed, extensions.
    assert env["CONTENT_DIR"] == str(tmp_path)
    assert env["ROCKY_TEST_TIMER_SCALE"] == "0.5"
    assert env["ROCKY_TEST_RANDOM_SEED"] == "4"
    assert env["ROCKY_TEST_EXTRA_EXTENSIONS"] == "tests.support.boom_cog"
    assert "PATH" in env


def test_seed_from_the_command_line_wins_and_debug_logging_is_kept():
    env = bot_environment(Settings(random_seed=4, log_level="DEBUG"), LaunchOptions(seed=9),
                          "http://h:1/api/v10", "ws://h:1/gateway", Path("db"))
    assert env["ROCKY_TEST_RANDOM_SEED"] == "9"
    assert env["LOG_LEVEL"] == "DEBUG"
    assert "ROCKY_TEST_TIMER_SCALE" not in env and "CONTENT_DIR" not in env
