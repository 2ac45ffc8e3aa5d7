"""What the web asks Discord: the OAuth2 login (who is this browser's user?) and, with the bot
token, who may manage which server (roles and permissions as Discord has them right now).

Nothing here trusts the browser: a user id comes from Discord's answer to the login, and every
permission from Discord's member and role data, read again at each action.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from urllib.parse import urlencode

import aiohttp
import discord

from bot.core.checks import is_admin, is_moderator
from bot.domain.config import GuildConfig

log = logging.getLogger(__name__)

DISCORD_API = "https://discord.com/api/v10"
LOGIN_SCOPE = "identify"  # who the user is; which servers they manage comes from the bot


class LoginFailed(Exception):
    """Discord refused the code (expired, used, or another redirect URI); say so, no details."""


@dataclass(frozen=True, slots=True)
class DiscordUser:
    id: int
    name: str


class Access(enum.IntEnum):
    NONE = 0
    MODERATOR = 1  # the review queue
    ADMIN = 2  # every setting, the queue, the audit log


class OAuth2Client:
    def __init__(self, api_base: str | None, client_id: str, client_secret: str,
                 redirect_uri: str) -> None:
        self.api_base = (api_base or DISCORD_API).rstrip("/")
        self.client_id = client_id
        self._client_secret = client_secret
        self.redirect_uri = redirect_uri

    def authorize_url(self, state: str) -> str:
        query = {"response_type": "code", "client_id": self.client_id, "scope": LOGIN_SCOPE,
                 "redirect_uri": self.redirect_uri, "state": state, "prompt": "none"}
        return f"{self.api_base}/oauth2/authorize?{urlencode(query)}"

    async def user_for_code(self, http: aiohttp.ClientSession, code: str) -> DiscordUser:
        """Trade the code for a token, ask who it belongs to, and forget the token."""
        form = {"grant_type": "authorization_code", "code": code,
                "redirect_uri": self.redirect_uri, "client_id": self.client_id,
                "client_secret": self._client_secret}
        async with http.post(f"{self.api_base}/oauth2/token", data=form) as response:
            body = await response.json(content_type=None)
            if response.status != 200 or "access_token" not in body:
                # Discord's error code only (never the code or the secret) goes to the log.
                log.info("OAuth2 token exchange refused: %s %s", response.status,
                         body.get("error") if isinstance(body, dict) else "")
                raise LoginFailed()
            token = body["access_token"]
        async with http.get(f"{self.api_base}/users/@me",
                            headers={"Authorization": f"Bearer {token}"}) as response:
            if response.status != 200:
                log.info("OAuth2 /users/@me refused: %s", response.status)
                raise LoginFailed()
            me = await response.json()
        return DiscordUser(int(me["id"]), me.get("global_name") or me["username"])


@dataclass(frozen=True, slots=True)
class ServerView:
    """A server as the bot sees it through Discord's REST API at this moment."""

    guild: discord.Guild
    member: discord.Member | None  # the user asking; None when they are not in it
    me: discord.Member  # the bot's own member, for channel permissions

    def access(self, config: GuildConfig) -> Access:
        if self.member is None:
            return Access.NONE
        if is_admin(self.member):
            return Access.ADMIN
        return Access.MODERATOR if is_moderator(self.member, config) else Access.NONE


class BotRest:
    """discord.py's REST client logged in with the bot token, without a gateway connection:
    the same code that sends the bot's DMs sends the web's."""

    def __init__(self, token: str) -> None:
        self.client = discord.Client(intents=discord.Intents.none())
        self._token = token

    async def start(self) -> None:
        await self.client.login(self._token)

    async def close(self) -> None:
        await self.client.close()

    async def server(self, guild_id: int, user_id: int) -> ServerView | None:
        """The server with the user's and the bot's members; None if the bot is not in it."""
        try:
            guild = await self.client.fetch_guild(guild_id, with_counts=False)
        except (discord.NotFound, discord.Forbidden):
            return None
        me = await guild.fetch_member(self.client.application_id or self.client.user.id)  # type: ignore[union-attr]
        try:
            member = await guild.fetch_member(user_id)
        except discord.NotFound:
            member = None
        return ServerView(guild, member, me)

    async def text_channels(self, guild: discord.Guild) -> list[discord.TextChannel]:
        channels = await guild.fetch_channels()
        return sorted((c for c in channels if isinstance(c, discord.TextChannel)),
                      key=lambda c: (c.position, c.id))
