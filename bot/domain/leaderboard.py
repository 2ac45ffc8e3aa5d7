"""Leaderboards and /stats: boards, their rows and pages, a member's figures, and one scored
answer as the maintained totals see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.streaks import DayStreak

SCOPES = ("server", "global")


SORTS = ("points", "accuracy", "streak")


PAGE_SIZE = 10


MIN_ANSWERS_FOR_ACCURACY = 10  # 1 of 1 is not 100% accuracy worth ranking


@dataclass(frozen=True, slots=True)
class BoardRow:
    position: int
    user_id: int
    display_name: str
    points: int
    answered: int
    correct: int
    best_streak: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class BoardPage:
    rows: tuple[BoardRow, ...]
    page: int  # from 1
    pages: int
    total: int
    season: int | None  # the server board's season; None on the global board


@dataclass(frozen=True, slots=True)
class MemberStats:
    guild_id: int
    user_id: int
    display_name: str
    points: int
    season_points: int
    season: int
    season_place: int | None
    answered: int
    correct: int
    streak: int
    best_streak: int
    fastest_ms: int | None
    day_streak: DayStreak
    favourite_film: str | None

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class Result:
    """One scored answer, game or daily, as the totals see it."""

    guild_id: int
    user_id: int
    day: date
    films: tuple[str, ...]
    points: int
    correct: bool
