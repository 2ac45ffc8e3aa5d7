"""200 members clicking the same question at the same moment (and again), then the board."""

from __future__ import annotations

import asyncio
import re
import time

import pytest

from tests.quiz.conftest import (
    board_footer,
    board_rows,
    game_id_of,
    new_club,
    read_db,
    reveal_field,
    right_and_wrong,
    title,
)

pytestmark = pytest.mark.e2e
CROWD = 200


def test_200_members_clicking_at_once_each_get_one_answer_and_a_response(quiz_env):
    discord, bot = quiz_env
    names = tuple(f"fan{i:03}" for i in range(CROWD))
    club = new_club(discord, members=names)
    club.command("fan000", "quiz", {"questions": 1, "seconds": 60}, sub="start")
    q1 = club.question(1)
    right, wrong = right_and_wrong(q1)
    buttons = [right, *wrong]
    emu = club.emu
    crowd = [club.members[n] for n in names]

    async def everyone_clicks(offset: int) -> list:
        return await asyncio.gather(*(
            emu.click(member, q1, custom_id=buttons[(i + offset) % 4]["custom_id"])
            for i, member in enumerate(crowd)))

    started = time.monotonic()
    first = club.run(everyone_clicks(0))
    took = time.monotonic() - started
    second = club.run(everyone_clicks(1))  # and everyone clicks again, another answer

    for record in first + second:
        assert record.answered and not record.rejected, record
        assert record.responded_after < 3.0
    first_replies = [club.reply(r) for r in first]
    assert all(m.ephemeral and m.content.startswith("Locked in") for m in first_replies)
    assert all("already answered" in club.reply(r).content for r in second)

    game = game_id_of(q1)
    rows = read_db(bot, "SELECT user_id, option FROM quiz_answers WHERE game_id = $1", (game,))
    # Exactly one row each, holding the option of the member's first click.
    expected = {m.user.id: int(buttons[i % 4]["custom_id"][-1]) for i, m in enumerate(crowd)}
    assert len(rows) == CROWD and dict(rows) == expected

    club.command("fan000", "quiz", sub="stop")
    club.wait_revealed(q1, timeout=10)
    got_it = reveal_field(q1, "Got it right")
    assert got_it["name"] == f"Got it right: {CROWD // 4} of {CROWD}"
    assert len(got_it["value"]) <= 1024 and re.search(r"…and \d+ more$", got_it["value"])
    club.wait_for_post(lambda m: "Final bell" in title(m), timeout=10)
    assert emu.violations == [] and emu.rate_limited == []
    print(f"\n200 simultaneous clicks answered in {took:.2f} s; slowest "
          f"{max(r.responded_after for r in first):.2f} s")

    # The board: 200 ranked, ten a page; the member who asked turns the public message.
    board = club.reply(club.command("fan007", "leaderboard"))
    assert board_footer(board).startswith(f"Page 1 of 20 · {CROWD} ranked")
    assert len(board_rows(board)) == 10
    previous, following = board.buttons()
    assert previous["disabled"] and not following["disabled"]
    club.click("fan007", board, label="Next")
    assert board_footer(board).startswith("Page 2 of 20")
    assert board_rows(board)[0].startswith("#11 ")
    # Someone else gets a private copy of the page they asked for, and turns its pages.
    copy = club.reply(club.click("fan008", board, label="Next"))
    assert copy.ephemeral and board_footer(copy).startswith("Page 3 of 20")
    assert board_footer(board).startswith("Page 2 of 20")
    club.click("fan008", copy, label="Next")
    assert board_footer(copy).startswith("Page 4 of 20")
    assert board_footer(board).startswith("Page 2 of 20")
    club.click("fan007", board, label="Previous")
    assert board_footer(board).startswith("Page 1 of 20")
    for options in ({"sort": "accuracy"}, {"sort": "streak", "period": "week"},
                    {"scope": "global", "period": "month"}):
        other = club.reply(club.command("fan007", "leaderboard", options))
        assert "Leaderboard" in other.text() and not other.ephemeral
    assert emu.violations == []
