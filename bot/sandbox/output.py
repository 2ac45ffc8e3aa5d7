"""One writer for the console's output, shared by the prompt and the background printer.

Lines arrive from two threads (the member's commands, and the bot acting on its own, e.g. a quiz
timer). While the prompt waits for input, a background line must not land in the middle of what
the member is typing: it clears the line, prints, and draws the prompt and the typed text again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TextIO


class Output:
    def __init__(self, stream: TextIO, *, errors: TextIO | None = None) -> None:
        self.stream = stream
        self.errors = errors or stream
        self._lock = threading.RLock()
        self._prompt: Callable[[], str] | None = None  # set while the prompt waits

    def lines(self, lines: list[str], *, to_errors: bool = False) -> None:
        if not lines:
            return
        stream = self.errors if to_errors else self.stream
        with self._lock:
            redraw = self._prompt
            if redraw is not None:
                stream.write("\r\x1b[K")
            stream.write("\n".join(lines) + "\n")
            stream.flush()
            if redraw is not None:
                stream.write(redraw())
                stream.flush()

    def line(self, text: str, *, to_errors: bool = False) -> None:
        self.lines([text], to_errors=to_errors)

    def waiting_at_prompt(self, redraw: Callable[[], str] | None) -> None:
        """`redraw` returns the prompt and what has been typed; None when not at the prompt."""
        with self._lock:
            self._prompt = redraw
