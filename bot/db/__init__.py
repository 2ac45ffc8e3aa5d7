"""The data layer: every SQL statement of the project lives in this package.

`open_database(url)` opens the backend DATABASE_URL names (SQLite by default, or PostgreSQL)
behind one interface, `Database` (bot/db/database.py).
"""

from __future__ import annotations

from bot.db.database import Connection, Database, Row
from bot.db.errors import (
    DatabaseError,
    DatabaseSetupError,
    DatabaseTooNewError,
    DatabaseUnavailable,
    IntegrityViolation,
)
from bot.db.migrations import LATEST_VERSION
from bot.db.url import DatabaseUrl, DatabaseUrlError, parse_database_url

__all__ = [
    "LATEST_VERSION",
    "Connection",
    "Database",
    "DatabaseError",
    "DatabaseSetupError",
    "DatabaseTooNewError",
    "DatabaseUnavailable",
    "DatabaseUrl",
    "DatabaseUrlError",
    "IntegrityViolation",
    "Row",
    "open_database",
    "parse_database_url",
]


async def open_database(url: DatabaseUrl, *, migrate: bool = True) -> Database:
    """Open (and by default migrate) the database; DatabaseSetupError says what is wrong."""
    return await Database.open(url, migrate=migrate)
