"""PostgreSQL restarted in the middle of an answer burst: while it is away members get a clear
sentence (never the generic error), the bot reconnects by itself, and every answer that was
acknowledged is stored exactly once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from bot.core.error_handler import CANNOT_SAVE
from bot.db import parse_database_url
from tests.conftest import BACKENDS, Discord
from tests.quiz.conftest import QUIZ_ENV, new_club, read_db, title
from tests.support.botproc import BotProcess
from tests.support.dbaccess import in_own_thread
from tests.support.postgres import PostgresServer

BURST = 60
GENERIC = "Something went wrong on our side"

if "postgresql" in BACKENDS:  # the PostgreSQL half (see tests/conftest.py)

    @pytest.fixture()
    def own_server() -> Iterator[PostgresServer]:
        """A server of this test's own: restarting it must not disturb any other test."""
        server = PostgresServer()
        server.start()
        yield server
        server.stop()

    def test_a_restart_mid_burst_loses_no_acknowledged_answer(own_server, fresh_discord: Discord,
                                                               tmp_path):
        import asyncio

        url = parse_database_url(in_own_thread(lambda: asyncio.run(own_server.new_database())))
        bot = BotProcess(fresh_discord.emu, tmp_path, extra_env=QUIZ_ENV, database=url)
        bot.start()
        try:
            club = new_club(fresh_discord, members=tuple(f"boxer{i}" for i in range(3 * BURST)))
            emu = fresh_discord.emu
            boxers = iter(m for name, m in club.members.items() if name.startswith("boxer"))
            # Questions of 5 minutes (scaled by QUIZ_ENV): the burst and the outage fit in one.
            assert club.command("mod", "quiz", {"questions": 3, "seconds": 60 * 5},
                                sub="start").answered
            question = club.question(1)

            async def burst():  # type: ignore[no-untyped-def]
                return [await emu.click(next(boxers), question, index=1 + i % 4, wait=False)
                        for i in range(BURST)]

            restarter = threading.Thread(target=lambda: (time.sleep(0.05),
                                                         own_server.restart("fast")))
            restarter.start()
            records = fresh_discord.call(burst())
            restarter.join()
            time.sleep(1.0)  # let the pool find the server again
            later = fresh_discord.call(burst())  # after the restart: served as usual
            everyone = records + later
            fresh_discord.call(emu.wait_for(lambda: all(r.answered for r in everyone), 10))

            replies = {r.id: emu.message(r.original_message_id).content
                       for r in everyone}
            assert not [t for t in replies.values() if GENERIC in t], "a generic error was shown"
            acknowledged = {i for i, text in replies.items() if text.startswith("Locked in")}
            refused = {i for i, text in replies.items() if text == CANNOT_SAVE}
            assert acknowledged | refused == set(replies), set(replies.values())
            assert {r.id for r in later} <= acknowledged, "the bot did not come back by itself"
            stored = [row[0] for row in read_db(
                bot, "SELECT interaction_id FROM quiz_answers")]
            assert len(stored) == len(set(stored))
            assert acknowledged <= set(stored), "an acknowledged answer was lost"
            print(f"{len(refused)} of {len(records)} clicks met the outage; all later ones saved")
            assert "Question 1" in title(question)
        finally:
            bot.kill()
