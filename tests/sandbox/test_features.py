"""Every command the bot ships, run from a sandbox script, checked on what members see."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.sandbox.support import blocks, run_sandbox

pytestmark = pytest.mark.e2e

SCRIPT = """\
/about
as admin
/config review-channel channel:#mod-queue
/config films
pick 1 4 7
as alice
/fact submit
fill text="Stallone wrote the first Rocky script in about three days." film=Rocky
as mod
in #mod-queue
click Approve
as alice
in #general
/fact random
/quote film:Creed
/motivate member:@bob
/montage show film:"Rocky IV"
click Next
in #quiz
/quiz start questions:1
click 1
wait 3
/daily
click 1
/leaderboard
/stats
/help
click Next
/privacy delete
click "Delete my data"
"""


@pytest.fixture(scope="module")
def run():
    # Quiz timers run ten times faster: a 20-second question lasts 2 seconds.
    return run_sandbox(SCRIPT, "--seed", "3", ROCKY_TEST_TIMER_SCALE="0.1")


def step(run, line: str, *, after: str | None = None, onwards: bool = False) -> str:
    """What followed the prompt `line` (the first one after the prompt `after`, if given).

    `onwards` adds the rest of the transcript: for what the bot does on its own a moment later
    (a post in the review queue, a DM), which a slow machine may show after the next prompt.
    """
    steps = blocks(run.stdout)
    start = 0 if after is None else next(
        i for i, (prompt, _) in enumerate(steps) if prompt.endswith("> " + after))
    index = next(i for i in range(start, len(steps)) if steps[i][0].endswith("> " + line))
    return "\n".join(text for _, text in steps[index:index + 1 if not onwards else None])


def test_the_script_ran_clean(run):
    assert run.returncode == 0, run.stdout + run.stderr
    assert not [line for line in run.stdout.splitlines() if line.startswith("!")]


def test_every_registered_command_is_in_the_script(run):
    ready = re.search(r"\d+ commands ready: (.*?)\. ", run.stderr)[1]
    used = set(re.findall(r"^(/[-\w]+)", SCRIPT, re.M))
    assert set(ready.split()) == used


def test_admin_configuration_with_channel_options_and_a_menu(run):
    assert step(run, "/about").startswith("Rocky in #general, only you can see this:\n  ╭─")
    assert "#mod-queue" in step(run, "/config review-channel channel:#mod-queue")
    films = step(run, "/config films")
    assert "menu: " in films and "    9. Creed III" in films
    picked = step(run, "pick 1 4 7")
    assert picked.startswith("Rocky edited a message in #general, only you can see this:")
    assert all(film in picked for film in ("Rocky", "Rocky IV", "Creed"))


def test_a_fact_goes_through_the_form_the_queue_and_back_to_its_author(run):
    form = step(run, "/fact submit")
    assert form.startswith('Rocky opens a form for you, "')
    assert re.search(r"^  text: .*required", form, re.M) and re.search(r"^  film: ", form, re.M)
    submitted = step(run, 'fill text="Stallone wrote the first Rocky script in about three '
                          'days." film=Rocky', onwards=True)
    assert submitted.startswith("Rocky in #general, only you can see this:")
    queued = submitted[submitted.index("Rocky in #mod-queue:"):]
    assert "[1 Approve] [2 Reject]" in queued
    approved = step(run, "click Approve", onwards=True)
    assert approved.startswith("Rocky edited a message in #mod-queue:")
    dm = approved[approved.index("Rocky in a DM to alice:"):]
    assert "Stallone wrote the first Rocky script" in dm


def test_facts_quotes_motivation_and_montage(run):
    fact = step(run, "/fact random")
    assert fact.startswith("Rocky in #general:\n  ╭─") and re.search(r"\[1 .*\]", fact)
    assert "│ " in step(run, "/quote film:Creed") and "— Creed" in step(run, "/quote film:Creed")
    # /motivate addresses the member on purpose: the one ping the bot allows itself here.
    assert "@bob (pings)" in step(run, "/motivate member:@bob")
    montage = step(run, '/montage show film:"Rocky IV"')
    assert "Training montage — Rocky IV" in montage and "[2 Next]" in montage
    assert step(run, "click Next").startswith("Rocky edited a message in #general:")


def test_a_quiz_question_is_answered_with_a_button_and_closes_on_time(run):
    started = step(run, "/quiz start questions:1")
    # The question is a Components V2 container: its answer buttons sit inside it.
    assert re.search(r"^  │ \[1 .+\] \[2 .+\] \[3 .+\] \[4 .+\]$", started, re.M)
    assert step(run, "click 1").startswith("Rocky in #quiz, only you can see this:")
    closed = step(run, "wait 3")
    assert closed.startswith("Rocky edited a message in #quiz:")
    assert re.search(r"\[1 .+ \(disabled\)\] .* \[4 .+ \(disabled\)\]", closed)
    assert "Rocky in #quiz:" in closed  # the final standings


def test_daily_question_boards_help_and_privacy(run):
    daily = step(run, "/daily")
    assert daily.startswith("Rocky in #quiz, only you can see this:") and "[4 " in daily
    assert step(run, "click 1", after="/daily").startswith(
        "Rocky edited a message in #quiz, only you can see this:")
    assert step(run, "/leaderboard").startswith("Rocky in #quiz:\n  ╭─ ")
    stats = step(run, "/stats")
    assert "alice" in stats
    # The card is saved as a PNG, its path printed; its figures follow as alt text.
    saved = re.search(r"picture: stats\.png saved as (\S+\.png)", stats)
    assert saved and Path(saved[1]).read_bytes().startswith(b"\x89PNG")
    assert re.search(r"Answered: \d+ \(\d+ right\)", stats)
    assert step(run, "/help").startswith("Rocky in #quiz, only you can see this:")
    assert step(run, "click Next", after="/help").startswith(
        "Rocky edited a message in #quiz, only you can see this:")
    confirm = step(run, "/privacy delete")
    assert "[1 Delete my data] [2 Cancel]" in confirm
    assert step(run, 'click "Delete my data"').startswith(
        "Rocky edited a message in #quiz, only you can see this:")
