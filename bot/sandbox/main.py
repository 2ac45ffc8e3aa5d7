"""`rocky-bot sandbox`: start everything, run the console or a script, stop everything."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from bot.db import DatabaseSetupError
from bot.sandbox import language as lang
from bot.sandbox.launcher import LaunchError, LaunchOptions, Sandbox, prepare_database
from bot.sandbox.output import Output
from bot.sandbox.session import Session
from bot.settings import Settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@contextlib.contextmanager
def _signals_stop_cleanly() -> Iterator[None]:
    """SIGTERM and a closed terminal (SIGHUP) unwind through the clean-up, like Ctrl-D."""

    def leave(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    previous = {sig: signal.signal(sig, leave) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def read_script(name: str, stdin: TextIO) -> list[str]:
    text = stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    return text.splitlines()


def run(args: Any, settings: Settings, *, stdin: TextIO | None = None,
        stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    # `rocky-bot run` without a token lands here with none of the sandbox's arguments.
    options = LaunchOptions(db=getattr(args, "db", None), seed=getattr(args, "seed", None),
                            verbose=bool(getattr(args, "verbose", False)))
    script = getattr(args, "script", None)
    interactive = script is None and stdin.isatty() and stdout.isatty()
    lines: list[str] = []
    if not interactive:
        script = script or "-"  # piped in: read the script from stdin
        name = "stdin" if script == "-" else script
        try:
            lines = read_script(script, stdin)
        except OSError as exc:
            print(f"rocky-bot sandbox: cannot read {name}: {exc.strerror}", file=stderr)
            return EXIT_USAGE
        try:
            lang.check_script(lines)
        except lang.ParseError as exc:
            for problem in str(exc).splitlines():
                print(f"rocky-bot sandbox: {name}, {problem}", file=stderr)
            return EXIT_FAILED

    if options.db is not None:
        try:
            asyncio.run(prepare_database(options.db.expanduser().resolve()))
        except DatabaseSetupError as exc:
            print(f"rocky-bot sandbox --db: {exc}", file=stderr)
            return EXIT_USAGE
    output = Output(stdout, errors=stderr)
    with _signals_stop_cleanly():
        def to_errors(line: str) -> None:
            output.line(line, to_errors=True)

        sandbox = Sandbox(settings, options, say=to_errors, echo=to_errors)
        session: Session | None = None
        try:
            world = sandbox.start_emulator()
            # Listening before the bot starts: nothing it sends or logs is missed.
            session = Session(sandbox.thread, world, output, interactive=interactive,
                              log_path=str(sandbox.log_path))
            session.start()
            sandbox.start_bot(on_error_line=session.bot_log_error)
            sandbox.say(sandbox.commands_ready_line(interactive))
            code = _serve(sandbox, session, lines, interactive)
        except LaunchError as exc:
            sandbox.keep_workdir = True
            print(f"rocky-bot sandbox: {exc}", file=stderr)
            code = EXIT_FAILED
        except KeyboardInterrupt:
            code = 130
        finally:
            if session is not None:
                session.settle()
                sandbox.keep_workdir |= session.bot_failed
                session.close()
            sandbox.stop()
    if session is not None and session.failures and not interactive:
        print(f"rocky-bot sandbox: {len(session.failures)} problem(s); the first: "
              f"{session.failures[0][:300]}", file=stderr)
    return code


def _serve(sandbox: Sandbox, session: Session, lines: list[str], interactive: bool) -> int:
    def bot_stopped() -> str | None:
        code = sandbox.bot.exit_code if sandbox.bot is not None else None
        if code is None:
            return None
        return f"the bot stopped unexpectedly (exit {code}); its log: {sandbox.log_path}"

    if interactive:
        from bot.sandbox.console import Console

        return Console(session, bot_stopped=bot_stopped).run()
    from bot.sandbox.script import run_script

    run_script(session, lines, bot_stopped=bot_stopped)
    return EXIT_FAILED if session.failures else EXIT_OK
