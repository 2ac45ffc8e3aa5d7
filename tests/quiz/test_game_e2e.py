"""Quiz games through the emulator and the real bot: a full game, stopping, the answer count,
the server's enabled films, and an interaction delivered twice."""

from __future__ import annotations

import re

import pytest

from bot.domain.scoring import BASE_POINTS, MAX_SPEED_BONUS
from tests.quiz.conftest import (
    QUESTIONS,
    board_rows,
    figures,
    game_id_of,
    new_club,
    question_of,
    read_db,
    reveal_field,
    right_and_wrong,
    title,
    write_db,
)

pytestmark = pytest.mark.e2e


@pytest.fixture()
def club(quiz_env):
    return new_club(quiz_env[0])


def test_a_full_game_right_wrong_double_click_late_reveal_standings_and_stats(club):
    start = club.command("alice", "quiz", {"questions": 5, "seconds": 10}, sub="start")
    intro = club.reply(start)
    assert not intro.ephemeral and "alice started a 5-question quiz" in intro.content

    q1 = club.question(1)
    right, wrong = right_and_wrong(q1)
    assert len(q1.buttons()) == 4 and re.search(r"<t:\d+:R>", q1.text())
    locked = club.reply(club.click("alice", q1, custom_id=right["custom_id"]))
    assert locked.ephemeral and locked.content.startswith("Locked in")
    club.click("bob", q1, custom_id=wrong[0]["custom_id"])
    club.click("carol", q1, custom_id=right["custom_id"])
    double = club.reply(club.click("carol", q1, custom_id=wrong[1]["custom_id"]))
    assert double.ephemeral and "already answered" in double.content

    club.wait_revealed(q1)
    revealed = {b["label"]: b for b in q1.buttons()}
    assert all(b["disabled"] for b in revealed.values())
    assert revealed[right["label"]]["style"] == 3  # the right answer turns green
    question = question_of(q1)
    got_it = reveal_field(q1, "Got it right")
    assert got_it["name"] == "Got it right: 2 of 3"
    names = re.findall(r"^(\w+): \d+\.\d s \(\+(\d+)\)$", got_it["value"], re.M)
    assert [n for n, _ in names] == ["alice", "carol"]  # fastest first; bob was wrong
    points = {n: int(p) for n, p in names}
    base = BASE_POINTS[question.difficulty]
    assert all(base <= p <= base + MAX_SPEED_BONUS for p in points.values())
    assert points["alice"] >= points["carol"]
    assert reveal_field(q1, "Why")["value"] == question.explanation
    assert question.source in reveal_field(q1, "Source")["value"]

    # Late: the member's client still shows the buttons, but the bell has rung.
    late = club.reply(club.click("mod", q1, custom_id=right["custom_id"]))
    assert late.ephemeral and "Time's up" in late.content

    # Nobody answers questions 2 and 3: the game ends by itself, with no question 4.
    club.question(2)
    club.wait_revealed(club.question(3))
    standings = club.standings()
    assert "ended by itself" in standings.embeds[0]["footer"]["text"]
    assert not [m for m in club.bot_posts() if title(m).startswith("Question 4")]
    lines = standings.embeds[0]["description"].splitlines()
    assert lines[0] == f"🥇 alice: **{points['alice']}** points (1 of 1 right)"
    assert f"carol: **{points['carol']}** points (1 of 1 right)" in lines[1]
    assert "bob: **0** points (0 of 1 right)" in lines[2]

    ended = club.reply(club.click("bob", q1, custom_id=right["custom_id"]))
    assert ended.ephemeral and "This game has ended" in ended.content

    stats = club.reply(club.command("carol", "stats", {"member": club.members["alice"]}))
    assert stats.ephemeral
    by_name = figures(stats)
    assert by_name["Answered"] == "1 (1 right)" and by_name["Accuracy"] == "100%"
    assert by_name["Points"].startswith(f"{points['alice']} all time")
    assert by_name["Answer streak"] == "1 now, best 1"
    assert by_name["Favourite film"] in question.films
    assert "Meat-Locker Rookie" in stats.text()

    # bob leaves the server: the board still lists him, under the name last seen.
    club.discord.thread.do(lambda: club.guild.members.pop(club.members["bob"].user.id))
    board = club.reply(club.command("carol", "leaderboard"))
    rows = board_rows(board)
    assert [re.search(r" (\w+): ", r)[1] for r in rows] == ["alice", "carol", "bob"]
    assert club.emu.violations == [] and club.emu.rate_limited == []
    assert club.emu.pinging_messages() == []


