"""The data layer's exceptions, the same whichever backend raised them.

Each backend translates its driver's errors into these, so nothing above bot/db catches
sqlite3 or asyncpg exceptions.
"""

from __future__ import annotations


class DatabaseError(Exception):
    """Base class of the data layer's own errors."""


class DatabaseSetupError(DatabaseError):
    """The configured database cannot be used at start-up. The message is one sentence for the
    person running the bot: what is wrong and what to do. It never contains a password."""


class DatabaseTooNewError(DatabaseSetupError):
    """The database was written by a newer version of the bot; running on it could damage it."""

    def __init__(self, where: str, found: int, latest: int) -> None:
        super().__init__(
            f"The database {where} is at schema version {found}, newer than this bot knows "
            f"({latest}). Upgrade the bot, or restore a backup made by this version."
        )
        self.found = found


class DatabaseUnavailable(DatabaseError):
    """The database cannot be written or reached right now (the server went away, the disk is
    full, the file became read-only). Nothing of the failed unit of work was committed; the
    same call may succeed once the cause is gone."""


class IntegrityViolation(DatabaseError):
    """A constraint refused the change. `constraint` names it where the backend says which
    (an index or constraint name on PostgreSQL, the columns on SQLite)."""

    def __init__(self, message: str, constraint: str) -> None:
        super().__init__(message)
        self.constraint = constraint
