"""Streaks: correct answers in a row, and days in a row with the daily question right. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


def next_answer_streak(current: int, correct: bool) -> int:
    """A correct answer extends the streak; a wrong one resets it (unanswered questions don't)."""
    return current + 1 if correct else 0


@dataclass(frozen=True, slots=True)
class DayStreak:
    current: int = 0
    best: int = 0
    last_correct: date | None = None  # the last local day the daily question was answered right

    def live(self, today: date) -> int:
        """The streak as of `today`: a day missed since the last correct answer ends it."""
        if self.last_correct is None or self.last_correct < today - timedelta(days=1):
            return 0
        return self.current


def after_daily_answer(streak: DayStreak, today: date, correct: bool) -> DayStreak:
    if not correct:
        return DayStreak(0, streak.best, streak.last_correct)
    if streak.last_correct == today:  # already counted today (the daily is answered once)
        return streak
    current = streak.live(today) + 1
    return DayStreak(current, max(streak.best, current), today)
