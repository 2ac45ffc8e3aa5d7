"""Run `rocky-bot sandbox` as a person would: a subprocess, a script on stdin, or a terminal."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.sandbox.readme_example import REPO, clean_env
from tests.sandbox.terminal import Terminal

CONSOLE_COG = "tests.sandbox.console_cog"
BOT = [sys.executable, "-m", "bot", "--env-file", os.devnull]


def run_sandbox(script: str, *args: str, timeout: float = 90.0,
                **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*BOT, "sandbox", "--script", "-", *args], input=script,
                          capture_output=True, text=True, env=clean_env() | env, cwd=REPO,
                          timeout=timeout, check=False)


def blocks(transcript: str) -> list[tuple[str, str]]:
    """(prompt line, what followed it up to the next prompt), in order."""
    parts = re.split(r"^(\S+ (?:#[\w-]+|DM)> .*)$", transcript, flags=re.M)
    return [(prompt, after.strip("\n"))
            for prompt, after in zip(parts[1::2], parts[2::2], strict=True)]


def workdir_of(status: str) -> Path:
    """The sandbox's temporary folder, from its start-up line naming the bot's log."""
    found = re.search(r"log: (\S+)/bot\.log\)", status)
    assert found, status
    return Path(found[1])


def bot_processes_using(folder: Path) -> list[int]:
    """Pids of processes whose DATABASE_PATH lies in `folder` (a bot left running)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(v.startswith(f"DATABASE_PATH={folder}/".encode()) for v in environ):
            pids.append(int(entry.name))
    return pids


def open_terminal(opened: list[Terminal], *args: str, **env: str) -> Terminal:
    term = Terminal([*BOT, *args], env=clean_env() | env, cwd=str(REPO))
    opened.append(term)
    return term
