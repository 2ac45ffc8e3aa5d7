"""Per-route rate limits with Discord's headers and 429 answers."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limit:
    requests: int
    per_seconds: float


# Limits close to what Discord applies to these routes (per channel / per interaction token).
DEFAULT_LIMITS: dict[str, Limit] = {
    "channel_message_create": Limit(5, 5.0),
    "channel_message_edit": Limit(5, 5.0),
    "channel_message_delete": Limit(5, 1.0),
    "webhook_create": Limit(5, 2.0),
    "webhook_edit": Limit(5, 2.0),
    "commands_put": Limit(5, 20.0),  # Discord publishes no figure; a sync is rare by design
    "dm_create": Limit(5, 5.0),
}


@dataclass
class _Window:
    started: float
    used: int


class RateLimiter:
    def __init__(self, limits: dict[str, Limit] | None = None, *, scale: float = 1.0) -> None:
        self.limits = dict(DEFAULT_LIMITS if limits is None else limits)
        self.scale = scale  # tests may shorten windows; counts stay as Discord's
        self._windows: dict[tuple[str, str], _Window] = {}

    def hit(self, route: str, major: str) -> tuple[bool, dict[str, str], float]:
        """Count one request. Returns (allowed, headers, retry_after)."""
        limit = self.limits.get(route)
        if limit is None:
            return True, {}, 0.0
        per = limit.per_seconds * self.scale
        now = time.monotonic()
        window = self._windows.get((route, major))
        if window is None or now - window.started >= per:
            window = self._windows[(route, major)] = _Window(now, 0)
        reset_after = max(per - (now - window.started), 0.001)
        bucket = hashlib.sha1(route.encode()).hexdigest()[:16]
        if window.used >= limit.requests:
            headers = {
                "X-RateLimit-Limit": str(limit.requests),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
                "X-RateLimit-Reset-After": f"{reset_after:.3f}",
                "X-RateLimit-Bucket": bucket,
                "X-RateLimit-Scope": "user",
                "Retry-After": f"{reset_after:.3f}",
                # Discord's 429s come through its proxy; discord.py reads a 429 without Via as
                # a Cloudflare ban and gives up instead of waiting and retrying.
                "Via": "1.1 google",
            }
            return False, headers, reset_after
        window.used += 1
        headers = {
            "X-RateLimit-Limit": str(limit.requests),
            "X-RateLimit-Remaining": str(limit.requests - window.used),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket,
        }
        return True, headers, 0.0
