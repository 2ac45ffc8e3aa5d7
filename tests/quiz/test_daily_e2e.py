"""The daily roadwork through the emulator: one question per server and day, answered privately
once, with the day streak; the daily post with its Answer button and yesterday's recap."""

from __future__ import annotations

import pytest

from tests.quiz.conftest import QUESTIONS, figures, new_club, read_db

pytestmark = pytest.mark.e2e


def prompt_of(message) -> str:
    """The question's prompt: the one line of the description that is all bold."""
    lines = message.embeds[0]["description"].split("\n")
    return next(line.strip("*") for line in lines if line.startswith("**") and
                line.endswith("**"))


def right_button(message):
    answer = QUESTIONS[prompt_of(message)].answer
    return next(b for b in message.buttons() if b["label"] == answer)


def fields(message) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message.embeds[0].get("fields", [])}


@pytest.fixture()
def club(quiz_env):
    return new_club(quiz_env[0])


def test_everyone_gets_the_same_question_answered_once_privately_with_a_streak(club):
    alice_q = club.reply(club.command("alice", "daily"))
    alice_copy = club.reply(club.command("alice", "daily"))  # opened twice, before answering
    bob_q = club.reply(club.command("bob", "daily"))
    assert alice_q.ephemeral and bob_q.ephemeral
    assert alice_q.embeds[0]["description"] == bob_q.embeds[0]["description"]
    assert [b["label"] for b in alice_q.buttons()] == [b["label"] for b in bob_q.buttons()]
    question = QUESTIONS[prompt_of(alice_q)]

    right = right_button(alice_q)
    club.click("alice", alice_q, custom_id=right["custom_id"])
    # The private question turns into the result in place.
    assert alice_q.embeds[0]["description"].startswith("✅ Right!") and not alice_q.buttons()
    result = fields(alice_q)
    assert result["Why"] == question.explanation
    assert result["Day streak"] == "1 day (best 1)"
    assert int(result["Points"]) >= 100

    wrong = next(b for b in bob_q.buttons() if b["custom_id"] != right["custom_id"])
    club.click("bob", bob_q, custom_id=wrong["custom_id"])
    assert bob_q.embeds[0]["description"].startswith("❌ Not this time.")
    assert fields(bob_q)["Day streak"].startswith("0 days") and fields(bob_q)["Points"] == "0"

    again = club.reply(club.command("alice", "daily"))
    assert again.ephemeral and "already did today's roadwork" in again.embeds[0]["description"]
    twice = club.reply(club.click("alice", alice_copy, custom_id=right["custom_id"]))
    assert twice.ephemeral and "already did today's roadwork" in twice.embeds[0]["description"]
    assert club.emu.violations == []


def test_the_daily_post_has_an_answer_button_and_recaps_yesterday(club, quiz_env):
    _, bot = quiz_env
    today_q = club.reply(club.command("alice", "daily"))
    bob_q = club.reply(club.command("bob", "daily"))
    right = right_button(today_q)
    club.click("alice", today_q, custom_id=right["custom_id"])
    wrong = next(b for b in bob_q.buttons() if b["custom_id"] != right["custom_id"])
    club.click("bob", bob_q, custom_id=wrong["custom_id"])

    # Today's post shows today's question; its button opens it privately.
    club.command("mod", "test-daily-post", {"days_ahead": 0}, channel="trivia")
    post = club.wait_for_post(lambda m: bool(m.buttons()), channel="trivia", timeout=5)
    assert not post.ephemeral and prompt_of(post) == prompt_of(today_q)
    [answer_button] = post.buttons()
    assert answer_button["label"] == "Answer"
    carol_q = club.reply(club.click("carol", post, label="Answer"))
    assert carol_q.ephemeral and prompt_of(carol_q) == prompt_of(today_q)
    club.click("carol", carol_q, custom_id=right["custom_id"])
    done = club.reply(club.click("alice", post, label="Answer"))
    assert "already did today's roadwork" in done.embeds[0]["description"]

    # Tomorrow's post: a new question, and today's answer with how many got it right.
    club.command("mod", "test-daily-post", {"days_ahead": 1}, channel="trivia")
    club.run(club.emu.wait_for(lambda: len([m for m in club.bot_posts("trivia")
                                            if m.buttons()]) == 2, 5))
    tomorrow = [m for m in club.bot_posts("trivia") if m.buttons()][-1]
    assert prompt_of(tomorrow) != prompt_of(today_q)
    recap = fields(tomorrow)["Yesterday's answer"]
    assert QUESTIONS[prompt_of(today_q)].answer in recap
    assert "2 of 3 got it right" in recap
    # Clicked today, tomorrow's post still gives today's question, with a note.
    early = club.reply(club.click("bob", tomorrow, label="Answer"))
    assert "already did today's roadwork" in early.embeds[0]["description"]
    assert read_db(bot, "SELECT COUNT(*) FROM quiz_daily_answers WHERE guild_id = $1",
                   (club.guild.id,)) == [(3,)]
    assert club.emu.violations == [] and club.emu.pinging_messages() == []


def test_a_daily_answer_delivered_twice_counts_once(club, quiz_env):
    _, bot = quiz_env
    question = club.reply(club.command("carol", "daily"))
    record = club.click("carol", question, custom_id=right_button(question)["custom_id"])
    club.run(club.emu.redeliver(record))
    bot.wait_for_log(f"interaction {record.id} was already recorded")
    assert read_db(bot, "SELECT COUNT(*), SUM(points) FROM quiz_daily_answers "
                        "WHERE guild_id = $1", (club.guild.id,))[0][0] == 1
    stats = club.reply(club.command("carol", "stats"))
    assert figures(stats)["Answered"] == "1 (1 right)"
    assert club.emu.violations == []
