"""State that must survive a restart: review buttons and forms, and each channel's cycle."""

from __future__ import annotations

import pytest

from bot.content import load_content
from tests.facts.conftest import (
    answer_to,
    click,
    configure,
    details,
    dms_about,
    fact_id,
    label_of,
    read_rows,
    reply,
    submit,
)

pytestmark = pytest.mark.e2e
FRANCHISE_FACTS = sorted(f.id for f in load_content().facts if "Franchise" in f.films)


def _review_posts(discord, channel):  # type: ignore[no-untyped-def]
    return [m for m in discord.emu.channel_messages(channel) if m.buttons()]


def test_review_buttons_and_the_reject_form_work_after_a_restart(fresh_discord, make_bot):
    discord = fresh_discord
    queue = discord.world.guild.channel_named("mod-queue")
    bot = make_bot()
    configure(bot.database_url, discord.world.guild, review_channel_id=queue.id)
    bot.start()
    alice, mod = discord.member("alice"), discord.member("mod")
    kept = label_of(submit(discord, alice, "Fan trivia 11: the museum steps number 72 in all."))
    dropped = label_of(submit(discord, alice, "Fan trivia 12: Paulie's robot was a real robot."))
    discord.call(discord.emu.wait_for(lambda: len(_review_posts(discord, queue)) == 2))
    first, second = _review_posts(discord, queue)
    opened = click(discord, mod, second, label="Reject")  # the form is open across the restart
    assert bot.stop() == 0
    bot.start()

    click(discord, mod, first, label="Approve")
    assert first.embeds[0]["title"] == f"Fact {kept} · approved" and first.buttons() == []
    assert "approved" in dms_about(discord, alice, kept)[0].content
    discord.call(discord.emu.submit_modal(mod, opened, {"reason": "Not a robot"}))
    assert second.embeds[0]["title"] == f"Fact {dropped} · rejected"
    assert "Reason: Not a robot" in dms_about(discord, alice, dropped)[0].content
    assert discord.emu.violations == []
    bot.stop()


def test_the_no_repeat_cycle_and_spoiler_gating_survive_a_restart(fresh_discord, make_bot):
    discord = fresh_discord
    trivia = discord.world.guild.channel_named("trivia")
    bot = make_bot()
    configure(bot.database_url, discord.world.guild, films=frozenset())  # every film off
    bot.start()
    bob = discord.member("bob")

    def draw() -> str:
        return fact_id(reply(discord, bob, "random", channel=trivia))

    half = len(FRANCHISE_FACTS) // 2
    shown = [draw() for _ in range(half)]
    assert bot.stop() == 0
    bot.start()
    shown += [draw() for _ in range(len(FRANCHISE_FACTS) - half)]
    assert sorted(shown) == FRANCHISE_FACTS  # only Franchise facts, each exactly once
    assert draw() != shown[-1]  # a new cycle, not starting with the fact just shown
    assert read_rows(bot.database_url, "SELECT next_seq FROM fact_channel_cycles") == [
        (len(FRANCHISE_FACTS) + 1,)]  # one row per channel, numbering every showing
    refused = reply(discord, bob, "random", {"film": "Rocky"}, channel=trivia)
    assert refused.ephemeral and "switched off" in refused.content
    another = answer_to(discord, click(discord, bob, reply(discord, bob, "random", channel=trivia),
                                       label="Another fact"))
    assert details(another)["Film"] == "Franchise"
    bot.stop()
