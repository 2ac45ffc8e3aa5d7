"""The packs shipped with the bot validate and cover every film well enough.

Counts here come straight from the raw TOML, so they check the loader and stats code too.
"""

from __future__ import annotations

import io
import json
import tomllib
from collections import Counter
from typing import Any

from bot.content import bundled_packs_dir, check_packs
from bot.content.commands import stats_command
from bot.domain.films import DIFFICULTIES, FILM_TAGS, FILMS

PACKS = bundled_packs_dir()
KIND_FILES = {
    "fact": "facts/*.toml",
    "question": "questions/*.toml",
    "song": "songs.toml",
    "quote": "quotes.toml",
}


def raw_items(kind: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for path in sorted(PACKS.glob(KIND_FILES[kind])):
        items.extend(tomllib.loads(path.read_text(encoding="utf-8")).get(kind, []))
    return items


def film_counts(items: list[dict[str, Any]]) -> Counter[str]:
    return Counter(film for item in items for film in set(item.get("films", [])))


def test_bundled_packs_validate() -> None:
    problems = check_packs()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(map(str, problems))


def test_amounts() -> None:
    counts = {kind: len(raw_items(kind)) for kind in KIND_FILES}
    minimums = {"fact": 400, "question": 400, "song": 15, "quote": 60}
    short = {kind: counts[kind] for kind, least in minimums.items() if counts[kind] < least}
    assert not short, f"below the minimums {minimums}: {short}"


def test_at_least_30_questions_per_film() -> None:
    per_film = film_counts(raw_items("question"))
    short = {film: per_film[film] for film in FILMS if per_film[film] < 30}
    assert not short, f"films with fewer than 30 questions: {short}"


def test_every_film_has_a_song() -> None:
    per_film = film_counts(raw_items("song"))
    assert not [film for film in FILMS if per_film[film] == 0]


def test_every_item_has_a_source() -> None:
    missing = [
        f"{kind} {item.get('id')}"
        for kind in KIND_FILES
        for item in raw_items(kind)
        if not str(item.get("source", "")).startswith(("http://", "https://"))
    ]
    assert not missing, "items without an http(s) source: " + ", ".join(missing)


def test_every_question_has_four_options() -> None:
    wrong = [q.get("id") for q in raw_items("question") if len(q.get("options", [])) != 4]
    assert not wrong, f"questions without exactly 4 options: {wrong}"


def test_stats_json_agrees_with_the_raw_packs() -> None:
    out = io.StringIO()
    assert stats_command(None, True, out) == 0, out.getvalue()
    stats = json.loads(out.getvalue())

    facts, questions = raw_items("fact"), raw_items("question")
    everything = [item for kind in KIND_FILES for item in raw_items(kind)]
    difficulties = Counter(q["difficulty"] for q in questions)
    expected = {
        "facts": len(facts),
        "questions": len(questions),
        "songs": len(raw_items("song")),
        "quotes": len(raw_items("quote")),
        "facts_by_film": {film: film_counts(facts)[film] for film in FILM_TAGS},
        "questions_by_film": {film: film_counts(questions)[film] for film in FILM_TAGS},
        "questions_by_difficulty": {level: difficulties[level] for level in DIFFICULTIES},
        "items_without_source": sum(1 for item in everything if not item.get("source")),
    }
    assert {key: stats[key] for key in expected} == expected
    assert out.getvalue().count("\n") == 1  # one JSON object on one line
    assert out.getvalue().strip() == json.dumps(stats, sort_keys=True)
