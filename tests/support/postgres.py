"""A throwaway PostgreSQL server for the test session, from the installed binaries.

`TEST_DATABASE_URL` names an existing server instead (its user must be allowed to create
databases). Each test gets a database of its own, cloned from a migrated template, so tests are
isolated and no test pays for the migrations.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import asyncpg

from bot.db import Database, parse_database_url
from tests.support.dbaccess import in_own_thread

TEMPLATE = "rocky_template"
HOW_TO_RUN = ("install PostgreSQL (apt-get install postgresql) or set TEST_DATABASE_URL to a "
              "server whose user may create databases")


def server_binaries() -> Path | None:
    """The newest installed server's bin folder (Debian keeps them off PATH)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if found:
        return found[-1].parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """Started once per test session; `new_database()` hands out fresh, migrated databases."""

    def __init__(self, *, durable: bool = False, preload: tuple[str, ...] = ()) -> None:
        """`durable`: fsync on, as in production (the benchmarks); tests run with it off.
        `preload`: server extensions to load (each is created in every test database)."""
        self.durable = durable
        self.preload = preload
        self.admin_url = os.environ.get("TEST_DATABASE_URL", "")
        self._folder: Path | None = None
        self._bin: Path | None = None
        self.port = 0
        self._names = itertools.count(1)

    @property
    def available(self) -> bool:
        return bool(self.admin_url) or server_binaries() is not None

    def _as_server_user(self, *command: str) -> list[str]:
        # PostgreSQL refuses to run as root: run it as the user the package created.
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *command]
        return list(command)

    def start(self) -> None:
        if self.admin_url:
            self._prepare_template()
            return
        self._bin = server_binaries()
        assert self._bin is not None, HOW_TO_RUN
        self._folder = Path(tempfile.mkdtemp(prefix="rocky-pg-"))
        data = self._folder / "data"
        data.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self._folder, "postgres")
            shutil.chown(data, "postgres")
        subprocess.run(self._as_server_user(
            str(self._bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "rocky",
            "--no-sync"), check=True, capture_output=True)
        self.port = _free_port()
        # fsync off: the tests crash bot processes and restart the server, never the machine.
        # (-l: the server's output goes to a file, never to our pipes, which would stay open.)
        options = (f"-k {self._folder} -h 127.0.0.1 -p {self.port} -c max_connections=300"
                   + ("" if self.durable else " -c fsync=off")
                   + (f" -c shared_preload_libraries={','.join(self.preload)}"
                      if self.preload else ""))
        subprocess.run(self._as_server_user(
            str(self._bin / "pg_ctl"), "-D", str(data), "-o", options, "-l",
            str(self._folder / "log"), "-w", "start"), check=True, capture_output=True)
        self.admin_url = f"postgresql://rocky@127.0.0.1:{self.port}/postgres"
        self._prepare_template()

    def restart(self, mode: str = "fast") -> None:
        """Stop and start the server (mode: smart, fast or immediate), as an outage."""
        assert self._bin is not None and self._folder is not None, "only our own server"
        subprocess.run(self._as_server_user(
            str(self._bin / "pg_ctl"), "-D", str(self._folder / "data"), "-m", mode, "-w",
            "-l", str(self._folder / "log"), "restart"), check=True, capture_output=True)

    def stop(self) -> None:
        if self._bin is None or self._folder is None:
            return
        subprocess.run(self._as_server_user(
            str(self._bin / "pg_ctl"), "-D", str(self._folder / "data"), "-m", "immediate",
            "stop"), capture_output=True)
        shutil.rmtree(self._folder, ignore_errors=True)

    def url_of(self, name: str) -> str:
        base, _, _ = self.admin_url.rpartition("/")
        return f"{base}/{name}"

    async def _admin(self, *statements: str) -> None:
        conn = await asyncpg.connect(self.admin_url)
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    def _prepare_template(self) -> None:
        async def prepare() -> None:
            await self._admin(f"DROP DATABASE IF EXISTS {TEMPLATE}",
                              f"CREATE DATABASE {TEMPLATE} TEMPLATE template0")
            if self.preload:
                conn = await asyncpg.connect(self.url_of(TEMPLATE))
                try:
                    for extension in self.preload:
                        await conn.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")
                finally:
                    await conn.close()
            db = await Database.open(parse_database_url(self.url_of(TEMPLATE)))
            await db.close()

        in_own_thread(lambda: asyncio.run(prepare()))

    async def new_database(self, *, migrated: bool = True) -> str:
        """A database of its own for one test (or one bot process); returns its URL."""
        name = f"t_{os.getpid()}_{next(self._names)}"
        template = TEMPLATE if migrated else "template0"
        await self._admin(f"DROP DATABASE IF EXISTS {name}",
                          f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url_of(name)

    async def drop_database(self, url: str) -> None:
        name = url.rpartition("/")[2]
        await self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
