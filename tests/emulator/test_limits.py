"""Discord's size limits and mention rules as the emulator enforces them."""

from bot.emulator.limits import (
    broad_pings,
    choices_problems,
    component_problems,
    mentions_and_pings,
    message_problems,
    modal_problems,
)


def test_message_limits():
    assert message_problems({"content": "x" * 2000}) == []
    assert message_problems({"content": "x" * 2001})
    assert message_problems({"embeds": [{"description": "d" * 4097}]})
    assert message_problems({"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]})
    assert message_problems({"embeds": [{"title": "t"}] * 11})
    assert message_problems({"embeds": [{"description": "d" * 4000,
                                         "fields": [{"name": "n", "value": "v" * 1000}] * 3}]})
    # 6,000 characters counts across all embeds of one message
    assert message_problems({"embeds": [{"description": "d" * 3500}] * 2})
    assert message_problems({"embeds": [{"description": "d" * 2900}] * 2}) == []


def test_component_limits():
    button = {"type": 2, "label": "ok", "custom_id": "x", "style": 1}
    assert component_problems([{"type": 1, "components": [button] * 5}]) == []
    assert component_problems([{"type": 1, "components": [button] * 6}])
    assert component_problems([{"type": 1, "components": [button]}] * 6)
    assert component_problems([{"type": 1, "components": [button | {"custom_id": "c" * 101}]}])
    assert component_problems([{"type": 1, "components": [button | {"label": "l" * 81}]}])
    select = {"type": 3, "custom_id": "s", "options": [{"label": "a", "value": "a"}] * 26}
    assert component_problems([{"type": 1, "components": [select]}])


def test_modal_and_autocomplete_limits():
    row = {"type": 1, "components": [{"type": 4, "custom_id": "f", "label": "Fact"}]}
    assert modal_problems({"title": "Submit", "custom_id": "m", "components": [row]}) == []
    assert modal_problems({"title": "t" * 46, "custom_id": "m", "components": [row]})
    assert modal_problems({"title": "ok", "custom_id": "m", "components": [row] * 6})
    assert choices_problems([{"name": "a", "value": "a"}] * 26)
    assert choices_problems([{"name": "n" * 101, "value": "a"}])


def test_mentions_ping_only_what_allowed_mentions_allows():
    text = "hi <@123456789012345678> and <@&223456789012345678> @everyone"
    mentions, pings = mentions_and_pings(text, None)  # no allowed_mentions: all ping
    assert pings == mentions and "everyone" in pings
    _, none = mentions_and_pings(text, {"parse": []})
    assert none == ()
    _, one = mentions_and_pings(text, {"parse": [], "users": ["123456789012345678"]})
    assert one == ("user:123456789012345678",)


def test_only_pings_named_by_id_are_deliberate():
    pings = ("user:1", "role:2", "everyone")
    assert broad_pings(pings, None) == list(pings)
    assert broad_pings(pings, {"parse": ["users", "roles", "everyone"]}) == list(pings)
    assert broad_pings(pings, {"parse": [], "users": ["1"], "roles": ["2"]}) == ["everyone"]
