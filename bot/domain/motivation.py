"""/motivate limits: a sender waits between motivations, and a member is motivated rarely.

The target's window is what keeps /motivate from becoming a way to ping someone over and over:
several senders together still reach a member at most once per window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

SENDER_EVERY = timedelta(seconds=60)
TARGET_EVERY = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Wait:
    """Why a motivation is refused now, and for how long."""

    reason: str  # "sender" or "target"
    remaining: timedelta


class MotivationLimiter:
    """In-memory windows per server; a restart forgets them, which only shortens one wait."""

    def __init__(self, sender_every: timedelta = SENDER_EVERY,
                 target_every: timedelta = TARGET_EVERY) -> None:
        self.sender_every = sender_every
        self.target_every = target_every
        self._sent: dict[tuple[int, int], datetime] = {}
        self._received: dict[tuple[int, int], datetime] = {}

    def try_send(self, guild_id: int, sender_id: int, target_id: int, now: datetime
                 ) -> Wait | None:
        """Record the motivation and return None, or return the wait and record nothing."""
        self._forget_before(now)
        sent = self._sent.get((guild_id, sender_id))
        if sent is not None:
            return Wait("sender", sent + self.sender_every - now)
        received = self._received.get((guild_id, target_id))
        if received is not None:
            return Wait("target", received + self.target_every - now)
        self._sent[(guild_id, sender_id)] = now
        self._received[(guild_id, target_id)] = now
        return None

    def _forget_before(self, now: datetime) -> None:
        # Expired entries go, so the dictionaries hold only members inside a window.
        self._sent = {k: t for k, t in self._sent.items() if now < t + self.sender_every}
        self._received = {k: t for k, t in self._received.items()
                          if now < t + self.target_every}
