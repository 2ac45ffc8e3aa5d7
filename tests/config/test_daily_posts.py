"""The daily-post scheduler in the real bot process: on time, once, pinging only the role, and
switched off (with the reason in /config show) when its channel breaks.

The bot's clock is real UTC time and the server's timezone is UTC by default, so the tests pick
the daily time from the current UTC time. ROCKY_TEST_TIMER_SCALE makes the scheduler look every
0.6 s instead of every minute.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.content import load_content
from bot.emulator.model import Overwrite
from bot.emulator.permissions import SEND_MESSAGES

pytestmark = pytest.mark.e2e

QUOTES = {q.text: q for q in load_content().quotes}
TICK_MARK = "daily-post check done"
DISABLED_MARK = "disabled the daily quote"


def _start(make_bot, **env):  # type: ignore[no-untyped-def]
    bot = make_bot(ROCKY_TEST_TIMER_SCALE="0.01", LOG_LEVEL="DEBUG", **env)
    bot.start()
    return bot


def _config(discord, sub, options=None):  # type: ignore[no-untyped-def]
    record = discord.call(discord.emu.command(discord.member("admin"), "config", options or {},
                                              sub=sub))
    assert record.answered, discord.emu.violations
    message = discord.emu.message(record.original_message_id)
    assert message.ephemeral
    return message


def _hh_mm(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def _daily_quotes(discord, channel=None):  # type: ignore[no-untyped-def]
    return [m for m in discord.emu.messages.values()
            if m.embeds and m.embeds[0].get("title") == "Quote of the day"
            and (channel is None or m.channel_id == channel.id)]


def _wait_for_count(bot, mark: str, count: int, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    """Wait until the bot's log holds `mark` at least `count` times since its last start."""
    deadline = time.monotonic() + timeout
    while bot.new_log().count(mark) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{mark!r} not logged {count} times:\n{bot.new_log()[-3000:]}")
        time.sleep(0.05)


def _more_ticks(bot) -> None:  # type: ignore[no-untyped-def]
    """Wait for a complete scheduler pass that started after now (the next-but-one to end)."""
    _wait_for_count(bot, TICK_MARK, bot.new_log().count(TICK_MARK) + 2)


def test_the_daily_quote_goes_out_at_its_time_once_even_across_a_restart(fresh_discord,
                                                                          make_bot):
    discord = fresh_discord
    channel = discord.world.guild.channel_named("announcements")
    role = discord.world.moderator_role  # mentionable, as a ping role must be
    bot = _start(make_bot)
    _config(discord, "channel", {"post": "quote", "channel": channel})
    _config(discord, "ping-role", {"role": role})

    # Two hours ahead: the confirmation names that time, and nothing is posted before it.
    ahead = datetime.now(UTC) + timedelta(hours=2)
    _config(discord, "daily-time", {"time": _hh_mm(ahead)})
    switched_on = _config(discord, "daily", {"post": "quote", "enabled": True})
    due = ahead.replace(second=0, microsecond=0)
    assert f"<t:{int(due.timestamp())}:f>" in switched_on.content, switched_on.content
    _more_ticks(bot)
    assert _daily_quotes(discord) == []

    # Its time comes (the current minute): the post goes out on the next pass.
    today = datetime.now(UTC)
    _config(discord, "daily-time", {"time": _hh_mm(today)})
    discord.call(discord.emu.wait_for(lambda: len(_daily_quotes(discord)) >= 1, timeout=10))
    [post] = _daily_quotes(discord)
    assert post.channel_id == channel.id and not post.ephemeral
    assert post.content == f"<@&{role.id}>"
    assert post.pings == (f"role:{role.id}",)  # the ping role, and nothing else
    quote = QUOTES[post.embeds[0]["description"].removeprefix("> ")]
    assert "motivational" in quote.moods  # the daily quote's default mood
    assert post.embeds[0]["author"]["name"] == f"{quote.character} — {quote.film}"
    assert post.embeds[0]["footer"]["text"] == f"{today:%A} {today.day} {today:%B %Y}"
    _more_ticks(bot)
    assert len(_daily_quotes(discord)) == 1  # once a day, not once a pass

    # A restart the same day does not post it again.
    assert bot.stop() == 0
    bot.start()
    bot.wait_for_log("daily-post scheduler running: 1 post(s) on")
    _more_ticks(bot)
    assert len(_daily_quotes(discord)) == 1
    shown = _config(discord, "show").embeds[0]["fields"]
    quote_field = next(f["value"] for f in shown if f["name"] == "Daily quote")
    assert f"last posted for {today:%Y-%m-%d}" in quote_field
    assert discord.emu.violations == []
    bot.stop()


