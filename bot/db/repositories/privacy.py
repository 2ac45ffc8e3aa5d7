"""What the bot stores about a member in one server, and deleting it.

Generic on purpose: every member-owned table references members(guild_id, user_id), so the
tables are found in the live schema (Database.foreign_keys_to) and a feature added later is
covered without a change here. Deleting the members row lets the foreign keys do the work:
ON DELETE CASCADE removes the member's rows, ON DELETE SET NULL keeps rows that must outlive
the member (an approved fact) without their name. Fact submissions are the one exception: a
submission row has no member key (its credit is a separate, cascading row), so the facts
repository deletes the member's unapproved ones first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.db.database import Database, Row
from bot.db.repositories.facts import FactRepository
from bot.domain.privacy import MEMBERS, UNAPPROVED_FACTS, MemberData, StoredCount

MEMBER_KEY = ("guild_id", "user_id")

FetchOne = Callable[[str, tuple[int, int]], Awaitable[Row | None]]


@dataclass(frozen=True, slots=True)
class MemberReference:
    """A foreign key from `table` to members; `columns` are the table's, in MEMBER_KEY order."""

    table: str
    columns: tuple[str, str]
    on_delete: str  # "CASCADE", "SET NULL", ...

    @property
    def keeps_rows(self) -> bool:
        return self.on_delete == "SET NULL"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


class PrivacyRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def member_references(self) -> tuple[MemberReference, ...]:
        """Every foreign key to members, read from the live schema (so it includes new tables)."""
        references = []
        for key in await self._db.foreign_keys_to(MEMBERS):
            by_target = dict(zip(key.target_columns, key.columns, strict=True))
            if set(by_target) != set(MEMBER_KEY):
                continue  # not a key on (guild_id, user_id): nothing of one member's to find
            references.append(MemberReference(
                key.table, (by_target["guild_id"], by_target["user_id"]), key.on_delete))
        return tuple(references)

    async def stored_about(self, guild_id: int, user_id: int) -> MemberData:
        return await self._count(self._db.fetch_one, await self.member_references(),
                                 guild_id, user_id)

    async def delete_member(self, guild_id: int, user_id: int) -> MemberData:
        """Delete the member's unapproved fact submissions, then their members row (and through
        the foreign keys their data) in one transaction; returns what was there."""
        unapproved = await FactRepository(self._db).delete_pending_by(guild_id, user_id)
        references = await self.member_references()
        async with self._db.transaction() as conn:
            found = await self._count(conn.fetch_one, references, guild_id, user_id)
            await conn.execute(
                f"DELETE FROM {MEMBERS} WHERE guild_id = $1 AND user_id = $2",
                (guild_id, user_id))
        return MemberData((StoredCount(UNAPPROVED_FACTS, unapproved), *found.counts))

    @staticmethod
    async def _count(fetch_one: FetchOne, references: tuple[MemberReference, ...],
                     guild_id: int, user_id: int) -> MemberData:
        own = await fetch_one(
            f"SELECT COUNT(*) AS n FROM {MEMBERS} WHERE guild_id = $1 AND user_id = $2",
            (guild_id, user_id))
        assert own is not None  # COUNT(*) always yields one row
        counts = [StoredCount(MEMBERS, own["n"])]
        for ref in references:
            guild_col, user_col = (_quote(c) for c in ref.columns)
            row = await fetch_one(
                f"SELECT COUNT(*) AS n FROM {_quote(ref.table)} "
                f"WHERE {guild_col} = $1 AND {user_col} = $2", (guild_id, user_id))
            assert row is not None  # COUNT(*) always yields one row
            counts.append(StoredCount(ref.table, row["n"], ref.keeps_rows, ref.columns[1]))
        return MemberData(tuple(counts))
