"""The walking skeleton through the emulator: connect, sync once, /quote, errors, restarts."""

from __future__ import annotations

import re
import time

import pytest

from bot.content import load_content
from bot.emulator.records import EmulatorError
from tests.support.botproc import TEST_TOKEN

pytestmark = pytest.mark.e2e
QUOTES = {q.text: q for q in load_content().quotes}


def test_bot_connects_and_syncs_its_commands_once(discord, shared_bot):
    assert discord.emu.command_sync_requests == ["global"]
    names = {c["name"] for c in discord.emu.global_commands}
    assert {"quote", "boom"} <= names


def test_quote_answers_in_time_with_an_embed_from_the_pack(discord):
    record = discord.call(discord.emu.command(discord.member("alice"), "quote"))
    assert record.answered and record.responded_after < 3.0
    message = discord.emu.message(record.original_message_id)
    assert not message.ephemeral
    [embed] = message.embeds
    text = embed["description"].removeprefix("> ")
    quote = QUOTES[text]
    assert embed["author"]["name"] == f"{quote.character} — {quote.film}"
    assert discord.emu.violations == []


def test_quote_filters_by_film_and_character(discord):
    record = discord.call(discord.emu.command(
        discord.member("bob"), "quote", {"film": "Rocky IV", "character": "Ivan Drago"}))
    text = discord.emu.message(record.original_message_id).embeds[0]["description"][2:]
    assert QUOTES[text].film == "Rocky IV" and QUOTES[text].character == "Ivan Drago"


def test_quote_autocomplete_suggests_and_the_value_is_checked_again(discord):
    choices = discord.call(discord.emu.autocomplete(
        discord.member("alice"), "quote", "film", {"film": "creed"}))
    assert [c["value"] for c in choices] == ["Creed", "Creed II", "Creed III"]
    # A value typed past the suggestions is refused with a sentence, ephemerally.
    record = discord.call(discord.emu.command(discord.member("alice"), "quote",
                                              {"film": "Rocky VII"}))
    message = discord.emu.message(record.original_message_id)
    assert message.ephemeral
    assert "not one of the nine films" in message.content


def test_an_unexpected_error_gives_an_error_id_that_the_log_also_holds(discord, shared_bot):
    record = discord.call(discord.emu.command(discord.member("carol"), "boom"))
    message = discord.emu.message(record.original_message_id)
    assert message.ephemeral
    error_id = re.search(r"error id `([0-9a-f]{8})`", message.content)[1]
    log = shared_bot.wait_for_log(f"unhandled error {error_id} in /boom")
    line = next(line for line in log.splitlines() if error_id in line)
    assert "Traceback" in line and "RuntimeError: kaboom" in line


def test_a_failing_button_answers_once_with_an_error_id_that_the_log_also_holds(
        discord, shared_bot):
    """Buttons are routed by custom id (bot/core/routes.py): the central handler answers for
    them too, and discord.py does not dispatch the click a second time."""
    posted = discord.call(discord.emu.command(discord.member("carol"), "boom-button"))
    click = discord.call(discord.emu.click(discord.member("bob"),
                                           discord.emu.message(posted.original_message_id)))
    message = discord.emu.message(click.original_message_id)
    assert message.ephemeral and message.interaction_user_id == discord.member("bob").user.id
    error_id = re.search(r"error id `([0-9a-f]{8})`", message.content)[1]
    log = shared_bot.wait_for_log(f"unhandled error {error_id} in component boom:1")
    line = next(line for line in log.splitlines() if error_id in line)
    assert "Traceback" in line and "RuntimeError: kaboom from button 1" in line
    assert log.count("RuntimeError: kaboom from button 1") == 1


def test_commands_are_not_offered_in_direct_messages(discord):
    with pytest.raises(EmulatorError, match="not offered in direct messages"):
        discord.call(discord.emu.command(discord.member("alice").user, "stats"))


def test_a_quote_pings_nobody(discord):
    record = discord.call(discord.emu.command(discord.member("alice"), "quote"))
    assert discord.emu.message(record.original_message_id).pings == ()


def test_the_token_never_appears_in_the_log(shared_bot):
    assert TEST_TOKEN not in shared_bot.log_path.read_text()


def test_restart_with_an_unchanged_tree_makes_no_sync_request(fresh_discord, make_bot):
    bot = make_bot()
    bot.start()
    assert fresh_discord.emu.command_sync_requests == ["global"]
    assert bot.stop() == 0
    bot.start()
    assert fresh_discord.emu.command_sync_requests == ["global"], "synced again on restart"
    record = fresh_discord.call(fresh_discord.emu.command(fresh_discord.member("bob"), "quote"))
    assert record.answered
    assert bot.stop() == 0


def test_a_changed_tree_is_synced_on_the_next_start(fresh_discord, make_bot):
    make_bot().start().stop()
    bot = make_bot(ROCKY_TEST_EXTRA_EXTENSIONS="")  # the tree without /boom
    bot.start()
    assert fresh_discord.emu.command_sync_requests == ["global", "global"]
    assert "boom" not in {c["name"] for c in fresh_discord.emu.global_commands}
    bot.stop()


def test_dev_guild_syncs_to_that_server_only(fresh_discord, make_bot):
    guild_id = fresh_discord.world.guild.id
    bot = make_bot(DEV_GUILD_ID=str(guild_id))
    bot.start()
    assert fresh_discord.emu.command_sync_requests == [str(guild_id)]
    record = fresh_discord.call(fresh_discord.emu.command(fresh_discord.member("bob"), "quote"))
    assert record.answered
    bot.stop()


def test_sigterm_stops_cleanly_with_exit_zero(fresh_discord, make_bot):
    bot = make_bot()
    bot.start()
    assert bot.stop(timeout=5) == 0
    assert "stopped cleanly" in bot.new_log()


def test_sigterm_while_waiting_to_reconnect_does_not_wait_out_the_backoff(fresh_discord,
                                                                          make_bot):
    """With Discord unreachable, discord.py waits longer and longer between reconnects (and
    keeps waiting after close()); a stop must not wait for that, or Docker kills the bot."""
    bot = make_bot()
    bot.start()
    fresh_discord.stop()  # every reconnect is now refused
    delay = 0.0
    while delay < 6:  # the backoff grows with each refused attempt
        # A connect left half-open by the stopped emulator ends at discord.py's own 60 s timeout.
        log = bot.wait_for_log("Attempting a reconnect in", timeout=90)
        delays = [float(d) for d in re.findall(r"Attempting a reconnect in ([0-9.]+)s", log)]
        delay = delays[-1] if delays else 0.0
        if delay < 6:
            time.sleep(delay + 0.2)
    # The bot now sleeps `delay` seconds before trying again; the stop must not wait for it.
    assert bot.stop(timeout=delay - 3) == 0
    assert "stopped cleanly" in bot.new_log()
