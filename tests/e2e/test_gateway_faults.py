"""Gateway faults during a run: the bot resumes, replays, and never answers anything twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from tests.conftest import Discord
from tests.support.botproc import BotProcess

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Discord, BotProcess]]:
    discord = Discord(heartbeat_ms=250)
    bot = BotProcess(discord.emu, tmp_path_factory.mktemp("faults"))
    bot.start()
    yield discord, bot
    bot.kill()
    discord.stop()


def _callbacks(discord: Discord) -> Counter[str]:
    return Counter(r.path.split("/")[4] for r in discord.emu.requests
                   if r.route == "interaction_callback")


def _interaction_during(discord: Discord, fault) -> object:  # type: ignore[no-untyped-def]
    """Cause `fault`, send /quote while the bot is away, and wait for the answer."""
    emu = discord.emu

    async def scenario():  # type: ignore[no-untyped-def]
        await fault()
        record = await emu.command(discord.member("alice"), "quote", wait=False)
        await emu.wait_response(record)
        return record

    return discord.call(scenario())


@pytest.mark.parametrize("code", [4000, 1001])
def test_close_codes_resume_and_answer_the_missed_interaction_once(faulty, code):
    discord, _ = faulty
    resumes = discord.emu.gateway.resumes
    record = _interaction_during(discord, lambda: discord.emu.gateway.close_with(code))
    assert record.answered, discord.emu.violations
    assert discord.emu.gateway.resumes == resumes + 1
    assert _callbacks(discord)[str(record.id)] == 1
    assert not record.rejected


def test_op7_reconnect_resumes_and_answers_once(faulty):
    discord, _ = faulty
    resumes = discord.emu.gateway.resumes
    record = _interaction_during(discord, discord.emu.gateway.send_reconnect)
    assert record.answered, discord.emu.violations
    assert discord.emu.gateway.resumes == resumes + 1
    assert _callbacks(discord)[str(record.id)] == 1


def test_op9_invalid_session_identifies_afresh_and_serves_new_interactions(faulty):
    discord, _ = faulty
    identifies = discord.emu.gateway.identifies

    async def invalidate_then_wait():  # type: ignore[no-untyped-def]
        await discord.emu.gateway.invalidate_session()
        await discord.emu.wait_for(lambda: discord.emu.gateway.identifies > identifies, 10)
        await discord.emu.wait_for(lambda: discord.emu.gateway.live_session is not None, 10)

    discord.call(invalidate_then_wait())
    record = discord.call(discord.emu.command(discord.member("bob"), "quote"))
    assert record.answered
    assert discord.emu.gateway.identifies == identifies + 1


def test_a_silently_dropped_socket_is_noticed_and_resumed(tmp_path):
    # discord.py notices a dead socket by missing heartbeat ACKs; a short timeout makes that
    # quick. (Not for the op 9 test: discord.py waits 5 s before re-identifying, reading nothing.)
    discord = Discord(heartbeat_ms=250)
    bot = BotProcess(discord.emu, tmp_path, extra_env={"ROCKY_TEST_HEARTBEAT_TIMEOUT": "1.0"})
    try:
        bot.start()
        _dropped_socket_scenario(discord)
    finally:
        bot.kill()
        discord.stop()


def _dropped_socket_scenario(discord: Discord) -> None:
    resumes = discord.emu.gateway.resumes
    record = _interaction_during(discord, discord.emu.gateway.drop_silently)
    assert discord.emu.gateway.resumes == resumes + 1
    assert record.answered, discord.emu.violations
    assert _callbacks(discord)[str(record.id)] == 1


def test_no_interaction_was_ever_answered_twice(faulty):
    discord, _ = faulty
    for _ in range(3):
        discord.call(discord.emu.command(discord.member("carol"), "quote"))
    counts = _callbacks(discord)
    assert counts and max(counts.values()) == 1
    assert not [v for v in discord.emu.violations if "twice" in v]
