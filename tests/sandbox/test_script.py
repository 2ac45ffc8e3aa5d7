"""`rocky-bot sandbox --script`: real transcripts, and exit 1 on every kind of failure."""

from __future__ import annotations

import re
import shutil

import pytest

from bot.content import load_content
from tests.sandbox.support import CONSOLE_COG, blocks, run_sandbox, workdir_of

pytestmark = pytest.mark.e2e
QUOTES = load_content().quotes


def quote_text(reply: str) -> str:
    return re.search(r"│ > (.*)", reply)[1]


def test_quote_with_options_and_the_error_path():
    done = run_sandbox("\n".join([
        "as bob",
        '/quote film:"Rocky IV" character:"Ivan Drago"',
        '/quote film:"Rocky VII"',
        "in #trivia",
        '/quote character:"Mickey Goldmill"',
        "help quote",
    ]) + "\n")
    assert done.returncode == 0, done.stdout + done.stderr
    steps = blocks(done.stdout)
    assert [prompt for prompt, _ in steps] == [
        "alice #general> as bob",
        'bob #general> /quote film:"Rocky IV" character:"Ivan Drago"',
        'bob #general> /quote film:"Rocky VII"',
        "bob #general> in #trivia",
        'bob #trivia> /quote character:"Mickey Goldmill"',
        "bob #trivia> help quote",
    ]
    drago = steps[1][1]
    assert drago.startswith("Rocky in #general:\n  ╭─ dark red\n  │ Ivan Drago — Rocky IV\n")
    assert quote_text(drago) in {q.text for q in QUOTES
                                 if q.film == "Rocky IV" and q.character == "Ivan Drago"}
    refusal = steps[2][1].splitlines()
    assert refusal[0] == "Rocky in #general, only you can see this:"
    assert "Rocky VII" in refusal[1] and "not one of the nine films" in refusal[1]
    mickey = steps[4][1]
    assert mickey.startswith("Rocky in #trivia:")
    assert quote_text(mickey) in {q.text for q in QUOTES if q.character == "Mickey Goldmill"}
    assert steps[5][1].splitlines()[0] == "/quote [film] [character] [mood]: " + (
        "A line from the films, by film, character or mood")
    assert "Tab suggests values" in steps[5][1]
    # Start-up said what it was doing, in three lines, on stderr.
    status = done.stderr.splitlines()
    assert status[0].startswith("Local Discord up on 127.0.0.1:")
    assert status[1].startswith("Bot connected (database: a temporary one; log: ")
    assert re.match(r"\d+ commands ready: .*/quote", status[2])
    assert not workdir_of(done.stderr).exists(), "the temporary folder was left behind"


def test_a_line_that_cannot_be_parsed_exits_1_naming_it_before_anything_starts():
    done = run_sandbox('as alice\n/quote film:"Rocky IV\nwait 1\nuppercut drago\n')
    assert done.returncode == 1
    assert done.stdout == ""
    problems = done.stderr.splitlines()
    assert problems[0].startswith("rocky-bot sandbox: stdin, line 2: a \" quote is not closed")
    assert problems[1].startswith("rocky-bot sandbox: stdin, line 4: unknown command 'uppercut'")
    assert "Local Discord up" not in done.stderr


def test_an_unhandled_error_in_the_bot_exits_1():
    done = run_sandbox("/boom\n/quote\n", ROCKY_TEST_EXTRA_EXTENSIONS="tests.support.boom_cog")
    assert done.returncode == 1, done.stdout + done.stderr
    reply = blocks(done.stdout)[0][1]
    error_id = re.search(r"error id `([0-9a-f]{8})`", reply)[1]
    assert "only you can see this" in reply
    assert f"! the bot raised an unhandled error (error id {error_id})" in reply
    assert re.search(rf"! the bot logged an error: .*unhandled error {error_id} in /boom", reply)
    # The script went on, and the log was kept for the traceback.
    assert blocks(done.stdout)[1][1].startswith("Rocky in #general:")
    kept = workdir_of(done.stderr)
    assert "RuntimeError: kaboom" in (kept / "bot.log").read_text()
    shutil.rmtree(kept)


def test_a_command_without_an_answer_within_the_deadline_exits_1():
    done = run_sandbox("/silent\n", ROCKY_TEST_EXTRA_EXTENSIONS=CONSOLE_COG)
    assert done.returncode == 1, done.stdout + done.stderr
    assert blocks(done.stdout) == [("alice #general> /silent", (
        "! no answer within Discord's 3 seconds: members would see "
        '"The application did not respond"'))]
    shutil.rmtree(workdir_of(done.stderr))  # kept for its log: the bot failed


