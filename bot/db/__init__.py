"""The data layer: every SQL statement of the project lives in this package."""

from bot.db.database import Database, DatabaseTooNewError
from bot.db.migrations import LATEST_VERSION

__all__ = ["LATEST_VERSION", "Database", "DatabaseTooNewError"]
