"""Start-up and shutdown: the emulator with the demo server, and the real bot as a subprocess.

The bot runs exactly as in production (`python -m bot run`), pointed at the emulator by
DISCORD_API_BASE and DISCORD_GATEWAY_URL; only the sandbox knows it is not Discord.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.core.sync import scope_key
from bot.db import Database
from bot.db.repositories import AppStateRepository
from bot.emulator import Emulator, EmulatorThread
from bot.emulator.demo import DemoWorld, build_demo, stable_ids
from bot.settings import Settings

SANDBOX_TOKEN = "sandbox-token-not-a-secret"  # the emulator accepts any token
READY_MARK = "ready: "
ERROR_LINE = re.compile(r"^\S+ \S+ (ERROR|CRITICAL) ")
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
# Settings the sandbox decides itself; the rest of the environment (PATH, HOME...) passes on.
OWN_SETTINGS = ("DISCORD_", "ROCKY_TEST_", "DATABASE_PATH", "CONTENT_DIR", "DEV_GUILD_ID",
                "LOG_LEVEL")


# Runs first in the bot's process, then becomes exactly `python -m bot ... run` (execv). On
# Linux it asks for SIGTERM when the sandbox dies without stopping the bot (kill -9, a crash):
# the bot lives in a session of its own, so nothing else would ever stop it.
DIE_WITH_PARENT = """\
import ctypes, os, signal, sys
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
except (AttributeError, OSError):
    pass  # not Linux
if os.getppid() != int(sys.argv[1]):
    sys.exit(1)  # the sandbox is already gone
os.execv(sys.executable, [sys.executable, *sys.argv[2:]])
"""


class LaunchError(Exception):
    """The sandbox could not start; the message says why."""


@dataclass(frozen=True)
class LaunchOptions:
    db: Path | None = None
    seed: int | None = None
    verbose: bool = False


def bot_environment(settings: Settings, options: LaunchOptions, api_base: str,
                    gateway_url: str, database: Path, cdn_base: str | None = None
                    ) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_SETTINGS)}
    env.update({
        "DISCORD_TOKEN": SANDBOX_TOKEN,
        "DISCORD_API_BASE": api_base,
        "DISCORD_GATEWAY_URL": gateway_url,
        "DATABASE_PATH": str(database),
        **({"DISCORD_CDN_BASE": cdn_base} if cdn_base else {}),
        # INFO at least: the sandbox learns from the log that the bot is ready.
        "LOG_LEVEL": "DEBUG" if settings.log_level == "DEBUG" else "INFO",
        "ROCKY_TEST_GUILD_READY_TIMEOUT": "0.05",  # one server: no need to wait for more
        "PYTHONUNBUFFERED": "1",
    })
    seed = options.seed if options.seed is not None else settings.random_seed
    if seed is not None:
        env["ROCKY_TEST_RANDOM_SEED"] = str(seed)
    if settings.content_dir is not None:
        env["CONTENT_DIR"] = str(settings.content_dir.resolve())
    if settings.timer_scale != 1.0:
        env["ROCKY_TEST_TIMER_SCALE"] = repr(settings.timer_scale)
    if settings.extra_extensions:
        env["ROCKY_TEST_EXTRA_EXTENSIONS"] = ",".join(settings.extra_extensions)
    return env


async def prepare_database(path: Path) -> None:
    """Open (create, migrate) the database named with --db before anything starts, so a file
    that cannot be used is one sentence (DatabaseSetupError), not a bot that never connects.
    A database from an earlier run says the commands were synced, but this local Discord is
    new and knows none: forget the synced tree, so the bot registers its commands on start."""
    database = await Database.open(path)
    try:
        await AppStateRepository(database).set(scope_key(None), "")
    finally:
        await database.close()


class BotProcess:
    """`python -m bot run` with its output copied to a log file (and stderr with --verbose)."""

    def __init__(self, env: dict[str, str], log_path: Path, *, verbose: bool,
                 echo: Callable[[str], None], on_error_line: Callable[[str], None]) -> None:
        self.env = env
        self.log_path = log_path
        self.verbose = verbose
        self._echo = echo
        self._on_error_line = on_error_line
        self._ready = threading.Event()
        self._proc: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None

    def start(self) -> None:
        command = [sys.executable, "-c", DIE_WITH_PARENT, str(os.getpid()),
                   "-m", "bot", "--env-file", os.devnull, "run"]
        # A session of its own: Ctrl-C at the console must not reach the bot.
        self._proc = subprocess.Popen(command, env=self.env, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        self._reader = threading.Thread(target=self._read, name="sandbox-bot-log", daemon=True)
        self._reader.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._ready.wait(0.05):
            if self._proc.poll() is not None or time.monotonic() > deadline:
                self._reader.join(timeout=2)
                raise LaunchError(self._why_not_ready())

    def _read(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        with self.log_path.open("a", encoding="utf-8") as log:
            for raw in self._proc.stdout:
                line = raw.decode(errors="replace").rstrip("\n")
                log.write(line + "\n")
                log.flush()
                if self.verbose:
                    self._echo(line)
                if not self._ready.is_set() and READY_MARK in line:
                    self._ready.set()
                elif ERROR_LINE.match(line):
                    self._on_error_line(line)

    def _why_not_ready(self) -> str:
        assert self._proc is not None
        tail = self.log_path.read_text(errors="replace").splitlines()[-15:]
        state = (f"exited with code {self._proc.returncode}" if self._proc.poll() is not None
                 else f"was not ready within {START_TIMEOUT:.0f} seconds")
        return f"the bot {state}; the end of its log ({self.log_path}):\n" + "\n".join(tail)

    @property
    def exit_code(self) -> int | None:
        return None if self._proc is None else self._proc.poll()

    def stop(self) -> int | None:
        """SIGTERM (the bot's clean shutdown), then SIGKILL if it does not stop in time."""
        if self._proc is None:
            return None
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)
        return self._proc.returncode


