"""The console language: every form in the issue, quoting, and errors that say how to write it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.sandbox import language as lang


def test_slash_command_with_subcommand_and_quoted_options():
    assert lang.parse('/fact random film:"Rocky IV" topic:music') == lang.Slash(
        "fact", ("random",), (("film", "Rocky IV"), ("topic", "music")))
    assert lang.parse("/quote film:'Rocky Balboa'") == lang.Slash(
        "quote", (), (("film", "Rocky Balboa"),))
    assert lang.parse(r'/quote character:"Mickey \"Mick\" Goldmill"') == lang.Slash(
        "quote", (), (("character", 'Mickey "Mick" Goldmill'),))
    assert lang.parse("/config channel post:fact channel:#trivia") == lang.Slash(
        "config", ("channel",), (("post", "fact"), ("channel", "#trivia")))


def test_a_value_may_contain_colons():
    assert lang.parse("/config daily-time time:07:30").options == (("time", "07:30"),)


def test_acting_as_and_in():
    assert lang.parse("as @bob") == lang.ActAs("bob")
    assert lang.parse("in #mod-queue") == lang.ActIn("mod-queue")
    assert lang.parse("in trivia") == lang.ActIn("trivia")
    assert lang.parse("in DM") == lang.ActIn(None)


def test_click_and_pick_take_numbers_or_labels():
    assert lang.parse("click 2") == lang.Click(2)
    assert lang.parse('click "Delete my data"') == lang.Click("Delete my data")
    assert lang.parse('pick 1 3 "Rocky IV"') == lang.Pick((1, 3, "Rocky IV"))


def test_fill_wait_show_help_quit():
    assert lang.parse('fill text="Adrian works at a pet shop." film=Rocky') == lang.Fill(
        (("text", "Adrian works at a pet shop."), ("film", "Rocky")))
    assert lang.parse("fill") == lang.Fill(())
    assert lang.parse("wait 2.5") == lang.Wait(2.5)
    assert lang.parse("wait 3s") == lang.Wait(3.0)
    assert lang.parse("show") == lang.Show(1)
    assert lang.parse("show 4") == lang.Show(4)
    assert lang.parse("help") == lang.Help(None)
    assert lang.parse("help /quote") == lang.Help("quote")
    assert lang.parse("quit") == lang.Quit() == lang.parse("exit")


def test_blank_lines_and_comments_do_nothing():
    assert lang.parse("") == lang.Nothing() == lang.parse("   # a comment")


@pytest.mark.parametrize(("line", "says"), [
    ('/quote film:"Rocky IV', "quote is not closed"),
    ("/quote film:Rocky sub", "comes after an option"),
    ("/quote film:a film:b", "given twice"),
    ("/a b c d", "at most a group and a subcommand"),
    ("/no!such", "not a command name"),
    ("as", "as <member>"),
    ("as alice bob", "as <member>"),
    ("click 0", "numbered from 1"),
    ("click", "click <n"),
    ("pick", "pick <n"),
    ("fill text", "fill <field>=<value>"),
    ("wait soon", "number of seconds"),
    ("wait 0", "more than 0"),
    ("wait 99999", "at most 3600"),
    ("show -1", "show <n>"),
    ("quit now", "nothing after it"),
    ("punch drago", "unknown command 'punch'"),
])
def test_bad_lines_say_how_to_write_them(line, says):
    with pytest.raises(lang.ParseError, match=says):
        lang.parse(line)


def test_a_script_is_checked_whole_and_every_bad_line_is_named():
    lines = ["as alice", "/quote", 'click "Next', "wait 1", "dance"]
    with pytest.raises(lang.ParseError) as caught:
        lang.check_script(lines)
    problems = str(caught.value).splitlines()
    assert [p.split(":")[0] for p in problems] == ["line 3", "line 5"]
    assert [n for n, _ in lang.check_script(lines[:2])] == [1, 2]


def test_partial_split_keeps_an_open_quote_and_a_fresh_word():
    words = lang.split_words('/quote film:"Rocky I', partial=True)
    assert [w.text for w in words] == ["/quote", "film:Rocky I"]
    assert words[-1].open_quote == '"' and words[-1].start == 7
    words = lang.split_words("/quote ", partial=True)
    assert [w.text for w in words] == ["/quote", ""] and words[-1].start == 7


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=40))
def test_quote_round_trips_any_value(value):
    words = lang.split_words(f"/x name:{lang.quote(value)}")
    assert words[1].text == f"name:{value}"
