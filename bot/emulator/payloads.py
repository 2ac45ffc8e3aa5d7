"""Discord v10 JSON payloads built from the model, with the fields discord.py requires.

discord.py raises KeyError on a missing required field and the whole bot process dies, so every
field listed here is there for a reason (tests/emulator/test_payloads.py removes each in turn).
"""

from __future__ import annotations

from typing import Any

from bot.emulator.model import Channel, Guild, Member, Message, Role, User
from bot.emulator.permissions import base_permissions, channel_permissions

ATTACHMENT_SIZE_LIMIT = 25 * 1024 * 1024
GROUP_DM = 3
# Where an interaction happened (Discord's interaction context types) and who installed the app.
GUILD_CONTEXT, BOT_DM_CONTEXT, PRIVATE_CHANNEL_CONTEXT = 0, 1, 2
GUILD_INSTALL, USER_INSTALL = "0", "1"


def user(u: User) -> dict[str, Any]:
    return {
        "id": str(u.id),
        "username": u.username,
        "discriminator": "0",
        "global_name": u.global_name,
        "avatar": u.avatar,
        "bot": u.bot,
        "public_flags": 0,
    }


def role(r: Role) -> dict[str, Any]:
    return {
        "id": str(r.id),
        "name": r.name,
        "color": r.color,
        "colors": {"primary_color": r.color, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": r.position,
        "permissions": str(r.permissions),
        "managed": False,
        "mentionable": r.mentionable,
        "flags": 0,
    }


def channel(c: Channel) -> dict[str, Any]:
    if c.type == 1:
        return {"id": str(c.id), "type": 1, "last_message_id": None, "recipients": []}
    if c.type == GROUP_DM:
        return {"id": str(c.id), "type": GROUP_DM, "name": c.name, "icon": None,
                "owner_id": str(c.recipient_id), "last_message_id": None, "recipients": []}
    return {
        "id": str(c.id),
        "type": c.type,
        "guild_id": str(c.guild_id),
        "name": c.name,
        "position": c.position,
        "permission_overwrites": [
            {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)}
            for o in c.overwrites
        ],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def member(m: Member, *, permissions: int | None = None) -> dict[str, Any]:
    data = {
        "user": user(m.user),
        "roles": [str(r) for r in m.roles],
        "nick": m.nick,
        "avatar": None,
        "joined_at": m.joined_at,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
    }
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def guild_create(g: Guild, bot_member: Member) -> dict[str, Any]:
    return {
        "id": str(g.id),
        "name": g.name,
        "icon": None,
        "owner_id": str(g.owner_id),
        "roles": [role(r) for r in g.roles.values()],
        "channels": [channel(c) for c in g.channels.values()],
        # Without the members intent Discord sends only the bot's own member.
        "members": [member(bot_member)],
        "member_count": len(g.members),
        "large": False,
        "unavailable": False,
        "features": [],
        "emojis": [],
        "stickers": [],
        "threads": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "voice_states": [],
        "presences": [],
        "joined_at": bot_member.joined_at,
        "preferred_locale": "en-US",
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "system_channel_flags": 0,
        "afk_timeout": 300,
    }


def user_guild(g: Guild, m: Member, *, with_counts: bool = False) -> dict[str, Any]:
    """A server in `/users/@me/guilds`: `permissions` is the member's, as a string."""
    data: dict[str, Any] = {
        "id": str(g.id),
        "name": g.name,
        "icon": None,
        "banner": None,
        "owner": g.owner_id == m.user.id,
        "permissions": str(base_permissions(g, m)),
        "features": [],
    }
    if with_counts:
        data["approximate_member_count"] = len(g.members)
        data["approximate_presence_count"] = 0
    return data


def message(msg: Message, *, application_id: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(msg.id),
        "channel_id": str(msg.channel_id),
        "author": user(msg.author),
        "content": msg.content,
        "timestamp": msg.created_at,
        "edited_timestamp": msg.edited_at,
        "tts": False,
        "mention_everyone": "everyone" in msg.pings,
        "mentions": [],
        "mention_roles": [],
        "attachments": msg.attachments,
        "embeds": msg.embeds,
        "components": msg.components,
        "pinned": False,
        "type": 20 if msg.interaction_id else 0,
        "flags": msg.flags,
    }
    if msg.guild_id is not None:
        data["guild_id"] = str(msg.guild_id)
    if msg.webhook_id is not None:
        data["webhook_id"] = str(msg.webhook_id)
    if application_id is not None and msg.interaction_id is not None:
        data["application_id"] = str(application_id)
    return data


def interaction(
    *,
    interaction_id: int,
    token: str,
    kind: int,
    application_id: int,
    guild: Guild | None,
    channel_obj: Channel,
    actor: Member | User,
    bot_member: Member | None,
    data: dict[str, Any],
    message_obj: Message | None = None,
    user_install: bool = False,
) -> dict[str, Any]:
    """`user_install`: the member installed the app to their account and uses it here, where
    the bot itself may not be (a server without it, a group DM)."""
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": kind,
        "data": data,
        "token": token,
        "version": 1,
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        "channel_id": str(channel_obj.id),
        "channel": channel(channel_obj),
    }
    if guild is not None and isinstance(actor, Member):
        payload["guild_id"] = str(guild.id)
        payload["guild"] = {"id": str(guild.id), "locale": "en-US", "features": []}
        payload["guild_locale"] = "en-US"
        actor_perms = channel_permissions(guild, channel_obj, actor)
        payload["member"] = member(actor, permissions=actor_perms)
        app_perms = channel_permissions(guild, channel_obj, bot_member) if bot_member else 0
        payload["app_permissions"] = str(app_perms)
        payload["authorizing_integration_owners"] = (
            {USER_INSTALL: str(actor.user.id)} if user_install else {GUILD_INSTALL: str(guild.id)})
        payload["context"] = GUILD_CONTEXT
    else:
        assert isinstance(actor, User)
        payload["user"] = user(actor)
        payload["app_permissions"] = "0"
        payload["authorizing_integration_owners"] = {USER_INSTALL: str(actor.id)}
        payload["context"] = (PRIVATE_CHANNEL_CONTEXT if channel_obj.type == GROUP_DM
                              else BOT_DM_CONTEXT)
    if message_obj is not None:
        payload["message"] = message(message_obj, application_id=application_id)
    return payload
