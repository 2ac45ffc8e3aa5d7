"""The facts repository on a real SQLite file: limits, races, privacy and the stored cycle."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.db import Database
from bot.db.repositories import GuildRepository, MemberRepository
from bot.db.repositories.facts import DecisionRefused, FactRepository
from bot.domain.facts import MAX_PENDING, Action, Status, draw_fact
from bot.errors import NotAllowed

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
GUILD, OTHER_GUILD = 1, 2
FAN, OTHER_FAN, MOD, MOD2 = 10, 11, 20, 21


@pytest.fixture()
async def db(database):
    guilds, members = GuildRepository(database), MemberRepository(database)
    for guild in (GUILD, OTHER_GUILD):
        await guilds.upsert_present(guild, f"G{guild}", NOW)
    for user, name in ((FAN, "Adrian"), (OTHER_FAN, "Paulie"), (MOD, "Mickey"), (MOD2, "Duke")):
        await members.remember(GUILD, user, name, NOW)
    await members.remember(OTHER_GUILD, FAN, "Adrian", NOW)
    return database


async def _submit(repo: FactRepository, n: int, user: int = FAN, guild: int = GUILD):
    return await repo.submit(guild, user, f"Fan fact number {n} about the steps", "Rocky", None,
                             NOW + timedelta(minutes=n))


async def test_a_submission_is_stored_pending_with_submitter_and_time(db):
    repo = FactRepository(db)
    stored = await repo.submit(GUILD, FAN, "Rocky ran the steps at dawn.", "Rocky",
                               "https://example.org/steps", NOW)
    assert (stored.label, stored.status, stored.submitter_id, stored.submitter_name,
            stored.submitted_at, stored.source) == (
        f"s{stored.id}", Status.PENDING, FAN, "Adrian", NOW.isoformat(),
        "https://example.org/steps")
    assert await repo.get(OTHER_GUILD, stored.id) is None  # ids are per server


async def test_at_most_five_pending_per_member_and_a_decision_frees_a_place(db):
    repo = FactRepository(db)
    firsts = [await _submit(repo, n) for n in range(MAX_PENDING)]
    with pytest.raises(NotAllowed):
        await _submit(repo, 99)
    await _submit(repo, 1, user=OTHER_FAN)  # another member has their own five
    await repo.decide(GUILD, firsts[0].id, Action.APPROVE, MOD, NOW)
    await _submit(repo, 100)
    assert await repo.pending_count(GUILD, FAN) == MAX_PENDING


async def test_two_moderators_at_once_record_one_decision(db):
    repo = FactRepository(db)
    submission = await _submit(repo, 1)
    results = await asyncio.gather(
        repo.decide(GUILD, submission.id, Action.APPROVE, MOD, NOW),
        repo.decide(GUILD, submission.id, Action.REJECT, MOD2, NOW, "no source"),
        return_exceptions=True)
    winners = [r for r in results if not isinstance(r, Exception)]
    [refused] = [r for r in results if isinstance(r, DecisionRefused)]
    assert len(winners) == 1
    final = await repo.get(GUILD, submission.id)
    assert final == winners[0]
    assert refused.submission.status is final.status  # the loser learns who decided first
    assert refused.submission.decider_name == final.decider_name


async def test_an_id_from_another_server_changes_nothing(db):
    repo = FactRepository(db)
    submission = await _submit(repo, 1, guild=OTHER_GUILD)
    assert await repo.decide(GUILD, submission.id, Action.APPROVE, MOD, NOW) is None
    assert (await repo.get(OTHER_GUILD, submission.id)).status is Status.PENDING


async def test_privacy_deletes_unapproved_submissions_and_approved_facts_lose_their_credit(db):
    repo = FactRepository(db)
    approved, rejected, pending = [await _submit(repo, n) for n in (1, 2, 3)]
    await repo.decide(GUILD, approved.id, Action.APPROVE, MOD, NOW)
    await repo.decide(GUILD, rejected.id, Action.REJECT, MOD, NOW, "dupe")
    assert await repo.delete_pending_by(GUILD, FAN) == 2
    await db.execute_write("DELETE FROM members WHERE guild_id = $1 AND user_id = $2", (GUILD, FAN))
    [kept] = await repo.with_status(GUILD, *Status)
    assert (kept.id, kept.status, kept.submitter_id, kept.submitter_name) == (
        approved.id, Status.APPROVED, None, None)
    assert await repo.get(GUILD, pending.id) is None


async def test_deleting_the_members_row_alone_also_drops_unapproved_submissions(db):
    repo = FactRepository(db)
    approved, pending = await _submit(repo, 1), await _submit(repo, 2)
    await repo.decide(GUILD, approved.id, Action.APPROVE, MOD, NOW)
    await db.execute_write("DELETE FROM members WHERE guild_id = $1 AND user_id = $2", (GUILD, FAN))
    assert await repo.get(GUILD, pending.id) is None
    assert (await repo.get(GUILD, approved.id)).submitter_id is None


async def test_a_deleted_moderator_leaves_the_decision_without_a_name(db):
    repo = FactRepository(db)
    submission = await _submit(repo, 1)
    await repo.decide(GUILD, submission.id, Action.APPROVE, MOD, NOW)
    await db.execute_write("DELETE FROM members WHERE guild_id = $1 AND user_id = $2", (GUILD, MOD))
    after = await repo.get(GUILD, submission.id)
    assert (after.status, after.decider_id, after.decider_name) == (Status.APPROVED, None, None)


async def test_the_review_queue_runs_oldest_first_and_skip_wraps_around(db):
    repo = FactRepository(db)
    a, b, c = [await _submit(repo, n) for n in (1, 2, 3)]
    assert (await repo.oldest_pending(GUILD)).id == a.id
    assert (await repo.pending_after(GUILD, a.id)).id == b.id
    assert (await repo.pending_after(GUILD, c.id)).id == a.id
    await repo.decide(GUILD, b.id, Action.REJECT, MOD, NOW)
    assert (await repo.pending_after(GUILD, a.id)).id == c.id
    assert await repo.pending_total(GUILD) == 2


async def test_contributors_rank_by_approved_facts(db):
    repo = FactRepository(db)
    for n, user in enumerate((FAN, FAN, OTHER_FAN, FAN)):
        submission = await _submit(repo, n, user=user)
        await repo.decide(GUILD, submission.id, Action.APPROVE, MOD, NOW + timedelta(hours=n))
    await _submit(repo, 50, user=OTHER_FAN)  # pending: not counted
    top = await repo.contributors(GUILD)
    assert [(c.display_name, c.approved) for c in top] == [("Adrian", 3), ("Paulie", 1)]


async def test_the_channel_cycle_survives_reopening_the_database(database_url):
    pool = [f"f{i}" for i in range(8)]
    shown = []
    for run in range(2):  # two "processes", each drawing half the pool
        db = await Database.open(database_url)
        await GuildRepository(db).upsert_present(GUILD, "G", NOW)
        repo = FactRepository(db)
        rng = random.Random(run)
        for _ in range(4):
            shown.append(await repo.draw(GUILD, 5, lambda s, r=rng: draw_fact(pool, pool, s, r)))
        await db.close()
    assert sorted(shown) == pool
