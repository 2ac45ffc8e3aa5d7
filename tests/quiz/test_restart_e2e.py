"""Restarts in the middle of a game: the game resumes where it was, answers and scores kept,
the channel told; a game whose channel vanished meanwhile is closed with its scores kept."""

from __future__ import annotations

import pytest

from tests.quiz.conftest import (
    QUIZ_ENV,
    Club,
    figures,
    game_id_of,
    read_db,
    reveal_field,
    right_and_wrong,
)

pytestmark = pytest.mark.e2e


def test_a_game_resumes_after_a_clean_restart_and_after_a_kill(fresh_discord, make_bot):
    bot = make_bot(**QUIZ_ENV)
    bot.start()
    club = Club(fresh_discord, fresh_discord.world.guild, fresh_discord.world.members)
    club.command("alice", "quiz", {"questions": 3, "seconds": 20}, sub="start")  # 4 s each
    q1 = club.question(1)
    club.click("alice", q1, custom_id=right_and_wrong(q1)[0]["custom_id"])
    club.wait_revealed(q1)
    q2 = club.question(2)
    locked = club.reply(club.click("alice", q2, custom_id=right_and_wrong(q2)[0]["custom_id"]))
    assert locked.content.startswith("Locked in")

    # A clean restart (SIGTERM) with question 2 open.
    assert bot.stop() == 0
    bot = make_bot(**QUIZ_ENV)
    bot.start()
    back = club.wait_for_post(lambda m: "I'm back after a restart" in m.content)
    assert "from question 2 of 3" in back.content
    club.wait_revealed(q2)
    got_it = reveal_field(q2, "Got it right")
    assert got_it["name"] == "Got it right: 1 of 1" and got_it["value"].startswith("alice:")
    q3 = club.question(3)
    club.click("bob", q3, custom_id=right_and_wrong(q3)[0]["custom_id"])  # after the restart

    # Another game, in a channel that will be deleted while the bot is down.
    club.command("carol", "quiz", {"questions": 2, "seconds": 60}, sub="start",
                 channel="trivia")
    t1 = club.question(1, channel="trivia")
    club.click("carol", t1, custom_id=right_and_wrong(t1)[0]["custom_id"])

    # No shutdown at all this time (SIGKILL): what was committed is all there is.
    bot.kill()
    club.run(club.emu.delete_channel(club.channel("trivia")))
    bot = make_bot(**QUIZ_ENV)
    bot.start()
    club.run(club.emu.wait_for(lambda: sum("I'm back" in m.content for m in club.bot_posts())
                               == 2, 10))
    club.wait_revealed(q3)
    standings = club.standings()
    lines = standings.embeds[0]["description"].splitlines()
    assert "alice" in lines[0] and "(2 of 2 right)" in lines[0]
    assert "bob" in lines[1] and "(1 of 1 right)" in lines[1]
    assert standings.embeds[0]["footer"]["text"].endswith("every question asked.")
    ended = club.reply(club.click("alice", q1, custom_id=q1.buttons()[0]["custom_id"]))
    assert "This game has ended" in ended.content

    # Recovery closed the other game at start-up, seconds before these standings.
    assert read_db(bot, "SELECT status FROM quiz_games WHERE game_id = $1",
                   (game_id_of(t1),)) == [("abandoned",)]
    stats = club.reply(club.command("carol", "stats"))
    values = figures(stats)
    assert values["Answered"] == "1 (1 right)"  # her answer was scored, not lost
    assert club.emu.violations == [] and club.emu.rate_limited == []
