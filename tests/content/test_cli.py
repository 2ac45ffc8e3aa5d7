"""`rocky-bot content check` and `content stats --json` through the real command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.content import load_content
from bot.content.stats import content_stats

REPO = Path(__file__).resolve().parents[2]


def _cli(*args: str, content_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    if content_dir is not None:
        env["CONTENT_DIR"] = str(content_dir)
    return subprocess.run([sys.executable, "-m", "bot", "--env-file", "/dev/null", *args],
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=60)


def test_stats_json_is_one_object_that_agrees_with_the_packs():
    result = _cli("content", "stats", "--json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats == json.loads(json.dumps(content_stats(load_content())))
    for key in ("facts", "questions", "songs", "quotes", "questions_by_film", "facts_by_film",
                "questions_by_difficulty", "items_without_source"):
        assert key in stats


def test_check_passes_on_the_bundled_packs():
    result = _cli("content", "check")
    assert result.returncode == 0 and "content OK" in result.stdout


def test_check_fails_listing_every_problem_of_an_owners_pack(tmp_path):
    (tmp_path / "facts").mkdir()
    (tmp_path / "facts" / "mine.toml").write_text(
        '[[fact]]\nid = "Bad Id"\nfilms = ["Rocky VII"]\ntopics = ["music"]\n'
        'text = "short"\nsource = "not a url"\n')
    result = _cli("content", "check", content_dir=tmp_path)
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "mine.toml" in line]
    assert len(lines) >= 4, result.stdout  # id, film, text length, source: all at once


# --- issue 17: moods, question kinds, sources by host ----------------------------------------


def _raw(kind: str, pattern: str) -> list[dict]:
    import tomllib

    from bot.content import bundled_packs_dir

    items: list[dict] = []
    for path in sorted(bundled_packs_dir().glob(pattern)):
        items.extend(tomllib.loads(path.read_text(encoding="utf-8")).get(kind, []))
    return items


def _packs() -> dict[str, list[dict]]:
    return {"fact": _raw("fact", "facts/*.toml"), "question": _raw("question", "questions/*.toml"),
            "song": _raw("song", "songs.toml"), "quote": _raw("quote", "quotes.toml")}


def test_stats_json_reports_moods_kinds_and_hosts_as_the_packs_have_them():
    from collections import Counter
    from urllib.parse import urlsplit

    result = _cli("content", "stats", "--json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    packs = _packs()
    quotes, questions = packs["quote"], packs["question"]

    assert stats["quotes"] == len(quotes)
    moods = Counter(mood for quote in quotes for mood in quote["moods"])
    assert stats["quotes_by_mood"] == {mood: moods[mood] for mood in
                                       ("motivational", "funny", "menacing", "tender", "iconic")}
    kinds = Counter(question.get("kind", "general") for question in questions)
    assert stats["questions_by_kind"] == {kind: kinds[kind] for kind in
                                          ("general", "quote", "music")}

    hosts = Counter(urlsplit(item["source"]).hostname for items in packs.values()
                    for item in items)
    ranked = sorted(hosts.items(), key=lambda pair: (-pair[1], pair[0]))[:20]
    assert stats["sources_by_host"] == [{"host": h, "items": n} for h, n in ranked]
    assert stats["source_hosts"] == len(hosts)

    motivational = [q for q in quotes if "motivational" in q["moods"]]
    films = Counter(q["films"][0] for q in motivational)
    assert {f: n for f, n in stats["motivational_quotes_by_film"].items() if n} == dict(films)
    assert stats["motivational_characters"] == len({q["character"] for q in motivational})


def test_stats_table_shows_moods_kinds_and_the_most_cited_hosts():
    result = _cli("content", "stats")
    assert result.returncode == 0, result.stderr
    stats = json.loads(_cli("content", "stats", "--json").stdout)
    text = result.stdout
    for mood, count in stats["quotes_by_mood"].items():
        assert any(line.split() == [mood, str(count)] for line in text.splitlines()), mood
    for kind, count in stats["questions_by_kind"].items():
        assert any(line.split() == [kind, str(count)] for line in text.splitlines()), kind
    for row in stats["sources_by_host"]:
        assert any(line.split() == [row["host"], str(row["items"])]
                   for line in text.splitlines()), row


# The counts issue 17 asks for (the quote counts are not reached yet: see the issue's note).
ISSUE_17 = {"quote_questions": 120, "music_questions": 80}


def test_issue_17_question_minimums():
    stats = json.loads(_cli("content", "stats", "--json").stdout)
    assert stats["questions_by_kind"]["quote"] >= ISSUE_17["quote_questions"]
    assert stats["questions_by_kind"]["music"] >= ISSUE_17["music_questions"]
