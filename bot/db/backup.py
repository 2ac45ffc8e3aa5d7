"""Consistent copies of a live database through SQLite's online backup API."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path


def backup_database(
    source: Path, target: Path, progress: Callable[[int, int], None] | None = None
) -> Path:
    """Copy `source` to `target` page by page while other processes keep writing to it."""
    if not source.exists():
        raise FileNotFoundError(f"no database at {source}")
    if target.exists():
        raise FileExistsError(f"{target} already exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source, timeout=10)
    dst = sqlite3.connect(target)
    try:
        def report(_status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress(total - remaining, total)

        src.backup(dst, pages=256, progress=report)
    finally:
        dst.close()
        src.close()
    return target


def integrity_check(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
