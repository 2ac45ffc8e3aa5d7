"""What the bot keeps about a member in one server, as /privacy shows and deletes it."""

from __future__ import annotations

from dataclasses import dataclass

MEMBERS = "members"
UNAPPROVED_FACTS = "fact_submissions"  # reported under the table the facts repository deletes from


@dataclass(frozen=True, slots=True)
class StoredCount:
    """How many rows of `table` belong to the member (through `column`, the key's user column,
    when the table refers to members); kept rows only lose the member's name."""

    table: str
    rows: int
    kept_without_name: bool = False
    column: str | None = None


@dataclass(frozen=True, slots=True)
class MemberData:
    counts: tuple[StoredCount, ...]

    @property
    def deleted(self) -> tuple[StoredCount, ...]:
        return tuple(c for c in self.counts if c.rows and not c.kept_without_name)

    @property
    def kept_without_name(self) -> tuple[StoredCount, ...]:
        return tuple(c for c in self.counts if c.rows and c.kept_without_name)

    @property
    def empty(self) -> bool:
        return not any(c.rows for c in self.counts)
