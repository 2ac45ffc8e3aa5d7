"""/config through the real bot and the emulator, in a server of its own (see conftest.py)."""

from __future__ import annotations

import re

import pytest

from bot.domain.films import FILMS
from bot.emulator import payloads
from bot.emulator.permissions import EMBED_LINKS, MANAGE_GUILD
from bot.emulator.records import EmulatorError

pytestmark = pytest.mark.e2e

REFUSAL = "You need the Manage Server permission"


def _examples(gym):  # type: ignore[no-untyped-def]
    """One valid invocation of every /config subcommand."""
    return {
        "show": {},
        "channel": {"post": "quote", "channel": gym.channel("daily")},
        "daily": {"post": "quote", "enabled": False},
        "daily-time": {"time": "07:45"},
        "timezone": {"timezone": "Europe/Rome"},
        "ping-role": {"role": gym.roles["fans"]},
        "quiz": {"questions": 7},
        "moderator-role": {"role": gym.roles["coaches"]},
        "review-channel": {"channel": gym.channel("reviews")},
        "belt-role": {},
        "films": {},
        "web-leaderboard": {"enabled": True},
        "leaderboard-reset": {},
        "reset": {},
    }


def _subcommands(discord) -> set[str]:  # type: ignore[no-untyped-def]
    command = discord.emu.find_command("config", None)
    return {o["name"] for o in command["options"] if o["type"] == 1}


def test_config_is_a_server_only_group_offered_to_manage_server_by_default(gym):
    command = gym.discord.emu.find_command("config", None)
    assert int(command["default_member_permissions"]) == MANAGE_GUILD
    assert command.get("contexts") == [0] or command.get("dm_permission") is False
    with pytest.raises(EmulatorError, match="not offered"):
        gym.run("rookie", "show")
    with pytest.raises(EmulatorError, match="not offered"):
        gym.run("coach", "show")  # Manage Messages is not enough


def test_every_subcommand_is_refused_for_members_even_when_the_client_is_bypassed(gym):
    examples = _examples(gym)
    assert set(examples) == _subcommands(gym.discord), "a subcommand without an example here"
    before = gym.show()
    for sub, options in examples.items():
        for who in ("rookie", "coach"):
            message = gym.reply(who, sub, options, bypass=True)
            assert message.ephemeral, sub
            assert REFUSAL in message.content, (sub, who, message.content)
            assert not message.components, sub  # no confirmation button or menu offered
    assert gym.show() == before  # nothing changed
    assert gym.discord.emu.violations == []


def test_manage_server_without_administrator_is_enough(gym):
    message = gym.reply("manager", "show")
    assert message.ephemeral and message.embeds[0]["title"] == "Settings for Config Gym"


def test_show_lists_every_setting(gym):
    fields = gym.show()
    assert set(fields) == {"Daily posts", "Daily fact", "Daily quote", "Daily question",
                           "Moderation", "Quiz defaults", "Title belt",
                           "Films on (spoiler gating)", "Web leaderboard"}
    assert fields["Title belt"] == "none: choose a role with /config belt-role"
    assert "3 hours" in fields["Daily posts"]  # the catch-up window is stated


def test_a_daily_post_gets_a_channel_and_is_switched_on_and_off(gym):
    daily = gym.channel("daily")
    message = gym.reply("boss", "channel", {"post": "question", "channel": daily})
    assert message.ephemeral
    assert f"<#{daily.id}>" in message.content and "It is off" in message.content
    assert f"off (<#{daily.id}>)" in gym.show()["Daily question"]

    message = gym.reply("boss", "daily", {"post": "question", "enabled": True})
    assert message.ephemeral and "Daily question is on" in message.content
    assert gym.show()["Daily question"].startswith(f"**on** in <#{daily.id}>")

    message = gym.reply("boss", "daily", {"post": "question", "enabled": False})
    assert message.content == "Daily question is off."
    assert gym.show()["Daily question"].startswith("off")


def test_a_daily_post_cannot_be_switched_on_without_a_channel(gym):
    message = gym.reply("boss", "daily", {"post": "fact", "enabled": True})
    assert message.ephemeral and "Choose its channel first" in message.content
    assert gym.show()["Daily fact"].startswith("off")


@pytest.mark.parametrize(("sub", "option"), [("channel", "channel"),
                                             ("review-channel", "channel")])
def test_a_channel_the_bot_cannot_post_in_is_explained_and_not_saved(gym, sub, option):
    before = gym.show()
    options = {"post": "fact"} if sub == "channel" else {}
    locked = gym.reply("boss", sub, {**options, option: gym.channel("locked")})
    assert locked.ephemeral
    assert "missing Send Messages and Embed Links" in locked.content, locked.content
    hidden = gym.reply("boss", sub, {**options, option: gym.channel("hidden")})
    assert "missing View Channel" in hidden.content, hidden.content
    assert gym.show() == before


