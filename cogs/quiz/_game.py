"""One running game: post each question, keep its answer count fresh, reveal at the bell, and
post the standings. Its state lives in the database, so a restarted bot picks it up again."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot.content import Question
from bot.domain.daily import local_day
from bot.domain.quiz import (
    GAME,
    PAUSE_BETWEEN_QUESTIONS,
    SILENT_ROUNDS_TO_END,
    Game,
    GameStatus,
    Round,
    ends_for_silence,
    question_pool,
    shuffle_options,
)
from bot.ui.quiz import question_layout, reveal_layout, standings_embed
from cogs.quiz._buttons import answer_buttons

if TYPE_CHECKING:
    from cogs.quiz._cog import Quiz

log = logging.getLogger(__name__)

# "N answers so far" is edited at most this often (real seconds: rate limits are not scaled),
# and not in the last second before the bell, when the reveal edit follows anyway.
COUNT_EDIT_EVERY = 2.5
QUIET_BEFORE_BELL = 1.0

RESUMED_TEXT = ("🔔 I'm back after a restart: the quiz carries on from question {n} of {total}. "
                "Answers and scores so far are kept.")
INTERRUPTED_REASON = "Interrupted by a restart and closed; answers and scores are kept."


class GameRunner:
    def __init__(self, cog: Quiz, game: Game, channel: Any) -> None:
        self.cog = cog
        self.bot = cog.bot
        self.repo = cog.repo
        self.game = game
        self.channel = channel  # a messageable guild channel or thread
        self.stop_requested = asyncio.Event()
        self.stopped_by: str | None = None
        self.task: asyncio.Task[None] | None = None

    @property
    def game_id(self) -> int:
        return self.game.game_id

    def start(self, *, mode: str = "new") -> None:
        """mode: "new", "resume" (after a restart) or "close" (interrupted too long ago)."""
        self.task = asyncio.create_task(self._run(mode), name=f"quiz-game-{self.game_id}")

    def request_stop(self, by: str) -> None:
        self.stopped_by = by
        self.stop_requested.set()

    # -- the life of a game ------------------------------------------------------------------
    async def _run(self, mode: str) -> None:
        try:
            if mode == "close":
                await self._close_interrupted()
                return
            if mode == "resume":
                await self._announce_resume()
            await self._play()
        except asyncio.CancelledError:
            raise  # shutting down: the game stays running in the database and resumes
        except Exception as exc:
            if self.bot.is_closed() or getattr(self.bot, "shutting_down", False):
                log.info("quiz game %s paused by the shutdown; it resumes on the next start",
                         self.game_id)
                return
            log.warning("quiz game %s could not go on (%r); closing it with scores kept",
                        self.game_id, exc, exc_info=not isinstance(exc, discord.HTTPException))
            await self._close_after_error()
        finally:
            self.cog.runners.pop(self.game_id, None)

    async def _play(self) -> None:
        while True:
            rounds = await self.repo.rounds(self.game_id)
            current = rounds[-1] if rounds and rounds[-1].revealed_at is None else None
            if current is None:
                ending = await self._ending(rounds)
                if ending is not None:
                    await self._finish(*ending)
                    return
                if rounds and not await self._pause():
                    continue  # stopped during the pause: the next pass finishes the game
                current = await self._open_next(rounds)
                if current is None:
                    await self._finish(GameStatus.FINISHED, "No more questions match this "
                                                            "game's films and difficulty.")
                    return
            elif current.message_id is None:
                current = await self._post(current, fresh_clock=True)
            await self._wait_for_bell(current)
            await self._reveal(current)

    async def _ending(self, rounds: list[Round]) -> tuple[GameStatus, str] | None:
        if self.stop_requested.is_set():
            return GameStatus.STOPPED, f"Stopped by {self.stopped_by or 'a moderator'}."
        if ends_for_silence(await self.repo.answers_per_round(self.game_id)):
            return GameStatus.FINISHED, (f"Nobody answered the last {SILENT_ROUNDS_TO_END} "
                                         "questions, so the game ended by itself.")
        if len(rounds) >= self.game.question_count:
            return GameStatus.FINISHED, "That's the final bell: every question asked."
        return None

    async def _pause(self) -> bool:
        """Wait between questions; False if a stop came in meanwhile."""
        delay = PAUSE_BETWEEN_QUESTIONS * self.bot.settings.timer_scale
        try:
            await asyncio.wait_for(self.stop_requested.wait(), delay)
        except TimeoutError:
            return True
        return False

    def _question(self, question_id: str) -> Question:
        question = self.bot.content.questions_by_id.get(question_id)
        if question is None:
            raise LookupError(f"question {question_id} is no longer in the content packs")
        return question

    async def _open_next(self, rounds: list[Round]) -> Round | None:
        config = await self.bot.guild_config.get(self.game.guild_id)
        pool = question_pool(self.bot.content.questions, config.enabled_films,
                             film=self.game.film, difficulty=self.game.difficulty)
        pick = await self.repo.claim_question(
            self.game.guild_id, GAME, [q.id for q in pool], self.bot.rng,
            exclude=[r.question_id for r in rounds])
        if pick is None:
            return None
        question = self._question(pick.question_id)
        opened = self.bot.clock()
        round_ = await self.repo.open_round(
            self.game_id, len(rounds) + 1, question.id, shuffle_options(question, self.bot.rng),
            opened, opened + self._duration())
        return await self._post(round_)

    def _duration(self) -> timedelta:
        return timedelta(seconds=self.game.seconds * self.bot.settings.timer_scale)

    async def _post(self, round_: Round, *, fresh_clock: bool = False) -> Round:
        if fresh_clock:  # the message never went out (a restart in between): a full clock now
            opened = self.bot.clock()
            round_ = replace(round_, opened_at=opened, closes_at=opened + self._duration())
            await self.repo.reschedule_round(self.game_id, round_.round_no, round_.opened_at,
                                             round_.closes_at)
        message = await self.channel.send(view=self._question_layout(round_, 0))
        await self.repo.set_round_message(self.game_id, round_.round_no, message.id)
        return replace(round_, message_id=message.id)

    def _seconds_left(self, round_: Round) -> float:
        return (round_.closes_at - self.bot.clock()).total_seconds()

    async def _wait_for_bell(self, round_: Round) -> None:
        """Sleep until the bell (or a stop), editing the answer count at most every 2.5 s."""
        shown = 0  # after a restart the message may show a stale count: the next tick fixes it
        while (left := self._seconds_left(round_)) > 0:
            try:
                await asyncio.wait_for(self.stop_requested.wait(), min(left, COUNT_EDIT_EVERY))
                return
            except TimeoutError:
                pass
            if self._seconds_left(round_) < QUIET_BEFORE_BELL:
                continue
            count = await self.repo.count_answers(self.game_id, round_.round_no)
            if count != shown:
                await self._edit(round_, view=self._question_layout(round_, count))
                shown = count

    def _question_layout(self, round_: Round, answers: int) -> discord.ui.LayoutView:
        question = self._question(round_.question_id)
        return question_layout(
            question, round_.shuffle, round_.round_no, self.game.question_count,
            round_.closes_at, answers,
            answer_buttons(self.game_id, round_.round_no, round_.shuffle.shown(question)))

    async def _edit(self, round_: Round, **changes: Any) -> None:
        """Edit the question's message. A Components V2 message stays one: the edit sends a
        LayoutView, whose flag discord.py sets again."""
        assert round_.message_id is not None
        await discord.PartialMessage(channel=self.channel, id=round_.message_id).edit(**changes)

    async def _reveal(self, round_: Round) -> None:
        question = self._question(round_.question_id)
        config = await self.bot.guild_config.get(self.game.guild_id)
        now = self.bot.clock()
        result = await self.repo.reveal_round(
            self.game_id, round_.round_no, now=now, day=local_day(now, config.timezone),
            difficulty=question.difficulty, films=question.films)
        if round_.message_id is None:
            await self.channel.send(
                view=reveal_layout(question, result, self.game.question_count, None))
            return
        buttons = answer_buttons(self.game_id, round_.round_no, round_.shuffle.shown(question),
                                 correct=round_.shuffle.correct)
        try:
            await self._edit(round_, view=reveal_layout(question, result,
                                                        self.game.question_count, buttons))
        except discord.NotFound:  # someone deleted the question: the reveal still goes out
            await self.channel.send(
                view=reveal_layout(question, result, self.game.question_count, None))

    async def _finish(self, status: GameStatus, reason: str) -> None:
        if not await self.repo.end_game(self.game_id, status, reason, self.bot.clock()):
            return
        scores = await self.repo.standings(self.game_id)
        await self.channel.send(embed=standings_embed(scores, reason))

    # -- after a restart or an error ---------------------------------------------------------
    async def _announce_resume(self) -> None:
        rounds = await self.repo.rounds(self.game_id)
        open_round = bool(rounds) and rounds[-1].revealed_at is None
        number = len(rounds) if open_round else len(rounds) + 1
        number = min(number, self.game.question_count)
        await self.channel.send(RESUMED_TEXT.format(n=number, total=self.game.question_count))

    async def _close_interrupted(self) -> None:
        rounds = await self.repo.rounds(self.game_id)
        if rounds and rounds[-1].revealed_at is None:
            await self._reveal(rounds[-1])
        await self._finish(GameStatus.ABANDONED, INTERRUPTED_REASON)

    async def _close_after_error(self) -> None:
        """Score what was answered and end the game; tell the channel if it still can."""
        try:
            await score_open_round(self.cog, self.game)
            reason = "Something went wrong, so the game was closed; scores are kept."
            if await self.repo.end_game(self.game_id, GameStatus.ABANDONED, reason,
                                        self.bot.clock()):
                scores = await self.repo.standings(self.game_id)
                await self.channel.send(embed=standings_embed(scores, reason))
        except Exception as exc:
            log.warning("could not close quiz game %s cleanly: %r", self.game_id, exc)


async def score_open_round(cog: Quiz, game: Game) -> None:
    """Reveal (score) a question left open, without touching its message."""
    rounds = await cog.repo.rounds(game.game_id)
    if not rounds or rounds[-1].revealed_at is not None:
        return
    open_round = rounds[-1]
    question = cog.bot.content.questions_by_id.get(open_round.question_id)
    config = await cog.bot.guild_config.get(game.guild_id)
    now = cog.bot.clock()
    await cog.repo.reveal_round(
        game.game_id, open_round.round_no, now=now, day=local_day(now, config.timezone),
        difficulty=question.difficulty if question else "medium",
        films=question.films if question else ())
