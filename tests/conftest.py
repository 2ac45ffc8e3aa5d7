"""Shared fixtures: an emulator thread with the demo server, and the real bot against it."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.db import Database, DatabaseUrl, parse_database_url
from bot.emulator import Emulator, EmulatorThread
from bot.emulator.demo import DemoWorld, build_demo
from tests.support.botproc import BotProcess
from tests.support.dbaccess import in_own_thread
from tests.support.postgres import HOW_TO_RUN, PostgresServer

# Every repository test and the backend end-to-end tests run once per backend. PostgreSQL runs
# where its server is installed (or TEST_DATABASE_URL names one); CI requires it.
POSTGRES = PostgresServer()
BACKENDS = ("sqlite", "postgresql") if POSTGRES.available else ("sqlite",)
REQUIRE_POSTGRES = os.environ.get("ROCKY_REQUIRE_POSTGRES") == "1"

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


def pytest_configure(config: pytest.Config) -> None:
    if REQUIRE_POSTGRES and not POSTGRES.available:
        raise pytest.UsageError(f"ROCKY_REQUIRE_POSTGRES=1 but no PostgreSQL: {HOW_TO_RUN}.")


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    if "postgresql" not in BACKENDS:
        terminalreporter.write_line(
            f"PostgreSQL half not run (no server found): to run it, {HOW_TO_RUN}.", yellow=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    POSTGRES.start()
    yield POSTGRES
    POSTGRES.stop()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture()
async def database_url(backend: str, tmp_path: Path,
                       request: pytest.FixtureRequest) -> AsyncIterator[DatabaseUrl]:
    """A fresh, migrated database on the backend under test."""
    if backend == "sqlite":
        url = DatabaseUrl.sqlite(tmp_path / "rocky.db")
        await (await Database.open(url)).close()
        yield url
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    text = await server.new_database()
    yield parse_database_url(text)
    await server.drop_database(text)


@pytest.fixture()
async def database(database_url: DatabaseUrl) -> AsyncIterator[Database]:
    db = await Database.open(database_url)
    yield db
    await db.close()


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


def new_bot_database(request: pytest.FixtureRequest, folder: Path, backend: str) -> DatabaseUrl:
    """Where a bot process under test keeps its data: a file in `folder`, or a new, empty
    PostgreSQL database (the bot migrates it at start, as in production)."""
    if backend == "sqlite":
        return DatabaseUrl.sqlite(folder / "rocky.db")
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return parse_database_url(
        in_own_thread(lambda: asyncio.run(server.new_database(migrated=False))))


@pytest.fixture()
def make_bot(fresh_discord: Discord, tmp_path: Path, backend: str,
             request: pytest.FixtureRequest) -> Iterator:  # type: ignore[type-arg]
    """Bot processes of this test, on one database of the backend under test (so a second one
    is the first one restarted)."""
    bots: list[BotProcess] = []
    database = new_bot_database(request, tmp_path, backend)

    def make(**extra_env: str) -> BotProcess:
        bot = BotProcess(fresh_discord.emu, tmp_path, extra_env=extra_env, name=f"bot{len(bots)}",
                         database=database)
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
