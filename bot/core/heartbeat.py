"""A file the bot rewrites while connected, so `rocky-bot health` can tell a live bot."""

from __future__ import annotations

import json
import time
from pathlib import Path

HEARTBEAT_EVERY = 5.0
STALE_AFTER = 30.0


def write_heartbeat(path: Path, *, connected: bool, guilds: int, stopped: bool = False) -> None:
    """`stopped` is the last beat of a clean stop: tools such as `db restore` need not wait
    for the heartbeat to go stale."""
    tmp = path.with_name(path.name + ".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)  # data/ beside a PostgreSQL-backed bot
    beat = {"at": time.time(), "connected": connected, "guilds": guilds}
    tmp.write_text(json.dumps(beat | {"stopped": True} if stopped else beat))
    tmp.replace(path)  # atomic: the health check never reads half a file


def check_heartbeat(path: Path, now: float | None = None) -> tuple[bool, str]:
    now = time.time() if now is None else now
    try:
        beat = json.loads(path.read_text())
    except FileNotFoundError:
        return False, f"no heartbeat at {path}: the bot is not running or never connected"
    except ValueError:
        return False, f"unreadable heartbeat at {path}"
    age = now - float(beat.get("at", 0))
    if beat.get("stopped"):
        return False, f"the bot stopped {age:.0f}s ago"
    if age > STALE_AFTER:
        return False, f"last heartbeat {age:.0f}s ago: the bot is stuck or stopped"
    if not beat.get("connected"):
        return False, "the bot is running but not connected to Discord"
    return True, f"connected to Discord, {beat.get('guilds', 0)} servers, heartbeat {age:.0f}s ago"


def heartbeat_is_fresh(path: Path, now: float | None = None) -> bool:
    """Whether a bot wrote its heartbeat lately: it is running (connected or not)."""
    now = time.time() if now is None else now
    try:
        beat = json.loads(path.read_text())
        return not beat.get("stopped") and now - float(beat.get("at", 0)) <= STALE_AFTER
    except (OSError, ValueError):
        return False
