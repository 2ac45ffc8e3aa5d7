"""The montage-song catalogue: one song in full (Components V2), and a page of the playlist."""

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


def song_layout(song: Song, number: int, total: int, buttons: discord.ui.ActionRow,
                note: str | None = None) -> discord.ui.LayoutView:
    """/montage show in Components V2: the kind and films, the title, the scene, the details one
    per line (`**Name:** value`), the song's place in the catalogue and the browse `buttons`.
    `number` counts from 1 in film order; `note` explains an unusual starting point."""
    details = [("Performer", song.performer), ("Written by", ", ".join(song.writers)),
               ("Year", str(song.year))]
    if song.chart_peak:
        details.append(("Chart peak", song.chart_peak))
    details += [("Listen", listening_links(song)),
                ("Source", f"[where this is documented]({song.source})")]
    items: list[discord.ui.Item] = [
        discord.ui.TextDisplay(f"-# {song_kind(song)} — {', '.join(song.films)}\n"
                               f"### {song.title}")]
    if note:
        items.append(discord.ui.TextDisplay(f"*{note}*"))
    items += [
        discord.ui.TextDisplay(f"**Scene:** {song.scene}"),
        discord.ui.Separator(),
        discord.ui.TextDisplay("\n".join(f"**{name}:** {value}" for name, value in details)),
        discord.ui.TextDisplay(f"-# Song {number} of {total}, films in release order"),
        buttons]
    view = discord.ui.LayoutView(timeout=None)
    view.add_item(discord.ui.Container(
        *items, accent_colour=CHAMPION_GOLD if song.montage else PHILLY_BLUE))
    return view


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
