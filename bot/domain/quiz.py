"""Quiz game rules: which questions a server may see, picking without repeats, shuffling the
options, when a game ends by itself, and what happens to a game a restart interrupted. Pure."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.content.models import Question
from bot.domain.films import FRANCHISE

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
