"""Counts that show how well each film and level is covered by the packs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.content.models import ContentLibrary, Item
from bot.domain.films import DIFFICULTIES, FILM_TAGS


def _by_film(items: Iterable[Item]) -> dict[str, int]:
    # Every film appears, even at zero, so gaps show up; a two-film item counts for both.
    counts = dict.fromkeys(FILM_TAGS, 0)
    for item in items:
        for film in set(item.films):
            counts[film] = counts.get(film, 0) + 1
    return counts


def content_stats(lib: ContentLibrary) -> dict[str, Any]:
    everything: list[Item] = [*lib.facts, *lib.questions, *lib.songs, *lib.quotes]
    by_difficulty = dict.fromkeys(DIFFICULTIES, 0)
    for question in lib.questions:
        by_difficulty[question.difficulty] = by_difficulty.get(question.difficulty, 0) + 1
    return {
        "facts": len(lib.facts),
        "questions": len(lib.questions),
        "songs": len(lib.songs),
        "quotes": len(lib.quotes),
        "facts_by_film": _by_film(lib.facts),
        "questions_by_film": _by_film(lib.questions),
        "songs_by_film": _by_film(lib.songs),
        "quotes_by_film": _by_film(lib.quotes),
        "questions_by_difficulty": by_difficulty,
        "items_without_source": sum(1 for item in everything if not item.source.strip()),
    }
