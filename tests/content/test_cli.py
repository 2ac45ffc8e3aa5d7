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