def test_a_bot_that_dies_ends_the_script_with_exit_1():
    done = run_sandbox("/crash\n/quote\n/quote\n", ROCKY_TEST_EXTRA_EXTENSIONS=CONSOLE_COG)
    assert done.returncode == 1, done.stdout + done.stderr
    [(prompt, after)] = blocks(done.stdout)
    assert prompt == "alice #general> /crash"
    assert after.splitlines()[-1].startswith("! the bot stopped unexpectedly (exit 3); its log: ")
    assert "Stopped the bot (exit 3)" in done.stderr
    shutil.rmtree(workdir_of(done.stderr))


def test_buttons_menus_and_forms():
    done = run_sandbox("\n".join([
        "/counter",
        "click Count",
        "click 1",
        "pick 3",
        "click Form",
        "fill name=Rocky",
        "as bob",
        "click 2",
        'fill name=Bob note="Cut me, Mick."',
    ]) + "\n", ROCKY_TEST_EXTRA_EXTENSIONS=CONSOLE_COG)
    assert done.returncode == 0, done.stdout + done.stderr
    steps = [after for _, after in blocks(done.stdout)]
    assert steps[0].splitlines() == [
        "Rocky in #general:",
        "  Count: 0 (started by @alice (no ping))",
        "  [1 Count] [2 Form]",
        "  menu: Corner (pick 1):",
        "    1. Mickey",
        "    2. Paulie",
        "    3. Apollo",
    ]
    assert steps[1].splitlines()[:3] == [
        "Rocky edited a message in #general:", "  Count: 1", "  [1 Count] [2 Form]"]
    assert steps[2].splitlines()[1] == "  Count: 2"
    assert steps[3].splitlines() == ["Rocky in #general, only you can see this:",
                                     "  In your corner: apollo"]
    assert steps[4].splitlines() == [
        'Rocky opens a form for you, "Leave a note":',
        "  name: Your name (short, required, up to 20 characters)",
        "  note: Note (paragraph, optional, prefilled 'Yo, Adrian!')",
        "  fill it in with: fill name=... note=...",
    ]
    assert steps[5].splitlines()[1] == "  Noted from Rocky: Yo, Adrian!"
    assert steps[8].splitlines()[1] == "  Noted from Bob: Cut me, Mick."


def test_lines_that_cannot_be_carried_out_are_named_and_the_script_goes_on():
    done = run_sandbox("\n".join([
        "as dave",
        "click 1",
        "/nothing",
        "/quote mood:happy",
        "/counter",
        "click 7",
        "pick 1 2",
        "fill name=Rocky",
        "click Form",
        "fill name=Rocky colour=red",
        'fill name="a name far longer than twenty"',
        "in #boxing",
        "/quote",
    ]) + "\n", ROCKY_TEST_EXTRA_EXTENSIONS=CONSOLE_COG)
    assert done.returncode == 1
    problems = [line for line in done.stdout.splitlines() if line.startswith("! ")]
    assert problems == [
        "! line 1: no member 'dave' here; the members are admin, mod, alice, bob, carol",
        "! line 2: no message with buttons in #general that alice can see",
        "! line 3: the bot has no /nothing command; type help for the list",
        "! line 4: mood must be one of: Motivational, Funny, Menacing, Tender, Iconic",
        "! line 6: there is no button 7; they are numbered 1 to 2",
        "! line 7: that menu takes exactly 1 option",
        "! line 8: no form is open for alice; a command or a button opens one",
        "! line 10: the form has no field 'colour'; its fields are name, note",
        "! line 11: name takes at most 20 characters (has 29)",
        "! line 12: no channel #boxing; the channels are #general, #trivia, #quiz, "
        "#announcements, #mod-queue (or dm)",
    ]
    assert blocks(done.stdout)[-1][1].startswith("Rocky in #general:")


def test_a_database_given_with_db_outlives_the_sandbox_and_is_used_again(tmp_path):
    database = tmp_path / "mine.db"
    fact = "Stallone wrote the first Rocky script in about three days."
    first = run_sandbox(f'/fact submit\nfill text="{fact}" film=Rocky\n', "--db", str(database))
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"Bot connected (database: {database}; log: " in first.stderr
    assert database.exists()
    # A new local Discord knows no commands, though the database says they were synced:
    # the sandbox registers them again, and the submission is still there.
    second = run_sandbox("/fact mine\n", "--db", str(database))
    assert second.returncode == 0, second.stdout + second.stderr
    assert re.search(r"\d+ commands ready: .*/fact", second.stderr)
    mine = blocks(second.stdout)[0][1]
    assert mine.startswith("Rocky in #general, only you can see this:") and fact in mine
