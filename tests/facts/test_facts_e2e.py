"""/fact through the emulator and the shared bot: serving, submitting, moderating, bad input."""

from __future__ import annotations

import itertools

import pytest

from bot.content import load_content
from bot.domain.facts import MAX_PENDING, TEXT_MAX
from bot.emulator.model import Member, Message
from tests.conftest import Discord
from tests.facts.conftest import (
    answer_to,
    card_for,
    click,
    details,
    dms_about,
    fact_id,
    fact_text,
    label_of,
    read_rows,
    reply,
    run,
    submit,
)

pytestmark = pytest.mark.e2e
LIBRARY = load_content()
FACTS = LIBRARY.facts_by_id
_texts = itertools.count(1)


def fresh_text(topic: str = "the steps") -> str:
    """A fact no other test submits: its number keeps it from looking like a duplicate."""
    n = next(_texts) + 7000
    return f"Fan trivia {n}: the crew counted {n} pigeons near {topic} during one take."


def new_channel(discord: Discord, name: str):  # type: ignore[no-untyped-def]
    return discord.thread.do(lambda: discord.emu.add_channel(discord.world.guild, name))


def served_until(discord: Discord, member: Member, wanted: str, channel, **filters) -> Message:
    """/fact random until `wanted` comes up: the no-repeat cycle guarantees it within the pool."""
    for _ in range(len(LIBRARY.facts) + 50):
        message = reply(discord, member, "random", filters, channel=channel)
        if fact_id(message) == wanted:
            return message
    raise AssertionError(f"{wanted} was never served")


def fields(message: Message) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message.embeds[0].get("fields", [])}


# -- serving --------------------------------------------------------------------------------
def test_a_random_fact_is_a_layout_with_film_topic_source_and_another_fact_button(discord, fan):
    member, channel = fan(), new_channel(discord, "facts-random")
    first = reply(discord, member, "random", channel=channel)
    fact = FACTS[fact_id(first)]
    assert first.flags & Message.COMPONENTS_V2 and not first.embeds
    assert not first.ephemeral and fact_text(first) == fact.text
    assert details(first) == {"Film": ", ".join(fact.films), "Topic": ", ".join(fact.topics),
                              "Source": f"[where this is documented]({fact.source})"}
    answer = answer_to(discord, click(discord, member, first, label="Another fact"))
    assert not answer.ephemeral and answer.id != first.id
    assert fact_id(answer) != fact_id(first)
    assert discord.emu.violations == []


def test_filters_autocomplete_are_checked_again_and_ride_on_the_button(discord, fan):
    member, channel = fan(), new_channel(discord, "facts-filters")
    films = discord.call(discord.emu.autocomplete(member, "fact", "film", {"film": "creed"},
                                                  sub="random"))
    assert [c["value"] for c in films] == ["Creed", "Creed II", "Creed III"]
    topics = discord.call(discord.emu.autocomplete(member, "fact", "topic", {"topic": "box"},
                                                   sub="random"))
    assert [c["value"] for c in topics] == ["box office"]
    for options, sentence in (({"film": "Rocky VII"}, "not one of the films"),
                              ({"topic": "catering"}, "not a topic")):
        refused = reply(discord, member, "random", options, channel=channel)
        assert refused.ephemeral and sentence in refused.content
    shown = reply(discord, member, "random", {"film": "Rocky IV", "topic": "music"},
                  channel=channel)
    for _ in range(3):
        fact = FACTS[fact_id(shown)]
        assert "Rocky IV" in fact.films and "music" in fact.topics
        shown = answer_to(discord, click(discord, member, shown, label="Another fact"))


# -- submit, review, decide -----------------------------------------------------------------
def test_submit_review_approve_then_served_with_credit_and_a_dm(discord, fan):
    author, mod = fan("credited"), discord.member("mod")
    text = fresh_text("the museum")
    answer = submit(discord, author, text, film="Franchise")
    assert answer.ephemeral and "waiting for a moderator" in answer.content
    label = label_of(answer)
    card = card_for(discord, mod, label)
    assert card.ephemeral and card.embeds[0]["description"] == text
    assert fields(card)["Submitted by"] == author.display_name
    click(discord, mod, card, label="Approve")
    assert card.content.startswith(f"Approved {label}.")
    [dm] = dms_about(discord, author, label)
    assert "approved" in dm.content and dm.embeds[0]["description"] == text
    served = served_until(discord, fan(), label, new_channel(discord, "facts-credit"),
                          film="Franchise")
    assert fact_text(served) == text
    assert details(served)["Submitted by"] == author.display_name
    assert discord.emu.violations == []


