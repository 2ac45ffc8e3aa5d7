"""`content check` and `content stats`: plain functions the CLI wires up, writing to `out`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from bot.content.loader import ContentError, load_content
from bot.content.models import MOODS
from bot.content.stats import content_stats
from bot.content.validation import QUESTION_KINDS, Problem
from bot.domain.films import DIFFICULTIES, FILM_TAGS


def check_command(extra_dir: Path | None, out: TextIO, *, packs_dir: Path | None = None) -> int:
    try:
        lib = load_content(extra_dir, packs_dir=packs_dir)
    except ContentError as exc:
        _print_problems(exc.problems, out)
        return 1
    print(
        f"content OK: {len(lib.facts)} facts, {len(lib.questions)} questions, "
        f"{len(lib.songs)} songs, {len(lib.quotes)} quotes",
        file=out,
    )
    return 0


def stats_command(
    extra_dir: Path | None, as_json: bool, out: TextIO, *, packs_dir: Path | None = None
) -> int:
    try:
        stats = content_stats(load_content(extra_dir, packs_dir=packs_dir))
    except ContentError as exc:
        _print_problems(exc.problems, out)
        return 1
    if as_json:
        print(json.dumps(stats, sort_keys=True), file=out)
    else:
        print(_stats_table(stats), file=out)
    return 0


def _print_problems(problems: list[Problem], out: TextIO) -> None:
    for problem in problems:
        print(problem, file=out)
    print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found", file=out)


def _stats_table(stats: dict) -> str:
    lines = [f"{kind:<10}{stats[kind]:>6}" for kind in ("facts", "questions", "songs", "quotes")]
    lines.append(f"{'items without source':<20}{stats['items_without_source']:>6}")
    lines += ["", f"{'film':<14}{'facts':>7}{'questions':>11}{'songs':>7}{'quotes':>8}"]
    for film in FILM_TAGS:
        lines.append(
            f"{film:<14}{stats['facts_by_film'][film]:>7}{stats['questions_by_film'][film]:>11}"
            f"{stats['songs_by_film'][film]:>7}{stats['quotes_by_film'][film]:>8}"
        )
    lines += ["", f"{'difficulty':<14}{'questions':>11}"]
    for level in DIFFICULTIES:
        lines.append(f"{level:<14}{stats['questions_by_difficulty'][level]:>11}")
    lines += ["", f"{'question kind':<14}{'questions':>11}"]
    for kind in QUESTION_KINDS:
        lines.append(f"{kind:<14}{stats['questions_by_kind'][kind]:>11}")
    lines += ["", f"{'quote mood':<14}{'quotes':>11}"]
    for mood in MOODS:
        lines.append(f"{mood:<14}{stats['quotes_by_mood'][mood]:>11}")
    films = sum(1 for count in stats["motivational_quotes_by_film"].values() if count)
    lines.append(f"motivational lines from {films} films, "
                 f"said by {stats['motivational_characters']} characters")
    lines += ["", f"sources on {stats['source_hosts']} hosts; the "
                  f"{len(stats['sources_by_host'])} most cited:",
              f"{'host':<40}{'items':>7}"]
    for row in stats["sources_by_host"]:
        lines.append(f"{row['host']:<40}{row['items']:>7}")
    return "\n".join(lines)
