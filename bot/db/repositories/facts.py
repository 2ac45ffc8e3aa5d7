"""Fan-submitted facts, their moderation, credit, and each channel's no-repeat cycle."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from bot.db.database import Connection, Database, Row
from bot.domain.facts import (
    Action,
    Contributor,
    CycleState,
    DecisionRefused,
    Draw,
    Status,
    Submission,
    TransitionRefused,
    ensure_can_submit,
    transition,
)

_SELECT = (
    "SELECT f.id, f.guild_id, f.text, f.film, f.source, f.status, f.submitted_at, f.decided_at, "
    "f.reason, f.review_channel_id, f.review_message_id, "
    "s.user_id AS submitter_id, sm.display_name AS submitter_name, "
    "d.user_id AS decider_id, dm.display_name AS decider_name "
    "FROM fact_submissions f "
    "LEFT JOIN fact_submitters s ON s.submission_id = f.id "
    "LEFT JOIN members sm ON sm.guild_id = s.guild_id AND sm.user_id = s.user_id "
    "LEFT JOIN fact_deciders d ON d.submission_id = f.id "
    "LEFT JOIN members dm ON dm.guild_id = d.guild_id AND dm.user_id = d.user_id "
)
_OF_MEMBER = ("f.id IN (SELECT submission_id FROM fact_submitters "
              "WHERE guild_id = :guild AND user_id = :user)")
_QUEUE_ORDER = "ORDER BY f.submitted_at, f.id"


def _submission(row: Row) -> Submission:
    values = dict(row)
    values["status"] = Status(values["status"])
    return Submission(**values)


class FactRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- submitting ------------------------------------------------------------------------
    async def submit(self, guild_id: int, user_id: int, text: str, film: str,
                     source: str | None, now: datetime) -> Submission:
        """Store a pending submission; the pending limit is checked in the same transaction."""
        async with self._db.transaction() as conn:
            ensure_can_submit(await conn.fetch_value(
                f"SELECT COUNT(*) FROM fact_submissions f WHERE {_OF_MEMBER} "
                "AND f.status = 'pending'", {"guild": guild_id, "user": user_id}))
            submission_id = int(await conn.fetch_value(
                "INSERT INTO fact_submissions (guild_id, text, film, source, submitted_at) "
                "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                (guild_id, text, film, source, now.isoformat())))
            await conn.execute(
                "INSERT INTO fact_submitters (submission_id, guild_id, user_id) "
                "VALUES ($1, $2, $3)", (submission_id, guild_id, user_id))
        found = await self.get(guild_id, submission_id)
        assert found is not None
        return found

    async def pending_count(self, guild_id: int, user_id: int) -> int:
        row = await self._db.fetch_one(
            f"SELECT COUNT(*) AS n FROM fact_submissions f WHERE {_OF_MEMBER} "
            "AND f.status = 'pending'", {"guild": guild_id, "user": user_id})
        return int(row["n"]) if row else 0

    async def set_review_message(self, submission_id: int, channel_id: int,
                                 message_id: int) -> None:
        await self._db.execute_write(
            "UPDATE fact_submissions SET review_channel_id = $1, review_message_id = $2 "
            "WHERE id = $3", (channel_id, message_id, submission_id))

    # -- reading ---------------------------------------------------------------------------
    async def get(self, guild_id: int, submission_id: int) -> Submission | None:
        """Only within that server: an id from another server is simply not found."""
        row = await self._db.fetch_one(f"{_SELECT} WHERE f.guild_id = $1 AND f.id = $2",
                                       (guild_id, submission_id))
        return None if row is None else _submission(row)

    async def with_status(self, guild_id: int, *statuses: Status) -> list[Submission]:
        marks = ", ".join(f"${n}" for n in range(2, len(statuses) + 2))
        rows = await self._db.fetch_all(
            f"{_SELECT} WHERE f.guild_id = $1 AND f.status IN ({marks}) {_QUEUE_ORDER}",
            (guild_id, *statuses))
        return [_submission(r) for r in rows]

    async def oldest_pending(self, guild_id: int) -> Submission | None:
        row = await self._db.fetch_one(
            f"{_SELECT} WHERE f.guild_id = $1 AND f.status = 'pending' {_QUEUE_ORDER} LIMIT 1",
            (guild_id,))
        return None if row is None else _submission(row)

    async def pending_after(self, guild_id: int, submission_id: int) -> Submission | None:
        """The next pending submission in queue order after this one, wrapping to the oldest."""
        current = await self._db.fetch_one(
            "SELECT submitted_at FROM fact_submissions WHERE guild_id = $1 AND id = $2",
            (guild_id, submission_id))
        if current is not None:
            row = await self._db.fetch_one(
                f"{_SELECT} WHERE f.guild_id = $1 AND f.status = 'pending' AND "
                f"(f.submitted_at, f.id) > ($2, $3) {_QUEUE_ORDER} LIMIT 1",
                (guild_id, current["submitted_at"], submission_id))
            if row is not None:
                return _submission(row)
        row = await self._db.fetch_one(
            f"{_SELECT} WHERE f.guild_id = $1 AND f.status = 'pending' AND f.id != $2 "
            f"{_QUEUE_ORDER} LIMIT 1", (guild_id, submission_id))
        return None if row is None else _submission(row)

    async def pending_total(self, guild_id: int) -> int:
        row = await self._db.fetch_one(
            "SELECT COUNT(*) AS n FROM fact_submissions WHERE guild_id = $1 AND status = 'pending'",
            (guild_id,))
        return int(row["n"]) if row else 0

    async def by_member(self, guild_id: int, user_id: int, limit: int = 10) -> list[Submission]:
        rows = await self._db.fetch_all(
            f"{_SELECT} WHERE {_OF_MEMBER} "
            "ORDER BY f.submitted_at DESC, f.id DESC LIMIT :limit",
            {"guild": guild_id, "user": user_id, "limit": limit})
        return [_submission(r) for r in rows]

    async def status_counts(self, guild_id: int, user_id: int) -> dict[Status, int]:
        rows = await self._db.fetch_all(
            f"SELECT f.status, COUNT(*) AS n FROM fact_submissions f WHERE {_OF_MEMBER} "
            "GROUP BY f.status", {"guild": guild_id, "user": user_id})
        return {Status(r["status"]): int(r["n"]) for r in rows}

    async def contributors(self, guild_id: int, limit: int = 10) -> list[Contributor]:
        """Most approved facts first; on a tie, who reached that count first."""
        rows = await self._db.fetch_all(
            "SELECT s.user_id, m.display_name, COUNT(*) AS approved, MAX(f.decided_at) AS last "
            "FROM fact_submissions f JOIN fact_submitters s ON s.submission_id = f.id "
            "JOIN members m ON m.guild_id = s.guild_id AND m.user_id = s.user_id "
            "WHERE f.guild_id = $1 AND f.status = 'approved' "
            "GROUP BY s.user_id, m.display_name ORDER BY approved DESC, last ASC LIMIT $2",
            (guild_id, limit))
        return [Contributor(r["user_id"], r["display_name"], r["approved"]) for r in rows]

    # -- moderation ------------------------------------------------------------------------
    async def decide(self, guild_id: int, submission_id: int, action: Action, moderator_id: int,
                     now: datetime, reason: str | None = None) -> Submission | None:
        """Apply a moderator's action. None if the id is not this server's; DecisionRefused if
        the state forbids it (for a race: the other moderator's decision is kept)."""
        async with self._db.transaction() as conn:
            row = await conn.fetch_one(
                "SELECT status FROM fact_submissions WHERE guild_id = $1 AND id = $2",
                (guild_id, submission_id))
            if row is None:
                return None
            try:
                new_status = transition(row["status"], action)
            except TransitionRefused:
                refused = True
            else:
                refused = False
                await conn.execute(
                    "UPDATE fact_submissions SET status = $1, decided_at = $2, "
                    "reason = COALESCE($3, reason) WHERE id = $4 AND status = $5",
                    (new_status, now.isoformat(), reason, submission_id, row["status"]))
                await conn.execute(
                    "INSERT INTO fact_deciders (submission_id, guild_id, user_id) "
                    "VALUES ($1, $2, $3) ON CONFLICT (submission_id) DO UPDATE SET "
                    "user_id = excluded.user_id", (submission_id, guild_id, moderator_id))
        current = await self.get(guild_id, submission_id)
        assert current is not None
        if refused:
            raise DecisionRefused(current, action)
        return current

    # -- privacy ---------------------------------------------------------------------------
    async def delete_pending_by(self, guild_id: int, user_id: int) -> int:
        """Delete what a member submitted that is not in the server's pool (pending, rejected,
        removed); returns how many. Approved facts stay and lose their credit when the members
        row goes (fact_submitters cascades; a trigger would also drop the unapproved ones)."""
        return await self._db.execute_write(
            f"DELETE FROM fact_submissions AS f WHERE f.status != 'approved' AND {_OF_MEMBER}",
            {"guild": guild_id, "user": user_id})

    # -- the no-repeat cycle ---------------------------------------------------------------
    async def draw(self, guild_id: int, channel_id: int,
                   choose: Callable[[CycleState], Draw]) -> str:
        """Read the channel's history, let `choose` pick, record it: one unit of work, so two
        draws at once in a channel never both pick the same fact."""
        return await self._db.write(partial(_draw, guild_id, channel_id, choose))


async def _draw(guild_id: int, channel_id: int, choose: Callable[[CycleState], Draw],
                conn: Connection) -> str:
    """A unit of work: read the channel's cycle, let `choose` pick, record the showing."""
    cycle = await conn.fetch_one(
        "SELECT cycle_start, next_seq FROM fact_channel_cycles "
        "WHERE guild_id = $1 AND channel_id = $2", (guild_id, channel_id))
    last_shown = {row[0]: row[1] for row in await conn.fetch_all(
        "SELECT fact_id, seq FROM fact_channel_views WHERE guild_id = $1 AND channel_id = $2",
        (guild_id, channel_id))}
    state = CycleState(cycle["cycle_start"], cycle["next_seq"], last_shown) if cycle \
        else CycleState(last_shown=last_shown)
    drawn = choose(state)
    await conn.execute(
        "INSERT INTO fact_channel_cycles (guild_id, channel_id, cycle_start, next_seq) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (guild_id, channel_id) DO UPDATE SET "
        "cycle_start = excluded.cycle_start, next_seq = excluded.next_seq",
        (guild_id, channel_id, drawn.cycle_start, drawn.seq + 1))
    await conn.execute(
        "INSERT INTO fact_channel_views (guild_id, channel_id, fact_id, seq) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (guild_id, channel_id, fact_id) DO UPDATE SET "
        "seq = excluded.seq", (guild_id, channel_id, drawn.fact_id, drawn.seq))
    return drawn.fact_id
