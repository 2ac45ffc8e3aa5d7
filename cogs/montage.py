"""/montage show and /montage playlist: the training-montage songs, browsable in film order."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.content import Song
from bot.core.bot import RockyBot
from bot.core.routes import RoutedButton, route
from bot.domain.films import FILMS
from bot.domain.montage import index_of, page_bounds, page_count, start_for, step
from bot.errors import InvalidInput, NotFound
from bot.ui.embeds import echo
from bot.ui.montage import playlist_embed, song_layout

MAX_CHOICES = 25
LABELS = {"prev": "Previous", "next": "Next"}
# Persistent buttons: the state is in the custom id, so they work after a restart.
SONG_BUTTON = r"montage:(?P<dir>prev|next):(?P<owner>\d+):(?P<song>[a-z0-9-]+)"
PAGE_BUTTON = r"montage:list:(?P<dir>prev|next):(?P<owner>\d+):(?P<page>\d+)"


# -- rendering ------------------------------------------------------------------------------
# A message as send_message / edit_message take it: a Components V2 layout, or an embed and view.
Message = dict[str, Any]


def song_message(songs: tuple[Song, ...], index: int, owner_id: int, note: str | None = None
                 ) -> Message:
    song = songs[index]
    row: discord.ui.ActionRow = discord.ui.ActionRow()
    for direction in ("prev", "next"):
        row.add_item(_button(direction, f"montage:{direction}:{owner_id}:{song.id}",
                             disabled=step(index, direction, len(songs)) is None))
    return {"view": song_layout(song, index + 1, len(songs), row, note)}


def playlist_message(songs: tuple[Song, ...], page: int, owner_id: int) -> Message:
    pages = page_count(len(songs))
    shown = page_bounds(page, len(songs))
    embed = playlist_embed([songs[i] for i in shown], shown.start + 1, page + 1, pages,
                           len(songs))
    view = discord.ui.View(timeout=None)
    for direction in ("prev", "next"):
        view.add_item(_button(direction, f"montage:list:{direction}:{owner_id}:{page}",
                              disabled=step(page, direction, pages) is None))
    return {"embed": embed, "view": view}


def _button(direction: str, custom_id: str, *, disabled: bool) -> RoutedButton:
    return RoutedButton(label=LABELS[direction], style=discord.ButtonStyle.secondary,
                        disabled=disabled, custom_id=custom_id)


async def answer_click(interaction: discord.Interaction, owner_id: int, message: Message
                       ) -> None:
    """The member who ran the command turns its pages; anyone else gets a private copy."""
    if interaction.user.id == owner_id:
        await interaction.response.edit_message(**message)
    else:
        await interaction.response.send_message(**message, ephemeral=True)


class Montage(commands.Cog):
    """The training-montage songs and the other signature songs, film by film."""

    # Needs no server data: usable wherever the app is installed, a member's account included.
    montage = app_commands.Group(
        name="montage", description="Training-montage songs",
        allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
        allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True,
                                                        private_channel=True))

    def __init__(self, bot: RockyBot) -> None:
        self.bot = bot

    @route(SONG_BUTTON)
    async def turn_song(self, interaction: discord.Interaction, match: re.Match[str]) -> None:
        songs = self.bot.content.songs_in_film_order()
        index = index_of(songs, match["song"])
        if index is None:
            raise NotFound("That song is no longer in the catalogue; run /montage show again.")
        target = step(index, match["dir"], len(songs))
        if target is None:
            raise NotFound("There is no song further that way; try the other button.")
        await answer_click(interaction, int(match["owner"]),
                           song_message(songs, target, owner_id=interaction.user.id))

    @route(PAGE_BUTTON)
    async def turn_page(self, interaction: discord.Interaction, match: re.Match[str]) -> None:
        songs = self.bot.content.songs_in_film_order()
        pages = page_count(len(songs))
        # The catalogue may have shrunk since the message was sent: stay within it.
        target = step(min(int(match["page"]), pages - 1), match["dir"], pages)
        if target is None:
            raise NotFound("There is no page further that way; try the other button.")
        await answer_click(interaction, int(match["owner"]),
                           playlist_message(songs, target, owner_id=interaction.user.id))

    @montage.command(name="show", description="A film's training-montage song, with links",
                     extras={"example": '/montage show film:"Rocky IV"'})
    @app_commands.describe(film="Start at this film (default: the first film)")
    async def show_song(self, interaction: discord.Interaction,
                        film: app_commands.Range[str, 1, 100] | None = None) -> None:
        # Autocomplete is only a suggestion: the submitted value is checked again here.
        if film is not None and film not in FILMS:
            raise InvalidInput(
                f"{echo(film)} is not one of the nine films; pick one from the list.")
        songs = self.bot.content.songs_in_film_order()
        start = start_for(songs, film)
        if start is None:
            raise NotFound("No song of that film is in the catalogue; try another film.")
        note = None if start.film_has_montage else (
            f"{film} has no training-montage song in the catalogue; here is its signature song.")
        await interaction.response.send_message(
            **song_message(songs, start.index, interaction.user.id, note))

    @show_song.autocomplete("film")
    async def film_autocomplete(self, interaction: discord.Interaction, current: str
                                ) -> list[app_commands.Choice[str]]:
        with_songs = {film for song in self.bot.content.songs for film in song.films}
        typed = current.casefold()
        hits = [f for f in FILMS if f in with_songs and typed in f.casefold()]
        return [app_commands.Choice(name=f, value=f) for f in hits[:MAX_CHOICES]]

    @montage.command(name="playlist", description="Every song in film order, page by page",
                     extras={"example": "/montage playlist"})
    async def playlist(self, interaction: discord.Interaction) -> None:
        songs = self.bot.content.songs_in_film_order()
        if not songs:
            raise NotFound("The song catalogue is empty; ask the bot's owner to add a songs pack.")
        await interaction.response.send_message(**playlist_message(songs, 0, interaction.user.id))


async def setup(bot: RockyBot) -> None:
    await bot.add_cog(Montage(bot))
