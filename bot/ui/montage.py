"""Embeds for the montage-song catalogue: one song in full, and a page of the playlist."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.content import Song
from bot.ui.embeds import CHAMPION_GOLD, PHILLY_BLUE

NAME_LIMIT = 100  # titles and performers shown in the playlist are cut to keep pages in bounds


def song_kind(song: Song) -> str:
    return "Training montage" if song.montage else "Signature song"


def listening_links(song: Song) -> str:
    links = [f"[YouTube]({song.youtube_url})", f"[Spotify]({song.spotify_url})"]
    if song.official_url:
        links.append(f"[Official page]({song.official_url})")
    return " · ".join(links)


def song_embed(song: Song, number: int, total: int, note: str | None = None) -> discord.Embed:
    """`number` counts from 1 in film order; `note` explains an unusual starting point."""
    description = f"**Scene:** {song.scene}"
    if note:
        description = f"*{note}*\n\n{description}"
    embed = discord.Embed(title=song.title, description=description,
                          colour=CHAMPION_GOLD if song.montage else PHILLY_BLUE)
    embed.set_author(name=f"{song_kind(song)} — {', '.join(song.films)}")
    embed.add_field(name="Performer", value=song.performer, inline=True)
    embed.add_field(name="Written by", value=", ".join(song.writers), inline=True)
    embed.add_field(name="Year", value=str(song.year), inline=True)
    if song.chart_peak:
        embed.add_field(name="Chart peak", value=song.chart_peak, inline=True)
    embed.add_field(name="Listen", value=listening_links(song), inline=False)
    embed.add_field(name="Source", value=f"[where this is documented]({song.source})",
                    inline=False)
    embed.set_footer(text=f"Song {number} of {total}, films in release order")
    return embed


def _cut(text: str) -> str:
    return text if len(text) <= NAME_LIMIT else text[: NAME_LIMIT - 1] + "…"


def playlist_embed(songs: Sequence[Song], first_number: int, page: int, pages: int,
                   total: int) -> discord.Embed:
    """One page: `songs` numbered from `first_number`; `page` counts from 1."""
    lines = []
    for number, song in enumerate(songs, start=first_number):
        marker = " · 🥊 montage" if song.montage else ""
        lines.append(f"**{number}. {_cut(song.title)}** — {_cut(song.performer)} · "
                     f"*{', '.join(song.films)}* ({song.year}){marker}\n"
                     f"{listening_links(song)}")
    embed = discord.Embed(title="The Rocky playlist", description="\n\n".join(lines),
                          colour=CHAMPION_GOLD)
    embed.set_footer(text=f"Page {page} of {pages} · {total} songs in film order")
    return embed
