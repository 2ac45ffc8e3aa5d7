"""The interactive prompt: readline history, Tab completion, and forms asked field by field."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from bot.sandbox import components as comp
from bot.sandbox import language as lang
from bot.sandbox.completion import Completion, complete
from bot.sandbox.errors import SandboxError
from bot.sandbox.session import Session


class SessionSource:
    """What Tab completion needs to know, read from the session (see completion.Source)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def commands(self) -> list[dict[str, Any]]:
        return self.session.commands()

    def member_names(self) -> list[str]:
        return self.session.member_names()

    def channel_names(self) -> list[str]:
        return self.session.channel_names()

    def role_names(self) -> list[str]:
        return self.session.role_names()

    def button_labels(self) -> list[str]:
        try:
            message = self.session.newest_message(lambda m: bool(comp.buttons(m.components)),
                                                  "with buttons")
        except SandboxError:
            return []
        return [b["label"] for b in comp.buttons(message.components) if b.get("label")]

    def option_labels(self) -> list[str]:
        try:
            message = self.session.newest_message(lambda m: bool(comp.selects(m.components)),
                                                  "with a menu")
        except SandboxError:
            return []
        return [str(o.option["label"]) for o in comp.options(message.components)]

    def field_keys(self) -> list[str]:
        try:
            return [f.key for f in self.session.modal_fields()]
        except SandboxError:
            return []

    def autocomplete(self, command: str, path: list[str], filled: dict[str, str],
                     focused: str, typed: str) -> list[str]:
        return self.session.autocomplete(command, path, filled, focused, typed)


def _common_prefix(lines: list[str]) -> str:
    shortest = min(lines, key=len, default="")
    for index, char in enumerate(shortest):
        if any(line[index] != char for line in lines):
            return shortest[:index]
    return shortest


def _labels(words: list[str]) -> list[str]:
    """Suggestions as listed under the prompt: option values without their `name:`."""
    names = {m[1] if (m := lang.OPTION.match(w)) else None for w in words}
    if len(names) == 1 and None not in names:
        return [w.split(":", 1)[1] for w in words]
    return words


def _bare(line: str) -> str:
    """A line compared by what it says: quoting and case aside."""
    return re.sub(r"[\"'\\]", "", line).casefold()


class Console:
    def __init__(self, session: Session, *, bot_stopped: Callable[[], str | None]) -> None:
        self.session = session
        self.bot_stopped = bot_stopped
        self.source = SessionSource(session)
        self._matches: list[str] = []
        self._shown: list[str] = []
        self._completing = True

    # -- readline ----------------------------------------------------------------------------
    def _setup_readline(self) -> Any:
        import readline  # only here: scripts and tests of the parts need no terminal

        readline.set_completer(self._complete)
        readline.set_completer_delims("")  # we complete whole lines: quotes and all
        readline.set_completion_display_matches_hook(self._display)
        if "libedit" in (readline.__doc__ or ""):  # macOS's readline
            readline.parse_and_bind("bind ^I rl_complete")
        else:
            readline.parse_and_bind("tab: complete")
            readline.parse_and_bind("set show-all-if-ambiguous on")  # one Tab lists choices
        return readline

    def _complete(self, text: str, state: int) -> str | None:
        if state == 0:
            completion = Completion(text, [])
            if self._completing:
                try:
                    completion = complete(text, self.source)
                except Exception:  # a failing suggestion must not break typing
                    completion = Completion(text, [])
            lines = completion.lines()
            self._shown = _labels([w.strip() for w in completion.words])
            if len(lines) > 1 and not _bare(_common_prefix(lines)).startswith(_bare(text)):
                # readline would replace what was typed by the shorter common part:
                # keep the line as it is and only list the suggestions (on the next Tab).
                lines = [text, text + " "]
            self._matches = lines
        return self._matches[state] if state < len(self._matches) else None

    def _display(self, substitution: str, matches: Sequence[str], longest: int) -> None:
        out = self.session.out
        shown = "  ".join(self._shown) if self._shown else "  ".join(m.strip() for m in matches)
        out.stream.write("\n" + shown + "\n" + self.session.prompt()
                         + self._readline.get_line_buffer())
        out.stream.flush()

    # -- the loop ----------------------------------------------------------------------------
    def run(self) -> int:
        self._readline = self._setup_readline()
        session = self.session
        session.settle()
        while True:
            stopped = self.bot_stopped()
            if stopped:
                session.bot_stopped(stopped)
                return 1
            session.out.waiting_at_prompt(
                lambda: session.prompt() + self._readline.get_line_buffer())
            try:
                line: str | None = input(session.prompt())
            except EOFError:
                line = None
            except KeyboardInterrupt:
                line = ""
            session.out.waiting_at_prompt(None)
            if line is None:
                session.out.line("")
                return 0
            if not self._run_line(line):
                return 0

    def _run_line(self, line: str) -> bool:
        """Carry out one line; False when it asks to leave."""
        session = self.session
        try:
            command = lang.parse(line)
            if isinstance(command, lang.Quit):
                return False
            if isinstance(command, lang.Fill) and not command.values:
                values = self._ask_fields()
                if values is not None:
                    session.fill(values)
            else:
                session.execute(command)
        except (lang.ParseError, SandboxError) as exc:
            session.out.line(f"! {exc}")
        except KeyboardInterrupt:
            session.out.line("(interrupted)")
        return True

    def _ask_fields(self) -> dict[str, str] | None:
        """Ask each field of the open form in turn; Enter keeps a prefilled value."""
        fields = self.session.modal_fields()
        values: dict[str, str] = {}
        self._completing = False
        try:
            for field in fields:
                notes = [] if field.required else ["optional"]
                if field.options:
                    notes.append("one of " + ", ".join(str(o["label"]) for o in field.options))
                if field.default:
                    notes.append(f"Enter keeps {field.default!r}")
                extra = f" ({', '.join(notes)})" if notes else ""
                value = input(f"  {field.label}{extra}: ")
                self._forget_last_input()
                values[field.custom_id] = value or field.default
        except (EOFError, KeyboardInterrupt):
            self.session.out.line("")
            self.session.out.line("  (the form was not sent; fill opens it again)")
            return None
        finally:
            self._completing = True
        return values

    def _forget_last_input(self) -> None:
        """Field values are not commands: keep them out of the Up-arrow history."""
        length = self._readline.get_current_history_length()
        if length:
            self._readline.remove_history_item(length - 1)
