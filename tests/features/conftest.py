"""Fixtures for the montage, quotes, help and privacy tests."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from bot.db import DatabaseUrl
from tests.conftest import Discord
from tests.support.botproc import BotProcess
from tests.support.dbaccess import query

_numbers = itertools.count(1)


@pytest.fixture()
def newcomer(discord) -> Callable:  # type: ignore[no-untyped-def, type-arg]
    """Members of their own, so per-member state in the shared bot never leaks between tests."""

    def make(prefix: str = "fan", nick: str | None = None):  # type: ignore[no-untyped-def]
        name = f"{prefix}{next(_numbers)}"
        return discord.thread.do(
            lambda: discord.emu.add_member(discord.world.guild, name, nick=nick))

    return make


def read_rows(url: DatabaseUrl, sql: str, params: tuple = ()) -> list[tuple]:  # type: ignore[type-arg]
    """Read the bot's database from the test process (committed data only)."""
    return query(url, sql, params)


@pytest.fixture(scope="module")
def module_discord(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """An emulator and a bot for one test module: for tests that ping on purpose, which the
    shared session's "nothing the bot sent pinged anyone" check must never see."""
    discord = Discord()
    bot = BotProcess(discord.emu, tmp_path_factory.mktemp("module-bot"))
    try:
        bot.start()
        yield discord
    finally:
        bot.kill()
        discord.stop()
