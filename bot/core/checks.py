"""Server-side permission checks shared by the features (never trust the client's view)."""

from __future__ import annotations

import discord

from bot.domain.config import GuildConfig


def is_moderator(member: discord.Member, config: GuildConfig) -> bool:
    """Manage Messages (Administrator includes it) or the server's moderator role."""
    perms = member.guild_permissions
    if perms.administrator or perms.manage_messages:
        return True
    return config.moderator_role_id is not None and any(
        role.id == config.moderator_role_id for role in member.roles)


def is_admin(member: discord.Member) -> bool:
    """Manage Server (Administrator includes it): who may change the bot's configuration."""
    perms = member.guild_permissions
    return perms.administrator or perms.manage_guild
