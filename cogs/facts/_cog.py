"""The /fact group, and what its buttons and forms do (routed here by custom id)."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.checks import is_moderator
from bot.core.fact_review import (
    decide_submission,
    post_for_review,
    publish_decision,
    refresh_review_post,
    refusal_text,
)
from bot.core.routes import route
from bot.db.repositories.facts import FactRepository
from bot.domain.config import GuildConfig
from bot.domain.facts import (
    MAX_PENDING,
    Action,
    Status,
    Submission,
    ensure_can_submit,
    near_duplicate,
    parse_submission_id,
    submission_label,
    validate_film,
    validate_reason,
    validate_source,
    validate_text,
)
from bot.domain.films import FILMS, FRANCHISE, TOPICS
from bot.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.ui.embeds import safe
from bot.ui.facts import (
    ANOTHER,
    APPROVE,
    REJECT,
    REJECT_FORM,
    SKIP,
    SUBMIT_FORM,
    SUGGEST,
    RetrySubmissionView,
    contributors_embed,
    daily_view,
    fact_embed,
    fact_layout,
    filters_of,
    form_values,
    mine_embed,
    rejection_form,
    removal_choice_name,
    review_embed,
    review_view,
    submission_form,
    submitted_text,
)
from cogs.facts._pool import FactPool

if TYPE_CHECKING:
    from bot.core.bot import RockyBot

MAX_CHOICES = 25
PAST_TENSE = {Action.APPROVE: "Approved", Action.REJECT: "Rejected", Action.REMOVE: "Removed"}


def _choices(values: list[str], typed: str) -> list[app_commands.Choice[str]]:
    typed = typed.casefold()
    return [app_commands.Choice(name=v, value=v)
            for v in values if typed in v.casefold()][:MAX_CHOICES]


def _guild_id(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
        raise NotAllowed("Facts work inside a server: use this in one of its channels.")
    return interaction.guild_id


class Facts(commands.Cog):
    fact = app_commands.Group(name="fact", description="Rocky trivia facts and fan submissions",
                              guild_only=True)

    def __init__(self, bot: RockyBot) -> None:
        self.bot = bot
        self.repo = FactRepository(bot.db)
        self.pool = FactPool(bot.content, self.repo, bot.guild_config, bot.rng)

    async def cog_load(self) -> None:
        self.bot.daily_posters["fact"] = self.post_daily_fact

    async def cog_unload(self) -> None:
        if self.bot.daily_posters.get("fact") == self.post_daily_fact:
            del self.bot.daily_posters["fact"]

    # -- serving facts -------------------------------------------------------------------------
    @fact.command(name="random", description="A random Rocky fact (no repeats in a channel)",
                  extras={"example": '/fact random film:"Rocky IV" topic:music'})
    @app_commands.describe(film="Only facts about this film", topic="Only facts on this topic")
    async def random_fact(self, interaction: discord.Interaction, film: str | None = None,
                          topic: str | None = None) -> None:
        await self._send_fact(interaction, film, topic)

    @route(ANOTHER)
    async def another_fact(self, interaction: discord.Interaction, match: re.Match[str]
                           ) -> None:
        await self._send_fact(interaction, *filters_of(match))

    async def _send_fact(self, interaction: discord.Interaction, film: str | None,
                         topic: str | None) -> None:
        guild_id = _guild_id(interaction)
        fact = await self.pool.draw(guild_id, interaction.channel_id or 0, film, topic)
        await interaction.response.send_message(view=fact_layout(fact, film, topic))

    @random_fact.autocomplete("film")
    async def film_autocomplete(self, interaction: discord.Interaction, current: str
                                ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        enabled = (await self.bot.guild_config.get(interaction.guild_id)).enabled_films
        return _choices([f for f in FILMS if f in enabled] + [FRANCHISE], current)

    @random_fact.autocomplete("topic")
    async def topic_autocomplete(self, interaction: discord.Interaction, current: str
                                 ) -> list[app_commands.Choice[str]]:
        return _choices(list(TOPICS), current)

    async def post_daily_fact(self, guild_id: int, channel: discord.abc.Messageable,
                              day: dt.date) -> None:
        """The daily poster: a fact of the server's pool, no repeats in that channel, with a
        "Suggest a fact" button. Forbidden/NotFound from Discord go up to the scheduler."""
        fact = await self.pool.draw(guild_id, getattr(channel, "id", 0))
        embed = fact_embed(fact, title="Fact of the day")
        embed.set_footer(text=f"Fact {fact.id} · {day:%A} {day.day} {day:%B %Y}")
        await channel.send(embed=embed, view=daily_view())

    # -- submitting ----------------------------------------------------------------------------
    @fact.command(name="submit", description="Suggest a fact for this server's trivia",
                  extras={"example": "/fact submit"})
    async def submit_command(self, interaction: discord.Interaction) -> None:
        await self.open_submission(interaction)

    @route(SUGGEST)
    async def suggest_clicked(self, interaction: discord.Interaction, match: re.Match[str]
                              ) -> None:
        await self.open_submission(interaction)

    async def open_submission(self, interaction: discord.Interaction) -> None:
        guild_id = _guild_id(interaction)
        # Say so before the member types anything; the limit is enforced again when storing.
        ensure_can_submit(await self.repo.pending_count(guild_id, interaction.user.id))
        await interaction.response.send_modal(submission_form())

    @route(re.escape(SUBMIT_FORM), kind="form")
    async def submission_form_sent(self, interaction: discord.Interaction, match: re.Match[str]
                                   ) -> None:
        values = form_values(dict(interaction.data or {}))
        await self.submit(interaction, values.get("text"), values.get("film"),
                          values.get("source"))

    async def submit(self, interaction: discord.Interaction, text: str | None, film: str | None,
                     source: str | None) -> None:
        guild_id = _guild_id(interaction)
        try:
            submission = await self._store_submission(guild_id, interaction.user.id, text, film,
                                                      source)
        except InvalidInput as error:  # fixable: offer the form again with what they wrote
            await interaction.response.send_message(
                error.message, ephemeral=True,
                view=RetrySubmissionView(text, film, source))
            return
        pending = await self.repo.pending_count(guild_id, interaction.user.id)
        await interaction.response.send_message(submitted_text(submission, pending, MAX_PENDING),
                                                ephemeral=True)
        config = await self.bot.guild_config.get(guild_id)
        if config.review_channel_id is not None:
            waiting = await self.repo.pending_total(guild_id)
            posted = await post_for_review(self.bot, config.review_channel_id, submission,
                                           waiting)
            if posted is not None:
                await self.repo.set_review_message(submission.id, posted.channel.id, posted.id)

    async def _store_submission(self, guild_id: int, user_id: int, text: str | None,
                                film: str | None, source: str | None) -> Submission:
        clean_text = validate_text(text)
        clean_film = validate_film(film)
        clean_source = validate_source(source)
        queued = await self.repo.with_status(guild_id, Status.PENDING, Status.APPROVED)
        existing = [(f.id, f.text) for f in self.bot.content.facts]
        existing += [(s.label, s.text) for s in queued]
        resemblance = near_duplicate(clean_text, existing)
        if resemblance is not None:
            if resemblance.fact_id in {s.label for s in queued if s.status is Status.PENDING}:
                raise InvalidInput(f"A fact very like yours is already waiting for review "
                                   f"({resemblance.fact_id}); suggest a different one.")
            raise InvalidInput(f"That is very close to fact {resemblance.fact_id}, which the "
                               f"server already has: “{safe(resemblance.text)}” Suggest "
                               "something new.")
        return await self.repo.submit(guild_id, user_id, clean_text, clean_film, clean_source,
                                      self.bot.clock())

    # -- your submissions and the contributors ---------------------------------------------
    @fact.command(name="mine", description="Your fact submissions and their status",
                  extras={"example": "/fact mine"})
    async def mine(self, interaction: discord.Interaction) -> None:
        guild_id = _guild_id(interaction)
        submissions = await self.repo.by_member(guild_id, interaction.user.id)
        counts = await self.repo.status_counts(guild_id, interaction.user.id)
        await interaction.response.send_message(
            embed=mine_embed(submissions, counts, MAX_PENDING), ephemeral=True)

    @fact.command(name="contributors",
                  description="The server's top fact contributors, by approved facts",
                  extras={"example": "/fact contributors"})
    async def contributors(self, interaction: discord.Interaction) -> None:
        guild_id = _guild_id(interaction)
        top = await self.repo.contributors(guild_id)
        server = interaction.guild.name if interaction.guild else "this server"
        await interaction.response.send_message(embed=contributors_embed(top, server))

    # -- moderation ----------------------------------------------------------------------------
    async def _require_moderator(self, interaction: discord.Interaction) -> GuildConfig:
        guild_id = _guild_id(interaction)
        config = await self.bot.guild_config.get(guild_id)
        assert isinstance(interaction.user, discord.Member)
        if not is_moderator(interaction.user, config):
            raise NotAllowed("Only moderators (Manage Messages, or the server's moderator role) "
                             "can review facts.")
        return config

    @fact.command(name="review", description="Moderators: the oldest fact waiting for review",
                  extras={"example": "/fact review"})
    async def review(self, interaction: discord.Interaction) -> None:
        config = await self._require_moderator(interaction)
        oldest = await self.repo.oldest_pending(config.guild_id)
        if oldest is None:
            await interaction.response.send_message("No facts are waiting for review.",
                                                    ephemeral=True)
            return
        waiting = await self.repo.pending_total(config.guild_id)
        await interaction.response.send_message(
            embed=review_embed(oldest, waiting=waiting), view=review_view(oldest.id),
            ephemeral=True)

    @fact.command(name="remove", description="Moderators: take a submitted fact out of the pool",
                  extras={"example": "/fact remove id:s12"})
    @app_commands.describe(id="The submitted fact's id, like s12 (shown under each fact)")
    async def remove(self, interaction: discord.Interaction, id: str) -> None:
        config = await self._require_moderator(interaction)
        submission_id = parse_submission_id(id)
        removed = await self._decide(interaction, config.guild_id, submission_id, Action.REMOVE)
        await interaction.response.send_message(
            f"Removed {removed.label}; it will not be served again.", ephemeral=True)
        await refresh_review_post(self.bot, removed, None)

    @remove.autocomplete("id")
    async def remove_autocomplete(self, interaction: discord.Interaction, current: str
                                  ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
            return []
        config = await self.bot.guild_config.get(interaction.guild_id)
        if not is_moderator(interaction.user, config):
            return []  # submitted texts are for moderators' eyes here
        typed = current.casefold().strip()
        approved = await self.repo.with_status(interaction.guild_id, Status.APPROVED)
        hits = [s for s in reversed(approved)
                if typed in s.label or typed in s.text.casefold()][:MAX_CHOICES]
        return [app_commands.Choice(name=removal_choice_name(s), value=s.label) for s in hits]

    async def _decide(self, interaction: discord.Interaction, guild_id: int, submission_id: int,
                      action: Action, reason: str | None = None) -> Submission:
        return await decide_submission(self.repo, guild_id, submission_id, action,
                                       interaction.user.id, self.bot.clock(), reason)

    @route(APPROVE)
    async def approve(self, interaction: discord.Interaction, match: re.Match[str]) -> None:
        submission_id = int(match["id"])
        config = await self._require_moderator(interaction)
        decided = await self._decide(interaction, config.guild_id, submission_id, Action.APPROVE)
        await self._announce(interaction, decided, Action.APPROVE)

    @route(REJECT)
    async def open_rejection(self, interaction: discord.Interaction, match: re.Match[str]
                             ) -> None:
        submission_id = int(match["id"])
        config = await self._require_moderator(interaction)
        submission = await self.repo.get(config.guild_id, submission_id)
        if submission is None:
            raise NotFound(f"There is no submitted fact {submission_label(submission_id)} on "
                           "this server; nothing was changed.")
        if submission.status is not Status.PENDING:
            raise Conflict(refusal_text(submission, Action.REJECT))
        await interaction.response.send_modal(rejection_form(submission_id))

    @route(REJECT_FORM, kind="form")
    async def reject(self, interaction: discord.Interaction, match: re.Match[str]) -> None:
        submission_id = int(match["id"])
        config = await self._require_moderator(interaction)
        clean_reason = validate_reason(form_values(dict(interaction.data or {})).get("reason"))
        decided = await self._decide(interaction, config.guild_id, submission_id, Action.REJECT,
                                     clean_reason)
        await self._announce(interaction, decided, Action.REJECT)

    @route(SKIP)
    async def skip(self, interaction: discord.Interaction, match: re.Match[str]) -> None:
        submission_id = int(match["id"])
        config = await self._require_moderator(interaction)
        following = await self.repo.pending_after(config.guild_id, submission_id)
        if following is None:
            raise NotFound("No other fact is waiting for review.")
        waiting = await self.repo.pending_total(config.guild_id)
        embed, view = review_embed(following, waiting=waiting), review_view(following.id)
        if _on_private_card(interaction):
            await interaction.response.edit_message(content=None, embed=embed, view=view)
        else:  # the review channel's post stays with its own submission
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    async def _announce(self, interaction: discord.Interaction, decided: Submission,
                        action: Action) -> None:
        """Answer the moderator first (3 s rule), then the review post and the submitter."""
        done = f"{PAST_TENSE[action]} {decided.label}."
        if _on_private_card(interaction):
            following = await self.repo.pending_after(decided.guild_id, decided.id)
            if following is None:
                await interaction.response.edit_message(
                    content=f"{done} No more facts are waiting.", embed=review_embed(decided),
                    view=None)
            else:
                waiting = await self.repo.pending_total(decided.guild_id)
                await interaction.response.edit_message(
                    content=f"{done} Next in the queue:",
                    embed=review_embed(following, waiting=waiting), view=review_view(following.id))
        elif interaction.message is not None:
            await interaction.response.edit_message(embed=review_embed(decided), view=None)
        else:
            await interaction.response.send_message(done, ephemeral=True)
        server = interaction.guild.name if interaction.guild else "the server"
        if not await publish_decision(self.bot, decided, server, interaction.message):
            await interaction.followup.send(
                f"{done} I couldn't send the member a direct message (their DMs are closed); "
                "the decision stands.", ephemeral=True)


def _on_private_card(interaction: discord.Interaction) -> bool:
    """True on the ephemeral card of /fact review, which moves on to the next submission."""
    return interaction.message is not None and interaction.message.flags.ephemeral