def test_turning_on_a_post_rechecks_its_channel(gym):
    discord = gym.discord
    spare = discord.thread.do(lambda: discord.emu.add_channel(gym.guild, "spare"))
    discord.call(discord.emu.gateway.dispatch("CHANNEL_CREATE", payloads.channel(spare)))
    gym.reply("boss", "channel", {"post": "fact", "channel": spare})
    # An admin takes Embed Links away from the bot there after the channel was chosen.
    discord.call(discord.emu.set_bot_permissions(gym.guild, spare, deny=EMBED_LINKS))
    message = gym.reply("boss", "daily", {"post": "fact", "enabled": True})
    assert "missing Embed Links" in message.content
    assert "(⚠ I'm missing Embed Links there)" in gym.show()["Daily fact"]
    assert gym.show()["Daily fact"].startswith("off")


def test_daily_time_takes_hh_mm_and_refuses_anything_else(gym):
    message = gym.reply("boss", "daily-time", {"time": "6:30"})
    assert message.ephemeral and message.content.startswith("Daily posts go out at 06:30")
    assert "at **06:30**" in gym.show()["Daily posts"]
    refused = gym.reply("boss", "daily-time", {"time": "25:00"})
    assert "HH:MM" in refused.content
    assert "at **06:30**" in gym.show()["Daily posts"]


def test_timezone_autocomplete_suggests_iana_names_and_the_value_is_checked_again(gym):
    discord = gym.discord

    def suggest(typed: str) -> list[str]:
        choices = discord.call(discord.emu.autocomplete(
            gym.members["boss"], "config", "timezone", {"timezone": typed}, sub="timezone",
            channel=gym.channel("lobby")))
        return [c["value"] for c in choices]

    assert "Europe/Berlin" in suggest("berlin")
    assert suggest("america/new")[0] == "America/New_York"
    assert len(suggest("a")) == 25
    assert "UTC" in suggest("")
    refused = gym.reply("boss", "timezone", {"timezone": "Mars/Olympus_Mons"})
    assert refused.ephemeral and "not a timezone I know" in refused.content
    saved = gym.reply("boss", "timezone", {"timezone": "america/new_york"})
    assert "Timezone set to America/New_York" in saved.content
    assert "(America/New_York)" in gym.show()["Daily posts"]
    assert discord.emu.violations == []


def test_ping_role_is_set_checked_and_cleared_without_pinging_anyone(gym):
    fans, quiet = gym.roles["fans"], gym.roles["quiet"]
    message = gym.reply("boss", "ping-role", {"role": fans})
    assert message.content == f"Daily posts ping <@&{fans.id}>."
    assert message.pings == ()
    assert f"ping role: <@&{fans.id}>" in gym.show()["Daily posts"]
    warned = gym.reply("boss", "ping-role", {"role": quiet})
    assert "not mentionable" in warned.content
    everyone = gym.reply("boss", "ping-role", {"role": gym.guild.roles[gym.guild.id]})
    assert "not @everyone" in everyone.content
    cleared = gym.reply("boss", "ping-role")
    assert cleared.content == "Daily posts ping nobody."
    assert "ping role: none" in gym.show()["Daily posts"]


def test_quiz_defaults_are_set_within_their_ranges(gym):
    message = gym.reply("boss", "quiz", {"questions": 12, "seconds": 45})
    assert "12 questions, 45 seconds each" in message.content
    assert gym.show()["Quiz defaults"] == "12 questions, 45 s each"
    seconds_only = gym.reply("boss", "quiz", {"seconds": 10})
    assert "12 questions, 10 seconds each" in seconds_only.content
    # The client enforces 1-20 and 10-60; a request that skips it is refused by the bot.
    for options in ({"questions": 21}, {"questions": 0}, {"seconds": 61}, {"seconds": 9}):
        refused = gym.reply("boss", "quiz", options)
        assert refused.ephemeral and "must be from" in refused.content, options
    nothing = gym.reply("boss", "quiz")
    assert "Give `questions`, `seconds` or both" in nothing.content
    assert gym.show()["Quiz defaults"] == "12 questions, 10 s each"


