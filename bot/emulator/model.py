"""The emulator's world: users, servers, channels, roles, members and messages."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1420070400000
_counter = itertools.count()


def new_snowflake() -> int:
    """A unique, time-ordered id shaped like Discord's (18-19 digits)."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (ms << 22) | (next(_counter) % (1 << 22))


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class User:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None
    avatar: str | None = None  # the hash of a custom avatar (served by cdn.py); None: default

    @property
    def display_name(self) -> str:
        return self.global_name or self.username


@dataclass
class Role:
    id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    mentionable: bool = False


@dataclass
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0


@dataclass
class Channel:
    id: int
    name: str
    guild_id: int | None = None
    type: int = 0  # 0 text, 1 DM
    position: int = 0
    overwrites: list[Overwrite] = field(default_factory=list)
    recipient_id: int | None = None  # DMs only


@dataclass
class Member:
    user: User
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)

    @property
    def display_name(self) -> str:
        return self.nick or self.user.display_name


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)

    def channel_named(self, name: str) -> Channel:
        name = name.lstrip("#")
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise KeyError(f"no channel #{name} in {self.name}")

    def role_named(self, name: str) -> Role:
        for role in self.roles.values():
            if role.name == name:
                return role
        raise KeyError(f"no role {name} in {self.name}")

    def member_named(self, name: str) -> Member:
        for member in self.members.values():
            if name in (member.user.username, member.display_name):
                return member
        raise KeyError(f"no member {name} in {self.name}")


@dataclass
class Message:
    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    created_at: str = field(default_factory=iso_now)
    edited_at: str | None = None
    deleted: bool = False
    interaction_id: int | None = None
    interaction_user_id: int | None = None
    webhook_id: int | None = None
    pings: tuple[str, ...] = ()  # who this message notified: "user:<id>", "role:<id>", "everyone"
    mentions: tuple[str, ...] = ()  # every mention in it, pinging or not
    edits: int = 0
    attachments: list[dict[str, Any]] = field(default_factory=list)  # as Discord lists them
    files: dict[str, bytes] = field(default_factory=dict)  # their bytes, by file name

    EPHEMERAL = 1 << 6
    LOADING = 1 << 7
    COMPONENTS_V2 = 1 << 15

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & self.EPHEMERAL)

    def visible_to(self, user_id: int) -> bool:
        if self.deleted:
            return False
        return not self.ephemeral or self.interaction_user_id == user_id

    def all_components(self) -> list[dict[str, Any]]:
        """Every component, nested ones too (Components V2 puts rows in containers and
        buttons beside sections)."""
        found: list[dict[str, Any]] = []
        pending = list(self.components)
        while pending:
            component = pending.pop(0)
            found.append(component)
            pending[:0] = [*component.get("components", ()),
                           *([component["accessory"]] if component.get("accessory") else [])]
        return found

    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in self.all_components() if c.get("type") == 2]

    def selects(self) -> list[dict[str, Any]]:
        return [c for c in self.all_components() if c.get("type") in (3, 5, 6, 7, 8)]

    def media(self) -> list[dict[str, Any]]:
        """The pictures a Components V2 message shows: gallery items and thumbnails, each
        with its media URL and description (alt text)."""
        found = []
        for component in self.all_components():
            if component.get("type") == 12:
                found += [{"url": item["media"]["url"], "description": item.get("description")}
                          for item in component.get("items", ())]
            elif component.get("type") == 11:
                found.append({"url": component["media"]["url"],
                              "description": component.get("description")})
        return found

    def text(self) -> str:
        """The text a Components V2 message shows (its text displays, in order)."""
        return "\n".join(c.get("content", "") for c in self.all_components()
                         if c.get("type") == 10)
