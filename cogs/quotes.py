"""/quote and /motivate: lines from the films, with film, speaking character and mood.

/motivate only ever sends a motivational line; /quote can be narrowed to any mood.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.content.models import MOODS, MOTIVATIONAL
from bot.core.bot import RockyBot
from bot.domain.films import FILMS
from bot.domain.motivation import SENDER_EVERY, TARGET_EVERY, MotivationLimiter, Wait
from bot.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.ui.embeds import echo, quote_embed, safe

MAX_CHOICES = 25
MOOD_CHOICES = [app_commands.Choice(name=mood.capitalize(), value=mood) for mood in MOODS]


def _matching(values: list[str] | tuple[str, ...], typed: str) -> list[app_commands.Choice[str]]:
    typed = typed.casefold()
    hits = [v for v in values if typed in v.casefold()]
    return [app_commands.Choice(name=v, value=v) for v in hits[:MAX_CHOICES]]


def _wait_sentence(wait: Wait, target: discord.Member) -> str:
    seconds = max(1, round(wait.remaining.total_seconds()))
    if wait.reason == "sender":
        return f"Easy, champ: you can motivate someone again in {seconds} seconds."
    return (f"{safe(target.display_name)} was motivated a moment ago; let them train, and try "
            f"again in {-(-seconds // 60)} minute(s).")


class Quotes(commands.Cog):
    """Lines from the films by film, character or mood (motivational, funny, menacing, tender,
    iconic); /motivate sends a member a motivational one."""

    def __init__(self, bot: RockyBot) -> None:
        self.bot = bot
        scale = bot.settings.timer_scale
        self.limiter = MotivationLimiter(SENDER_EVERY * scale, TARGET_EVERY * scale)

    @app_commands.command(name="quote", description="A line from the films, by film, character "
                                                    "or mood",
                          extras={"example": '/quote film:"Rocky IV" mood:Menacing'})
    @app_commands.describe(film="Only quotes from this film", character="Only this character",
                           mood="Only lines of this mood (motivational, funny, menacing, ...)")
    @app_commands.choices(mood=MOOD_CHOICES)
    @app_commands.allowed_installs(guilds=True, users=True)  # on the member's account too
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def quote(self, interaction: discord.Interaction,
                    film: app_commands.Range[str, 1, 100] | None = None,
                    character: app_commands.Range[str, 1, 100] | None = None,
                    mood: app_commands.Choice[str] | None = None) -> None:
        library = self.bot.content
        # Autocomplete is only a suggestion: the submitted value is checked again here.
        if film is not None and film not in FILMS:
            raise InvalidInput(
                f"{echo(film)} is not one of the nine films; pick one from the list.")
        if character is not None and character not in library.characters():
            raise InvalidInput(
                f"No quotes from {echo(character)}; pick a character from the list.")
        pool = library.quotes_for(film, character, mood.value if mood is not None else None)
        if not pool:
            raise NotFound("No quote matches those filters; try fewer of them.")
        chosen = self.bot.rng.choice(pool)
        await interaction.response.send_message(embed=quote_embed(chosen))

    @app_commands.command(name="motivate",
                          description="Send another member a motivational line from the films",
                          extras={"example": "/motivate member:@alice"})
    @app_commands.describe(member="Who needs it (they are the only one the message notifies)")
    @app_commands.guild_only()
    async def motivate(self, interaction: discord.Interaction,
                       member: discord.Member | discord.User) -> None:
        # Typed with User too, so someone outside the server gets a sentence, not a type error.
        if not isinstance(member, discord.Member):
            raise InvalidInput("That person is not a member of this server; pick someone here.")
        if member.bot:
            raise InvalidInput("Bots train on their own; pick a human member to motivate.")
        if not (await self.bot.preferences.get(member.id)).motivate:
            raise NotAllowed(f"{safe(member.display_name)} has chosen not to be motivated by "
                             "the bot; try /quote for yourself instead.")
        pool = self.bot.content.quotes_for(mood=MOTIVATIONAL)
        if not pool:
            raise NotFound("There are no motivational quotes loaded; ask the bot's owner to add "
                           "a quotes pack.")
        wait = self.limiter.try_send(member.guild.id, interaction.user.id, member.id,
                                     self.bot.clock())
        if wait is not None:
            raise Conflict(_wait_sentence(wait, member))
        chosen = self.bot.rng.choice(pool)
        sender = safe(interaction.user.display_name)
        # The target's mention is the only one allowed to notify anyone.
        await interaction.response.send_message(
            f"{member.mention}, {sender} sends you this from the corner:",
            embed=quote_embed(chosen),
            allowed_mentions=discord.AllowedMentions(everyone=False, roles=False,
                                                     users=[member], replied_user=False))

    @quote.autocomplete("film")
    async def film_autocomplete(self, interaction: discord.Interaction, current: str
                                ) -> list[app_commands.Choice[str]]:
        return _matching(FILMS, current)

    @quote.autocomplete("character")
    async def character_autocomplete(self, interaction: discord.Interaction, current: str
                                     ) -> list[app_commands.Choice[str]]:
        film = getattr(interaction.namespace, "film", None)
        pool = self.bot.content.quotes_for(film if film in FILMS else None)
        return _matching(sorted({q.character for q in pool}), current)


async def setup(bot: RockyBot) -> None:
    await bot.add_cog(Quotes(bot))
