"""The README's sandbox transcript is replayed against the real bot and must match exactly."""

from __future__ import annotations

import pytest

from tests.sandbox import readme_example

pytestmark = pytest.mark.e2e


def test_the_readme_example_is_a_real_transcript():
    readme = readme_example.README.read_text(encoding="utf-8")
    shown = readme_example.transcript(readme)
    script = readme_example.script_of(shown)
    assert script.count("\n") >= 5, "the example lost its script lines"
    done = readme_example.replay(script)
    assert done.returncode == 0, done.stderr
    assert done.stdout == shown, (
        "the README's sandbox example is stale: run "
        "`.venv/bin/python -m tests.sandbox.readme_example` and review the change")


def test_the_script_is_read_back_from_the_prompts():
    transcript = (
        "# a comment\n"
        'alice #general> /quote film:"Rocky IV"\n'
        "Rocky in #general:\n"
        "  # not a comment: the bot's text is indented\n"
        "alice #general> in dm\n"
        "alice DM> as bob\n"
        "\n"
    )
    assert readme_example.script_of(transcript) == (
        '# a comment\n/quote film:"Rocky IV"\nin dm\nas bob\n\n')
