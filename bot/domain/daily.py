"""The daily question's calendar: local days in the server's timezone, and leaderboard windows."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PERIODS: tuple[str, ...] = ("week", "month", "all")
PERIOD_DAYS = {"week": 7, "month": 30}


def zone(name: str) -> ZoneInfo:
    """The server's timezone; an unknown name falls back to UTC rather than failing a command."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_day(now: datetime, timezone: str) -> date:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(zone(timezone)).date()


def next_rollover(now: datetime, timezone: str) -> datetime:
    """When the next local day starts, in UTC (23 or 25 hours away across a DST change)."""
    tz = zone(timezone)
    tomorrow = local_day(now, timezone) + timedelta(days=1)
    # Round-tripping through UTC settles a midnight that a DST jump skips.
    return datetime.combine(tomorrow, time(0), tzinfo=tz).astimezone(UTC)


def period_start(today: date, period: str) -> date | None:
    """First day counted by a leaderboard period: the last 7 or 30 days, today included."""
    if period == "all":
        return None
    try:
        return today - timedelta(days=PERIOD_DAYS[period] - 1)
    except KeyError:
        raise ValueError(f"unknown period {period!r}") from None
