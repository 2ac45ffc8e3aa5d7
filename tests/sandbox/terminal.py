"""A program on a pseudo-terminal, driven like a person at a keyboard (for the console tests)."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Sequence

_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\x07")


def plain(text: str) -> str:
    """What a person reads: no colour or cursor codes, no carriage returns."""
    return _ESCAPES.sub("", text).replace("\r", "")


class Terminal:
    def __init__(self, argv: Sequence[str], *, env: dict[str, str], cwd: str,
                 columns: int = 250) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
        self.proc = subprocess.Popen(list(argv), stdin=slave, stdout=slave, stderr=slave,
                                     env={**env, "TERM": "xterm", "COLUMNS": str(columns)},
                                     cwd=cwd, start_new_session=True)
        os.close(slave)
        self.fd = master
        self.seen = ""  # everything shown so far, escapes removed
        self._mark = 0  # `expect` searches from here

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # the program ended and the terminal closed
            return False
        if not data:
            return False
        self.seen += plain(data.decode(errors="replace"))
        return True

    def expect(self, pattern: str, timeout: float = 15.0) -> re.Match[str]:
        """Wait until `pattern` (a regex) appears after the previous match; return the match."""
        deadline = time.monotonic() + timeout
        compiled = re.compile(pattern)
        while True:
            found = compiled.search(self.seen, self._mark)
            if found:
                self._mark = found.end()
                return found
            left = deadline - time.monotonic()
            if left <= 0 or (not self._read(min(left, 0.1)) and self.proc.poll() is not None):
                if not compiled.search(self.seen, self._mark):
                    raise AssertionError(f"{pattern!r} did not appear; the screen after the "
                                         f"last match:\n{self.seen[self._mark:]}")

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def wait_exit(self, timeout: float = 20.0) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._read(0.05)
        while self._read(0.05):
            pass
        return self.proc.wait(max(deadline - time.monotonic(), 0.1))

    def close(self) -> None:
        """Stop the program as a person closing the window would (SIGHUP), then for sure."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGHUP)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        os.close(self.fd)
