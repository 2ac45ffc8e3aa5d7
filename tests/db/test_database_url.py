"""DATABASE_URL: parsing, one clear line and exit 2 for each way it can be wrong, and never the
password in that line or in the log."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.db import DatabaseUrlError, parse_database_url
from bot.settings import SettingsError, load_settings
from tests.conftest import BACKENDS

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "s3cret-Pa55word"


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "bot", "--env-file", "/dev/null", *args],
                          env=base | env, capture_output=True, text=True, timeout=60, cwd=REPO)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens there once the probe closes


def test_sqlite_and_postgresql_urls_parse_and_show_without_the_password():
    assert parse_database_url("sqlite:///data/rocky.db").path == Path("data/rocky.db")
    assert parse_database_url("sqlite:////srv/rocky.db").path == Path("/srv/rocky.db")
    url = parse_database_url(f"postgresql://rocky:{PASSWORD}@db.local:6543/rocky")
    assert (url.backend, url.host, url.port, url.database, url.user) == (
        "postgresql", "db.local", 6543, "rocky", "rocky")
    assert url.password == PASSWORD
    assert PASSWORD not in url.safe and PASSWORD not in repr(url) and PASSWORD not in str(url)
    socket = parse_database_url("postgresql://rocky@/rocky?host=/run/postgresql")
    assert (socket.host, socket.database) == ("/run/postgresql", "rocky")
    assert socket.safe == "postgresql://rocky@/rocky?host=/run/postgresql"


@pytest.mark.parametrize("text, why", [
    ("mysql://x@h/db", "must start with sqlite:// or postgresql://"),
    ("sqlite://", "needs a file path"),
    ("postgresql://user@/rocky", "needs a host"),
    ("postgresql://user@host:5432/", "needs a database name"),
    ("postgresql://user@host:99999/rocky", "port is not a number"),
])
def test_a_bad_url_is_refused_saying_why(text, why):
    with pytest.raises(DatabaseUrlError, match=why):
        parse_database_url(text)


def test_database_path_is_a_shorthand_and_a_conflict_is_refused(tmp_path):
    settings = load_settings({"DATABASE_PATH": str(tmp_path / "a.db")})
    assert settings.database.path == tmp_path / "a.db"
    same = load_settings({"DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}",
                          "DATABASE_PATH": str(tmp_path / "a.db")})
    assert same.database.path == tmp_path / "a.db"
    with pytest.raises(SettingsError, match="name different databases"):
        load_settings({"DATABASE_URL": "postgresql://u@h/db",
                       "DATABASE_PATH": str(tmp_path / "a.db")})
    with pytest.raises(SettingsError, match=r"^DATABASE_URL is not usable"):
        load_settings({"DATABASE_URL": f"postgres://u:{PASSWORD}@h:port/db"})


def test_a_server_that_does_not_answer_is_one_line_naming_database_url_and_exit_2():
    url = f"postgresql://rocky:{PASSWORD}@127.0.0.1:{_closed_port()}/rocky"
    for args in (("db", "migrate"), ("run",)):
        result = _cli(*args, DATABASE_URL=url, DISCORD_TOKEN="emulator-test-token-0123456789")
        assert result.returncode == 2, result
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "DATABASE_URL" in lines[0] and "does not answer" in lines[0]
        assert PASSWORD not in result.stderr + result.stdout
        assert "Traceback" not in result.stderr


def test_a_bad_url_on_the_command_line_is_one_line_and_exit_2():
    result = _cli("db", "migrate", DATABASE_URL=f"postgresql://u:{PASSWORD}@h:port/db")
    assert result.returncode == 2
    assert result.stderr.startswith("rocky-bot: DATABASE_URL is not usable")
    assert PASSWORD not in result.stderr and "Traceback" not in result.stderr


def test_backup_on_postgresql_points_to_pg_dump():
    result = _cli("db", "backup", "/tmp/x.db", DATABASE_URL=f"postgresql://u:{PASSWORD}@h/db")
    assert result.returncode == 2 and "pg_dump" in result.stderr
    assert PASSWORD not in result.stderr


if "postgresql" in BACKENDS:  # the PostgreSQL half (see tests/conftest.py)
    def test_wrong_credentials_and_a_missing_database_are_one_line_each(postgres_server):
        base = postgres_server.admin_url.rpartition("/")[0]
        missing = _cli("db", "migrate", DATABASE_URL=f"{base}/no_such_database")
        assert missing.returncode == 2 and "no database 'no_such_database'" in missing.stderr
        assert "createdb" in missing.stderr and len(missing.stderr.strip().splitlines()) == 1
        host = base.rpartition("@")[2]
        stranger = _cli("db", "migrate", DATABASE_URL=f"postgresql://nobody:{PASSWORD}@{host}/x")
        assert stranger.returncode == 2 and "DATABASE_URL" in stranger.stderr
        assert PASSWORD not in stranger.stderr and "Traceback" not in stranger.stderr

    async def test_db_migrate_on_postgresql_applies_then_says_up_to_date(postgres_server):
        url = await postgres_server.new_database(migrated=False)
        first = _cli("db", "migrate", DATABASE_URL=url)
        assert first.returncode == 0 and "applied" in first.stdout, first.stderr
        again = _cli("db", "migrate", DATABASE_URL=url)
        assert again.returncode == 0 and "already up to date" in again.stdout
