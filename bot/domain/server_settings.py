"""The rules of a server's settings that do not need Discord: ranges and what may be chosen.

/config and the web dashboard both check values here, so a value one refuses the other refuses
too. Each check raises ValueError with a sentence that says what to do.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.films import FILMS

QUIZ_QUESTIONS = (1, 20)  # questions per game, lowest and highest
QUIZ_SECONDS = (10, 60)  # seconds per question, lowest and highest


def check_quiz_defaults(questions: int | None, seconds: int | None) -> dict[str, int]:
    """The columns to change for new quiz defaults (either may be left out, not both)."""
    if questions is None and seconds is None:
        raise ValueError("Give `questions`, `seconds` or both.")
    for value, (low, high), name in ((questions, QUIZ_QUESTIONS, "questions"),
                                     (seconds, QUIZ_SECONDS, "seconds")):
        if value is not None and not low <= value <= high:
            raise ValueError(f"`{name}` must be from {low} to {high}.")
    return {k: v for k, v in (("quiz_questions", questions), ("quiz_seconds", seconds))
            if v is not None}


def check_films(chosen: Iterable[str]) -> frozenset[str]:
    """The films a server switched on: known films only, and at least one."""
    films = frozenset(chosen)
    if films - set(FILMS):
        raise ValueError("That is not one of the nine films; pick from the list.")
    if not films:
        raise ValueError("Keep at least one film on; untick the others instead.")
    return films
