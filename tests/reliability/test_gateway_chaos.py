"""Gateway chaos during a running quiz: forced disconnects of every kind, clicks throughout.

Every click that reached a live session (directly, or replayed by a RESUME) while its token was
still valid is answered exactly once; none is answered twice; no answer is scored twice. Clicks
that reached the bot only after Discord's 3-second deadline (a silently dropped socket takes
seconds to notice) or never (lost with an invalidated session) are the ones a member would see
fail on real Discord too: they must not be answered twice or recorded without an answer.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator

import pytest

from bot.emulator.records import EmulatorError
from tests.conftest import Discord
from tests.quiz.conftest import Club, new_club, read_db, title
from tests.reliability.conftest import FULL
from tests.support.botproc import BotProcess

pytestmark = pytest.mark.e2e

DISCONNECTS = 50 if FULL else 6
KINDS = ("4000", "1001", "op7", "op9", "drop")
CLICKS_PER_OUTAGE = 3
# The bot needs a moment after delivery to answer; a click delivered later than this was
# already expired on Discord's side.
LIVE_WITHIN = 2.5


@pytest.fixture(scope="module")
def chaos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Discord, BotProcess, Club]]:
    discord = Discord(heartbeat_ms=1000)
    # Longer than the 5 s discord.py waits before re-identifying after op 9, so that wait is
    # not mistaken for a dead socket; a dropped socket is noticed within it.
    bot = BotProcess(discord.emu, tmp_path_factory.mktemp("chaos"),
                     extra_env={"ROCKY_TEST_HEARTBEAT_TIMEOUT": "8",
                                "ROCKY_TEST_EXTRA_EXTENSIONS": ""})
    bot.start()
    members = tuple(f"fighter{i}" for i in range(DISCONNECTS * CLICKS_PER_OUTAGE * 2 + 10))
    club = new_club(discord, members=members)
    yield discord, bot, club
    bot.kill()
    discord.stop()


def _fault(discord: Discord, kind: str):  # type: ignore[no-untyped-def]
    gateway = discord.emu.gateway
    return {
        "4000": lambda: gateway.close_with(4000),
        "1001": lambda: gateway.close_with(1001),
        "op7": gateway.send_reconnect,
        "op9": gateway.invalidate_session,
        "drop": gateway.drop_silently,
    }[kind]()


def _open_questions(club: Club) -> list:  # type: ignore[type-arg]
    return [m for m in club.bot_posts() if title(m).startswith("Question") and m.buttons()
            and not any(b.get("disabled") for b in m.buttons())]


async def _click_open_question(club: Club, member, option: int):  # type: ignore[no-untyped-def]
    """Click the open question (between two questions, wait for the next one)."""
    for _ in range(3):
        await club.emu.wait_for(lambda: bool(_open_questions(club)), timeout=30)
        question = max(_open_questions(club), key=lambda m: m.id)
        try:
            return await club.emu.click(member, question, index=option, wait=False)
        except EmulatorError:  # it closed in the instant between looking and clicking
            continue
    raise AssertionError("no open question to click")


def _connected(discord: Discord) -> bool:
    session = discord.emu.gateway.live_session
    return session is not None and session.connection is not None \
        and not session.connection.black_hole


def test_chaos_never_answers_twice_and_answers_every_live_click(chaos):
    discord, bot, club = chaos
    emu = discord.emu
    rng = random.Random(1976)
    start = club.command("mod", "quiz", {"questions": 20, "seconds": 60}, sub="start")
    assert start.answered
    club.question(1)
    fresh = iter(club.members[name] for name in club.members if name.startswith("fighter"))
    records = []
    kinds = [KINDS[i % len(KINDS)] for i in range(DISCONNECTS)]
    rng.shuffle(kinds)

    for kind in kinds:

        async def outage(kind=kind):  # type: ignore[no-untyped-def]
            await _fault(discord, kind)
            sent = []
            for _ in range(CLICKS_PER_OUTAGE):
                sent.append(await _click_open_question(club, next(fresh), rng.randint(1, 4)))
            # wait until the bot is back on a live session, then click once more
            await emu.wait_for(lambda: _connected(discord), timeout=30)
            sent.append(await _click_open_question(club, next(fresh), 1))
            for record in sent:
                await emu.wait_response(record, extra=1.0)
            return sent

        records += discord.thread.call(outage(), timeout=60)

    callbacks = Counter(r.path.split("/")[4] for r in emu.requests
                        if r.route == "interaction_callback" and r.status == 200)
    live = [r for r in records if r.deliveries and r.deliveries[0] - r.created_at < LIVE_WITHIN]
    expired = [r for r in records if r not in live]
    print(f"\nchaos: {DISCONNECTS} disconnects ({dict(Counter(kinds))}), {len(records)} clicks: "
          f"{len(live)} reached the bot in time, {len(expired)} did not")
    assert live, "no click ever reached a live session"
    for record in live:
        assert callbacks[str(record.id)] == 1, f"live click answered {callbacks[str(record.id)]}x"
    assert max(callbacks.values()) == 1, "an interaction was answered twice"
    assert not [v for v in emu.violations if "twice" in v]

    acknowledged = {r.id for r in records if r.answered and emu.message(
        r.original_message_id).content.startswith("Locked in")}
    stored = {row[0] for row in read_db(bot, "SELECT interaction_id FROM quiz_answers")}
    assert acknowledged <= stored, "an acknowledged answer is missing from the database"
    # No answer scored twice: each member's totals equal the sum of their scored answers.
    mismatched = read_db(bot, """
        SELECT s.user_id FROM quiz_member_stats s
        JOIN (SELECT guild_id, user_id, COUNT(*) AS n, SUM(points) AS p FROM quiz_answers
              WHERE points IS NOT NULL GROUP BY guild_id, user_id) a
          ON a.guild_id = s.guild_id AND a.user_id = s.user_id
        WHERE s.answered != a.n OR s.points != a.p""")
    assert mismatched == []
