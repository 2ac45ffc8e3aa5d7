"""Server-side permission checks shared by the features (never trust the client's view)."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.domain.config import GuildConfig
from bot.errors import InvalidInput

# What the bot needs in a channel to post an embed there, with Discord's names for them.
NEEDED_PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
)


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


def missing_permissions(channel: discord.abc.GuildChannel, me: discord.Member) -> list[str]:
    """The permissions the bot lacks to post embeds in `channel`, by their Discord names."""
    perms = channel.permissions_for(me)
    return [label for flag, label in NEEDED_PERMISSIONS if not getattr(perms, flag)]


def join_names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def require_postable(channel: discord.abc.GuildChannel, me: discord.Member,
                     shown: str | None = None) -> None:
    """Refuse a channel the bot cannot post in; `shown` names it (default: its mention)."""
    missing = missing_permissions(channel, me)
    if missing:
        them = "it" if len(missing) == 1 else "them"
        raise InvalidInput(
            f"I can't post in {shown or channel.mention}: I'm missing {join_names(missing)} "
            f"there. Grant {them} to my role in that channel's permissions, or pick another "
            "channel.")


def require_real_role(role: discord.Role) -> None:
    if role.is_default():
        raise InvalidInput("Pick a role, not @everyone.")
