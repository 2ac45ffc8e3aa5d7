"""The core repositories on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.db.repositories import (
    GuildConfigRepository,
    GuildRepository,
    MemberRepository,
    PreferencesRepository,
)
from bot.domain.films import FILMS

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture()
async def db(database):
    return database


async def test_guild_config_defaults_updates_films_and_reset(db):
    await GuildRepository(db).upsert_present(1, "G", NOW)
    configs = GuildConfigRepository(db)
    assert (await configs.get(1)).enabled_films == frozenset(FILMS)
    updated = await configs.update(1, timezone="Europe/Rome", quiz_questions=10,
                                   daily_fact_enabled=True)
    assert (updated.timezone, updated.quiz_questions, updated.daily_fact_enabled) == (
        "Europe/Rome", 10, True)
    films = await configs.set_enabled_films(1, frozenset({"Rocky", "Rocky II"}))
    assert films.enabled_films == {"Rocky", "Rocky II"}
    with pytest.raises(ValueError):
        await configs.update(1, no_such_setting=1)
    with pytest.raises(ValueError):
        await configs.set_enabled_films(1, frozenset({"Rocky VII"}))
    reset = await configs.reset(1)
    assert reset.timezone == "UTC" and reset.enabled_films == frozenset(FILMS)


async def test_films_switched_off_count_for_a_server_that_changed_no_other_setting(db):
    await GuildRepository(db).upsert_present(2, "G2", NOW)
    configs = GuildConfigRepository(db)
    config = await configs.set_enabled_films(2, frozenset({"Creed"}))
    assert config.enabled_films == {"Creed"} and config.timezone == "UTC"
    assert await db.fetch_all("SELECT * FROM guild_settings WHERE guild_id = 2") == []


async def test_members_keep_the_last_seen_name_and_cascade_with_their_server(db):
    guilds, members = GuildRepository(db), MemberRepository(db)
    await guilds.upsert_present(1, "G", NOW)
    await members.remember(1, 42, "Adrian", NOW)
    await members.remember(1, 42, "Adrian P.", NOW)
    assert (await members.get(1, 42)).display_name == "Adrian P."
    await guilds.mark_left(1, NOW)
    assert await guilds.purge_departed(NOW + timedelta(days=29)) == 0  # kept 30 days
    assert await guilds.purge_departed(NOW + timedelta(days=31)) == 1
    assert await members.get(1, 42) is None


async def test_a_returning_server_cancels_the_purge(db):
    guilds = GuildRepository(db)
    await guilds.upsert_present(1, "G", NOW)
    await guilds.mark_left(1, NOW)
    await guilds.upsert_present(1, "G", NOW + timedelta(days=3))
    assert await guilds.purge_departed(NOW + timedelta(days=40)) == 0


async def test_preferences_default_on_and_change_independently(db):
    prefs = PreferencesRepository(db)
    assert (await prefs.get(7)).global_leaderboard and (await prefs.get(7)).motivate
    await prefs.set(7, motivate=False)
    assert (await prefs.get(7)).global_leaderboard and not (await prefs.get(7)).motivate


async def test_identify_turns_are_taken_once_per_interval_across_processes(database_url):
    """Two processes (two pools) racing for a bucket's IDENTIFY turn: one wins each turn."""
    import asyncio

    from bot.db import Database
    from bot.db.repositories.identify import IdentifyRepository

    first, second = await Database.open(database_url), await Database.open(database_url)
    try:
        repos = [IdentifyRepository(first), IdentifyRepository(second)] * 10
        waits = await asyncio.gather(*(r.try_take(0, 1000.0, 5.0) for r in repos))
        assert waits.count(0.0) == 1 and all(w > 0 for w in waits if w)
        assert await repos[0].try_take(0, 1003.0, 5.0) == 2.0  # 5 s after the turn taken
        assert await repos[1].try_take(0, 1005.0, 5.0) == 0.0
        assert await repos[0].try_take(1, 1005.0, 5.0) == 0.0  # another bucket is free
    finally:
        await first.close()
        await second.close()
