"""Picture cards made with Pillow: the member card, the leaderboard card, the champion card.

Each card is a frozen dataclass of what it shows and knows how to draw itself; CardRenderer
fetches its avatars, draws it in worker threads (never on the event loop) and keeps the PNG
until a figure, a name or an avatar changes (the dataclass is the cache key).
"""

from __future__ import annotations

import asyncio
import io
from collections import OrderedDict
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol

import discord

from bot.ui.cards.avatars import AvatarFetcher, avatar_url
from bot.ui.cards.champion import ChampionCard
from bot.ui.cards.leaderboard import BoardCard, BoardLine
from bot.ui.cards.member import MemberCard
from bot.ui.cards.poster import png

if TYPE_CHECKING:  # Pillow loads when the first card is drawn, not at start
    from PIL import Image

__all__ = ["AvatarFetcher", "BoardCard", "BoardLine", "Card", "CardRenderer", "ChampionCard",
           "MemberCard", "avatar_url", "draw_png"]


class Card(Protocol):
    @property
    def file_name(self) -> str: ...

    def avatar_urls(self) -> tuple[str, ...]: ...

    def draw(self, pictures: Mapping[str, bytes | None]) -> Image.Image: ...


def draw_png(card: Card, pictures: Mapping[str, bytes | None]) -> bytes:
    """Draw and encode: what a worker thread runs."""
    return png(card.draw(pictures))


class CardRenderer:
    def __init__(self, avatars: AvatarFetcher | None = None, *, workers: int = 2,
                 keep: int = 256) -> None:
        self.avatars = avatars or AvatarFetcher()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="card")
        self._cards: OrderedDict[Card, bytes] = OrderedDict()
        self._keep = keep

    async def png(self, card: Card) -> bytes:
        cached = self._cards.get(card)
        if cached is not None:
            self._cards.move_to_end(card)
            return cached
        urls = card.avatar_urls()
        pictures = dict(zip(urls, await asyncio.gather(*map(self.avatars.get, urls)),
                            strict=True))
        loop = asyncio.get_running_loop()
        picture = await loop.run_in_executor(self._pool, draw_png, card, pictures)
        if all(pictures.values()):  # a card with initials for a missing avatar is tried again
            self._cards[card] = picture
            while len(self._cards) > self._keep:
                self._cards.popitem(last=False)
        return picture

    async def file(self, card: Card) -> discord.File:
        return discord.File(io.BytesIO(await self.png(card)),
                            filename=card.file_name)

    async def close(self) -> None:
        await self.avatars.close()
        self._pool.shutdown(wait=False, cancel_futures=True)
