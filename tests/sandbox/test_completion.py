"""Tab completion: verbs, commands, subcommands, option names, and values (choices, members,
channels, and the bot's autocomplete answers, asked with what is typed so far)."""

from __future__ import annotations

from bot.sandbox.completion import complete

QUOTE = {"name": "quote", "type": 1, "options": [
    {"type": 3, "name": "film", "autocomplete": True},
    {"type": 3, "name": "character", "autocomplete": True},
]}
FACT = {"name": "fact", "type": 1, "options": [
    {"type": 1, "name": "random", "options": [
        {"type": 3, "name": "topic", "choices": [{"name": "Music", "value": "music"},
                                                 {"name": "Locations", "value": "loc"}]}]},
    {"type": 1, "name": "submit", "options": []},
]}
CONFIG = {"name": "config", "type": 1, "options": [
    {"type": 1, "name": "review-channel", "options": [{"type": 7, "name": "channel"}]},
    {"type": 1, "name": "moderator-role", "options": [{"type": 8, "name": "role"}]},
    {"type": 1, "name": "daily", "options": [{"type": 5, "name": "enabled"}]},
]}
STATS = {"name": "stats", "type": 1, "options": [{"type": 6, "name": "member"}]}


class Source:
    def __init__(self) -> None:
        self.asked: list[tuple] = []

    def commands(self):
        return [QUOTE, FACT, CONFIG, STATS]

    def member_names(self):
        return ["admin", "mod", "alice", "bob", "carol"]

    def channel_names(self):
        return ["general", "trivia", "mod-queue"]

    def role_names(self):
        return ["Admins", "Moderators"]

    def button_labels(self):
        return ["Approve", "Reject", "Delete my data"]

    def option_labels(self):
        return ["Rocky", "Rocky II"]

    def field_keys(self):
        return ["text", "film"]

    def autocomplete(self, command, path, filled, focused, typed):
        self.asked.append((command, tuple(path), dict(filled), focused, typed))
        films = ["Rocky", "Rocky II", "Creed", "Creed II", "Creed III"]
        return [f for f in films if typed.casefold() in f.casefold()]


def lines(text: str, source: Source | None = None) -> list[str]:
    return complete(text, source or Source()).lines()


def test_first_word_completes_verbs_and_slash_commands():
    assert lines("/qu") == ["/quote "]
    assert lines("c") == ["click "]
    assert "/config " in lines("") and "as " in lines("")


def test_subcommands_then_option_names_not_yet_used():
    assert lines("/fact ") == ["/fact random ", "/fact submit "]
    assert lines("/fact r") == ["/fact random "]
    assert lines("/fact random ") == ["/fact random topic:"]
    assert lines("/quote film:Rocky ") == ["/quote film:Rocky character:"]


def test_autocomplete_values_are_asked_of_the_bot_with_the_options_so_far():
    source = Source()
    assert lines("/quote film:cre", source) == [
        '/quote film:"Creed" ', '/quote film:"Creed II" ', '/quote film:"Creed III" ']
    assert source.asked == [("quote", (), {}, "film", "cre")]
    lines('/quote film:"Rocky II" character:Mi', source)
    assert source.asked[-1] == ("quote", (), {"film": "Rocky II"}, "character", "Mi")


def test_values_are_quoted_alike_so_the_common_prefix_grows():
    completions = lines("/quote film:creed")
    assert all(line.startswith('/quote film:"Creed') for line in completions)
    # An open quote is part of the word being typed.
    assert lines('/quote film:"creed I') == ['/quote film:"Creed II" ', '/quote film:"Creed III" ']


def test_static_choices_members_channels_roles_and_booleans():
    assert lines("/fact random topic:m") == ["/fact random topic:Music "]
    assert lines("/stats member:b") == ["/stats member:@bob "]
    assert lines("/stats member:@c") == ["/stats member:@carol "]
    assert lines("/config review-channel channel:#mod") == [
        "/config review-channel channel:#mod-queue "]
    assert lines("/config moderator-role role:Mo") == ["/config moderator-role role:@Moderators "]
    assert lines("/config daily enabled:t") == ["/config daily enabled:true "]


def test_console_verbs_complete_their_arguments():
    assert lines("as ca") == ["as carol "]
    assert lines("in #t") == ["in #trivia "]
    assert lines("in d") == ["in dm "]
    assert lines("click De") == ['click "Delete my data" ']
    assert lines("pick R") == ['pick "Rocky" ', 'pick "Rocky II" ']
    assert lines("fill ") == ["fill text=", "fill film="]
    assert lines("fill text=abc") == []
    assert lines("help q") == ["help quote "]


def test_nothing_to_offer_for_unknown_commands_and_options():
    assert lines("/nothing ") == []
    assert lines("/quote colour:") == []
    assert lines("wait ") == []
