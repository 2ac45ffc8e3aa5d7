"""Avatars for cards, fetched from Discord's CDN with a timeout and kept in memory.

Only URLs on the CDN discord.py builds asset URLs from (`discord.Asset.BASE`, which the runner
points at the emulator in tests) are fetched. A failure gives None and the card shows initials;
it is remembered for a minute so a slow CDN is not asked again for every card.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict

import aiohttp
import discord

log = logging.getLogger(__name__)

AVATAR_SIZE = 256  # pixels asked of the CDN: enough for the largest avatar a card shows
MAX_BYTES = 2 * 1024 * 1024
RETRY_FAILED_AFTER = 60.0


def avatar_url(user: discord.abc.User) -> str:
    """The member's avatar as shown in this server (or their default avatar), as a PNG."""
    return user.display_avatar.replace(size=AVATAR_SIZE, static_format="png").url


class AvatarFetcher:
    def __init__(self, *, timeout: float = 1.0, keep: int = 512,
                 seen_keep: int = 10_000) -> None:
        self.timeout = timeout
        self._keep = keep
        self._pictures: OrderedDict[str, bytes] = OrderedDict()
        self._failed: dict[str, float] = {}
        self._pending: dict[str, asyncio.Task[bytes | None]] = {}
        self._session: aiohttp.ClientSession | None = None
        # The avatar of each member seen lately, for boards (no member cache without intents).
        self._seen: OrderedDict[int, str] = OrderedDict()
        self._seen_keep = seen_keep

    # -- who looks like what ---------------------------------------------------------------
    def seen(self, user: discord.abc.User) -> str:
        url = avatar_url(user)
        self._seen[user.id] = url
        self._seen.move_to_end(user.id)
        while len(self._seen) > self._seen_keep:
            self._seen.popitem(last=False)
        return url

    def url_of(self, user_id: int) -> str | None:
        return self._seen.get(user_id)

    # -- fetching ----------------------------------------------------------------------------
    async def get(self, url: str) -> bytes | None:
        if url in self._pictures:
            self._pictures.move_to_end(url)
            return self._pictures[url]
        if time.monotonic() - self._failed.get(url, -RETRY_FAILED_AFTER) < RETRY_FAILED_AFTER:
            return None
        task = self._pending.get(url)
        if task is None:  # one request per URL however many cards wait for it
            task = self._pending[url] = asyncio.ensure_future(self._fetch(url))
            task.add_done_callback(lambda _: self._pending.pop(url, None))
        return await asyncio.shield(task)

    async def _fetch(self, url: str) -> bytes | None:
        if not url.startswith(discord.Asset.BASE + "/"):
            log.warning("not fetching an avatar outside the CDN: %s", url)
            return None
        try:
            async with asyncio.timeout(self.timeout):
                session = self._open()
                async with session.get(url) as response:
                    response.raise_for_status()
                    picture = await response.content.read(MAX_BYTES + 1)
            if len(picture) > MAX_BYTES:
                raise ValueError(f"over {MAX_BYTES} bytes")
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            reason = (f"HTTP {error.status}" if isinstance(error, aiohttp.ClientResponseError)
                      else repr(error))
            log.info("avatar %s not fetched (%s); the card shows initials", url, reason)
            self._failed[url] = time.monotonic()
            return None
        self._pictures[url] = picture
        while len(self._pictures) > self._keep:
            self._pictures.popitem(last=False)
        return picture

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
