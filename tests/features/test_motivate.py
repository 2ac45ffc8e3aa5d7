"""/motivate: one allowed ping, the cooldowns, and the opt-out, through the emulator."""

from __future__ import annotations

import pytest

from bot.content import load_content
from bot.emulator.model import User, new_snowflake

pytestmark = pytest.mark.e2e
QUOTES = {q.text for q in load_content().quotes}
MOTIVATIONAL = {q.text for q in load_content().quotes if "motivational" in q.moods}


@pytest.fixture()
def discord(module_discord):  # type: ignore[no-untyped-def]
    """/motivate pings on purpose: these tests run on a Discord and a bot of their own."""
    return module_discord


def _motivate(discord, sender, target):  # type: ignore[no-untyped-def]
    record = discord.call(discord.emu.command(sender, "motivate", {"member": target}))
    return discord.emu.message(record.original_message_id)


def test_motivate_pings_exactly_the_target_with_a_quote(discord, newcomer):
    # A sender whose name tries to ping everyone and a role: shown, never pinging.
    role = discord.world.moderator_role
    sender = newcomer("sender", nick=f"@everyone <@&{role.id}> **loud**")
    target = newcomer("target")
    message = _motivate(discord, sender, target)
    assert not message.ephemeral
    assert message.pings == (f"user:{target.user.id}",)
    assert f"<@{target.user.id}>" in message.content
    assert message.mentions == (f"user:{target.user.id}",)  # the sender's name was escaped
    assert message.embeds[0]["description"].removeprefix("> ") in MOTIVATIONAL  # never a joke
    assert discord.emu.violations == []


def test_a_sender_must_wait_before_motivating_again(discord, newcomer):
    sender, first, second = newcomer("sender"), newcomer("target"), newcomer("target")
    assert _motivate(discord, sender, first).pings
    refusal = _motivate(discord, sender, second)
    assert refusal.ephemeral and "motivate someone again in" in refusal.content
    assert refusal.pings == ()


def test_a_member_cannot_be_motivated_again_right_away_by_anyone(discord, newcomer):
    target = newcomer("target")
    assert _motivate(discord, newcomer("sender"), target).pings
    before = len(discord.emu.pinging_messages())
    refusal = _motivate(discord, newcomer("sender"), target)
    assert refusal.ephemeral and "was motivated a moment ago" in refusal.content
    assert len(discord.emu.pinging_messages()) == before


def test_a_member_who_opted_out_is_not_motivated_until_they_opt_back_in(discord, newcomer):
    target = newcomer("target")
    off = discord.call(discord.emu.command(target, "privacy", {"setting": "off"}, sub="motivate"))
    assert discord.emu.message(off.original_message_id).ephemeral
    refusal = _motivate(discord, newcomer("sender"), target)
    assert refusal.ephemeral and "chosen not to be motivated" in refusal.content
    discord.call(discord.emu.command(target, "privacy", {"setting": "on"}, sub="motivate"))
    assert _motivate(discord, newcomer("sender"), target).pings == (f"user:{target.user.id}",)


def test_bots_and_people_outside_the_server_are_refused(discord, newcomer):
    sender = newcomer("sender")
    bot_member = discord.emu.bot_member(discord.world.guild)
    refusal = _motivate(discord, sender, bot_member)
    assert refusal.ephemeral and "Bots train on their own" in refusal.content
    stranger = User(new_snowflake(), "stranger")  # known to Discord, not in this server
    discord.thread.do(lambda: discord.emu.users.setdefault(stranger.id, stranger))
    refusal = _motivate(discord, sender, stranger)
    assert refusal.ephemeral and "not a member of this server" in refusal.content
    assert discord.emu.violations == []
