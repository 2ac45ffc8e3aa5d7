"""The demo server used by the sandbox and the standalone emulator."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from bot.emulator.model import DISCORD_EPOCH_MS, Guild, Member, Role
from bot.emulator.permissions import ADMINISTRATOR, DEFAULT_EVERYONE, MANAGE_MESSAGES
from bot.emulator.server import Emulator

DEMO_CHANNELS = ("general", "trivia", "quiz", "announcements", "mod-queue")
DEMO_MEMBERS = ("alice", "bob", "carol")
STABLE_EPOCH_MS = 1704067200000  # 2024-01-01 UTC: the moment stable ids claim to come from


def stable_ids() -> Iterator[int]:
    """The same snowflakes on every run, for Emulator(world_ids=...): a database kept between
    sandbox runs then finds the same server, channels and members again."""
    base = (STABLE_EPOCH_MS - DISCORD_EPOCH_MS) << 22
    return (base + n for n in itertools.count(1))


@dataclass
class DemoWorld:
    guild: Guild
    moderator_role: Role
    admin_role: Role
    members: dict[str, Member]


def build_demo(emulator: Emulator, name: str = "Rocky Fan Club") -> DemoWorld:
    """admin (Administrator), mod (the Moderators role), and alice, bob, carol as members."""
    guild = emulator.add_guild(name, channels=DEMO_CHANNELS)
    admin_role = emulator.add_role(guild, "Admins", ADMINISTRATOR)
    moderator_role = emulator.add_role(guild, "Moderators", DEFAULT_EVERYONE | MANAGE_MESSAGES,
                                       mentionable=True)
    members = {
        "admin": emulator.add_member(guild, "admin", roles=[admin_role]),
        "mod": emulator.add_member(guild, "mod", roles=[moderator_role]),
    }
    for username in DEMO_MEMBERS:
        members[username] = emulator.add_member(guild, username)
    return DemoWorld(guild, moderator_role, admin_role, members)


def build_many_guilds(emulator: Emulator, count: int, channels_each: int = 20, *,
                      shard_count: int | None = None) -> list[Guild]:
    """Many servers, for start-up and memory measurements; with `shard_count`, server i on
    shard i % shard_count, so that every shard gets its share."""
    return [
        emulator.add_guild(f"Server {i}", channels=[f"channel-{c}" for c in range(channels_each)],
                           shard=(i % shard_count, shard_count) if shard_count else None)
        for i in range(count)
    ]
