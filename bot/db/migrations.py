"""Numbered SQL migrations, one folder per backend (migrations/<backend>/NNNN_reason.sql).

Both backends have the same numbers and names: migration N brings either to the same schema, in
its own DDL. Each is applied in one transaction and recorded in the table schema_version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(backend: str) -> tuple[Migration, ...]:
    folder = "postgres" if backend == "postgresql" else backend
    found = []
    for entry in resources.files("bot.db").joinpath("migrations", folder).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    expected = list(range(1, len(found) + 1))
    if [m.version for m in found] != expected:
        raise RuntimeError(f"{backend} migrations must be numbered 1..N without gaps")
    return tuple(found)


_BY_BACKEND = {backend: load_migrations(backend) for backend in BACKENDS}
if len({tuple((m.version, m.name) for m in ms) for ms in _BY_BACKEND.values()}) != 1:
    raise RuntimeError("every backend needs the same migrations, by number and name")


def migrations_for(backend: str) -> tuple[Migration, ...]:
    return _BY_BACKEND[backend]


LATEST_VERSION = _BY_BACKEND["sqlite"][-1].version
