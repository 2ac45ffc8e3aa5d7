"""/quote: a motivational line from the films, with film and speaking character."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.bot import RockyBot
from bot.domain.films import FILMS
from bot.errors import InvalidInput, NotFound
from bot.ui.embeds import quote_embed

MAX_CHOICES = 25


def _matching(values: list[str] | tuple[str, ...], typed: str) -> list[app_commands.Choice[str]]:
    typed = typed.casefold()
    hits = [v for v in values if typed in v.casefold()]
    return [app_commands.Choice(name=v, value=v) for v in hits[:MAX_CHOICES]]


class Quotes(commands.Cog):
    def __init__(self, bot: RockyBot) -> None:
        self.bot = bot

    @app_commands.command(name="quote", description="A motivational line from the Rocky films")
    @app_commands.describe(film="Only quotes from this film", character="Only this character")
    @app_commands.guild_only()
    async def quote(self, interaction: discord.Interaction, film: str | None = None,
                    character: str | None = None) -> None:
        library = self.bot.content
        # Autocomplete is only a suggestion: the submitted value is checked again here.
        if film is not None and film not in FILMS:
            raise InvalidInput(f"{film!r} is not one of the nine films; pick one from the list.")
        if character is not None and character not in library.characters():
            raise InvalidInput(f"No quotes from {character!r}; pick a character from the list.")
        pool = library.quotes_for(film, character)
        if not pool:
            raise NotFound("No quote matches that film and character; try fewer filters.")
        chosen = self.bot.rng.choice(pool)
        await interaction.response.send_message(embed=quote_embed(chosen))

    @quote.autocomplete("film")
    async def film_autocomplete(self, interaction: discord.Interaction, current: str
                                ) -> list[app_commands.Choice[str]]:
        return _matching(FILMS, current)

    @quote.autocomplete("character")
    async def character_autocomplete(self, interaction: discord.Interaction, current: str
                                     ) -> list[app_commands.Choice[str]]:
        film = getattr(interaction.namespace, "film", None)
        pool = self.bot.content.quotes_for(film if film in FILMS else None, None)
        return _matching(sorted({q.character for q in pool}), current)


async def setup(bot: RockyBot) -> None:
    await bot.add_cog(Quotes(bot))
