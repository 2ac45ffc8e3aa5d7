"""kill -9 in the middle of a burst of answers, again and again: nothing acknowledged is lost.

Each round sends a burst of clicks on the open question, kills the bot with SIGKILL at a random
moment, and restarts it on the same database. Every answer a member was told counted
("Locked in") must be in the database, the file must pass PRAGMA integrity_check, and the
restarted bot must serve again.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator

import pytest

from bot.db.backup import integrity_check
from tests.conftest import BACKENDS, Discord, new_bot_database
from tests.quiz.conftest import Club, new_club, read_db, title
from tests.reliability.conftest import FULL
from tests.support.botproc import BotProcess

pytestmark = pytest.mark.e2e

KILLS = 20 if FULL else 3
BURST = 40


@pytest.fixture(scope="module", params=BACKENDS)
def crashing(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
             ) -> Iterator[tuple[Discord, BotProcess, Club]]:
    discord = Discord()
    folder = tmp_path_factory.mktemp("crash")
    bot = BotProcess(discord.emu, folder, extra_env={"ROCKY_TEST_EXTRA_EXTENSIONS": ""},
                     database=new_bot_database(request, folder, request.param))
    bot.start()
    club = new_club(discord, members=tuple(f"boxer{i}" for i in range(KILLS * BURST + 5)))
    yield discord, bot, club
    bot.kill()
    discord.stop()


def _open_question(club: Club):  # type: ignore[no-untyped-def]
    def open_questions() -> list:  # type: ignore[type-arg]
        return [m for m in club.bot_posts() if title(m).startswith("Question") and m.buttons()
                and not any(b.get("disabled") for b in m.buttons())]

    club.run(club.emu.wait_for(lambda: bool(open_questions()), timeout=30))
    return max(open_questions(), key=lambda m: m.id)


def test_kill_9_during_bursts_loses_no_acknowledged_answer(crashing):
    discord, bot, club = crashing
    emu = discord.emu
    rng = random.Random(2006)
    boxers = iter(m for name, m in club.members.items() if name.startswith("boxer"))
    assert club.command("mod", "quiz", {"questions": 20, "seconds": 60}, sub="start").answered
    acknowledged: set[int] = set()
    for round_no in range(KILLS):
        question = _open_question(club)

        async def burst(question=question):  # type: ignore[no-untyped-def]
            return [await emu.click(next(boxers), question, index=rng.randint(1, 4), wait=False)
                    for _ in range(BURST)]

        records = discord.call(burst())
        # A random moment inside the burst, once the first answers are being acknowledged (on a
        # busy machine, or PostgreSQL, the first commit may take longer than the whole window).
        discord.call(emu.wait_for(lambda sent=records: any(r.answered for r in sent), 10))
        time.sleep(rng.uniform(0.0, 0.03))
        bot.proc.kill()  # SIGKILL: no shutdown code runs
        bot.proc.wait()
        these = {r.id for r in records if r.answered and emu.message(
            r.original_message_id).content.startswith("Locked in")}
        acknowledged |= these

        if bot.database_url.is_sqlite:  # PostgreSQL's own WAL replay is its integrity
            assert integrity_check(bot.db_path) == "ok"
        stored = {row[0] for row in read_db(bot, "SELECT interaction_id FROM quiz_answers")}
        missing = acknowledged - stored
        assert not missing, f"round {round_no}: {len(missing)} acknowledged answers lost"
        print(f"round {round_no}: {len(these)} of {BURST} acknowledged before the kill")

        bot.start()  # same database: the game resumes, the bot serves again
        served = club.command("alice" if "alice" in club.members else "mod", "quote")
        assert served.answered
    assert acknowledged, "no answer was acknowledged before any kill: the test proved nothing"
