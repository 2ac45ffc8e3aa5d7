"""/privacy through the emulator: choices, and deleting a member's data after a confirmation."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.db import Database
from bot.db.repositories.facts import FactRepository
from bot.domain.facts import Status
from tests.features.conftest import read_rows

pytestmark = pytest.mark.e2e


def _run(discord, member, sub, options=None):  # type: ignore[no-untyped-def]
    record = discord.call(discord.emu.command(member, "privacy", options or {}, sub=sub))
    return discord.emu.message(record.original_message_id)


def _member_rows(bot, discord, member) -> list[tuple]:  # type: ignore[no-untyped-def, type-arg]
    return read_rows(bot.database_url, "SELECT display_name FROM members WHERE guild_id = $1 "
                     "AND user_id = $2", (discord.world.guild.id, member.user.id))


@pytest.fixture()
def two_members(discord, newcomer):  # type: ignore[no-untyped-def]
    """Two members of their own who have used the bot (so it stored their names)."""
    members = newcomer("leaving"), newcomer("staying")
    for member in members:
        discord.call(discord.emu.command(member, "quote"))
    return members


def test_delete_after_confirmation_removes_the_member_and_says_what_went(
        discord, shared_bot, two_members):
    leaving, staying = two_members
    _run(discord, leaving, "motivate", {"setting": "off"})
    assert _member_rows(shared_bot, discord, leaving)
    assert _member_rows(shared_bot, discord, staying)

    prompt = _run(discord, leaving, "delete")
    assert prompt.ephemeral and "cannot be undone" in prompt.content
    assert "your name as last seen: 1" in prompt.content
    assert _member_rows(shared_bot, discord, leaving), "nothing is deleted before the confirmation"

    click = discord.call(discord.emu.click(leaving, prompt, label="Delete my data"))
    assert click.original_message_id == prompt.id and prompt.buttons() == []
    assert prompt.content.startswith("Done. Deleted everything")
    assert "your name as last seen: 1" in prompt.content
    assert _member_rows(shared_bot, discord, leaving) == []
    assert _member_rows(shared_bot, discord, staying) == [(staying.display_name,)]
    # The opt-out is a choice, not data about them: it stays and keeps protecting them.
    assert read_rows(shared_bot.database_url, "SELECT motivate FROM user_preferences WHERE "
                     "user_id = ?", (leaving.user.id,)) == [(0,)]
    assert discord.emu.violations == []


def test_the_member_is_remembered_again_when_they_come_back(discord, shared_bot, two_members):
    leaving, _ = two_members
    prompt = _run(discord, leaving, "delete")
    discord.call(discord.emu.click(leaving, prompt, label="Delete my data"))
    assert _member_rows(shared_bot, discord, leaving) == []
    discord.call(discord.emu.command(leaving, "quote"))
    assert _member_rows(shared_bot, discord, leaving) == [(leaving.display_name,)]


def test_cancel_deletes_nothing(discord, shared_bot, two_members):
    leaving, _ = two_members
    prompt = _run(discord, leaving, "delete")
    discord.call(discord.emu.click(leaving, prompt, label="Cancel"))
    assert prompt.content == "Nothing was deleted." and prompt.buttons() == []
    assert _member_rows(shared_bot, discord, leaving) == [(leaving.display_name,)]


def test_show_lists_what_is_stored_and_the_choices(discord, two_members):
    leaving, _ = two_members
    shown = _run(discord, leaving, "show")
    assert shown.ephemeral
    assert "your name as last seen: 1" in shown.content
    assert "global leaderboard on, being motivated on" in shown.content


def test_global_leaderboard_choice_is_stored_both_ways(discord, shared_bot, newcomer):
    member = newcomer("private")
    reply = _run(discord, member, "global-leaderboard", {"setting": "off"})
    assert reply.ephemeral and "no longer appear on the global leaderboard" in reply.content
    query = "SELECT global_leaderboard, motivate FROM user_preferences WHERE user_id = $1"
    assert read_rows(shared_bot.database_url, query, (member.user.id,)) == [(0, 1)]
    _run(discord, member, "global-leaderboard", {"setting": "on"})
    assert read_rows(shared_bot.database_url, query, (member.user.id,)) == [(1, 1)]
    assert "global leaderboard on" in _run(discord, member, "show").content


FACTS = ("The zoo keeper at the Philadelphia aquarium scene was a stagehand in a borrowed cap.",
         "Apollo's trainer kept a notebook of every jab thrown during the first title bout.",
         "A crew member's dog wandered into the meat locker set and stayed for the whole day.")


async def _with_facts(url, work):  # type: ignore[no-untyped-def]
    db = await Database.open(url, migrate=False)
    try:
        return await work(FactRepository(db))
    finally:
        await db.close()


def _facts(url, guild_id) -> list[tuple]:  # type: ignore[no-untyped-def, type-arg]
    """Every fact submission of the server, read through the facts repository."""

    async def read(facts: FactRepository) -> list[tuple]:  # type: ignore[type-arg]
        found = await facts.with_status(guild_id, *Status)
        return sorted(((f.text, f.status, f.submitter_id) for f in found),
                      key=lambda fact: FACTS.index(fact[0]))

    return asyncio.run(_with_facts(url, read))


def test_delete_drops_unapproved_facts_and_the_credit_on_approved_ones(fresh_discord, make_bot):
    """On a bot with a review queue of its own. The first suggestion and the approval go through
    /fact; the other two are stored through the facts repository, because a second /fact submit
    modal right after the first can be dropped by the facts cog (see the report)."""
    discord = fresh_discord
    bot = make_bot()
    bot.start()
    leaving, staying, mod = (discord.member(n) for n in ("alice", "bob", "mod"))
    guild_id = discord.world.guild.id
    opened = discord.call(discord.emu.command(leaving, "fact", sub="submit"))
    done = discord.call(discord.emu.submit_modal(leaving, opened, {"text": FACTS[0],
                                                                   "film": ["Rocky"]}))
    assert done.answered and discord.emu.message(done.original_message_id).ephemeral
    discord.call(discord.emu.command(staying, "quote"))  # the bot now knows bob too

    async def suggest_more(facts: FactRepository) -> None:
        now = datetime.now(UTC)
        await facts.submit(guild_id, leaving.user.id, FACTS[1], "Rocky", None, now)
        await facts.submit(guild_id, staying.user.id, FACTS[2], "Rocky", None, now)

    asyncio.run(_with_facts(bot.database_url, suggest_more))
    review = discord.call(discord.emu.command(mod, "fact", sub="review"))  # the oldest: FACTS[0]
    discord.call(discord.emu.click(mod, discord.emu.message(review.original_message_id),
                                   label="Approve"))
    assert _facts(bot.database_url, guild_id) == [(FACTS[0], Status.APPROVED, leaving.user.id),
                                             (FACTS[1], Status.PENDING, leaving.user.id),
                                             (FACTS[2], Status.PENDING, staying.user.id)]

    prompt = _run(discord, leaving, "delete")
    discord.call(discord.emu.click(leaving, prompt, label="Delete my data"))

    assert "fact suggestions not approved (pending, rejected or removed): 1" in prompt.content
    # The approved fact stays in the pool, credited to nobody; the pending one is gone;
    # the other member's suggestion is untouched.
    assert _facts(bot.database_url, guild_id) == [(FACTS[0], Status.APPROVED, None),
                                             (FACTS[2], Status.PENDING, staying.user.id)]
    assert discord.emu.violations == []
    bot.stop()
