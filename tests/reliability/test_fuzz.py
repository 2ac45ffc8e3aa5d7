"""Every text option and modal field with generated text: a clear answer, never a crash.

The commands are discovered from the tree the bot synced, so a new command is fuzzed too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.emulator.records import MODAL
from tests.conftest import Discord
from tests.support.botproc import BotProcess

pytestmark = pytest.mark.e2e

NASTY = [
    "", " ", "\u200b", "@everyone", "@here", "<@123456789012345678>", "<@&123456789012345678>",
    "[click me](https://example.invalid)", "'; DROP TABLE facts; --", "Robert'); --",
    "Z̸̡̛̗̈́a̴̛̹͊l̶̢̓g̵̱̈o̷̟͝" * 20, "**bold** __under__ ~~strike~~ `code` ||spoiler||",
    "\x00\x01\x02 control", "x" * 4100, "🥊" * 500, "Rocky IV", "Creed",
]
TEXT = st.one_of(st.sampled_from(NASTY), st.text(max_size=300), st.text(min_size=3000,
                 max_size=4200, alphabet=st.characters(codec="utf-8")))
ERROR_ID = re.compile(r"error id `[0-9a-f]{8}`")


@pytest.fixture(scope="module")
def fuzz_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Discord, BotProcess]]:
    discord = Discord()
    bot = BotProcess(discord.emu, tmp_path_factory.mktemp("fuzz"),
                     extra_env={"ROCKY_TEST_EXTRA_EXTENSIONS": ""})
    bot.start()
    yield discord, bot
    bot.kill()
    discord.stop()


def _string_options(commands: list[dict[str, Any]]) -> list[tuple[str, tuple[str, ...], str]]:
    """(command, subcommand path, option name) for every string option in the tree."""
    found = []

    def walk(name: str, path: tuple[str, ...], options: list[dict[str, Any]]) -> None:
        for option in options:
            if option["type"] in (1, 2):
                walk(name, (*path, option["name"]), option.get("options") or [])
            elif option["type"] == 3 and not option.get("choices"):
                found.append((name, path, option["name"]))

    for command in commands:
        walk(command["name"], (), command.get("options") or [])
    return found


def _required_values(discord: Discord, command: dict[str, Any], path: tuple[str, ...],
                     skip: str) -> dict[str, Any]:
    options = command.get("options") or []
    for name in path:
        options = next(o for o in options if o["name"] == name).get("options") or []
    values: dict[str, Any] = {}
    for option in options:
        if not option.get("required") or option["name"] == skip:
            continue
        kind = option["type"]
        if option.get("choices"):
            values[option["name"]] = option["choices"][0]["value"]
        elif kind == 3:
            values[option["name"]] = "Rocky"
        elif kind in (4, 10):
            values[option["name"]] = option.get("min_value", 1)
        elif kind == 5:
            values[option["name"]] = False
        elif kind == 6:
            values[option["name"]] = discord.member("bob")
        elif kind == 7:
            values[option["name"]] = discord.world.guild.channel_named("general")
        elif kind == 8:
            values[option["name"]] = discord.world.moderator_role
    return values


def _clip(text: str, option: dict[str, Any]) -> str:
    # Discord's client enforces min/max length before sending; so does this fuzzer.
    text = text[: option.get("max_length", 6000)]
    return text if len(text) >= option.get("min_length", 0) else text.ljust(
        option.get("min_length", 0), "x")


def _assert_clear_answer(discord: Discord, record: Any, violations_before: int) -> None:
    emu = discord.emu
    assert record.answered, f"no answer: {emu.violations[violations_before:]}"
    new = [v for v in emu.violations[violations_before:] if "unknown route" not in v]
    assert new == [], new
    for message_id in [record.original_message_id, *record.followup_ids]:
        if message_id is None:
            continue
        message = emu.message(message_id)
        assert not ERROR_ID.search(message.content), message.content
        assert message.pings == (), f"pinged {message.pings}: {message.content!r}"


@given(data=st.data())
def test_every_string_option_gets_a_clear_answer(fuzz_env, data):
    discord, _ = fuzz_env
    commands = discord.emu.global_commands
    targets = _string_options(commands)
    assert targets, "no string options found in the synced tree"
    name, path, option_name = data.draw(st.sampled_from(targets), label="option")
    command = next(c for c in commands if c["name"] == name)
    spec = _option_spec(command, path, option_name)
    text = _clip(data.draw(TEXT, label="text"), spec)
    actor = discord.member(data.draw(st.sampled_from(["admin", "alice"]), label="actor"))
    values = _required_values(discord, command, path, option_name) | {option_name: text}
    before = len(discord.emu.violations)
    record = discord.call(discord.emu.command(
        actor, name, values, sub=path[-1] if path else None,
        group=path[0] if len(path) == 2 else None,
        channel=discord.world.guild.channel_named("general"), bypass_default_permissions=True))
    _assert_clear_answer(discord, record, before)
    if record.response_type == MODAL:
        fields = {f["custom_id"]: _clip(data.draw(TEXT, label="field"), f)
                  for row in record.modal["components"] for f in _inputs(row)}
        submitted = discord.call(discord.emu.submit_modal(actor, record, fields))
        _assert_clear_answer(discord, submitted, before)


@given(data=st.data())
def test_every_modal_field_gets_a_clear_answer(fuzz_env, data):
    """Commands whose first answer is a modal: fill every field with generated text."""
    discord, _ = fuzz_env
    openers = _modal_openers(discord)
    if not openers:
        assert not _expects_modals(discord), "/fact is synced but no command opens a modal"
        return
    name, path = data.draw(st.sampled_from(openers), label="command")
    actor = discord.member(data.draw(st.sampled_from(["admin", "alice"]), label="actor"))
    command = next(c for c in discord.emu.global_commands if c["name"] == name)
    values = _required_values(discord, command, path, "")
    record = discord.call(discord.emu.command(
        actor, name, values, sub=path[-1] if path else None,
        channel=discord.world.guild.channel_named("general"), bypass_default_permissions=True))
    assert record.response_type == MODAL
    fields = {f["custom_id"]: _clip(data.draw(TEXT, label="field"), f)
              for row in record.modal["components"] for f in _inputs(row)}
    before = len(discord.emu.violations)
    submitted = discord.call(discord.emu.submit_modal(actor, record, fields))
    _assert_clear_answer(discord, submitted, before)


def _inputs(row: dict[str, Any]) -> list[dict[str, Any]]:
    return [row["component"]] if row.get("type") == 18 else list(row.get("components") or [])


def _option_spec(command: dict[str, Any], path: tuple[str, ...], name: str) -> dict[str, Any]:
    options = command.get("options") or []
    for part in path:
        options = next(o for o in options if o["name"] == part).get("options") or []
    return next(o for o in options if o["name"] == name)


_MODAL_CACHE: dict[int, list[tuple[str, tuple[str, ...]]]] = {}


def _modal_openers(discord: Discord) -> list[tuple[str, tuple[str, ...]]]:
    """Subcommands without required options whose first answer is a modal (probed once)."""
    key = id(discord)
    if key not in _MODAL_CACHE:
        found = []
        for command in discord.emu.global_commands:
            for path in _leaf_paths(command):
                values = _required_values(discord, command, path, "")
                record = discord.call(discord.emu.command(
                    discord.member("admin"), command["name"], values,
                    sub=path[-1] if path else None, group=path[0] if len(path) == 2 else None,
                    channel=discord.world.guild.channel_named("general"),
                    bypass_default_permissions=True))
                if record.response_type == MODAL:
                    found.append((command["name"], path))
        _MODAL_CACHE[key] = found
    return _MODAL_CACHE[key]


def _leaf_paths(command: dict[str, Any]) -> list[tuple[str, ...]]:
    subs = [o for o in command.get("options") or [] if o["type"] == 1]
    return [(s["name"],) for s in subs] if subs else [()]


def _expects_modals(discord: Discord) -> bool:
    return any(c["name"] == "fact" for c in discord.emu.global_commands)
