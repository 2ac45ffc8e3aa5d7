"""`rocky-bot db copy`: everything, both directions, into an empty target only (or --replace),
with a progress line per table and row counts checked at the end."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.db import Database, DatabaseUrl, parse_database_url
from bot.db.copy import copy_order
from bot.db.repositories import GuildRepository, MemberRepository
from bot.db.repositories.facts import FactRepository
from bot.db.repositories.quiz import QuizRepository
from bot.domain.facts import Action
from bot.domain.quiz import Shuffle
from tests.conftest import BACKENDS

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "bot", "--env-file", "/dev/null", *args],
                          env=base, capture_output=True, text=True, timeout=120, cwd=REPO)


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


async def _fill(url: DatabaseUrl) -> None:
    """A server with members, a played game, a decided fact and a daily answer."""
    db = await Database.open(url)
    try:
        await GuildRepository(db).upsert_present(1, "Gym", T0)
        for user in range(10, 40):
            await MemberRepository(db).remember(1, user, f"fan{user}", T0)
        quiz = QuizRepository(db, clock=lambda: T0)
        game = await quiz.start_game(guild_id=1, channel_id=5, starter_id=10, film=None,
                                     difficulty=None, questions=5, seconds=20, now=T0)
        shuffle = Shuffle((2, 0, 1, 3), 1)
        await quiz.open_round(game.game_id, 1, "q1", shuffle, T0, T0 + timedelta(seconds=20))
        for user in range(10, 40):
            await quiz.record_answer(game_id=game.game_id, round_no=1, guild_id=1, user_id=user,
                                     option=user % 4, interaction_id=1000 + user,
                                     now=T0 + timedelta(seconds=1))
        await quiz.reveal_round(game.game_id, 1, now=T0 + timedelta(seconds=21), day=T0.date(),
                                difficulty="easy", films=("Rocky",))
        facts = FactRepository(db)
        fact = await facts.submit(1, 11, "Stallone wrote the script in days.", "Rocky", None, T0)
        await facts.decide(1, fact.id, Action.APPROVE, 12, T0)
    finally:
        await db.close()


async def _everything(url: DatabaseUrl) -> dict[str, list[tuple[object, ...]]]:
    db = await Database.open(url, migrate=False)
    try:
        found = {}
        for table in await copy_order(db):
            columns = await db.columns(table)
            rows = await db.fetch_all(f'SELECT * FROM "{table}"')
            found[table] = sorted((tuple(r[c] for c in columns) for r in rows), key=repr)
        return found
    finally:
        await db.close()


async def test_copy_between_two_sqlite_files_copies_every_row(tmp_path):
    source = tmp_path / "source.db"
    await _fill(DatabaseUrl.sqlite(source))
    result = _cli("db", "copy", _sqlite_url(source), _sqlite_url(tmp_path / "target.db"))
    assert result.returncode == 0, result.stderr
    assert "every table's row count matches" in result.stdout
    assert "quiz_answers" in result.stdout and "30/30" in result.stdout  # the progress lines
    assert await _everything(DatabaseUrl.sqlite(source)) == await _everything(
        DatabaseUrl.sqlite(tmp_path / "target.db"))


async def test_a_target_with_data_is_refused_unless_replace(tmp_path):
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    await _fill(DatabaseUrl.sqlite(source))
    await _fill(DatabaseUrl.sqlite(target))
    refused = _cli("db", "copy", _sqlite_url(source), _sqlite_url(target))
    assert refused.returncode == 2 and "already holds data" in refused.stderr
    assert "--replace" in refused.stderr and "Traceback" not in refused.stderr
    replaced = _cli("db", "copy", _sqlite_url(source), _sqlite_url(target), "--replace")
    assert replaced.returncode == 0, replaced.stderr


def test_copy_refuses_a_missing_source_and_the_same_database(tmp_path):
    missing = _cli("db", "copy", _sqlite_url(tmp_path / "nope.db"),
                   _sqlite_url(tmp_path / "t.db"))
    assert missing.returncode == 2 and "no SQLite database" in missing.stderr
    same = _cli("db", "copy", _sqlite_url(tmp_path / "a.db"), _sqlite_url(tmp_path / "a.db"))
    assert same.returncode == 2 and "the same database" in same.stderr


if "postgresql" in BACKENDS:  # the PostgreSQL half (see tests/conftest.py)
    async def test_sqlite_to_postgresql_and_back_keeps_every_row_and_new_ids_follow(
            tmp_path, postgres_server):
        source = tmp_path / "source.db"
        await _fill(DatabaseUrl.sqlite(source))
        postgres = await postgres_server.new_database(migrated=False)
        there = _cli("db", "copy", _sqlite_url(source), postgres)
        assert there.returncode == 0, there.stderr
        back = _cli("db", "copy", postgres, _sqlite_url(tmp_path / "back.db"))
        assert back.returncode == 0, back.stderr
        original = await _everything(DatabaseUrl.sqlite(source))
        assert original["quiz_answers"] and original["fact_submissions"]
        assert await _everything(parse_database_url(postgres)) == original
        assert await _everything(DatabaseUrl.sqlite(tmp_path / "back.db")) == original
        # Ids generated after the copy follow the copied ones (the identity was moved on).
        db = await Database.open(parse_database_url(postgres))
        try:
            fact = await FactRepository(db).submit(1, 11, "Burgess Meredith was Mickey.",
                                                   "Rocky", None, T0)
            assert fact.id == max(r[0] for r in original["fact_submissions"]) + 1
        finally:
            await db.close()
