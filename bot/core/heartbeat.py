"""A file the bot rewrites while connected, so `rocky-bot health` can tell a live bot."""

from __future__ import annotations

import json
import time
from pathlib import Path

HEARTBEAT_EVERY = 5.0
STALE_AFTER = 30.0


def write_heartbeat(path: Path, *, connected: bool, guilds: int) -> None:
    tmp = path.with_name(path.name + ".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)  # data/ beside a PostgreSQL-backed bot
    tmp.write_text(json.dumps({"at": time.time(), "connected": connected, "guilds": guilds}))
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
    if age > STALE_AFTER:
        return False, f"last heartbeat {age:.0f}s ago: the bot is stuck or stopped"
    if not beat.get("connected"):
        return False, "the bot is running but not connected to Discord"
    return True, f"connected to Discord, {beat.get('guilds', 0)} servers, heartbeat {age:.0f}s ago"
