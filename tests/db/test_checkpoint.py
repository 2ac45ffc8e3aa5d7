"""Checkpoints run in the background, off the commit path (bot/db/sqlite.py)."""

from __future__ import annotations

import asyncio
import sqlite3

from bot.db import Database
from bot.db import sqlite as database


async def test_the_writer_checkpoints_by_itself_only_past_the_safety_net(tmp_path):
    db = await Database.open(tmp_path / "w.db")
    try:
        row = await db.fetch_one("PRAGMA wal_autocheckpoint")
        assert row[0] == database.WRITER_CHECKPOINT_PAGES
    finally:
        await db.close()


async def test_committed_pages_reach_the_database_file_without_a_commit_doing_it(
        tmp_path, monkeypatch):
    monkeypatch.setattr(database, "CHECKPOINT_EVERY", 0.05)
    path = tmp_path / "c.db"
    db = await Database.open(path)
    try:
        await db.execute_write("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        before = path.stat().st_size
        await asyncio.gather(*(db.write(lambda conn, k=k: conn.execute(
            "INSERT INTO t VALUES (?, ?)", (k, "x" * 500))) for k in range(400)))
        # Far below the writer's own threshold: only the background checkpoint copies the
        # ~50 pages written into the database file.
        for _ in range(200):
            if path.stat().st_size > before + 40 * 4096:
                break
            await asyncio.sleep(0.05)
        assert path.stat().st_size > before + 40 * 4096
        # The file alone (no WAL) holds the rows.
        other = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        assert other.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 400
        other.close()
    finally:
        await db.close()
