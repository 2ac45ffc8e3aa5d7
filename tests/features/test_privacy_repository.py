"""Deleting a member's data on a real, migrated database (each backend), found through the
foreign keys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.db import Database
from bot.db.repositories import GuildRepository, MemberRepository, PreferencesRepository
from bot.db.repositories.facts import FactRepository
from bot.db.repositories.privacy import MemberReference, PrivacyRepository
from bot.domain.facts import Action, Status
from bot.domain.privacy import UNAPPROVED_FACTS, StoredCount

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
GUILD, OTHER_GUILD = 1, 2
GONE, STAYS, MOD = 10, 11, 12

# Tables shaped like a feature's, added to the real schema: the repository must find them with
# no change, whatever the columns are called and however the key is written.
FEATURE_TABLES = """
CREATE TABLE scores (
    guild_id INTEGER NOT NULL, user_id INTEGER NOT NULL, points INTEGER NOT NULL,
    FOREIGN KEY (guild_id, user_id) REFERENCES members(guild_id, user_id) ON DELETE CASCADE);
CREATE TABLE games (
    id INTEGER PRIMARY KEY, guild_id INTEGER NOT NULL, host_guild INTEGER, host_user INTEGER,
    FOREIGN KEY (host_guild, host_user) REFERENCES members ON DELETE SET NULL);
CREATE TABLE channel_notes (
    guild_id INTEGER NOT NULL REFERENCES guilds(guild_id) ON DELETE CASCADE, user_id INTEGER);
