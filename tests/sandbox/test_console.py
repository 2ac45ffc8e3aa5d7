"""The interactive console through a pseudo-terminal, and `rocky-bot run` without a token."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import NO_TOKEN
from tests.sandbox.readme_example import REPO, clean_env
from tests.sandbox.support import (
    BOT,
    CONSOLE_COG,
    bot_processes_using,
    open_terminal,
    workdir_of,
)

pytestmark = pytest.mark.e2e
PROMPT = r"alice #general> "
UP, CTRL_D, CTRL_U = "\x1b[A", "\x04", "\x15"


def test_a_command_a_click_a_form_tab_completion_history_and_ctrl_d(terminal):
    term = open_terminal(terminal, "sandbox", ROCKY_TEST_EXTRA_EXTENSIONS=CONSOLE_COG)
    status = term.expect(r"log: \S+\)").group(0)
    term.expect(r"commands ready: .*Ctrl-D leaves\.")
    term.expect(PROMPT, timeout=20)
    workdir = workdir_of(status)
    assert bot_processes_using(workdir), "the bot is not running"

    # Tab completes the command name, Enter runs it.
    term.type("/cou\t")
    term.expect(r"/counter ")
    term.type("\r")
    term.expect(r"Count: 0 \(started by @alice \(no ping\)\)\n  \[1 Count\] \[2 Form\]")
    term.expect(PROMPT)

    # A click edits the message; Up recalls it from the history.
    term.type("click Count\r")
    term.expect(r"Rocky edited a message in #general:\n  Count: 1")
    term.expect(PROMPT)
    term.type(UP + "\r")
    term.expect(r"Rocky edited a message in #general:\n  Count: 2")
    term.expect(PROMPT)

    # A form: `fill` alone asks field by field; Enter keeps a prefilled value.
    term.type("click Form\r")
    term.expect(r'Rocky opens a form for you, "Leave a note":\n'
                r"  name: Your name \(short, required, up to 20 characters\)\n"
                r".*\n  fill it in with \(or type fill alone to be asked\): fill name=\.\.\. ")
    term.expect(PROMPT)
    term.type("fill\r")
    term.expect(r"  Your name: ")
    term.type("Rocky\r")
    term.expect(r"  Note \(optional, Enter keeps 'Yo, Adrian!'\): ")
    term.type("\r")
    term.expect(r"only you can see this:\n  Noted from Rocky: Yo, Adrian!")
    term.expect(PROMPT)

    # The values of an autocomplete option are asked of the bot.
    term.type("/quote film:cre\t")
    term.expect(r'\n"Creed"  "Creed II"  "Creed III"\n' + PROMPT + r'/quote film:"Creed')
    term.type(CTRL_U + "/quote film:\"Rocky Bal\t")
    term.expect(r'/quote film:"Rocky Balboa" ')
    term.type("\r")
    term.expect(r"Rocky in #general:\n  ╭─ dark red\n  │ .* — Rocky Balboa")
    term.expect(PROMPT)

    # What the bot does while the prompt waits appears at once, and what was being typed
    # is drawn again below it.
    term.type("/bell\r")
    term.expect(r"Ding ding\.\.\.\n" + PROMPT)
    term.type("/quo")
    term.expect(r"Rocky edited a message in #general:\n  Round one!\n" + PROMPT + "/quo")
    term.type(CTRL_U)

    # Ctrl-D: the bot stops (SIGTERM), then the emulator, and the temporary files go.
    term.type(CTRL_D)
    assert term.wait_exit() == 0
    term.expect(r"Stopped the bot \(exit 0\) and the local Discord\.")
    assert not workdir.exists()
    assert bot_processes_using(workdir) == []


def test_run_without_a_token_on_a_terminal_starts_the_sandbox(terminal):
    term = open_terminal(terminal, "run")
    term.expect(r"No DISCORD_TOKEN: starting the local sandbox instead")
    term.expect(r"Local Discord up on 127\.0\.0\.1:\d+")
    workdir = workdir_of(term.expect(r"log: \S+\)").group(0))
    term.expect(PROMPT, timeout=20)
    term.type("/quote\r")
    term.expect(r"Rocky in #general:\n  ╭─ dark red\n")
    term.expect(PROMPT)
    # SIGTERM (docker stop, a closed terminal's SIGHUP alike) cleans up as Ctrl-D does.
    term.proc.send_signal(signal.SIGTERM)
    assert term.wait_exit() == 128 + signal.SIGTERM
    term.expect(r"Stopped the bot \(exit 0\) and the local Discord\.")
    assert not workdir.exists() and bot_processes_using(workdir) == []


def test_run_without_a_token_and_without_a_terminal_exits_2_with_the_sentence():
    done = subprocess.run([*BOT, "run"], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, env=clean_env(), cwd=REPO, timeout=30, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == f"rocky-bot: {NO_TOKEN}"
    assert "sandbox" not in done.stdout


def test_make_run_without_a_token_fails_showing_the_sentence(tmp_path: Path):
    # A stamp newer than pyproject.toml: make skips the install step and runs the bot.
    stamp = tmp_path / "installed"
    stamp.touch()
    later = time.time() + 60
    os.utime(stamp, (later, later))
    env = clean_env() | {"DISCORD_TOKEN": "", "MAKEFLAGS": ""}  # empty beats a .env file
    done = subprocess.run(["make", "--no-print-directory", "run", f"STAMP={stamp}",
                           f"VENV={Path(sys.executable).parent.parent}"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=60, check=False)
    assert done.returncode != 0
    assert NO_TOKEN in done.stderr
    assert "Error 2" in done.stderr  # make reports the bot's exit code


def test_a_sandbox_killed_outright_does_not_leave_the_bot_running(terminal):
    term = open_terminal(terminal, "sandbox")
    workdir = workdir_of(term.expect(r"log: \S+\)").group(0))
    term.expect(PROMPT, timeout=20)
    [bot] = bot_processes_using(workdir)
    term.proc.kill()  # no clean-up at all: kill -9
    term.wait_exit()
    deadline = time.monotonic() + 10
    while bot_processes_using(workdir) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert bot_processes_using(workdir) == [], f"bot {bot} outlived the sandbox"
    shutil.rmtree(workdir)