def test_reject_with_a_reason_reaches_the_submitter_escaped(discord, fan):
    author, mod = fan(), discord.member("mod")
    label = label_of(submit(discord, author, fresh_text()))
    card = card_for(discord, mod, label)
    opened = click(discord, mod, card, label="Reject")
    assert opened.modal is not None
    discord.call(discord.emu.submit_modal(mod, opened, {"reason": "Needs a *source* @everyone"}))
    assert card.content.startswith(f"Rejected {label}.")
    [dm] = dms_about(discord, author, label)
    assert "not accepted" in dm.content
    assert "Needs a \\*source\\* @\u200beveryone" in dm.content and not dm.pings
    mine = reply(discord, author, "mine")
    assert mine.ephemeral
    assert "Reason: Needs a \\*source\\*" in fields(mine)[f"{label} · rejected"]


def test_a_decided_fact_cannot_be_decided_again(discord, fan):
    author, mod, admin = fan(), discord.member("mod"), discord.member("admin")
    label = label_of(submit(discord, author, fresh_text()))
    stale = card_for(discord, admin, label)
    click(discord, mod, card_for(discord, mod, label), label="Approve")
    refused = answer_to(discord, click(discord, admin, stale, label="Reject"))
    assert refused.ephemeral
    assert refused.content == f"{label} was already approved by mod; nothing was changed."
    assert len(dms_about(discord, author, label)) == 1


def test_skip_moves_the_private_card_along_the_queue(discord, fan):
    author, mod = fan(), discord.member("mod")
    first = label_of(submit(discord, author, fresh_text()))
    second = label_of(submit(discord, author, fresh_text()))
    card = card_for(discord, mod, first)
    click(discord, mod, card, label="Skip")
    assert card.embeds[0]["title"].startswith(f"Fact {second} ")


# -- limits and bad input -------------------------------------------------------------------
def test_at_most_five_pending_and_the_sixth_is_refused_before_the_form(discord, fan):
    author = fan()
    for _ in range(MAX_PENDING):
        submit(discord, author, fresh_text())
    record = run(discord, author, "submit")
    assert record.modal is None
    refused = answer_to(discord, record)
    assert refused.ephemeral and "5 facts waiting for review" in refused.content


@pytest.mark.parametrize(("text", "sentence"), [
    ("", "Write your fact"),
    ("      ", "Write your fact"),
    ("x" * (TEXT_MAX + 1), "shorten it to 500"),
    ("Rocky Z̷̡̛a̸̢͝l̵̨̛g̶̢̕o̴̧͠ punches through the text box", "zalgo"),
])
def test_bad_text_is_refused_with_a_sentence_and_a_way_back(discord, fan, text, sentence):
    author = fan()
    answer = submit(discord, author, text)
    assert answer.ephemeral and sentence in answer.content
    assert [b["label"] for b in answer.buttons()] == ["Edit and resubmit"]
    assert reply(discord, author, "mine").embeds[0]["description"].startswith("You haven't")


def test_a_bad_source_or_film_is_refused(discord, fan):
    author = fan()
    assert "web address" in submit(discord, author, fresh_text(),
                                   source="[docs](https://x.org)").content
    assert "Pick the film" in submit(discord, author, fresh_text(), film="Rocky VII").content


