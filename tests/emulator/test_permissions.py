"""Permissions computed as Discord does: @everyone, roles, channel overwrites, admin, owner."""

from bot.emulator import Emulator
from bot.emulator.model import Overwrite
from bot.emulator.permissions import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    EMBED_LINKS,
    MANAGE_MESSAGES,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    base_permissions,
    channel_permissions,
)


def _world():
    emu = Emulator()
    guild = emu.add_guild("G", channels=["general"])
    channel = guild.channel_named("general")
    mods = emu.add_role(guild, "Moderators", MANAGE_MESSAGES)
    return emu, guild, channel, mods


def test_everyone_and_roles_add_up():
    emu, guild, channel, mods = _world()
    alice = emu.add_member(guild, "alice")
    mod = emu.add_member(guild, "mod", roles=[mods])
    assert not base_permissions(guild, alice) & MANAGE_MESSAGES
    assert base_permissions(guild, mod) & MANAGE_MESSAGES
    assert channel_permissions(guild, channel, alice) & SEND_MESSAGES


def test_administrator_and_owner_have_everything_despite_overwrites():
    emu, guild, channel, _ = _world()
    admin = emu.add_member(guild, "admin", roles=[emu.add_role(guild, "Admins", ADMINISTRATOR)])
    channel.overwrites.append(Overwrite(guild.id, 0, 0, VIEW_CHANNEL))
    assert channel_permissions(guild, channel, admin) == ALL_PERMISSIONS
    assert channel_permissions(guild, channel, guild.members[guild.owner_id]) == ALL_PERMISSIONS


def test_overwrites_apply_everyone_then_roles_then_member():
    emu, guild, channel, mods = _world()
    mod = emu.add_member(guild, "mod", roles=[mods])
    channel.overwrites.append(Overwrite(guild.id, 0, 0, SEND_MESSAGES))  # @everyone: no send
    assert not channel_permissions(guild, channel, mod) & SEND_MESSAGES
    channel.overwrites.append(Overwrite(mods.id, 0, SEND_MESSAGES, 0))  # the role allows it
    assert channel_permissions(guild, channel, mod) & SEND_MESSAGES
    channel.overwrites.append(Overwrite(mod.user.id, 1, 0, SEND_MESSAGES | EMBED_LINKS))
    perms = channel_permissions(guild, channel, mod)
    assert not perms & SEND_MESSAGES and not perms & EMBED_LINKS


def test_a_channel_you_cannot_view_grants_nothing():
    emu, guild, channel, _ = _world()
    alice = emu.add_member(guild, "alice")
    channel.overwrites.append(Overwrite(alice.user.id, 1, 0, VIEW_CHANNEL))
    assert channel_permissions(guild, channel, alice) == 0
