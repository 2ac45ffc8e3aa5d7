"""Discord's IDENTIFY rate across every bot process of a cluster: one IDENTIFY per bucket
(`shard_id % max_concurrency`) per interval, coordinated through the shared database."""

from __future__ import annotations

from bot.db.database import Database

_KEY = "identify-bucket:{bucket}"


class IdentifyRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def try_take(self, bucket: int, now: float, interval: float) -> float:
        """Take the bucket's turn at `now` (seconds since the epoch); 0 if taken, else how long
        to wait first. A compare-and-set on the last turn: of two processes, one wins."""
        key = _KEY.format(bucket=bucket)
        async with self._db.transaction() as conn:
            await conn.execute("INSERT INTO app_state (key, value) VALUES ($1, '0') "
                               "ON CONFLICT (key) DO NOTHING", (key,))
            last = str(await conn.fetch_value("SELECT value FROM app_state WHERE key = $1",
                                              (key,)))
            wait = float(last) + interval - now
            if wait > 0:
                return wait
            taken = await conn.execute("UPDATE app_state SET value = $1 WHERE key = $2 AND "
                                       "value = $3", (repr(now), key, last))
        return 0.0 if taken == 1 else interval  # another process took this turn
