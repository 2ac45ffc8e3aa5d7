"""Hosts a source may not sit on: copy sites and non-canonical hosts of real sites.

The list lives in the packs folder (data/source-hosts.toml) so an author adds a copy site the
day they meet one; three patterns are built in, because a real site's mirrors and staging
servers (`ftp.`, `mail.`, `*.stage.*`) are never the page a reader should be sent to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HOSTS_FILE = "source-hosts.toml"
HOST_TABLE = "refused"

BUILT_IN_PATTERNS: tuple[tuple[str, str], ...] = (
    ("ftp.", "a host beginning 'ftp.' is not a site's canonical host"),
    ("mail.", "a host beginning 'mail.' is not a site's canonical host"),
    (".stage.", "a host containing '.stage.' is a staging copy, not the canonical host"),
)


@dataclass(frozen=True, slots=True)
class RefusedHost:
    """`host` refuses that host and its subdomains; with a `/`, it refuses a path prefix."""

    host: str
    why: str

    def matches(self, hostname: str, path: str) -> bool:
        if "/" in self.host:
            return f"{hostname}{path}".startswith(self.host)
        return hostname == self.host or hostname.endswith("." + self.host)


@dataclass(frozen=True, slots=True)
class HostRules:
    refused: tuple[RefusedHost, ...] = ()

    def refusal(self, url: str) -> str | None:
        """Why `url` may not be a source, or None when its host is acceptable."""
        parts = urlsplit(url)
        hostname = (parts.hostname or "").lower()
        if not hostname:
            return None  # not a URL at all: the URL rule reports that
        if hostname.startswith("ftp."):
            return BUILT_IN_PATTERNS[0][1]
        if hostname.startswith("mail."):
            return BUILT_IN_PATTERNS[1][1]
        if ".stage." in f".{hostname}":
            return BUILT_IN_PATTERNS[2][1]
        for entry in self.refused:
            if entry.matches(hostname, parts.path):
                return f"{entry.host} is refused as a source ({entry.why})"
        return None

    def merged(self, other: HostRules) -> HostRules:
        return HostRules(self.refused + other.refused)


BUILT_IN = HostRules()


def parse_host_rules(data: dict[str, Any]) -> tuple[HostRules, list[str]]:
    """The rules in a parsed source-hosts.toml, and a message for every malformed entry."""
    messages = [f"unexpected top-level key {key!r}; this file holds [[{HOST_TABLE}]]"
                for key in data if key != HOST_TABLE]
    tables = data.get(HOST_TABLE, [])
    if not isinstance(tables, list):
        return BUILT_IN, [*messages, f"{HOST_TABLE!r} must be an array of tables"]
    refused: list[RefusedHost] = []
    seen: set[str] = set()
    for number, table in enumerate(tables, start=1):
        entry, problems = _entry(table, number)
        messages.extend(problems)
        if entry is None:
            continue
        if entry.host in seen:
            messages.append(f"#{number}: host {entry.host!r} is listed more than once")
        seen.add(entry.host)
        refused.append(entry)
    return HostRules(tuple(refused)), messages


def _entry(table: Any, number: int) -> tuple[RefusedHost | None, list[str]]:
    if not isinstance(table, dict):
        return None, [f"#{number}: expected a [[{HOST_TABLE}]] table"]
    problems = [f"#{number}: unknown field {key!r}" for key in table if key not in ("host", "why")]
    host, why = table.get("host"), table.get("why")
    if not isinstance(host, str) or not host.strip():
        problems.append(f"#{number}: 'host' must be a non-empty string")
    elif host != host.strip().lower() or "://" in host or any(c.isspace() for c in host):
        problems.append(f"#{number}: host {host!r} must be a bare lowercase host, no scheme")
    if not isinstance(why, str) or not why.strip():
        problems.append(f"#{number}: 'why' must say why the host is refused")
    if problems:
        return None, problems
    assert isinstance(host, str) and isinstance(why, str)  # else a problem was reported above
    return RefusedHost(host, why), []


def hosts_file(root: Path) -> Path:
    return root / HOSTS_FILE


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def listed_hosts(rules: HostRules) -> Iterable[str]:
    return (entry.host for entry in rules.refused)