"""


@pytest.fixture()
async def db(database):
    async with database.transaction() as conn:
        for statement in FEATURE_TABLES.split(";"):
            if statement.strip():
                await conn.execute(statement)
    guilds, members = GuildRepository(database), MemberRepository(database)
    for guild in (GUILD, OTHER_GUILD):
        await guilds.upsert_present(guild, f"G{guild}", NOW)
    for guild, user in ((GUILD, GONE), (GUILD, STAYS), (GUILD, MOD), (OTHER_GUILD, GONE)):
        await members.remember(guild, user, f"user{user}", NOW)
    return database


async def _fill(db: Database) -> dict[tuple[int, int], dict[str, int]]:
    """The same data for GONE and STAYS in GUILD, and for GONE in OTHER_GUILD; returns the
    fact ids per (guild, user): one pending, one approved."""
    facts = FactRepository(db)
    ids = {}
    for game_id, (guild, user) in enumerate(((GUILD, GONE), (GUILD, STAYS), (OTHER_GUILD, GONE))):
        await db.execute_many("INSERT INTO scores VALUES ($1, $2, $3)",
                              [(guild, user, 3), (guild, user, 5)])
        await db.execute_write("INSERT INTO games (id, guild_id, host_guild, host_user) "
                               "VALUES ($1, $2, $3, $4)", (game_id, guild, guild, user))
        await db.execute_write("INSERT INTO channel_notes VALUES ($1, $2)", (guild, user))
        pending = await facts.submit(guild, user, f"Pending, by {user} in {guild}.", "Rocky",
                                     None, NOW)
        approved = await facts.submit(guild, user, f"Approved, by {user} in {guild}.", "Rocky",
                                      None, NOW)
        ids[(guild, user)] = {"pending": pending.id, "approved": approved.id}
    # GONE also reviewed a fact, as a moderator would.
    await facts.decide(GUILD, ids[(GUILD, STAYS)]["approved"], Action.APPROVE, GONE, NOW)
    await facts.decide(GUILD, ids[(GUILD, GONE)]["approved"], Action.APPROVE, MOD, NOW)
    await facts.decide(OTHER_GUILD, ids[(OTHER_GUILD, GONE)]["approved"], Action.APPROVE, GONE,
                       NOW)
    return ids


async def test_the_member_tables_are_found_from_the_schema(db):
    references = {(r.table, r.columns[1]): r for r in
                  await PrivacyRepository(db).member_references()}
    assert references[("scores", "user_id")] == MemberReference(
        "scores", ("guild_id", "user_id"), "CASCADE")
    assert references[("games", "host_user")] == MemberReference(
        "games", ("host_guild", "host_user"), "SET NULL")
    assert "channel_notes" not in {table for table, _ in references}  # user_id alone: no key


async def test_stored_about_counts_only_that_member_in_that_server(db):
    await _fill(db)
    data = await PrivacyRepository(db).stored_about(GUILD, GONE)
    counts = {(c.table, c.column): c for c in data.counts}
    assert counts[("members", None)].rows == 1
    assert counts[("scores", "user_id")].rows == 2
    assert counts[("games", "host_user")] == StoredCount("games", 1, True, "host_user")


async def test_delete_removes_everything_of_the_member_and_nothing_else(db):
    ids = await _fill(db)
    facts = FactRepository(db)
    await PreferencesRepository(db).set(GONE, motivate=False)
    others_before = await _others(db)

    data = await PrivacyRepository(db).delete_member(GUILD, GONE)

    counts = {(c.table, c.column): c.rows for c in data.counts}
    assert counts[(UNAPPROVED_FACTS, None)] == 1
    assert counts[("members", None)] == 1 and counts[("scores", "user_id")] == 2
    assert counts[("games", "host_user")] == 1
    assert await MemberRepository(db).get(GUILD, GONE) is None
    assert await db.fetch_all("SELECT * FROM scores WHERE guild_id = $1 AND user_id = $2",
                              (GUILD, GONE)) == []
    # The game they hosted stays, without their name.
    [game] = await db.fetch_all("SELECT host_guild, host_user FROM games WHERE guild_id = $1 "
                                "ORDER BY id LIMIT 1", (GUILD,))
    assert (game["host_guild"], game["host_user"]) == (None, None)
    # Their pending fact is gone; the approved one stays in the pool, credited to nobody.
    assert await facts.get(GUILD, ids[(GUILD, GONE)]["pending"]) is None
    approved = await facts.get(GUILD, ids[(GUILD, GONE)]["approved"])
    assert approved.status == Status.APPROVED and approved.submitter_id is None
    # The fact they reviewed keeps its submitter, without the reviewer.
    reviewed = await facts.get(GUILD, ids[(GUILD, STAYS)]["approved"])
    assert reviewed.submitter_id == STAYS and reviewed.decider_id is None
    # Everyone else's data, and their own in the other server, is exactly as it was.
    assert await _others(db) == others_before
    # The privacy choice is kept, so it goes on protecting them.
    assert (await PreferencesRepository(db).get(GONE)).motivate is False


async def test_deleting_twice_finds_nothing_the_second_time(db):
    await _fill(db)
    privacy = PrivacyRepository(db)
    first = await privacy.delete_member(GUILD, GONE)
    assert first.deleted and first.kept_without_name
    again = await privacy.delete_member(GUILD, GONE)
    assert again.empty and again.deleted == () and again.kept_without_name == ()


async def _others(db: Database) -> dict[str, object]:
    """What must not change: rows of everyone but GONE in GUILD, and GONE's in OTHER_GUILD."""
    def mine(guild: object, user: object) -> bool:
        return (guild, user) == (GUILD, GONE)

    facts = FactRepository(db)
    return {
        "members": [tuple(r) for r in await db.fetch_all("SELECT * FROM members ORDER BY 1, 2")
                    if not mine(r["guild_id"], r["user_id"])],
        "scores": [tuple(r) for r in await db.fetch_all("SELECT * FROM scores ORDER BY 1, 2, 3")
                   if not mine(r["guild_id"], r["user_id"])],
        "games": [tuple(r) for r in await db.fetch_all("SELECT * FROM games ORDER BY id")
                  if not mine(r["host_guild"], r["host_user"]) and r["host_user"] is not None],
        "notes": [tuple(r) for r in await db.fetch_all("SELECT * FROM channel_notes ORDER BY 1")],
        # (the reviewer of STAYS's fact was GONE: checked on its own above)
        "stays_facts": [(f.id, f.text, f.status, f.submitter_id)
                        for f in await facts.by_member(GUILD, STAYS)],
        "other_guild_facts": await facts.by_member(OTHER_GUILD, GONE),
    }
