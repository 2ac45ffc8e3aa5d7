"""The daily-post state on a real SQLite file: claims, release, disabling, persistence."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.db import Database
from bot.db.repositories import GuildConfigRepository, GuildRepository
from bot.db.repositories.schedule import ScheduleRepository

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DAY = date(2026, 3, 1)


@pytest.fixture()
async def db(database):
    await GuildRepository(database).upsert_present(1, "One", NOW)
    await GuildRepository(database).upsert_present(2, "Two", NOW)
    return database


async def test_a_day_is_claimed_once_and_later_days_still_can_be(db):
    store = ScheduleRepository(db)
    assert await store.claim(1, "quote", DAY, NOW) is not None
    assert await store.claim(1, "quote", DAY, NOW) is None
    assert await store.claim(1, "quote", date(2026, 2, 28), NOW) is None  # an earlier day
    assert await store.claim(1, "fact", DAY, NOW) is not None  # kinds are separate
    assert await store.claim(2, "quote", DAY, NOW) is not None  # servers are separate
    assert await store.claim(1, "quote", date(2026, 3, 2), NOW) is not None
    assert (await store.states(1))["quote"].last_posted_day == date(2026, 3, 2)


async def test_concurrent_claims_for_the_same_day_let_exactly_one_through(db):
    store = ScheduleRepository(db)
    results = await asyncio.gather(*(store.claim(1, "quote", DAY, NOW) for _ in range(20)))
    assert sum(r is not None for r in results) == 1


async def test_a_released_claim_restores_the_previous_day(db):
    store = ScheduleRepository(db)
    await store.claim(1, "quote", date(2026, 2, 28), NOW)
    claim = await store.claim(1, "quote", DAY, NOW)
    await store.release(claim)
    assert (await store.states(1))["quote"].last_posted_day == date(2026, 2, 28)
    assert await store.claim(1, "quote", DAY, NOW) is not None  # can be tried again


async def test_the_posted_day_survives_reopening_the_database(database_url):
    first = await Database.open(database_url)
    await GuildRepository(first).upsert_present(1, "One", NOW)
    assert await ScheduleRepository(first).claim(1, "quote", DAY, NOW) is not None
    await first.close()
    second = await Database.open(database_url)
    try:
        assert await ScheduleRepository(second).claim(1, "quote", DAY, NOW) is None
    finally:
        await second.close()


async def test_enabled_posts_lists_posts_that_are_on_with_a_channel_in_present_servers(db):
    configs, store = GuildConfigRepository(db), ScheduleRepository(db)
    await configs.update(1, daily_quote_enabled=True, daily_quote_channel_id=10,
                         daily_fact_enabled=True,  # on, but no channel: not listed
                         daily_question_channel_id=11,  # a channel, but off: not listed
                         timezone="Asia/Tokyo", daily_time="07:30", daily_ping_role_id=5)
    await configs.update(2, daily_fact_enabled=True, daily_fact_channel_id=20)
    await store.claim(1, "quote", DAY, NOW)
    posts = await store.enabled_posts()
    assert [(p.guild_id, p.kind, p.channel_id) for p in posts] == [(1, "quote", 10),
                                                                   (2, "fact", 20)]
    quote = posts[0]
    assert (quote.timezone, quote.daily_time, quote.ping_role_id, quote.last_posted_day) == (
        "Asia/Tokyo", "07:30", 5, DAY)
    assert posts[1].last_posted_day is None
    await GuildRepository(db).mark_left(2, NOW)  # the bot was removed from server 2
    assert [p.guild_id for p in await store.enabled_posts()] == [1]


async def test_disabling_turns_the_post_off_with_a_reason_until_cleared(db):
    configs, store = GuildConfigRepository(db), ScheduleRepository(db)
    await configs.update(1, daily_quote_enabled=True, daily_quote_channel_id=10,
                         daily_fact_enabled=True, daily_fact_channel_id=10)
    await store.disable(1, "quote", "its channel was deleted", NOW)
    config = await configs.get(1)
    assert not config.daily_quote_enabled and config.daily_fact_enabled
    state = (await store.states(1))["quote"]
    assert (state.disabled_reason, state.disabled_at) == ("its channel was deleted",
                                                         NOW.isoformat())
    assert [p.kind for p in await store.enabled_posts()] == ["fact"]
    await store.clear_disabled(1, "quote")
    assert (await store.states(1))["quote"].disabled_reason is None
    await store.disable(1, "fact", "I lost Send Messages in #daily", NOW)
    await store.clear_disabled(1)
    assert all(s.disabled_reason is None for s in (await store.states(1)).values())


async def test_states_default_for_every_kind_and_go_with_the_server(db):
    store = ScheduleRepository(db)
    assert set(await store.states(1)) == {"fact", "quote", "question"}
    await store.claim(1, "quote", DAY, NOW)
    await GuildRepository(db).mark_left(1, NOW)
    await GuildRepository(db).purge_departed(datetime(2026, 5, 1, tzinfo=UTC))
    assert (await store.states(1))["quote"].last_posted_day is None


async def test_unknown_kinds_are_refused(db):
    store = ScheduleRepository(db)
    with pytest.raises(ValueError):
        await store.claim(1, "poem", DAY, NOW)
    with pytest.raises(ValueError):
        await store.disable(1, "poem; DROP TABLE guilds", "x", NOW)


async def test_the_scheduler_query_uses_the_partial_indexes(db):
    from bot.db.repositories import schedule

    if db.backend == "sqlite":
        plan = await db.fetch_all(f"EXPLAIN QUERY PLAN {schedule._ENABLED}")
        details = " ".join(row["detail"] for row in plan)
    else:  # a handful of rows: forbid the sequential scan to see which indexes can serve
        async with db.transaction() as conn:
            await conn.execute("SET LOCAL enable_seqscan = off")
            plan = await conn.fetch_all(f"EXPLAIN {schedule._ENABLED}")
        details = " ".join(row[0] for row in plan)
    for kind in ("fact", "quote", "question"):
        assert f"guild_settings_daily_{kind}_on" in details, details


async def test_two_processes_racing_for_the_same_posts_claim_each_day_once(database_url):
    """Two processes (two pools) claim the same 200 posts at the same moment: one claim each."""
    import asyncio

    first, second = await Database.open(database_url), await Database.open(database_url)
    try:
        await GuildRepository(first).upsert_many_present(
            [(g, f"G{g}") for g in range(100, 300)], NOW)
        stores = (ScheduleRepository(first), ScheduleRepository(second))
        for g in range(100, 300):  # yesterday's posts went out: the rows exist
            await stores[0].claim(g, "quote", DAY - timedelta(days=1), NOW)
        claims = await asyncio.gather(*(store.claim(g, "quote", DAY, NOW)
                                        for g in range(100, 300) for store in stores))
        won = [c.guild_id for c in claims if c is not None]
        assert sorted(won) == list(range(100, 300))
    finally:
        await first.close()
        await second.close()
