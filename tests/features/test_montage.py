"""/montage show and /montage playlist through the emulator."""

from __future__ import annotations

import re

import pytest

from bot.content import load_content
from bot.emulator.model import Message

pytestmark = pytest.mark.e2e
SONGS = load_content().songs_in_film_order()


def _song_of(message: Message) -> int:
    """The catalogue index of the song a /montage show layout shows (from its "Song N of M"
    line, checked by its title)."""
    assert message.flags & Message.COMPONENTS_V2 and not message.embeds
    text = message.text()
    number = re.search(r"^-# Song (\d+) of (\d+), films in release order$", text, re.M)
    assert number and int(number[2]) == len(SONGS), text
    assert SONGS[int(number[1]) - 1].title == _title(message)
    return int(number[1]) - 1


def _title(message: Message) -> str:
    found = re.search(r"^### (.+)$", message.text(), re.M)
    assert found, message.text()
    return found[1]


def _kind(message: Message) -> str:
    """The line above the title: "Training montage — <films>" or "Signature song — <films>"."""
    first = next(c for c in message.all_components() if c.get("type") == 10)
    return first["content"].split("\n")[0].removeprefix("-# ")


def _details(message: Message) -> dict[str, str]:
    """The song's `**Name:** value` lines, by name (the scene and the details)."""
    return dict(re.findall(r"^\*\*([^*]+):\*\* (.*)$", message.text(), re.M))


def _show(discord, member, film=None):  # type: ignore[no-untyped-def]
    options = {"film": film} if film else {}
    record = discord.call(discord.emu.command(member, "montage", options, sub="show"))
    return record, discord.emu.message(record.original_message_id)


def test_show_a_film_gives_its_montage_song_with_every_detail(discord):
    record, message = _show(discord, discord.member("alice"), "Rocky III")
    assert record.answered and not message.ephemeral
    song = SONGS[_song_of(message)]
    assert song.montage and "Rocky III" in song.films
    assert song is next(s for s in SONGS if s.montage and "Rocky III" in s.films)
    fields = _details(message)
    assert fields["Performer"] == song.performer
    assert fields["Written by"] == ", ".join(song.writers)
    assert fields["Year"] == str(song.year)
    assert fields["Scene"] == song.scene
    assert song.youtube_url in fields["Listen"] and song.spotify_url in fields["Listen"]
    assert song.source in fields["Source"]
    assert _kind(message).startswith("Training montage")
    assert discord.emu.violations == []


def test_chart_peak_and_official_page_show_when_the_pack_has_them(discord):
    charted = next(s for s in SONGS if s.chart_peak)
    _, message = _show(discord, discord.member("bob"), charted.films[0])
    # Walk to the charted song with Next, as a member would.
    while SONGS[_song_of(message)] is not charted:
        discord.call(discord.emu.click(discord.member("bob"), message, label="Next"))
    fields = _details(message)
    assert fields["Chart peak"] == charted.chart_peak
    assert ("Official page" in fields["Listen"]) == bool(charted.official_url)


def test_next_and_previous_browse_the_catalogue_in_film_order_on_one_message(discord):
    alice = discord.member("alice")
    _, message = _show(discord, alice)
    assert _song_of(message) == 0
    assert [b["disabled"] for b in message.buttons()] == [True, False]  # no Previous at the start
    seen = [0]
    for _ in range(len(SONGS) - 1):
        click = discord.call(discord.emu.click(alice, message, label="Next"))
        assert click.original_message_id == message.id  # the same message, edited
        seen.append(_song_of(message))
    assert seen == list(range(len(SONGS)))
    assert [b["disabled"] for b in message.buttons()] == [False, True]  # no Next at the end
    discord.call(discord.emu.click(alice, message, label="Previous"))
    assert _song_of(message) == len(SONGS) - 2
    assert message.edits == len(SONGS)
    assert discord.emu.violations == []


def test_another_member_browses_a_private_copy_and_leaves_the_message_alone(discord):
    _, message = _show(discord, discord.member("alice"), "Creed")
    before = _song_of(message)
    click = discord.call(discord.emu.click(discord.member("carol"), message, label="Next"))
    copy = discord.emu.message(click.original_message_id)
    assert copy.id != message.id and copy.ephemeral and copy.visible_to(
        discord.member("carol").user.id)
    assert _song_of(copy) == before + 1 and _song_of(message) == before
    # The copy's buttons now belong to carol: her next click edits the copy.
    again = discord.call(discord.emu.click(discord.member("carol"), copy, label="Next"))
    assert again.original_message_id == copy.id and _song_of(copy) == before + 2


def test_a_film_without_a_montage_song_says_so_and_shows_its_signature_song(discord):
    _, message = _show(discord, discord.member("alice"), "Rocky V")
    song = SONGS[_song_of(message)]
    assert "Rocky V" in song.films and not song.montage
    assert "no training-montage song" in message.text()
    assert _kind(message).startswith("Signature song")


def test_film_autocomplete_and_the_value_checked_again(discord):
    alice = discord.member("alice")
    choices = discord.call(discord.emu.autocomplete(alice, "montage", "film", {"film": "rocky i"},
                                                    sub="show"))
    assert [c["value"] for c in choices] == ["Rocky II", "Rocky III", "Rocky IV"]
    _, message = _show(discord, alice, "Rocky VII")
    assert message.ephemeral and "not one of the nine films" in message.content


def test_playlist_pages_through_every_song_in_film_order(discord):
    bob = discord.member("bob")
    record = discord.call(discord.emu.command(bob, "montage", sub="playlist"))
    message = discord.emu.message(record.original_message_id)
    titles = []
    while True:
        [embed] = message.embeds
        titles += [line.split(". ", 1)[1].split("**")[0]
                   for line in embed["description"].split("\n") if line.startswith("**")]
        next_button = next(b for b in message.buttons() if b["label"] == "Next")
        if next_button["disabled"]:
            break
        discord.call(discord.emu.click(bob, message, label="Next"))
    assert titles == [s.title for s in SONGS]
    assert embed["footer"]["text"].startswith(f"Page {message.edits + 1} of ")
    discord.call(discord.emu.click(bob, message, label="Previous"))
    assert message.embeds[0]["footer"]["text"].startswith(f"Page {message.edits - 1} of ")
    assert discord.emu.violations == []


def test_browse_buttons_still_work_after_a_restart(fresh_discord, make_bot):
    bot = make_bot()
    bot.start()
    alice = fresh_discord.member("alice")
    record = fresh_discord.call(fresh_discord.emu.command(alice, "montage", sub="show"))
    message = fresh_discord.emu.message(record.original_message_id)
    assert bot.stop() == 0
    bot.start()
    fresh_discord.call(fresh_discord.emu.click(alice, message, label="Next"))
    assert _song_of(message) == 1 and _title(message) == SONGS[1].title
    assert fresh_discord.emu.violations == []
    bot.stop()
