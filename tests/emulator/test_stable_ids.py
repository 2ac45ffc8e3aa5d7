"""Emulator(world_ids=stable_ids()): the same world ids on every run (the sandbox's --db)."""

from __future__ import annotations

from bot.emulator import Emulator
from bot.emulator.demo import build_demo, stable_ids
from bot.emulator.model import DISCORD_EPOCH_MS


def world_ids(emulator: Emulator) -> dict[str, int]:
    world = build_demo(emulator)
    ids = {"bot": emulator.bot_user.id, "owner": emulator.owner.id, "guild": world.guild.id}
    ids |= {f"#{c.name}": c.id for c in world.guild.channels.values()}
    ids |= {f"@{r.name}": r.id for r in world.guild.roles.values()}
    ids |= {name: m.user.id for name, m in world.members.items()}
    return ids


def test_stable_ids_give_the_same_world_every_time_and_never_repeat():
    first, second = world_ids(Emulator(world_ids=stable_ids())), world_ids(
        Emulator(world_ids=stable_ids()))
    assert first == second
    assert first.pop("@@everyone") == first["guild"]  # as in Discord
    assert len(set(first.values())) == len(first)
    # Shaped like Discord's: 2024-01-01 in the top bits, 17 to 20 digits.
    assert all((i >> 22) + DISCORD_EPOCH_MS == 1704067200000 for i in first.values())
    assert all(17 <= len(str(i)) <= 20 for i in first.values())


def test_without_them_each_emulator_gets_fresh_ids():
    assert world_ids(Emulator())["guild"] != world_ids(Emulator())["guild"]
