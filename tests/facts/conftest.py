"""Fixtures for the facts tests: members of their own, servers of their own, and acting on the
/fact commands, buttons and modals through the emulator."""

from __future__ import annotations

import asyncio
import itertools
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.db import Database, DatabaseUrl
from bot.db.repositories import GuildConfigRepository, GuildRepository
from bot.emulator.model import Channel, Guild, Member, Message, new_snowflake
from bot.emulator.permissions import DEFAULT_EVERYONE, MANAGE_MESSAGES
from bot.emulator.records import InteractionRecord
from tests.conftest import Discord
from tests.support.dbaccess import in_own_thread, query

_numbers = itertools.count(1)
LABEL = re.compile(r"\*\*(s\d+)\*\*")


# -- acting as a member ---------------------------------------------------------------------
def run(discord: Discord, who: Member, sub: str, options: dict[str, Any] | None = None, *,
        channel: Channel | None = None) -> InteractionRecord:
    record = discord.call(discord.emu.command(who, "fact", options or {}, sub=sub,
                                              channel=channel))
    assert record.answered, discord.emu.violations
    return record


def reply(discord: Discord, who: Member, sub: str, options: dict[str, Any] | None = None, *,
          channel: Channel | None = None) -> Message:
    return discord.emu.message(run(discord, who, sub, options, channel=channel)
                               .original_message_id)


def submit(discord: Discord, who: Member, text: str, film: str = "Rocky", source: str = "", *,
           channel: Channel | None = None) -> Message:
    """/fact submit, then fill in and send the form; returns the bot's (ephemeral) answer."""
    opened = run(discord, who, "submit", channel=channel)
    assert opened.modal is not None, discord.emu.message(opened.original_message_id).content
    record = discord.call(discord.emu.submit_modal(
        who, opened, {"text": text, "film": film, "source": source}))
    assert record.answered, discord.emu.violations
    return discord.emu.message(record.original_message_id)


def label_of(answer: Message) -> str:
    found = LABEL.search(answer.content)
    assert found, answer.content
    return found[1]


def click(discord: Discord, who: Member, message: Message, **how: Any) -> InteractionRecord:
    record = discord.call(discord.emu.click(who, message, **how))
    assert record.answered, discord.emu.violations
    return record


def answer_to(discord: Discord, record: InteractionRecord) -> Message:
    return discord.emu.message(record.original_message_id or record.followup_ids[0])


def card_for(discord: Discord, mod: Member, label: str, *, channel: Channel | None = None
             ) -> Message:
    """/fact review, then Skip until the card shows `label` (other tests queue facts too)."""
    card = reply(discord, mod, "review", channel=channel)
    for _ in range(50):
        if card.embeds and card.embeds[0]["title"].startswith(f"Fact {label} "):
            return card
        click(discord, mod, card, label="Skip")
    raise AssertionError(f"{label} never came up in the review queue")


def fact_id(message: Message) -> str:
    """The id of a fact: under a /fact random layout ("-# Fact f-r1-..."), or in the footer
    of a daily fact's embed ("Fact f-r1-... · date")."""
    if message.embeds:
        return message.embeds[0]["footer"]["text"].split(" ")[1]
    found = re.search(r"^-# Fact (\S+)$", message.text(), re.MULTILINE)
    assert found, message.text()
    return found[1]


def fact_text(message: Message) -> str:
    """The fact a /fact random layout shows: its first text display, under the heading."""
    first = next(c for c in message.all_components() if c.get("type") == 10)
    heading, _, text = first["content"].partition("\n")
    assert heading == "### Rocky trivia", heading
    return text


def details(message: Message) -> dict[str, str]:
    """A /fact random layout's details (its `**Name:** value` lines), by name."""
    return dict(re.findall(r"^\*\*([^*]+):\*\* (.*)$", message.text(), re.MULTILINE))


