"""/stats and /leaderboard send picture cards in Components V2 messages, with avatars the
bot fetched from the (emulated) CDN."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.emulator.model import Message
from tests.quiz.conftest import board_rows, figures, new_club
from tests.quiz.test_daily_e2e import right_button

pytestmark = pytest.mark.e2e


@pytest.fixture()
def club(quiz_env):  # type: ignore[no-untyped-def]
    return new_club(quiz_env[0])


def answer_daily(club, who: str) -> None:  # type: ignore[no-untyped-def]
    question = club.reply(club.command(who, "daily"))
    club.click(who, question, custom_id=right_button(question)["custom_id"])


def card(message: Message, name: str) -> Image.Image:
    assert message.flags & Message.COMPONENTS_V2
    assert not message.content and not message.embeds
    return Image.open(io.BytesIO(message.files[name]))


def test_stats_shows_the_member_card_with_the_avatar_from_the_cdn(club) -> None:  # type: ignore[no-untyped-def]
    answer_daily(club, "alice")
    stats = club.reply(club.command("alice", "stats"))
    assert stats.ephemeral and figures(stats)["Answered"] == "1 (1 right)"
    picture = card(stats, "stats.png")
    assert picture.format == "PNG" and picture.size == (934, 282)
    alice = club.members["alice"].user
    assert f"/avatars/{alice.id}/{alice.avatar}.png" in club.emu.cdn.served
    assert club.emu.violations == []


def test_a_missing_avatar_still_gives_a_card(club, quiz_env) -> None:  # type: ignore[no-untyped-def]
    _, bot = quiz_env
    bob = club.members["bob"].user
    club.emu.cdn.missing_avatars.add(bob.id)
    answer_daily(club, "bob")
    stats = club.reply(club.command("bob", "stats"))
    assert card(stats, "stats.png").size == (934, 282)
    bot.wait_for_log(f"/avatars/{bob.id}/{bob.avatar}.png?size=256 not fetched (HTTP 404)")
    assert club.emu.violations == []


def test_leaderboard_shows_the_board_card_and_turns_into_a_new_one(club) -> None:  # type: ignore[no-untyped-def]
    for who in ("alice", "carol"):
        answer_daily(club, who)
    board = club.reply(club.command("carol", "leaderboard"))
    assert [row.split(":")[0] for row in board_rows(board)] == ["#1 alice", "#2 carol"] or \
        [row.split(":")[0] for row in board_rows(board)] == ["#1 carol", "#2 alice"]
    picture = card(board, "leaderboard.png")
    assert picture.width == 934 and picture.height > 200
    assert club.emu.violations == []
