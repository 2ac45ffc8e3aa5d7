"""When a server's daily post is due: local time, DST, restarts and the catch-up window. Pure.

Every decision is keyed on the server's *local day*, so a post goes out at most once per day
whatever the clock does: a local time that does not exist (the spring-forward gap) goes out when
the gap ends, a local time that happens twice (the fall-back hour) goes out the first time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

KINDS: tuple[str, ...] = ("fact", "quote", "question")

# After downtime, a missed post is still sent if the bot is back within this long after the
# post's time; later, that day's post is skipped (a quote at 23:40 for a 09:00 slot is noise).
CATCH_UP_WINDOW = timedelta(hours=3)

_HH_MM = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*$")


class Action(Enum):
    WAIT = "wait"  # nothing to do now; `next_due` says when
    POST = "post"  # post now, for `day`
    SKIP = "skip"  # `day`'s post was missed by more than the catch-up window


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    day: date  # the local day this decision is about (the latest one whose time has come)
    next_due: datetime  # UTC: when the following post is due


def parse_daily_time(text: str) -> time:
    """'9:05' or '09:05' -> 09:05; ValueError with a sentence for anything else."""
    match = _HH_MM.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a time of day: use 24-hour HH:MM, such as 09:00.")
    return time(int(match[1]), int(match[2]))


def format_daily_time(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


@cache
def timezone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def canonical_timezone(name: str) -> str | None:
    """The IANA name as the tz database spells it, matched ignoring case; None if unknown."""
    wanted = name.strip().casefold()
    return next((tz for tz in timezone_names() if tz.casefold() == wanted), None)


def load_timezone(name: str) -> ZoneInfo:
    """The zone for a stored name; UTC if the system's tz database no longer has it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def due_at(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of `at` on local `day`.

    fold=0: an ambiguous time is its first occurrence; a time in the spring-forward gap is read
    with the offset before the change, which lands just after the gap (02:30 -> 03:30).
    """
    local = datetime.combine(day, at, tzinfo=zone).replace(fold=0)
    return local.astimezone(UTC)


def decide(
    *,
    zone: ZoneInfo,
    at: time,
    last_posted_day: date | None,
    now: datetime,
    window: timedelta = CATCH_UP_WINDOW,
) -> Decision:
    """What to do about one server's daily post at `now` (an aware datetime)."""
    today = now.astimezone(zone).date()
    day = today
    if due_at(today, at, zone) > now:
        day = today - timedelta(days=1)  # today's slot is still ahead: yesterday's is the latest
    due = due_at(day, at, zone)
    following = due_at(day + timedelta(days=1), at, zone)
    if last_posted_day is not None and last_posted_day >= day:
        return Decision(Action.WAIT, day, following)
    if now - due <= window:
        return Decision(Action.POST, day, following)
    return Decision(Action.SKIP, day, following)


@dataclass(frozen=True, slots=True)
class ScheduledPost:
    """One daily post that is on, with what the scheduler needs to decide and send it."""

    guild_id: int
    kind: str
    channel_id: int
    timezone: str
    daily_time: str
    ping_role_id: int | None
    last_posted_day: date | None


@dataclass(frozen=True, slots=True)
class PostState:
    kind: str
    last_posted_day: date | None = None
    last_posted_at: str | None = None
    disabled_reason: str | None = None
    disabled_at: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """A day taken for a post before sending it; `release` gives it back if the send failed."""

    guild_id: int
    kind: str
    day: date
    previous_day: str | None
    previous_at: str | None
