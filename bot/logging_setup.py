"""Logging: one line per record on stderr (time, level, logger, message), secrets redacted."""

from __future__ import annotations

import logging
import sys
from pathlib import Path


class OneLineFormatter(logging.Formatter):
    """Tracebacks are folded onto the record's line so each record stays one line."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self._secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        return text.replace("\n", " | ")


def configure_logging(level: int, *, secrets: tuple[str, ...] = (),
                      file: Path | None = None) -> None:
    handler: logging.Handler
    if file is None:
        handler = logging.StreamHandler(sys.stderr)
    else:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(file, encoding="utf-8")
    handler.setFormatter(OneLineFormatter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # discord.py's HTTP layer is chatty at DEBUG; keep it at INFO unless asked.
    logging.getLogger("discord.http").setLevel(max(level, logging.INFO))
