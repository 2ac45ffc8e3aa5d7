"""The review channel of a server of our own (Facts Gym, shared bot): posts with buttons that are
checked server-side on every click, races between moderators, forged ids, closed DMs."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.emulator.model import Member, Message
from bot.emulator.records import CHANNEL_MESSAGE, UPDATE_MESSAGE
from tests.conftest import Discord
from tests.facts.conftest import (
    FactsGym,
    answer_to,
    button,
    card_for,
    click,
    dms_about,
    label_of,
    plant,
    read_rows,
    submit,
)

pytestmark = pytest.mark.e2e
_texts = itertools.count(1)


def gym_text() -> str:
    n = next(_texts) + 5000
    return f"Gym trivia {n}: {n} extras cheered in the Spectrum for the final bout."


def gym_submit(gym: FactsGym, author: Member, text: str | None = None) -> str:
    answer = submit(gym.discord, author, text or gym_text(), channel=gym.channel("lobby"))
    return label_of(answer)


def review_post(gym: FactsGym, label: str) -> Message:
    """The copy of `label` in #review (it is posted just after the member's answer)."""
    discord = gym.discord

    def find() -> list[Message]:
        return [m for m in discord.emu.channel_messages(gym.channel("review"))
                if m.embeds and m.embeds[0]["title"].startswith(f"Fact {label} ")]

    discord.call(discord.emu.wait_for(lambda: bool(find())))
    [post] = find()
    return post


def status_of(db_path, label: str) -> str:  # type: ignore[no-untyped-def]
    [(status,)] = read_rows(db_path, "SELECT status FROM fact_submissions WHERE id = $1",
                            (int(label[1:]),))
    return status


def test_a_submission_waits_in_the_review_channel_with_three_buttons(gym):
    author = gym.newcomer()
    text = gym_text()
    label = gym_submit(gym, author, text)
    post = review_post(gym, label)
    assert not post.ephemeral and post.embeds[0]["description"] == text
    assert "waiting for review" in post.embeds[0]["footer"]["text"]
    number = label[1:]
    assert [(b["label"], b["custom_id"]) for b in post.buttons()] == [
        ("Approve", f"fact:approve:{number}"), ("Reject", f"fact:reject:{number}"),
        ("Skip", f"fact:skip:{number}")]
    assert gym.discord.emu.violations == []


def test_an_ordinary_member_is_refused_and_the_moderator_role_is_enough(gym, shared_bot):
    discord = gym.discord
    author, bystander = gym.newcomer(), gym.newcomer("bystander")
    label = gym_submit(gym, author)
    post = review_post(gym, label)
    refused = answer_to(discord, click(discord, bystander, post, label="Approve"))
    assert refused.ephemeral and "Only moderators" in refused.content
    opened = click(discord, bystander, post, label="Reject")
    assert opened.modal is None  # no form for a member who may not use it
    assert status_of(shared_bot.database_url, label) == "pending" and post.edits == 0
    # The judge has only the role set as the server's moderator role, no Manage Messages.
    record = click(discord, gym.members["judge"], post, label="Approve")
    assert record.response_type == UPDATE_MESSAGE
    assert post.embeds[0]["title"] == f"Fact {label} · approved"
    assert {f["name"]: f["value"] for f in post.embeds[0]["fields"]}["Decision"] == (
        "Approved by gym-judge")
    assert post.buttons() == []
    assert "approved" in dms_about(discord, author, label)[0].content


def test_two_moderators_approving_at_once_record_one_decision(gym, shared_bot):
    discord = gym.discord
    author = gym.newcomer()
    label = gym_submit(gym, author)
    post = review_post(gym, label)
    mod, mod2 = gym.members["mod"], gym.members["mod2"]

    async def both() -> list:  # type: ignore[type-arg]
        return list(await asyncio.gather(discord.emu.click(mod, post, label="Approve"),
                                          discord.emu.click(mod2, post, label="Approve")))

    records = discord.call(both())
    [won] = [r for r in records if r.response_type == UPDATE_MESSAGE]
    [lost] = [r for r in records if r.response_type == CHANNEL_MESSAGE]
    winner = mod if won.user_id == mod.user.id else mod2
    told = answer_to(discord, lost)
    assert told.ephemeral
    assert told.content == (f"{label} was already approved by {winner.user.username}; nothing "
                            "was changed.")
    assert status_of(shared_bot.database_url, label) == "approved"
    assert read_rows(shared_bot.database_url,
                     "SELECT user_id FROM fact_deciders WHERE submission_id = $1",
                     (int(label[1:]),)) == [(winner.user.id,)]
    assert len(dms_about(discord, author, label)) == 1
    assert discord.emu.violations == []


def test_forged_ids_from_another_server_change_nothing(gym, shared_bot):
    discord = gym.discord
    author = gym.newcomer()
    label = gym_submit(gym, author)
    number = label[1:]
    # A moderator of the demo server, on a message whose buttons carry the gym's id.
    forged = plant(discord, discord.world.guild.channel_named("mod-queue"),
                   [button(f"fact:approve:{number}", "Approve"),
                    button(f"fact:reject:{number}", "Reject")])
    for which in ("Approve", "Reject"):
        record = click(discord, discord.member("mod"), forged, label=which)
        assert record.modal is None
        told = answer_to(discord, record)
        assert told.ephemeral
        assert told.content == f"There is no submitted fact {label} on this server; nothing was " \
                               "changed."
    assert status_of(shared_bot.database_url, label) == "pending"
    assert discord.emu.dms_to(author) == []


def test_closed_dms_change_nothing_but_the_moderator_is_told(gym, shared_bot):
    discord = gym.discord
    author = gym.newcomer()
    label = gym_submit(gym, author)
    discord.thread.do(lambda: discord.emu.close_dms(author.user))
    post = review_post(gym, label)
    record = click(discord, gym.members["mod"], post, label="Approve")
    discord.call(discord.emu.wait_for(lambda: bool(record.followup_ids)))
    note = discord.emu.message(record.followup_ids[0])
    assert note.ephemeral and "couldn't send the member a direct message" in note.content
    assert post.embeds[0]["title"] == f"Fact {label} · approved"
    assert status_of(shared_bot.database_url, label) == "approved"
    assert discord.emu.dms_to(author) == []


def test_a_decision_on_the_private_card_shows_on_the_review_post(gym):
    discord = gym.discord
    label = gym_submit(gym, gym.newcomer())
    post = review_post(gym, label)
    mod = gym.members["mod"]
    card = card_for(discord, mod, label, channel=gym.channel("lobby"))
    opened = click(discord, mod, card, label="Reject")
    discord.call(discord.emu.submit_modal(mod, opened, {"reason": "Seen it before"}))
    discord.call(discord.emu.wait_for(lambda: post.edits > 0))
    assert post.embeds[0]["title"] == f"Fact {label} · rejected"
    assert post.buttons() == []


def test_the_suggest_button_of_a_daily_post_opens_the_form(gym, shared_bot):
    discord: Discord = gym.discord
    author = gym.newcomer()
    daily = plant(discord, gym.channel("lobby"), [button("fact:suggest", "Suggest a fact")])
    opened = click(discord, author, daily, label="Suggest a fact")
    assert opened.modal is not None
    text = gym_text()
    record = discord.call(discord.emu.submit_modal(author, opened, {"text": text,
                                                                    "film": "Creed"}))
    label = label_of(answer_to(discord, record))
    assert read_rows(shared_bot.database_url,
                     "SELECT text, film, status FROM fact_submissions WHERE id = $1",
                     (int(label[1:]),)) == [(text, "Creed", "pending")]