def test_a_broken_channel_switches_the_post_off_with_the_reason_shown(fresh_discord, make_bot):
    discord = fresh_discord
    guild = discord.world.guild
    silent, revoked, doomed, ghost = discord.thread.do(
        lambda: [discord.emu.add_channel(guild, name)
                 for name in ("silent", "revoked", "doomed", "ghost")])
    bot = _start(make_bot, ROCKY_TEST_EXTRA_EXTENSIONS="tests.config.without_fact_poster")

    def arm(channel) -> None:  # type: ignore[no-untyped-def]
        """Point the daily quote at `channel` and switch it on, hours before its time."""
        _config(discord, "daily-time", {"time": _hh_mm(datetime.now(UTC) + timedelta(hours=6))})
        _config(discord, "channel", {"post": "quote", "channel": channel})
        assert "is on" in _config(discord, "daily", {"post": "quote", "enabled": True}).content

    def fire_and_expect_off(times_disabled: int, reason: str) -> None:
        _config(discord, "daily-time", {"time": _hh_mm(datetime.now(UTC))})
        _wait_for_count(bot, DISABLED_MARK, times_disabled)
        shown = _config(discord, "show").embeds[0]["fields"]
        field = next(f["value"] for f in shown if f["name"] == "Daily quote")
        assert field.startswith(f"**off**: I switched it off on {datetime.now(UTC):%Y-%m-%d}")
        assert reason in field, field

    # Discord refuses although the bot's cache says it may post (an update it never got).
    arm(silent)
    discord.thread.do(lambda: silent.overwrites.append(
        Overwrite(discord.emu.bot_user.id, 1, 0, SEND_MESSAGES)))
    fire_and_expect_off(1, "Discord refused the post in #silent (Missing Permissions)")

    # An admin takes Send Messages away.
    arm(revoked)
    discord.call(discord.emu.set_bot_permissions(guild, revoked, deny=SEND_MESSAGES))
    fire_and_expect_off(2, "because I lost Send Messages")

    # The channel is deleted.
    arm(doomed)
    discord.call(discord.emu.delete_channel(doomed))
    fire_and_expect_off(3, "because its channel was deleted")

    # The channel is gone, but the bot missed the event: Discord answers 404 Unknown Channel.
    arm(ghost)

    def vanish() -> None:
        del guild.channels[ghost.id]
        del discord.emu.channels[ghost.id]

    discord.thread.do(vanish)
    fire_and_expect_off(4, "because #ghost no longer exists")
    assert _daily_quotes(discord) == []
    assert bot.new_log().count(DISABLED_MARK) == 4  # switched off once each, not every pass

    # Fixed: today's post still goes out (the refused attempt gave its day back).
    general = guild.channel_named("general")
    _config(discord, "channel", {"post": "quote", "channel": general})
    assert "is on" in _config(discord, "daily", {"post": "quote", "enabled": True}).content
    discord.call(discord.emu.wait_for(lambda: len(_daily_quotes(discord, general)) == 1,
                                      timeout=10))
    shown = _config(discord, "show").embeds[0]["fields"]
    field = next(f["value"] for f in shown if f["name"] == "Daily quote")
    assert field.startswith("**on**") and "switched it off" not in field

    # A kind no feature posts (its cog is missing) is skipped and logged once, and stays on.
    _config(discord, "channel", {"post": "fact", "channel": general})
    _config(discord, "daily", {"post": "fact", "enabled": True})
    _more_ticks(bot)
    _more_ticks(bot)
    assert bot.new_log().count("no feature posts the daily fact") == 1
    shown = _config(discord, "show").embeds[0]["fields"]
    assert next(f["value"] for f in shown if f["name"] == "Daily fact").startswith("**on**")
    public = [m for m in discord.emu.channel_messages(general) if not m.ephemeral]
    assert public == _daily_quotes(discord, general)  # the quote only: no fact was posted
    assert discord.emu.violations == []
    bot.stop()

