"""Quiz game rules: which questions a server may see, picking without repeats, shuffling the
options, when a game ends by itself, and what happens to a game a restart interrupted. Pure."""

from __future__ import annotations

import enum
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.content.models import Question
from bot.domain.films import FRANCHISE

GAME, DAILY = "game", "daily"  # what a question was used for: each has its own no-repeat cycle
MIN_QUESTIONS, MAX_QUESTIONS = 1, 20
MIN_SECONDS, MAX_SECONDS = 10, 60
OPTION_COUNT = 4
SILENT_ROUNDS_TO_END = 2  # a game whose last two questions got no answer ends by itself
PAUSE_BETWEEN_QUESTIONS = 4.0  # seconds before the next question (times the timer scale)
# A game interrupted by a restart resumes if the bot is back within this time; else it closes.
RESUME_WITHIN = timedelta(minutes=10)


def question_allowed(question: Question, enabled_films: Iterable[str]) -> bool:
    """Every film a question is about must be enabled (Franchise is always allowed)."""
    enabled = set(enabled_films)
    return all(film == FRANCHISE or film in enabled for film in question.films)


def question_pool(
    questions: Iterable[Question], enabled_films: Iterable[str], *,
    film: str | None = None, difficulty: str | None = None,
) -> tuple[Question, ...]:
    enabled = frozenset(enabled_films)
    return tuple(
        q for q in questions
        if question_allowed(q, enabled)
        and (film is None or film in q.films)
        and (difficulty is None or q.difficulty == difficulty)
    )


@dataclass(frozen=True, slots=True)
class Pick:
    question_id: str
    recycled: bool  # the server had seen the whole pool, so it starts over


def choose_unused(
    pool_ids: Sequence[str], used: Iterable[str], rng: random.Random,
    exclude: Iterable[str] = (),
) -> Pick | None:
    """A question the server has not seen; when the pool is used up, any not in `exclude`."""
    excluded = set(exclude)
    seen = set(used)
    fresh = [qid for qid in pool_ids if qid not in seen and qid not in excluded]
    if fresh:
        return Pick(rng.choice(fresh), False)
    again = [qid for qid in pool_ids if qid not in excluded]
    return Pick(rng.choice(again), True) if again else None


@dataclass(frozen=True, slots=True)
class Shuffle:
    order: tuple[int, ...]  # order[i] = the pack's index of the option shown i-th
    correct: int  # the shown position of the right answer

    def shown(self, question: Question) -> tuple[str, ...]:
        return tuple(question.options[i] for i in self.order)

    def encode(self) -> str:
        return ",".join(map(str, self.order))

    @classmethod
    def decode(cls, text: str, correct: int) -> Shuffle:
        return cls(tuple(int(part) for part in text.split(",")), correct)


def shuffle_options(question: Question, rng: random.Random) -> Shuffle:
    """Packs often list the answer first, so every question is shown in a fresh order."""
    order = list(range(len(question.options)))
    rng.shuffle(order)
    return Shuffle(tuple(order), order.index(question.answer_index))


def clamp_settings(questions: int, seconds: int) -> tuple[int, int]:
    """Server defaults may be anything the config allows; a game uses the supported range."""
    return (min(max(questions, MIN_QUESTIONS), MAX_QUESTIONS),
            min(max(seconds, MIN_SECONDS), MAX_SECONDS))


def ends_for_silence(answers_per_round: Sequence[int]) -> bool:
    recent = answers_per_round[-SILENT_ROUNDS_TO_END:]
    return len(recent) == SILENT_ROUNDS_TO_END and not any(recent)


def resumes_after_restart(now: datetime, last_deadline: datetime) -> bool:
    """Resume when the bot is back soon after the open question's bell; otherwise close."""
    return now - last_deadline <= RESUME_WITHIN


@dataclass(frozen=True, slots=True)
class Score:
    user_id: int
    points: int
    correct: int
    answered: int


def rank_scores(scores: Iterable[Score]) -> list[tuple[int, Score]]:
    """Highest points first, then more correct answers; equal scores share a place."""
    ordered = sorted(scores, key=lambda s: (-s.points, -s.correct, s.user_id))
    ranked: list[tuple[int, Score]] = []
    for i, score in enumerate(ordered):
        previous = ranked[-1] if ranked else None
        same = previous is not None and (previous[1].points, previous[1].correct) == (
            score.points, score.correct)
        ranked.append((previous[0] if same and previous else i + 1, score))
    return ranked


