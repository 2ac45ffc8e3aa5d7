"""/quiz start|stop|help, /daily, /leaderboard and /stats: thin adapters over the quiz domain
and repositories. Games run in GameRunner (one task per game), the daily in DailyRoadwork."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.bot import RockyBot
from bot.core.checks import is_moderator
from bot.core.routes import clicked_button, route
from bot.db.repositories.leaderboard import LeaderboardRepository
from bot.db.repositories.quiz import QuizRepository
from bot.domain.daily import local_day, period_start
from bot.domain.films import FILMS, FRANCHISE
from bot.domain.quiz import (
    MAX_QUESTIONS,
    MAX_SECONDS,
    MIN_QUESTIONS,
    MIN_SECONDS,
    AnswerStatus,
    GameAlreadyRunning,
    GameStatus,
    clamp_settings,
    question_pool,
    resumes_after_restart,
)
from bot.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.ui.cards import BoardCard, CardRenderer, MemberCard
from bot.ui.embeds import echo, safe
from bot.ui.quiz import (
    LETTERS,
    board_heading,
    help_embed,
    leaderboard_layout,
    standings_embed,
    start_text,
    stats_layout,
)
from cogs.quiz._buttons import (
    ANSWER,
    BOARD_PAGE,
    DAILY_OPEN,
    DAILY_OPTION,
    board_buttons,
    parse_day,
)
from cogs.quiz._daily import DailyRoadwork
from cogs.quiz._game import GameRunner, score_open_round

log = logging.getLogger(__name__)

MAX_CHOICES = 25
Difficulty = Literal["easy", "medium", "hard"]
Scope = Literal["server", "global"]
Period = Literal["week", "month", "all"]
Sort = Literal["points", "accuracy", "streak"]

ANSWER_REPLIES = {
    AnswerStatus.ALREADY_ANSWERED: "You already answered this question; your first answer "
                                   "stands.",
    AnswerStatus.CLOSED: "Time's up for this question; get ready for the next one.",
    AnswerStatus.GAME_ENDED: "This game has ended; start a new one with /quiz start.",
}


class Quiz(commands.Cog):
    quiz = app_commands.Group(name="quiz", description="Rocky quiz games with buttons",
                              guild_only=True)

    def __init__(self, bot: RockyBot) -> None:
        self.bot = bot
        self.repo = QuizRepository(bot.db, bot.clock)
        self.boards: LeaderboardRepository = self.repo.leaderboards
        self.daily = DailyRoadwork(self)
        self.runners: dict[int, GameRunner] = {}
        self.cards = CardRenderer()  # /stats and /leaderboard pictures, drawn off the loop
        self._recovery: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self.bot.daily_posters["question"] = self.post_daily_question
        self._recovery = asyncio.create_task(self._recover_games(), name="quiz-recovery")

    async def cog_unload(self) -> None:
        self.bot.daily_posters.pop("question", None)
        await self.cards.close()
        stopping = [task for task in (self._recovery,
                                      *(runner.task for runner in self.runners.values()))
                    if task is not None]
        for task in stopping:
            task.cancel()  # a game stays running in the database and resumes on the next start
        # Wait for them to unwind, so that none writes after the database closes.
        await asyncio.gather(*stopping, return_exceptions=True)

    async def post_daily_question(self, guild_id: int, channel: discord.abc.Messageable,
                                  day: dt.date) -> None:
        await self.daily.post(guild_id, channel, day)

    # -- /quiz -------------------------------------------------------------------------------
    @quiz.command(name="start", description="Start a quiz game in this channel")
    @app_commands.describe(
        film="Only questions about this film (default: every film the server enabled)",
        difficulty="Only questions of this difficulty",
        questions=f"How many questions ({MIN_QUESTIONS}-{MAX_QUESTIONS}; server default if "
                  "not given)",
        seconds=f"Seconds per question ({MIN_SECONDS}-{MAX_SECONDS}; server default if "
                "not given)")
    async def start(
        self, interaction: discord.Interaction, film: str | None = None,
        difficulty: Difficulty | None = None,
        questions: app_commands.Range[int, MIN_QUESTIONS, MAX_QUESTIONS] | None = None,
        seconds: app_commands.Range[int, MIN_SECONDS, MAX_SECONDS] | None = None,
    ) -> None:
        guild_id, channel = interaction.guild_id, interaction.channel
        assert guild_id is not None and channel is not None
        config = await self.bot.guild_config.get(guild_id)
        allowed = {*config.enabled_films, FRANCHISE}
        if film is not None and film not in (*FILMS, FRANCHISE):
            raise InvalidInput(f"{echo(film)} is not one of the films; pick one from the list.")
        if film is not None and film not in allowed:
            raise InvalidInput(f"{film} is switched off on this server; pick an enabled film.")
        permissions = interaction.app_permissions
        if not (permissions.send_messages and permissions.embed_links):
            raise NotAllowed("I need Send Messages and Embed Links in this channel to run a "
                             "quiz; ask an admin, or start it in another channel.")
        wanted, secs = clamp_settings(questions or config.quiz_questions,
                                      seconds or config.quiz_seconds)
        pool = question_pool(self.bot.content.questions, config.enabled_films, film=film,
                             difficulty=difficulty)
        if not pool:
            raise NotFound("No questions match that film and difficulty here; "
                           "try fewer filters.")
        count = min(wanted, len(pool))
        try:
            game = await self.repo.start_game(
                guild_id=guild_id, channel_id=channel.id, starter_id=interaction.user.id,
                film=film, difficulty=difficulty, questions=count, seconds=secs,
                now=self.bot.clock())
        except GameAlreadyRunning:
            raise Conflict("A quiz is already running in this channel; answer along, or "
                           "start one in another channel.") from None
        try:
            await interaction.response.send_message(start_text(
                interaction.user.display_name, count, secs, film, difficulty,
                wanted if count < wanted else None))
        finally:  # the game exists now: it runs even if the announcement failed
            self._run(game, channel, mode="new")

    @start.autocomplete("film")
    async def film_autocomplete(self, interaction: discord.Interaction, current: str
                                ) -> list[app_commands.Choice[str]]:
        enabled = (await self.bot.guild_config.get(interaction.guild_id or 0)).enabled_films
        typed = current.casefold()
        names = [f for f in (*FILMS, FRANCHISE)
                 if (f in enabled or f == FRANCHISE) and typed in f.casefold()]
        return [app_commands.Choice(name=f, value=f) for f in names[:MAX_CHOICES]]

    @quiz.command(name="stop", description="Stop the quiz running in this channel")
    async def stop(self, interaction: discord.Interaction) -> None:
        channel_id = interaction.channel_id
        assert channel_id is not None and interaction.guild_id is not None
        game = await self.repo.running_game_in(channel_id)
        if game is None:
            raise NotFound("No quiz is running in this channel.")
        config = await self.bot.guild_config.get(interaction.guild_id)
        member = interaction.user
        if game.starter_id != member.id and not (
                isinstance(member, discord.Member) and is_moderator(member, config)):
            raise NotAllowed("Only the member who started this quiz or a moderator can "
                             "stop it.")
        runner = self.runners.get(game.game_id)
        if runner is not None:
            runner.request_stop(member.display_name)
            await interaction.response.send_message(
                "Stopping the quiz: the open question is revealed and the final standings "
                "posted.", ephemeral=True)
            return
        # No runner (it failed or never resumed): close the game here, scores kept.
        await interaction.response.defer(ephemeral=True)
        await score_open_round(self, game)
        reason = f"Stopped by {member.display_name}."
        if await self.repo.end_game(game.game_id, GameStatus.STOPPED, reason, self.bot.clock()):
            channel: Any = interaction.channel
            await channel.send(embed=standings_embed(await self.repo.standings(game.game_id),
                                                     reason))
        await interaction.followup.send("Stopped; the final standings are posted.",
                                        ephemeral=True)

    @quiz.command(name="help", description="How quiz games, scoring, streaks and ranks work")
    async def quiz_help(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=help_embed(), ephemeral=True)

    def _run(self, game: Any, channel: Any, *, mode: str) -> None:
        runner = GameRunner(self, game, channel)
        self.runners[game.game_id] = runner
        runner.start(mode=mode)

    async def _recover_games(self) -> None:
        """After a restart: resume games interrupted recently, close older ones cleanly."""
        await self.bot.wait_until_ready()
        for game in await self.repo.running_games():
            if game.game_id in self.runners or not self.bot.serves_guild(game.guild_id):
                continue  # running here already, or another process's shard
            channel = self.bot.get_channel(game.channel_id)
            if channel is None:  # channel deleted or server gone: keep the scores, end it
                log.info("quiz game %s: its channel %s is gone; closing it with scores kept",
                         game.game_id, game.channel_id)
                await score_open_round(self, game)
                await self.repo.end_game(game.game_id, GameStatus.ABANDONED,
                                         "The channel is gone; scores are kept.",
                                         self.bot.clock())
                continue
            rounds = await self.repo.rounds(game.game_id)
            last = rounds[-1].closes_at if rounds else game.started_at
            mode = "resume" if resumes_after_restart(self.bot.clock(), last) else "close"
            log.info("quiz game %s in channel %s: %s after the restart", game.game_id,
                     game.channel_id, mode)
            self._run(game, channel, mode=mode)

    @route(ANSWER)
    async def on_answer(self, interaction: discord.Interaction, match: re.Match[str]) -> None:
        game_id, round_no, option = int(match["game"]), int(match["round"]), int(match["option"])
        if interaction.guild_id is None:
            raise NotFound("This game has ended; start a new one with /quiz start.")
        outcome = await self.repo.record_answer(
            game_id=game_id, round_no=round_no, guild_id=interaction.guild_id,
            user_id=interaction.user.id, option=option, interaction_id=interaction.id,
            now=self.bot.clock())
        if outcome.status is AnswerStatus.REPLAY:
            log.info("quiz: interaction %s was already recorded (delivered twice); "
                     "not answered again", interaction.id)
            return
        if outcome.status is AnswerStatus.RECORDED:
            self.cards.avatars.seen(interaction.user)  # for the board's card
            button = clicked_button(interaction)
            label = (button.label if button is not None else None) or LETTERS[option]
            assert outcome.elapsed_ms is not None  # a RECORDED outcome carries its time
            reply = (f"Locked in: **{discord.utils.escape_markdown(label)}** "
                     f"({outcome.elapsed_ms / 1000:.1f} s). The answer is revealed when "
                     "time runs out.")
        else:
            reply = ANSWER_REPLIES[outcome.status]
        await interaction.response.send_message(reply, ephemeral=True)

    # -- /daily ------------------------------------------------------------------------------
    @app_commands.command(name="daily", description="The daily roadwork: today's question")
    @app_commands.guild_only()
    async def daily_command(self, interaction: discord.Interaction) -> None:
        await self.daily.show(interaction)

    # -- /leaderboard and /stats -------------------------------------------------------------
    @app_commands.command(name="leaderboard", description="Quiz standings, page by page")
    @app_commands.describe(scope="This server (current season) or every server",
                           period="The last 7 days, the last 30 days, or all",
                           sort="Rank by points, accuracy or best streak")
    @app_commands.guild_only()
    async def leaderboard(self, interaction: discord.Interaction, scope: Scope = "server",
                          period: Period = "all", sort: Sort = "points") -> None:
        view, files = await self._board(interaction, interaction.user.id, scope, period, sort,
                                        1)
        await interaction.response.send_message(view=view, files=files)

    @route(DAILY_OPEN)
    async def on_daily_open(self, interaction: discord.Interaction, match: re.Match[str]
                            ) -> None:
        await self.daily.open_from_post(interaction, parse_day(match["day"]))

    @route(DAILY_OPTION)
    async def on_daily_answer(self, interaction: discord.Interaction, match: re.Match[str]
                              ) -> None:
        await self.daily.on_answer(interaction, parse_day(match["day"]), int(match["option"]))

    @route(BOARD_PAGE)
    async def on_board_page(self, interaction: discord.Interaction, match: re.Match[str]
                            ) -> None:
        owner_id, scope, period = int(match["user"]), match["scope"], match["period"]
        sort, page = match["sort"], int(match["page"])
        if interaction.user.id != owner_id:
            # Someone else's board: a private copy of that page to browse, theirs to turn.
            view, files = await self._board(interaction, interaction.user.id, scope, period,
                                            sort, page)
            await interaction.response.send_message(view=view, files=files, ephemeral=True)
            return
        view, files = await self._board(interaction, owner_id, scope, period, sort, page)
        await interaction.response.edit_message(view=view, attachments=files)

    async def _board(self, interaction: discord.Interaction, owner_id: int, scope: str,
                     period: str, sort: str, page: int
                     ) -> tuple[discord.ui.LayoutView, list[discord.File]]:
        guild_id = interaction.guild_id or 0
        if scope == "server":
            timezone = (await self.bot.guild_config.get(guild_id)).timezone
        else:
            timezone = "UTC"
        today = local_day(self.bot.clock(), timezone)
        board = await self.boards.board(scope=scope, guild_id=guild_id,
                                        since=period_start(today, period), sort=sort, page=page)
        self.cards.avatars.seen(interaction.user)
        heading = board_heading(scope, period, sort, board.season)
        card = BoardCard.of(board, "Leaderboard", heading, self.cards.avatars.url_of)
        files = [await self.cards.file(card)] if board.rows else []
        buttons = board_buttons(owner_id, scope, period, sort, board.page, board.pages)
        return leaderboard_layout(board, heading, sort, card.file_name, buttons), files

    @app_commands.command(name="stats", description="Quiz stats and rank title of a member")
    @app_commands.describe(member="Whose stats (default: yours)")
    @app_commands.guild_only()
    async def stats(self, interaction: discord.Interaction,
                    member: discord.Member | discord.User | None = None) -> None:
        guild_id = interaction.guild_id
        assert guild_id is not None
        target = member or interaction.user
        figures = await self.boards.member_stats(guild_id, target.id)
        if figures is None:
            who = "You have" if target.id == interaction.user.id else \
                f"{safe(target.display_name)} has"
            raise NotFound(f"{who} not answered a quiz question on this server yet; "
                           "/quiz start or /daily to begin.")
        timezone = (await self.bot.guild_config.get(guild_id)).timezone
        today = local_day(self.bot.clock(), timezone)
        card = MemberCard.of(figures, today, self.cards.avatars.seen(target))
        await interaction.response.send_message(
            view=stats_layout(figures, today, card.file_name),
            file=await self.cards.file(card), ephemeral=True)
