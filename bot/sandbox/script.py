"""`--script`: run console lines without a prompt, printing the transcript as it goes."""

from __future__ import annotations

from collections.abc import Callable

from bot.sandbox import language as lang
from bot.sandbox.errors import SandboxError
from bot.sandbox.session import Session


def run_script(session: Session, lines: list[str], *,
               bot_stopped: Callable[[], str | None]) -> None:
    """Each line is echoed after the prompt it would have been typed at, then carried out.

    Lines were parsed before the bot started (lang.check_script); a line that cannot be carried
    out is reported with its number and the script goes on, so one run shows every problem.
    """
    session.settle()  # what the bot logged while starting comes before the first line
    for number, command in lang.check_script(lines):
        raw = lines[number - 1].rstrip()
        if isinstance(command, lang.Nothing):
            session.out.line(raw.strip())
            continue
        session.out.line(session.prompt() + raw.strip())
        if isinstance(command, lang.Quit):
            break
        try:
            session.execute(command)
        except SandboxError as exc:
            session.fail_line(number, str(exc))
        stopped = bot_stopped()
        if stopped:
            session.bot_stopped(stopped)
            return
    session.settle()