def test_only_the_starter_or_a_moderator_stops_a_game_and_one_game_per_channel(club):
    club.command("alice", "quiz", {"questions": 3, "seconds": 60}, sub="start")
    q1 = club.question(1)
    right, _ = right_and_wrong(q1)
    club.click("carol", q1, custom_id=right["custom_id"])

    second = club.reply(club.command("bob", "quiz", sub="start"))
    assert second.ephemeral and "already running in this channel" in second.content
    refused = club.reply(club.command("bob", "quiz", sub="stop"))
    assert refused.ephemeral and "Only the member who started" in refused.content
    elsewhere = club.reply(club.command("bob", "quiz", sub="stop", channel="trivia"))
    assert "No quiz is running" in elsewhere.content

    stopped = club.reply(club.command("mod", "quiz", sub="stop"))
    assert stopped.ephemeral and "Stopping" in stopped.content
    club.wait_revealed(q1, timeout=5)  # the open question is revealed at once, scores kept
    assert reveal_field(q1, "Got it right")["name"] == "Got it right: 1 of 1"
    standings = club.standings(timeout=5)
    assert standings.embeds[0]["footer"]["text"] == "Stopped by mod."
    assert "carol" in standings.embeds[0]["description"]
    ended = club.reply(club.click("alice", q1, custom_id=right["custom_id"]))
    assert "This game has ended" in ended.content

    # The channel is free again; the starter may stop their own game.
    club.command("bob", "quiz", {"questions": 1, "seconds": 60}, sub="start")
    club.question(1)
    assert "Stopping" in club.reply(club.command("bob", "quiz", sub="stop")).content
    club.run(club.emu.wait_for(lambda: len([m for m in club.bot_posts()
                                            if "Final bell" in title(m)]) == 2, 5))
    assert club.emu.violations == []


def test_the_answer_count_is_edited_in_batches_within_the_rate_limit(club, quiz_env):
    # 40 s at scale 0.2: 8 s, so two count edits (at 2.5 s and 5 s) and the reveal.
    club.command("alice", "quiz", {"questions": 1, "seconds": 40}, sub="start")
    q1 = club.question(1)
    right, wrong = right_and_wrong(q1)
    club.click("alice", q1, custom_id=right["custom_id"])
    club.run(club.emu.wait_for(lambda: "1 answer so far" in q1.text(), 5))
    club.click("bob", q1, custom_id=wrong[0]["custom_id"])
    club.click("carol", q1, custom_id=right["custom_id"])
    club.click("mod", q1, custom_id=right["custom_id"])
    club.run(club.emu.wait_for(lambda: "4 answers so far" in q1.text(), 5))
    club.wait_revealed(q1)
    club.standings()

    path = f"/api/v10/channels/{q1.channel_id}/messages/{q1.id}"
    edits = [r.at for r in club.emu.requests if r.path == path and r.method == "PATCH"]
    assert len(edits) == 3 == q1.edits  # two counts and the reveal: not one edit per click
    assert edits[1] - edits[0] >= 2.4  # at most one count edit every couple of seconds
    assert club.emu.rate_limited == [] and club.emu.violations == []


def test_questions_come_only_from_the_films_the_server_enabled(club, quiz_env):
    _, bot = quiz_env
    write_db(bot, "INSERT INTO guilds (guild_id, name, joined_at) VALUES ($1, 'club', 'now') "
             "ON CONFLICT (guild_id) DO NOTHING", (club.guild.id,))  # the films' foreign key
    for film in ("Rocky II", "Rocky III", "Rocky IV", "Rocky V", "Rocky Balboa", "Creed",
                 "Creed II", "Creed III"):
        write_db(bot, "INSERT INTO guild_disabled_films (guild_id, film) VALUES ($1, $2)",
                 (club.guild.id, film))
    choices = club.run(club.emu.autocomplete(club.members["alice"], "quiz", "film",
                                             {"film": ""}, sub="start",
                                             channel=club.channel()))
    assert [c["value"] for c in choices] == ["Rocky", "Franchise"]
    refused = club.reply(club.command("alice", "quiz", {"film": "Creed"}, sub="start"))
    assert refused.ephemeral and "switched off on this server" in refused.content
    unknown = club.reply(club.command("alice", "quiz", {"film": "Rocky VII"}, sub="start"))
    assert "not one of the films" in unknown.content

    club.command("alice", "quiz", {"questions": 2, "seconds": 10}, sub="start")
    asked = [question_of(club.question(n)) for n in (1, 2)]
    club.standings()  # two unanswered questions end the game
    for question in asked:
        assert set(question.films) <= {"Rocky", "Franchise"}, question.id
    assert asked[0].id != asked[1].id
    daily = club.reply(club.command("bob", "daily"))
    prompt = daily.embeds[0]["description"].split("\n")[0].strip("*")
    assert set(QUESTIONS[prompt].films) <= {"Rocky", "Franchise"}


def test_an_answer_delivered_twice_is_recorded_and_answered_once(club, quiz_env):
    _, bot = quiz_env
    club.command("alice", "quiz", {"questions": 1, "seconds": 60}, sub="start")
    q1 = club.question(1)
    right, _ = right_and_wrong(q1)
    record = club.click("bob", q1, custom_id=right["custom_id"])
    assert club.reply(record).content.startswith("Locked in")

    club.run(club.emu.redeliver(record))
    bot.wait_for_log(f"interaction {record.id} was already recorded")

    callbacks = [r for r in club.emu.requests if r.route == "interaction_callback"
                 and r.path.split("/")[4] == str(record.id)]
    assert len(callbacks) == 1 and not record.rejected
    game = game_id_of(q1)
    assert read_db(bot, "SELECT user_id, interaction_id FROM quiz_answers WHERE game_id = $1",
                   (game,)) == [(club.members["bob"].user.id, record.id)]
    club.command("alice", "quiz", sub="stop")
    club.standings(timeout=5)
    assert read_db(bot, "SELECT points > 0 FROM quiz_answers WHERE game_id = $1", (game,)) == [
        (1,)]
    assert club.emu.violations == []
