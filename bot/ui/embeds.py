"""Embeds and text helpers shared by every feature."""

from __future__ import annotations

import discord

from bot.content import Quote

ROCKY_RED = discord.Colour(0xB22222)
CHAMPION_GOLD = discord.Colour(0xD4AF37)
PHILLY_BLUE = discord.Colour(0x1F4E79)


def safe(text: str) -> str:
    """Text someone wrote, shown literally: no markdown tricks, no mentions."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def echo(value: str, limit: int = 60) -> str:
    """A member's input repeated back in a sentence: shortened, literal, never pinging."""
    value = " ".join(value.split())
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return f"“{safe(value)}”"


def quote_embed(quote: Quote) -> discord.Embed:
    embed = discord.Embed(description=f"> {quote.text}", colour=ROCKY_RED)
    embed.set_author(name=f"{quote.character} — {quote.film}")
    if quote.scene:
        embed.add_field(name="Scene", value=quote.scene, inline=False)
    embed.add_field(name="Source", value=f"[where this line is documented]({quote.source})",
                    inline=False)
    return embed
