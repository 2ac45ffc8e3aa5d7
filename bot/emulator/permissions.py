"""Permissions computed as Discord documents it: @everyone, roles, then channel overwrites."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.emulator.model import Channel, Guild, Member

CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
MANAGE_ROLES = 1 << 28
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38

ALL_PERMISSIONS = (1 << 53) - 1

# What @everyone gets in a new server (a practical subset of Discord's defaults).
DEFAULT_EVERYONE = (
    CREATE_INSTANT_INVITE | ADD_REACTIONS | VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS
    | READ_MESSAGE_HISTORY | USE_APPLICATION_COMMANDS | SEND_MESSAGES_IN_THREADS
)


def base_permissions(guild: Guild, member: Member) -> int:
    if member.user.id == guild.owner_id:
        return ALL_PERMISSIONS
    perms = guild.roles[guild.id].permissions  # the @everyone role shares the guild's id
    for role_id in member.roles:
        role = guild.roles.get(role_id)
        if role is not None:
            perms |= role.permissions
    if perms & ADMINISTRATOR:
        return ALL_PERMISSIONS
    return perms


def channel_permissions(guild: Guild, channel: Channel, member: Member) -> int:
    perms = base_permissions(guild, member)
    if perms & ADMINISTRATOR:
        return ALL_PERMISSIONS
    overwrites = {ow.id: ow for ow in channel.overwrites}
    everyone = overwrites.get(guild.id)
    if everyone is not None:
        perms = (perms & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for role_id in member.roles:
        ow = overwrites.get(role_id)
        if ow is not None and ow.type == 0:
            allow |= ow.allow
            deny |= ow.deny
    perms = (perms & ~deny) | allow
    own = overwrites.get(member.user.id)
    if own is not None and own.type == 1:
        perms = (perms & ~own.deny) | own.allow
    if not perms & VIEW_CHANNEL:
        return 0  # a channel you cannot see grants nothing
    return perms


def top_position(guild: Guild, member: Member) -> int:
    """The position of the member's highest role (0: @everyone only)."""
    return max((guild.roles[r].position for r in member.roles if r in guild.roles), default=0)


def role_refusal(guild: Guild, member: Member, role_id: int) -> str | None:
    """Why `member` may not give or take the role (Discord's checks), or None if they may:
    Manage Roles, and the role strictly below their highest one (the owner may do anything)."""
    if member.user.id == guild.owner_id:
        return None
    if not base_permissions(guild, member) & MANAGE_ROLES:
        return "Missing Permissions"
    if guild.roles[role_id].position >= top_position(guild, member):
        return "Missing Permissions"  # Discord's code for a role at or above one's own too
    return None