class GameAlreadyRunning(Exception):
    """The channel already has a running game (one per channel, enforced by the database)."""


class GameStatus(enum.StrEnum):
    RUNNING = "running"
    FINISHED = "finished"  # every question asked, or nobody answered the last ones
    STOPPED = "stopped"  # by its starter or a moderator
    ABANDONED = "abandoned"  # a restart interrupted it for too long


@dataclass(frozen=True, slots=True)
class Game:
    game_id: int
    guild_id: int
    channel_id: int
    starter_id: int | None
    film: str | None
    difficulty: str | None
    question_count: int
    seconds: int
    status: GameStatus
    end_reason: str | None
    started_at: datetime
    ended_at: datetime | None

    @property
    def running(self) -> bool:
        return self.status is GameStatus.RUNNING


@dataclass(frozen=True, slots=True)
class Round:
    game_id: int
    round_no: int
    question_id: str
    shuffle: Shuffle
    message_id: int | None
    opened_at: datetime
    closes_at: datetime
    revealed_at: datetime | None

    @property
    def limit_ms(self) -> int:
        return max(int((self.closes_at - self.opened_at).total_seconds() * 1000), 1)


class AnswerStatus(enum.Enum):
    RECORDED = "recorded"
    ALREADY_ANSWERED = "already answered"
    REPLAY = "replay"  # this very interaction was recorded before (redelivered after a RESUME)
    CLOSED = "closed"  # the bell rang for this question
    GAME_ENDED = "game ended"


@dataclass(frozen=True, slots=True)
class AnswerOutcome:
    status: AnswerStatus
    option: int | None = None  # the answer that stands
    elapsed_ms: int | None = None


@dataclass(frozen=True, slots=True)
class RevealedAnswer:
    user_id: int
    display_name: str
    option: int
    correct: bool
    elapsed_ms: int
    points: int


@dataclass(frozen=True, slots=True)
class RoundResult:
    round: Round
    answers: tuple[RevealedAnswer, ...]  # fastest first

    @property
    def right(self) -> tuple[RevealedAnswer, ...]:
        return tuple(a for a in self.answers if a.correct)


@dataclass(frozen=True, slots=True)
class GameScore:
    score: Score
    display_name: str


@dataclass(frozen=True, slots=True)
class DailyQuestion:
    guild_id: int
    day: date
    question_id: str
    shuffle: Shuffle


@dataclass(frozen=True, slots=True)
class DailyAnswer:
    guild_id: int
    day: date
    user_id: int
    option: int
    correct: bool
    points: int
    day_streak: int


@dataclass(frozen=True, slots=True)
class DailyOutcome:
    status: AnswerStatus  # RECORDED, ALREADY_ANSWERED or REPLAY
    answer: DailyAnswer | None
    best_day_streak: int = 0


@dataclass(frozen=True, slots=True)
class DailyRecap:
    question: DailyQuestion
    answered: int
    correct: int


@dataclass(frozen=True, slots=True)
class AnswerContext:
    """What a click on an answer is judged against: its round as stored at that moment."""

    status: GameStatus
    guild_id: int
    opened_at: datetime
    closes_at: datetime
    revealed: bool
    correct_option: int
    replay: bool  # this very interaction was recorded before
    earlier_option: int | None  # the member's answer to this question that stands, if any


def judge_answer(context: AnswerContext | None, guild_id: int, option: int,
                 now: datetime) -> AnswerOutcome:
    """Does this answer count? RECORDED (with the elapsed time) if it does; otherwise why not.
    The caller stores a RECORDED answer in the same unit of work as the read it judged."""
    if context is not None and context.replay:
        return AnswerOutcome(AnswerStatus.REPLAY)
    if context is None or context.status is not GameStatus.RUNNING \
            or context.guild_id != guild_id:
        return AnswerOutcome(AnswerStatus.GAME_ENDED)
    if context.earlier_option is not None:
        return AnswerOutcome(AnswerStatus.ALREADY_ANSWERED, context.earlier_option)
    if context.revealed or now > context.closes_at:
        return AnswerOutcome(AnswerStatus.CLOSED)
    elapsed = max(int((now - context.opened_at).total_seconds() * 1000), 0)
    return AnswerOutcome(AnswerStatus.RECORDED, option, elapsed)
