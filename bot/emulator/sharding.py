"""Sharding as Discord does it: which shard carries a server, and who may IDENTIFY when.

Discord's rules: a server belongs to shard `(guild_id >> 22) % shard_count`; direct messages
arrive on shard 0; at most 2,500 servers a shard (more closes the connection with 4011); one
IDENTIFY per 5 seconds per bucket `shard_id % max_concurrency` (more closes it with 4008).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

CLOSE_RATE_LIMITED = 4008
CLOSE_INVALID_SHARD = 4010
CLOSE_SHARDING_REQUIRED = 4011
SESSION_START_WINDOW_MS = 24 * 60 * 60 * 1000  # session starts are counted per day

Shard = tuple[int, int]  # (shard_id, shard_count)

# Events whose payload is the server itself rather than something in it.
_GUILD_OBJECT_EVENTS = frozenset({"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"})


@dataclass
class ShardingRules:
    """Discord's figures by default; tests shorten `identify_interval` and lower the others."""

    identify_interval: float = 5.0  # seconds between IDENTIFYs in one bucket
    max_concurrency: int = 1  # IDENTIFY buckets (Discord raises it for very large bots)
    max_guilds_per_shard: int = 2500  # above this a session must shard (close code 4011)
    recommended_shards: int | None = None  # /gateway/bot's `shards`; None: from the count
    session_starts_per_day: int = 1000  # session_start_limit.total


class InvalidShard(ValueError):
    """IDENTIFY carried a `shard` Discord would refuse with close code 4010."""


def shard_of(guild_id: int, shard_count: int) -> int:
    return (guild_id >> 22) % shard_count


def guild_of(event: str, data: dict[str, Any]) -> int | None:
    """The server an event belongs to; None for direct messages and other server-less events."""
    value = data.get("id") if event in _GUILD_OBJECT_EVENTS else data.get("guild_id")
    return int(value) if value is not None else None


def covers(shard: Shard | None, guild_id: int | None) -> bool:
    """Whether a session on `shard` receives events of `guild_id` (None: a direct message).
    An unsharded session (shard None) receives everything."""
    if shard is None:
        return True
    shard_id, shard_count = shard
    if guild_id is None:
        return shard_id == 0
    return shard_of(guild_id, shard_count) == shard_id


def parse_shard(value: Any) -> Shard | None:
    """IDENTIFY's `shard` field: absent means unsharded; otherwise [shard_id, shard_count]."""
    if value is None:
        return None
    if (not isinstance(value, list | tuple) or len(value) != 2
            or not all(type(v) is int for v in value)):  # bool is an int; Discord wants ints
        raise InvalidShard(f"shard must be [shard_id, shard_count], not {value!r}")
    shard_id, shard_count = value
    if shard_count < 1 or not 0 <= shard_id < shard_count:
        raise InvalidShard(f"shard {shard_id} does not exist among {shard_count}")
    return shard_id, shard_count


def with_shard_id(guild_id: int, shard: Shard) -> int:
    """`guild_id` moved forward by less than `shard_count` milliseconds so that it lands on
    `shard`: for tests that need servers on chosen shards (ids made in one millisecond would
    all share one)."""
    shard_id, shard_count = shard
    return guild_id + (((shard_id - shard_of(guild_id, shard_count)) % shard_count) << 22)


class ShardGate:
    """Decides whether an IDENTIFY may start a session, and reports the session start limit."""

    def __init__(self, rules: ShardingRules, guild_ids: Callable[[], Collection[int]],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rules = rules
        self._guild_ids = guild_ids
        self._clock = clock
        self._last_identify: dict[int, float] = {}  # bucket -> when its last session started
        self._starts: list[float] = []  # when sessions started, for session_start_limit

    def refusal(self, shard: Shard | None) -> tuple[int, str] | None:
        """Why an IDENTIFY for `shard` must be refused, as (close code, reason), or None.

        Unsharded IDENTIFYs are not rate limited: a bot on one connection restarts within
        seconds in this suite, and the emulator has always let it."""
        shard_count = shard[1] if shard else 1
        guilds = len(self._guild_ids())
        if guilds > self.rules.max_guilds_per_shard * shard_count:
            return CLOSE_SHARDING_REQUIRED, "Sharding required."
        if shard is not None:
            bucket = self.bucket(shard[0])
            last = self._last_identify.get(bucket)
            if last is not None and self._clock() - last < self.rules.identify_interval:
                return CLOSE_RATE_LIMITED, "Rate limited."
        return None

    def bucket(self, shard_id: int) -> int:
        return shard_id % max(self.rules.max_concurrency, 1)

    def started(self, shard: Shard | None) -> None:
        """Count a session start (after `refusal` returned None)."""
        now = self._clock()
        if shard is not None:
            self._last_identify[self.bucket(shard[0])] = now
        self._starts.append(now)

    def recommended_shards(self) -> int:
        if self.rules.recommended_shards is not None:
            return self.rules.recommended_shards
        return max(1, math.ceil(len(self._guild_ids()) / self.rules.max_guilds_per_shard))

    def session_start_limit(self) -> dict[str, int]:
        now = self._clock()
        window = SESSION_START_WINDOW_MS / 1000
        self._starts = [t for t in self._starts if now - t < window]
        reset_after = int((window - (now - self._starts[0])) * 1000) if self._starts else 0
        return {
            "total": self.rules.session_starts_per_day,
            "remaining": max(self.rules.session_starts_per_day - len(self._starts), 0),
            "reset_after": reset_after,
            "max_concurrency": self.rules.max_concurrency,
        }
