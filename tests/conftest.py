"""Shared fixtures: an emulator thread with the demo server, and the real bot against it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.emulator import Emulator, EmulatorThread
from bot.emulator.demo import DemoWorld, build_demo
from tests.support.botproc import BotProcess

# Every emulator the suite drove the bot through; checked once at the end (see below).
ALL_EMULATORS: list[Emulator] = []
BROAD_PING = "pinged without being named in allowed_mentions"


class Discord:
    """A synchronous handle on an emulator running in its own thread."""

    def __init__(self, heartbeat_ms: int = 1000, **emulator_options: Any) -> None:
        # A short heartbeat so a silently dropped socket is noticed quickly. Other options go
        # to Emulator, e.g. sharding=ShardingRules(...) or oauth2=OAuth2App(...).
        self.thread = EmulatorThread(
            lambda: Emulator(heartbeat_interval_ms=heartbeat_ms, **emulator_options))
        self.emu = self.thread.start()
        ALL_EMULATORS.append(self.emu)
        self.world: DemoWorld = self.thread.do(lambda: build_demo(self.emu))

    def call(self, coro):  # type: ignore[no-untyped-def]
        return self.thread.call(coro)

    def member(self, name: str):  # type: ignore[no-untyped-def]
        return self.world.members[name]

    def stop(self) -> None:
        self.thread.stop()


@pytest.fixture(scope="session")
def discord_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Discord, BotProcess]]:
    """One emulator and one bot shared by the tests whose state allows it (fast suite)."""
    discord = Discord()
    bot = BotProcess(discord.emu, tmp_path_factory.mktemp("shared-bot"))
    try:
        bot.start()
        yield discord, bot
    finally:
        if bot.proc is not None and bot.proc.poll() is None:
            bot.stop()
        discord.stop()


@pytest.fixture()
def discord(discord_env: tuple[Discord, BotProcess]) -> Discord:
    return discord_env[0]


@pytest.fixture()
def shared_bot(discord_env: tuple[Discord, BotProcess]) -> BotProcess:
    return discord_env[1]


@pytest.fixture()
def fresh_discord() -> Iterator[Discord]:
    """An emulator of its own, for tests that restart or break the bot."""
    discord = Discord()
    yield discord
    discord.stop()


@pytest.fixture()
def make_bot(fresh_discord: Discord, tmp_path: Path) -> Iterator:  # type: ignore[type-arg]
    bots: list[BotProcess] = []

    def make(**extra_env: str) -> BotProcess:
        bot = BotProcess(fresh_discord.emu, tmp_path, extra_env=extra_env, name=f"bot{len(bots)}")
        bots.append(bot)
        return bot

    yield make
    for bot in bots:
        bot.kill()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No message of the whole suite may have pinged someone it did not name on purpose."""
    broad = [v for emu in ALL_EMULATORS for v in emu.violations if BROAD_PING in v]
    if broad:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"{len(broad)} message(s) pinged someone by accident:", red=True)
            for line in broad[:20]:
                reporter.write_line(f"  {line}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