@pytest.mark.parametrize(("text", "shown"), [
    ("@everyone Rocky was filmed in 28 days on a shoestring",
     "@\u200beveryone Rocky was filmed in 28 days on a shoestring"),
    ("[Click for the source](https://evil.example) Rocky ran up the steps",
     "\\[Click for the source](https://evil.example) Rocky ran up the steps"),  # no link
    ("Robert'); DROP TABLE fact_submissions;-- was Rocky's son",
     "Robert'); DROP TABLE fact\\_submissions;-- was Rocky's son"),
])
def test_odd_text_is_stored_verbatim_and_shown_escaped(discord, shared_bot, fan, text, shown):
    author, mod = fan(), discord.member("mod")
    suffix = f" ({next(_texts) + 9000})"  # unique, so no test sees another's as a duplicate
    label = label_of(submit(discord, author, text + suffix))
    [(stored,)] = read_rows(shared_bot.database_url,
                            "SELECT text FROM fact_submissions WHERE id = $1", (int(label[1:]),))
    assert stored == text + suffix
    mine = reply(discord, author, "mine")
    assert fields(mine)[f"{label} · pending"].endswith(shown + suffix)
    card = card_for(discord, mod, label)
    assert card.embeds[0]["description"] == shown + suffix
    click(discord, mod, card, label="Approve")
    [dm] = dms_about(discord, author, label)
    assert dm.embeds[0]["description"] == shown + suffix
    assert discord.emu.pinging_messages() == []


def test_a_near_duplicate_is_refused_naming_the_fact_and_the_form_comes_back(discord, fan):
    author = fan()
    original = FACTS["f-r2-budget"]
    attempt = original.text.replace("about", "roughly")
    answer = submit(discord, author, attempt, film="Rocky II")
    assert answer.ephemeral
    assert f"very close to fact {original.id}" in answer.content and original.text in answer.content
    again = click(discord, author, answer, label="Edit and resubmit")
    assert again.modal is not None
    inputs = [row["component"] for row in again.modal["components"]]
    assert inputs[0]["value"] == attempt
    assert [o["value"] for o in inputs[1]["options"] if o.get("default")] == ["Rocky II"]


def test_a_fact_like_a_pending_one_is_refused_without_showing_it(discord, fan):
    first, second = fan(), fan()
    text = fresh_text("the meat locker")
    label = label_of(submit(discord, first, text))
    answer = submit(discord, second, text.replace("counted", "tallied"))
    assert f"already waiting for review ({label})" in answer.content
    assert "pigeons" not in answer.content


# -- who may moderate -----------------------------------------------------------------------
def test_members_cannot_review_or_remove(discord, fan):
    member = fan()
    for sub, options in (("review", {}), ("remove", {"id": "s1"})):
        refused = reply(discord, member, sub, options)
        assert refused.ephemeral and "Only moderators" in refused.content
    choices = discord.call(discord.emu.autocomplete(member, "fact", "id", {"id": "s"},
                                                    sub="remove"))
    assert choices == []


def test_remove_takes_a_submitted_fact_out_and_nothing_else(discord, shared_bot, fan):
    author, mod = fan(), discord.member("mod")
    label = label_of(submit(discord, author, fresh_text("the zoo")))
    refused = reply(discord, mod, "remove", {"id": label})
    assert "still waiting for review" in refused.content
    click(discord, mod, card_for(discord, mod, label), label="Approve")
    choices = discord.call(discord.emu.autocomplete(mod, "fact", "id", {"id": label},
                                                    sub="remove"))
    assert label in [c["value"] for c in choices]
    done = reply(discord, mod, "remove", {"id": label})
    assert done.ephemeral and done.content.startswith(f"Removed {label}")
    assert read_rows(shared_bot.database_url, "SELECT status FROM fact_submissions WHERE id = $1",
                     (int(label[1:]),)) == [("removed",)]
    assert "already removed" in reply(discord, mod, "remove", {"id": label}).content
    assert "not a submitted fact" in reply(discord, mod, "remove", {"id": "f-r2-budget"}).content
    assert "no submitted fact s999999" in reply(discord, mod, "remove", {"id": "s999999"}).content
    assert f"{label} · removed" in fields(reply(discord, author, "mine"))


def test_contributors_rank_members_by_approved_facts(discord, fan):
    mod, busy, casual = discord.member("mod"), fan("busy"), fan("casual")
    for author in (busy, busy, casual):
        label = label_of(submit(discord, author, fresh_text()))
        click(discord, mod, card_for(discord, mod, label), label="Approve")
    board = reply(discord, fan(), "contributors").embeds[0]["description"].splitlines()
    busy_line = next(i for i, line in enumerate(board) if busy.display_name in line)
    casual_line = next(i for i, line in enumerate(board) if casual.display_name in line)
    assert "2 approved facts" in board[busy_line] and "1 approved fact" in board[casual_line]
    assert busy_line < casual_line
