"""The daily roadwork: one question per server and local day, answered privately, once."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.content import Question
from bot.domain.daily import local_day, next_rollover
from bot.domain.quiz import AnswerStatus, DailyQuestion, question_pool, shuffle_options
from bot.errors import NotFound
from bot.ui.quiz import daily_post_embed, daily_question_embed, daily_result_embed
from cogs.quiz._buttons import daily_options_view, daily_post_view

if TYPE_CHECKING:
    from cogs.quiz._cog import Quiz

log = logging.getLogger(__name__)

NO_QUESTION = ("No daily question is available for the films this server has enabled; "
               "ask an admin to enable more films.")


class DailyRoadwork:
    def __init__(self, cog: Quiz) -> None:
        self.cog = cog
        self.bot = cog.bot
        self.repo = cog.repo

    async def _today(self, guild_id: int) -> tuple[dt.date, str]:
        config = await self.bot.guild_config.get(guild_id)
        return local_day(self.bot.clock(), config.timezone), config.timezone

    def _question(self, question_id: str) -> Question:
        question = self.bot.content.questions_by_id.get(question_id)
        if question is None:
            raise NotFound("Today's question is no longer in the content packs; "
                           "try again tomorrow.")
        return question

    async def question_for(self, guild_id: int, day: dt.date) -> DailyQuestion | None:
        """The day's question, chosen by the first who asks (or the daily post)."""
        config = await self.bot.guild_config.get(guild_id)
        pool = question_pool(self.bot.content.questions, config.enabled_films)
        by_id = self.bot.content.questions_by_id
        return await self.repo.ensure_daily_question(
            guild_id, day, [q.id for q in pool], self.bot.rng,
            lambda qid: shuffle_options(by_id[qid], self.bot.rng))

    async def show(self, interaction: discord.Interaction, note: str | None = None) -> None:
        """/daily and the post's Answer button: today's question, or today's result."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        today, timezone = await self._today(guild_id)
        daily = await self.question_for(guild_id, today)
        if daily is None:
            raise NotFound(NO_QUESTION)
        question = self._question(daily.question_id)
        answer = await self.repo.daily_answer(guild_id, today, interaction.user.id)
        if answer is not None:
            streak = await self.repo.day_streak(guild_id, interaction.user.id)
            embed = daily_result_embed(question, daily.shuffle, answer, streak.best,
                                       next_rollover(self.bot.clock(), timezone), again=True)
            await interaction.response.send_message(embed=embed, ephemeral=True)
            return
        await interaction.response.send_message(
            embed=daily_question_embed(question, daily.shuffle, today, note),
            view=daily_options_view(today, daily.shuffle.shown(question)), ephemeral=True)

    async def open_from_post(self, interaction: discord.Interaction, day: dt.date) -> None:
        today, _ = await self._today(interaction.guild_id or 0)
        note = None if day == today else (
            f"That post was for {day.isoformat()}; here is today's question.")
        await self.show(interaction, note)

    async def on_answer(self, interaction: discord.Interaction, day: dt.date, option: int
                        ) -> None:
        guild_id = interaction.guild_id
        if guild_id is None:
            raise NotFound("The daily question lives in a server; run /daily there.")
        self.cog.cards.avatars.seen(interaction.user)  # for the board's card
        today, timezone = await self._today(guild_id)
        if day != today:
            raise NotFound(f"That was the question for {day.isoformat()}; "
                           "run /daily for today's.")
        daily = await self.repo.daily_question(guild_id, day)
        if daily is None:
            raise NotFound("That question is gone; run /daily for today's.")
        question = self._question(daily.question_id)
        outcome = await self.repo.record_daily_answer(
            question=daily, user_id=interaction.user.id, option=option,
            interaction_id=interaction.id, difficulty=question.difficulty,
            films=question.films, now=self.bot.clock())
        if outcome.status is AnswerStatus.REPLAY:
            log.info("daily: interaction %s was already recorded (delivered twice); "
                     "not answered again", interaction.id)
            return
        assert outcome.answer is not None
        rollover = next_rollover(self.bot.clock(), timezone)
        if outcome.status is AnswerStatus.ALREADY_ANSWERED:
            streak = await self.repo.day_streak(guild_id, interaction.user.id)
            embed = daily_result_embed(question, daily.shuffle, outcome.answer, streak.best,
                                       rollover, again=True)
            await interaction.response.send_message(embed=embed, ephemeral=True)
            return
        embed = daily_result_embed(question, daily.shuffle, outcome.answer,
                                   outcome.best_day_streak, rollover)
        await interaction.response.edit_message(embed=embed, view=None)

    async def post(self, guild_id: int, channel: Any, day: dt.date) -> None:
        """The daily post: the day's question with an Answer button, and yesterday's recap."""
        daily = await self.question_for(guild_id, day)
        if daily is None:
            log.warning("no daily question available for server %s on %s", guild_id, day)
            return
        question = self._question(daily.question_id)
        recap = await self.repo.daily_recap(guild_id, day - dt.timedelta(days=1))
        past = None
        if recap is not None:
            past_question = self.bot.content.questions_by_id.get(recap.question.question_id)
            past = (past_question, recap) if past_question is not None else None
        await channel.send(embed=daily_post_embed(question, daily.shuffle, day, past),
                           view=daily_post_view(day))