def test_moderator_role_and_review_channel_are_set_and_cleared(gym):
    coaches, reviews = gym.roles["coaches"], gym.channel("reviews")
    assert f"<@&{coaches.id}>" in gym.reply("boss", "moderator-role", {"role": coaches}).content
    assert "Submissions are reviewed in" in gym.reply(
        "boss", "review-channel", {"channel": reviews}).content
    moderation = gym.show()["Moderation"]
    assert f"moderator role: <@&{coaches.id}>" in moderation
    assert f"review channel: <#{reviews.id}>" in moderation
    gym.reply("boss", "moderator-role")
    gym.reply("boss", "review-channel")
    moderation = gym.show()["Moderation"]
    assert "moderator role: none" in moderation and "review channel: no channel set" in moderation


def test_films_menu_sets_spoiler_gating_and_keeps_at_least_one_film(gym):
    discord = gym.discord
    menu = gym.reply("boss", "films")
    assert menu.ephemeral
    [select] = menu.selects()
    assert [o["value"] for o in select["options"]] == list(FILMS)
    assert select["min_values"] == 1
    record = discord.call(discord.emu.select(gym.members["boss"], menu, ["Rocky", "Creed"]))
    edited = discord.emu.message(record.original_message_id)
    assert edited.content.startswith("Films on: Rocky, Creed.")
    assert gym.show()["Films on (spoiler gating)"] == "Rocky, Creed"

    # An empty choice (the client forbids it; a request may not) is refused by the bot.
    menu = gym.reply("boss", "films")
    ticked = [o["value"] for o in menu.selects()[0]["options"] if o.get("default")]
    assert ticked == ["Rocky", "Creed"]  # the menu opens with the current choice
    record = discord.call(discord.emu.select(gym.members["boss"], menu, []))
    refusal = discord.emu.message(record.original_message_id)
    assert refusal.ephemeral and "at least one film" in refusal.content
    assert gym.show()["Films on (spoiler gating)"] == "Rocky, Creed"

    discord.call(discord.emu.select(gym.members["boss"], gym.reply("boss", "films"), list(FILMS)))
    assert gym.show()["Films on (spoiler gating)"] == "all nine"


def test_reset_asks_first_and_puts_every_setting_back(gym):
    discord = gym.discord
    gym.reply("boss", "daily-time", {"time": "21:15"})
    gym.reply("boss", "quiz", {"questions": 3})
    question = gym.reply("boss", "reset")
    assert question.ephemeral and "Go ahead?" in question.content
    cancel = discord.call(discord.emu.click(gym.members["boss"], question, label="Cancel"))
    assert discord.emu.message(cancel.original_message_id).content.startswith("Cancelled")
    assert "at **21:15**" in gym.show()["Daily posts"]

    question = gym.reply("boss", "reset")
    done = discord.call(discord.emu.click(gym.members["boss"], question,
                                          label="Reset the settings"))
    confirmation = discord.emu.message(done.original_message_id)
    assert confirmation.content.startswith("Every setting is back to its default")
    assert confirmation.components == []
    fields = gym.show()
    assert "at **09:00** (UTC)" in fields["Daily posts"]
    assert fields["Quiz defaults"] == "5 questions, 20 s each"
    assert fields["Films on (spoiler gating)"] == "all nine"
    assert all(fields[f"Daily {k}"].startswith("off") for k in ("fact", "quote", "question"))


def test_web_leaderboard_is_switched_on_and_off(gym):
    assert gym.show()["Web leaderboard"].startswith("off")
    message = gym.reply("boss", "web-leaderboard", {"enabled": True})
    assert "public" in message.content
    assert gym.show()["Web leaderboard"].startswith("on: /servers/")
    message = gym.reply("boss", "web-leaderboard", {"enabled": False})
    assert "off" in message.content
    assert gym.show()["Web leaderboard"].startswith("off")


def test_leaderboard_reset_asks_first_then_starts_a_new_season(gym):
    discord = gym.discord
    question = gym.reply("boss", "leaderboard-reset")
    assert question.ephemeral and "archives the quiz standings" in question.content
    cancel = discord.call(discord.emu.click(gym.members["boss"], question, label="Cancel"))
    assert discord.emu.message(cancel.original_message_id).content.startswith("Cancelled")

    seasons = []
    for _ in range(2):
        question = gym.reply("boss", "leaderboard-reset")
        done = discord.call(discord.emu.click(gym.members["boss"], question,
                                              label="Start a new season"))
        text = discord.emu.message(done.original_message_id).content
        seasons.append(int(re.search(r"season (\d+) starts now", text)[1]))
    assert seasons[1] == seasons[0] + 1
    assert discord.emu.violations == []


def test_nothing_config_sent_pinged_anyone(gym):
    pinging = [m for m in gym.discord.emu.pinging_messages() if m.guild_id == gym.guild.id]
    assert pinging == []
