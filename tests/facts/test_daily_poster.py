"""The daily poster the scheduler calls: the server's pool, no repeats, the Suggest button, and
Discord's refusals passed up. A stand-in channel; the real cog, database and content."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import discord
import pytest

from bot.content import load_content
from bot.db import Database
from bot.db.repositories import GuildConfigRepository, GuildRepository
from cogs.facts import Facts

GUILD = 1
LIBRARY = load_content()


class Channel:
    def __init__(self, channel_id: int, refuse: Exception | None = None) -> None:
        self.id = channel_id
        self.sent: list[dict[str, Any]] = []
        self.refuse = refuse

    async def send(self, content: str | None = None, **kwargs: Any) -> None:
        if self.refuse is not None:
            raise self.refuse
        self.sent.append(kwargs)


@pytest.fixture()
async def cog(tmp_path):
    db = await Database.open(tmp_path / "daily.db")
    await GuildRepository(db).upsert_present(GUILD, "G", datetime(2026, 1, 1, tzinfo=UTC))
    await GuildConfigRepository(db).set_enabled_films(GUILD, frozenset({"Rocky"}))
    bot = SimpleNamespace(db=db, content=LIBRARY, guild_config=GuildConfigRepository(db),
                          rng=random.Random(5), daily_posters={},
                          add_dynamic_items=lambda *items: None,
                          remove_dynamic_items=lambda *items: None)
    facts = Facts(bot)  # type: ignore[arg-type]
    await facts.cog_load()
    yield facts
    await db.close()


async def test_the_poster_is_registered_for_the_scheduler(cog):
    assert cog.bot.daily_posters["fact"] == cog.post_daily_fact


async def test_daily_facts_honour_spoiler_gating_and_never_repeat_in_a_channel(cog):
    allowed = {f.id for f in LIBRARY.facts if {"Rocky", "Franchise"} & set(f.films)}
    channel = Channel(77)
    for day in range(1, 31):
        await cog.post_daily_fact(GUILD, channel, date(2026, 3, day))
    ids = [sent["embed"].footer.text.split(" ")[1] for sent in channel.sent]
    assert len(set(ids)) == 30 and set(ids) <= allowed
    last = channel.sent[-1]
    assert last["embed"].title == "Fact of the day"
    assert last["embed"].footer.text.endswith("Monday 30 March 2026")
    assert [item.custom_id for item in last["view"].children] == ["fact:suggest"]


async def test_an_unusable_channel_is_reported_to_the_caller(cog):
    response = SimpleNamespace(status=403, reason="Forbidden")
    refused = Channel(78, refuse=discord.Forbidden(response, "Missing Permissions"))
    with pytest.raises(discord.Forbidden):
        await cog.post_daily_fact(GUILD, refused, date(2026, 3, 1))
