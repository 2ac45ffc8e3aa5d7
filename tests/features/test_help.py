"""/help from the live command tree, and /about, in a server and in direct messages."""

from __future__ import annotations

import re

import pytest

import bot as bot_package
from bot.content import load_content
from bot.emulator.model import Message

pytestmark = pytest.mark.e2e


def page_text(message: Message) -> str:
    """The commands a /help page lists: the Components V2 text between its heading and its
    page count."""
    assert message.flags & Message.COMPONENTS_V2 and not message.embeds
    texts = [c["content"] for c in message.all_components() if c.get("type") == 10]
    assert texts[0] == "### Rocky bot commands", texts[0]
    assert texts[-1].startswith("-# Page ") and texts[-1].endswith("<required> [optional]")
    return "\n".join(texts[1:-1])


def _help_pages(discord, actor, options=None):  # type: ignore[no-untyped-def]
    """Every page's text, turning pages with Next as a member would."""
    record = discord.call(discord.emu.command(actor, "help", options or {}))
    message = discord.emu.message(record.original_message_id)
    texts = [page_text(message)]
    while any(b["label"] == "Next" and not b["disabled"] for b in message.buttons()):
        discord.call(discord.emu.click(actor, message, label="Next"))
        texts.append(page_text(message))
    return message, texts


def _registered_commands(discord) -> set[str]:
    """Every command and subcommand the bot registered with Discord, as `/name sub`."""
    names = set()
    for command in discord.emu.global_commands:
        subs = [o for o in command.get("options") or [] if o["type"] in (1, 2)]
        if not subs:
            names.add(command["name"])
        for sub in subs:
            inner = [o for o in sub.get("options") or [] if o["type"] == 1]
            names.update(f"{command['name']} {sub['name']} {i['name']}" for i in inner)
            if not inner:
                names.add(f"{command['name']} {sub['name']}")
    return names


def test_help_lists_every_registered_command_with_an_example(discord):
    message, pages = _help_pages(discord, discord.member("alice"))
    assert message.ephemeral
    text = "\n".join(pages)
    listed = set(re.findall(r"^`/([a-z0-9_ -]+?)(?: [<\[][^`]*)?`", text, re.M))
    assert listed == _registered_commands(discord)  # the live tree: nothing missing or extra
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("`/"):
            assert lines[i + 1].startswith("  e.g. `/"), line
    # Grouped by feature, with examples written for the feature where there is one.
    assert "**Montage**" in text and "**Privacy**" in text and "**Quotes**" in text
    assert '/montage show film:"Rocky IV"' in text
    assert discord.emu.violations == []


def test_help_opens_at_a_feature_and_refuses_an_unknown_one(discord):
    alice = discord.member("alice")
    choices = discord.call(discord.emu.autocomplete(alice, "help", "feature", {"feature": "priv"}))
    assert [c["value"] for c in choices] == ["Privacy"]
    record = discord.call(discord.emu.command(alice, "help", {"feature": "Privacy"}))
    assert "**Privacy**" in page_text(discord.emu.message(record.original_message_id))
    record = discord.call(discord.emu.command(alice, "help", {"feature": "Karaoke"}))
    message = discord.emu.message(record.original_message_id)
    assert message.ephemeral and "no feature called “Karaoke”" in message.content


def test_help_and_about_work_in_direct_messages_and_say_what_works_there(discord):
    user = discord.member("bob").user
    _, pages = _help_pages(discord, user)
    first_line = pages[0].splitlines()[0]
    assert first_line.startswith("*Here in direct messages: ")
    assert "/help" in first_line and "/about" in first_line and "/quote" in first_line
    assert "/stats" not in first_line and "/fact" not in first_line
    record = discord.call(discord.emu.command(user, "about"))
    assert discord.emu.message(record.original_message_id).embeds[0]["title"] == "Rocky fan bot"
    assert discord.emu.violations == []


def test_about_shows_version_uptime_servers_and_content_counts(discord):
    record = discord.call(discord.emu.command(discord.member("carol"), "about"))
    message = discord.emu.message(record.original_message_id)
    assert message.ephemeral
    fields = {f["name"]: f["value"] for f in message.embeds[0]["fields"]}
    assert fields["Version"] == bot_package.__version__
    assert fields["Servers"] == str(len(discord.emu.guilds))
    assert re.fullmatch(r"\d+ (s|min)|\d+ h \d+ min|\d+ d \d+ h", fields["Uptime"])
    library = load_content()
    assert fields["Content"] == (
        f"{len(library.facts)} facts · {len(library.questions)} questions · "
        f"{len(library.songs)} songs · {len(library.quotes)} quotes")
    assert fields["Project"]
