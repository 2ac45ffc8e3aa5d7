"""Counts that show how well each film and level is covered by the packs, and what they rest on."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from bot.content.hosts import host_of
from bot.content.models import MOODS, MOTIVATIONAL, ContentLibrary, Item
from bot.content.validation import QUESTION_KINDS
from bot.domain.films import DIFFICULTIES, FILM_TAGS

TOP_HOSTS = 20  # how many of the most cited source hosts the stats list


def _by_film(items: Iterable[Item]) -> dict[str, int]:
    # Every film appears, even at zero, so gaps show up; a two-film item counts for both.
    counts = dict.fromkeys(FILM_TAGS, 0)
    for item in items:
        for film in set(item.films):
            counts[film] = counts.get(film, 0) + 1
    return counts


def _all_of(names: Iterable[str], values: Iterable[str]) -> dict[str, int]:
    """Counts of `values` with every name present, even at zero, so a gap shows."""
    counts = dict.fromkeys(names, 0)
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def sources_by_host(items: Iterable[Item], top: int = TOP_HOSTS) -> list[dict[str, Any]]:
    """The `top` most cited source hosts, most cited first (ties by name), with item counts."""
    counts = Counter(host_of(item.source) for item in items)
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return [{"host": host, "items": count} for host, count in ranked[:top]]


def content_stats(lib: ContentLibrary) -> dict[str, Any]:
    everything: list[Item] = [*lib.facts, *lib.questions, *lib.songs, *lib.quotes]
    motivational = [quote for quote in lib.quotes if MOTIVATIONAL in quote.moods]
    return {
        "facts": len(lib.facts),
        "questions": len(lib.questions),
        "songs": len(lib.songs),
        "quotes": len(lib.quotes),
        "facts_by_film": _by_film(lib.facts),
        "questions_by_film": _by_film(lib.questions),
        "songs_by_film": _by_film(lib.songs),
        "quotes_by_film": _by_film(lib.quotes),
        "questions_by_difficulty": _all_of(DIFFICULTIES, (q.difficulty for q in lib.questions)),
        "questions_by_kind": _all_of(QUESTION_KINDS, (q.kind for q in lib.questions)),
        "quotes_by_mood": _all_of(MOODS, (mood for q in lib.quotes for mood in q.moods)),
        "motivational_quotes_by_film": _by_film(motivational),
        "motivational_characters": len({quote.character for quote in motivational}),
        "items_without_source": sum(1 for item in everything if not item.source.strip()),
        "source_hosts": len({host_of(item.source) for item in everything}),
        "sources_by_host": sources_by_host(everything),
    }