def dms_about(discord: Discord, who: Member, label: str) -> list[Message]:
    """The decision DMs about `label`, once the first has arrived (it follows the answer)."""

    def found() -> list[Message]:
        return [m for m in discord.emu.dms_to(who) if f"**{label}**" in m.content]

    discord.call(discord.emu.wait_for(lambda: bool(found())))
    return found()


def plant(discord: Discord, channel: Channel, buttons: list[dict[str, Any]]) -> Message:
    """A message of the bot's carrying these buttons, as a tampered client would present it."""

    def make() -> Message:
        message = Message(id=new_snowflake(), channel_id=channel.id, guild_id=channel.guild_id,
                          author=discord.emu.bot_user, content="planted",
                          components=[{"type": 1, "components": buttons}])
        discord.emu.messages[message.id] = message
        return message

    return discord.thread.do(make)


def button(custom_id: str, label: str) -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": label, "custom_id": custom_id}


# -- the bot's database, from the test process ----------------------------------------------
def read_rows(url: DatabaseUrl, sql: str, params: tuple = ()) -> list[tuple]:  # type: ignore[type-arg]
    return query(url, sql, params)


def configure(url: DatabaseUrl, guild: Guild, *, films: frozenset[str] | None = None,
              **settings: Any) -> None:
    """Server settings as /config would store them (the bot reads them on every use)."""

    async def write() -> None:
        db = await Database.open(url)  # creates the database when the bot has not started yet
        try:
            await GuildRepository(db).upsert_present(guild.id, guild.name, datetime.now(UTC))
            configs = GuildConfigRepository(db)
            if settings:
                await configs.update(guild.id, **settings)
            if films is not None:
                await configs.set_enabled_films(guild.id, films)
        finally:
            await db.close()

    in_own_thread(lambda: asyncio.run(write()))


# -- members and servers of our own ---------------------------------------------------------
@pytest.fixture()
def fan(discord: Discord):  # type: ignore[no-untyped-def]
    """A new member of the demo server per call, so per-member limits never leak."""

    def make(prefix: str = "factfan") -> Member:
        name = f"{prefix}{next(_numbers)}"
        return discord.thread.do(lambda: discord.emu.add_member(discord.world.guild, name))

    return make


@dataclass
class FactsGym:
    """A server of our own in the shared emulator: #lobby, #review (its review channel), #spoilers;
    boss (Administrator-like owner role), mod (Manage Messages), judge (only the configured
    moderator role) and fans made per test."""

    discord: Discord
    guild: Guild
    members: dict[str, Member]

    def channel(self, name: str) -> Channel:
        return self.guild.channel_named(name)

    def newcomer(self, prefix: str = "gymfan") -> Member:
        name = f"{prefix}{next(_numbers)}"
        return self.discord.thread.do(lambda: self.discord.emu.add_member(self.guild, name))


def build_gym(discord: Discord, name: str) -> FactsGym:
    emu = discord.emu

    def build() -> tuple[Guild, dict[str, Member]]:
        guild = emu.add_guild(name, channels=("lobby", "review"))
        mods = emu.add_role(guild, "Gym mods", DEFAULT_EVERYONE | MANAGE_MESSAGES)
        judges = emu.add_role(guild, "Fact judges", DEFAULT_EVERYONE)
        members = {"mod": emu.add_member(guild, "gym-mod", roles=[mods]),
                   "mod2": emu.add_member(guild, "gym-mod2", roles=[mods]),
                   "judge": emu.add_member(guild, "gym-judge", roles=[judges])}
        return guild, members

    guild, members = discord.thread.do(build)
    discord.call(emu.add_bot(guild))  # GUILD_CREATE, as when the bot is invited
    return FactsGym(discord, guild, members)


@pytest.fixture(scope="session")
def gym(discord_env) -> FactsGym:  # type: ignore[no-untyped-def]
    """Facts Gym in the shared bot: the review channel and moderator role are set."""
    discord, bot = discord_env
    world = build_gym(discord, "Facts Gym")
    judges = world.guild.role_named("Fact judges")
    configure(bot.database_url, world.guild, review_channel_id=world.channel("review").id,
              moderator_role_id=judges.id)
    return world
