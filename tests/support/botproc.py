"""Run the real bot (`python -m bot run`) as a subprocess pointed at an emulator."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.db import DatabaseUrl
from bot.emulator import Emulator

REPO = Path(__file__).resolve().parents[2]
TEST_TOKEN = "emulator-test-token-0123456789"
READY_MARK = "ready: "


class BotProcess:
    """One bot process. `start()` returns once the bot logged that it is ready."""

    def __init__(self, emulator: Emulator, workdir: Path, *,
                 extra_env: dict[str, str] | None = None, name: str = "bot",
                 database: DatabaseUrl | None = None) -> None:
        self.emulator = emulator
        self.workdir = workdir
        self.database_url = database or DatabaseUrl.sqlite(workdir / "rocky.db")
        self.log_path = workdir / f"{name}.log"
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen[bytes] | None = None
        self._log_offset = 0

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("DISCORD_", "ROCKY_", "DATABASE_", "CONTENT_"))}
        env.update({
            "DISCORD_TOKEN": TEST_TOKEN,
            "DATABASE_URL": self.database_url.dsn or f"sqlite:///{self.database_url.path}",
            "DISCORD_API_BASE": self.emulator.api_base,
            "DISCORD_GATEWAY_URL": self.emulator.gateway_url,
            "DISCORD_CDN_BASE": self.emulator.cdn.base,
            "LOG_LEVEL": "INFO",
            "ROCKY_TEST_GUILD_READY_TIMEOUT": "0.05",
            "ROCKY_TEST_RANDOM_SEED": "7",
            "ROCKY_TEST_EXTRA_EXTENSIONS": "tests.support.boom_cog",
            "PYTHONPATH": str(REPO),
            "PYTHONUNBUFFERED": "1",
        })
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 20.0) -> BotProcess:
        self.launch()
        self.wait_for_log(READY_MARK, timeout)
        return self

    def launch(self) -> BotProcess:
        """Start the process and return at once (several at once, or to stop it mid start-up)."""
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "--env-file", os.devnull, "run"],
            cwd=self.workdir, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        return self

    @property
    def db_path(self) -> Path:
        """The SQLite file (for the tests that are about SQLite's file itself)."""
        assert self.database_url.path is not None, "this bot runs on PostgreSQL"
        return self.database_url.path

    def new_log(self) -> str:
        """What the bot logged since the last start."""
        return self.log_path.read_bytes()[self._log_offset:].decode(errors="replace")

    def wait_for_log(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            log = self.new_log()
            if text in log:
                return log
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"bot exited {self.proc.returncode} before {text!r}:\n{log}")
            time.sleep(0.02)
        raise TimeoutError(f"bot did not log {text!r} within {timeout}s:\n{self.new_log()}")

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM and wait; returns the exit code."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