class Sandbox:
    """Owns the emulator thread, the bot process and the temporary folder, and stops them."""

    def __init__(self, settings: Settings, options: LaunchOptions, *,
                 say: Callable[[str], None], echo: Callable[[str], None]) -> None:
        self.settings = settings
        self.options = options
        self.say = say  # a status line for the person (stderr)
        self._echo = echo  # a line of the bot's log, with --verbose
        self.workdir = Path(tempfile.mkdtemp(prefix="rocky-sandbox-"))
        self.log_path = self.workdir / "bot.log"
        self.database = (options.db.expanduser().resolve() if options.db
                         else self.workdir / "rocky.db")
        # The same ids on every run, so a database kept with --db matches the demo server.
        self.thread = EmulatorThread(lambda: Emulator(world_ids=stable_ids()))
        self.world: DemoWorld
        self.bot: BotProcess | None = None
        self.keep_workdir = False

    def start_emulator(self) -> DemoWorld:
        emulator = self.thread.start()
        self.world = self.thread.do(lambda: build_demo(emulator))
        guild = self.world.guild
        channels = " ".join("#" + c.name for c in guild.channels.values())
        self.say(f"Local Discord up on {emulator.host}:{emulator.port}: server "
                 f"\"{guild.name}\" with {channels}; members {', '.join(self.world.members)}.")
        return self.world

    def start_bot(self, on_error_line: Callable[[str], None]) -> None:
        """Start the bot and wait until it is connected; each ERROR line of its log is passed
        to `on_error_line`."""
        emulator = self.thread.emulator
        env = bot_environment(self.settings, self.options, emulator.api_base,
                              emulator.gateway_url, self.database, emulator.cdn.base)
        self.bot = BotProcess(env, self.log_path, verbose=self.options.verbose,
                              echo=self._echo, on_error_line=on_error_line)
        self.bot.start()
        database = str(self.database) if self.options.db else "a temporary one"
        logs = "shown below" if self.options.verbose else str(self.log_path)
        self.say(f"Bot connected (database: {database}; log: {logs}).")

    def _commands(self) -> list[str]:
        emulator = self.thread.emulator
        guild_commands = emulator.guild_commands.get(self.world.guild.id, [])
        return sorted(c["name"] for c in [*guild_commands, *emulator.global_commands]
                      if c.get("type", 1) == 1)

    def commands_ready_line(self, interactive: bool) -> str:
        names = self._commands()
        listed = " ".join("/" + n for n in names)
        how = ("Type help for the console commands; Ctrl-D leaves." if interactive
               else "Running the script.")
        return f"{len(names)} commands ready: {listed}. {how}"

    def stop(self) -> None:
        code = self.bot.stop() if self.bot is not None else None
        self.thread.stop()
        if self.keep_workdir:
            self.say(f"Stopped the bot (exit {code}) and the local Discord; kept its log: "
                     f"{self.log_path}")
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.say(f"Stopped the bot (exit {code}) and the local Discord.")
