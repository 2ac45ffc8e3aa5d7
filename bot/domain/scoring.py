"""Quiz points: a base by difficulty, a speed bonus and a streak bonus. Pure, no I/O.

A correct game answer scores

    base (easy 100, medium 150, hard 200)
  + speed bonus: 50 x (time left / time allowed), rounded down (50 at once, 0 at the bell)
  + streak bonus: 10 x the correct answers in a row before this one, at most 50

A wrong answer scores 0 and resets the streak. The daily question scores its base plus 10 per
day of the day streak it continues, at most 100 (no speed bonus: it is answered at leisure).
"""

from __future__ import annotations

from dataclasses import dataclass

BASE_POINTS: dict[str, int] = {"easy": 100, "medium": 150, "hard": 200}
MAX_SPEED_BONUS = 50
STREAK_BONUS_STEP = 10
MAX_STREAK_BONUS = 50
DAILY_STREAK_STEP = 10
MAX_DAILY_STREAK_BONUS = 100


@dataclass(frozen=True, slots=True)
class Points:
    base: int = 0
    speed: int = 0
    streak: int = 0

    @property
    def total(self) -> int:
        return self.base + self.speed + self.streak


NO_POINTS = Points()


def base_points(difficulty: str) -> int:
    try:
        return BASE_POINTS[difficulty]
    except KeyError:
        raise ValueError(f"unknown difficulty {difficulty!r}") from None


def speed_bonus(elapsed_ms: int, limit_ms: int) -> int:
    """Linear in the time left: full at 0 ms, 0 at (or past) the limit. Integer arithmetic."""
    if limit_ms <= 0:
        raise ValueError("the time limit must be positive")
    left = limit_ms - min(max(elapsed_ms, 0), limit_ms)
    return MAX_SPEED_BONUS * left // limit_ms


def streak_bonus(streak_before: int) -> int:
    return min(STREAK_BONUS_STEP * max(streak_before, 0), MAX_STREAK_BONUS)


def answer_points(
    difficulty: str, correct: bool, elapsed_ms: int, limit_ms: int, streak_before: int
) -> Points:
    if not correct:
        return NO_POINTS
    return Points(base_points(difficulty), speed_bonus(elapsed_ms, limit_ms),
                  streak_bonus(streak_before))


def daily_points(difficulty: str, correct: bool, day_streak_before: int) -> Points:
    if not correct:
        return NO_POINTS
    bonus = min(DAILY_STREAK_STEP * max(day_streak_before, 0), MAX_DAILY_STREAK_BONUS)
    return Points(base_points(difficulty), 0, bonus)
