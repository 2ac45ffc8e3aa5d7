"""Shared fixtures: an emulator thread with the demo server, and the real bot against it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.emulator import Emulator, EmulatorThread
from bot.emulator.demo import DemoWorld, build_demo
from tests.support.botproc import BotProcess


class Discord:
    """A synchronous handle on an emulator running in its own thread."""

    def __init__(self, heartbeat_ms: int = 1000) -> None:
        # A short heartbeat so a silently dropped socket is noticed quickly.
        self.thread = EmulatorThread(lambda: Emulator(heartbeat_interval_ms=heartbeat_ms))
        self.emu = self.thread.start()
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
