"""Rendering what the bot sent: embeds, components, mentions and pings, modals, timestamps."""

from __future__ import annotations

import discord
import pytest

from bot.sandbox import components as comp
from bot.sandbox import render
from bot.ui.embeds import CHAMPION_GOLD, PHILLY_BLUE, ROCKY_RED, safe

# Snowflake-sized ids: discord.py escapes only mentions of 17 to 20 digits.
ALICE, BOB, MODS = 100000000000000001, 100000000000000002, 200000000000000001
GENERAL, DM = 300000000000000001, 300000000000000002
NOW = 1_700_000_000.0


class Names:
    bot_name = "Rocky"

    def user(self, user_id: int) -> str:
        return {ALICE: "alice", BOB: "bob"}.get(user_id, "unknown-user")

    def role(self, role_id: int) -> str:
        return {MODS: "Moderators"}.get(role_id, "deleted-role")

    def channel(self, channel_id: int) -> str:
        return {GENERAL: "#general", DM: "a DM to alice"}.get(channel_id, "#deleted-channel")


NAMES = Names()


def shot(**fields) -> render.MessageSnapshot:
    return render.MessageSnapshot(id=1, channel_id=fields.pop("channel_id", GENERAL),
                                  seen_at=NOW, **fields)


def test_the_bots_colours_have_names():
    assert render.colour_name(ROCKY_RED.value) == "dark red"
    assert render.colour_name(CHAMPION_GOLD.value) == "gold"
    assert render.colour_name(PHILLY_BLUE.value) == "dark blue"
    for name, value in render.PALETTE.items():
        assert render.colour_name(value) == name


def test_an_embed_shows_author_title_description_fields_footer_and_colour():
    embed = discord.Embed(title="Fact s1 · pending", description="Adrian works at a pet shop.",
                          colour=PHILLY_BLUE, url="https://example.org/s1")
    embed.set_author(name="Rocky trivia")
    embed.add_field(name="Film", value="Rocky")
    embed.add_field(name="Source", value="[the script](https://example.org/Rocky_(film))")
    embed.add_field(name="Notes", value="line one\nline two", inline=False)
    embed.set_footer(text="1 waiting for review")
    lines = render.message(shot(embeds=(embed.to_dict(),)), NAMES, viewer_id=ALICE)
    assert lines == [
        "Rocky in #general:",
        "  ╭─ dark blue",
        "  │ Rocky trivia",
        "  │ **Fact s1 · pending** <https://example.org/s1>",
        "  │ Adrian works at a pet shop.",
        "  │ Film: Rocky",
        "  │ Source: the script <https://example.org/Rocky_(film)>",
        "  │ Notes:",
        "  │   line one",
        "  │   line two",
        "  ╰─ 1 waiting for review",
    ]


def test_mentions_render_as_names_and_say_whether_they_pinged():
    content = f"<@{BOB}> and <@!{ALICE}>, ask <@&{MODS}> in <#{GENERAL}>; @everyone"
    lines = render.message(shot(content=content, pings=(f"user:{BOB}",)), NAMES,
                           viewer_id=ALICE)
    assert lines[1] == ("  @bob (pings) and @alice (no ping), ask @Moderators (no ping) in "
                        "#general; @everyone (no ping)")
    pinged_all = render.message(shot(content="@everyone", pings=("everyone",)), NAMES,
                                viewer_id=ALICE)
    assert pinged_all[1] == "  @everyone (pings)"


def test_text_a_member_wrote_shown_through_safe_is_not_a_mention():
    written = safe(f"hey @everyone <@{BOB}> **bold**")
    line = render.message(shot(content=written), NAMES, viewer_id=ALICE)[1]
    assert "(pings)" not in line and "(no ping)" not in line and "@bob" not in line
    assert "**bold**" in line  # escaped markdown reads as what Discord would show


def test_mentions_in_embeds_never_ping_so_they_carry_no_marker():
    embed = {"description": f"Submitted by <@{BOB}>"}
    lines = render.message(shot(embeds=(embed,)), NAMES, viewer_id=ALICE)
    assert "  │ Submitted by @bob" in lines


def test_ephemeral_replies_say_who_can_see_them():
    mine = shot(content="Locked in.", ephemeral=True, interaction_user_id=ALICE)
    assert render.message(mine, NAMES, viewer_id=ALICE)[0] == (
        "Rocky in #general, only you can see this:")
    assert render.message(mine, NAMES, viewer_id=BOB)[0] == (
        "Rocky in #general, only alice can see this:")


def test_edits_deferrals_deletions_and_dms():
    assert render.message(shot(content="Count: 2"), NAMES, viewer_id=ALICE, edited=True)[0] == (
        "Rocky edited a message in #general:")
    assert render.message(shot(loading=True), NAMES, viewer_id=ALICE) == [
        "Rocky in #general: Rocky is thinking..."]
    assert render.deleted(GENERAL, NAMES) == ["Rocky deleted a message in #general."]
    assert render.message(shot(content="Approved!", channel_id=DM), NAMES,
                          viewer_id=ALICE)[0] == "Rocky in a DM to alice:"


def test_buttons_are_numbered_across_rows_and_menus_list_numbered_options():
    rows = [
        {"type": 1, "components": [
            {"type": 2, "style": 3, "label": "Approve", "custom_id": "fact:approve:1"},
            {"type": 2, "style": 4, "label": "Reject", "custom_id": "fact:reject:1",
             "emoji": {"name": "🛑"}},
        ]},
        {"type": 1, "components": [
            {"type": 2, "style": 2, "label": "Skip", "custom_id": "s", "disabled": True},
            {"type": 2, "style": 5, "label": "Source", "url": "https://example.org"},
        ]},
        {"type": 1, "components": [{"type": 3, "custom_id": "films", "placeholder": "Films",
                                    "min_values": 1, "max_values": 2, "options": [
                                        {"label": "Rocky", "value": "1", "default": True},
                                        {"label": "Creed", "value": "7",
                                         "description": "2015"}]}]},
    ]
    lines = render.message(shot(components=tuple(rows)), NAMES, viewer_id=ALICE)
    assert lines[1:] == [
        "  [1 Approve] [2 🛑 Reject]",
        "  [3 Skip (disabled)] [4 Source -> https://example.org]",
        "  menu: Films (pick 1 to 2):",
        "    1. Rocky (selected)",
        "    2. Creed - 2015",
    ]
    assert [b["label"] for b in comp.buttons(rows)] == ["Approve", "Reject", "Skip", "Source"]
    assert [o.number for o in comp.options(rows)] == [1, 2]


def test_relative_timestamps_read_like_discord_and_stay_steady():
    assert render.text("<t:1700000020:R>", NAMES, pings=None, now=NOW) == "in 20 seconds"
    assert render.text("<t:1700000001:R>", NAMES, pings=None, now=NOW) == "in a few seconds"
    assert render.text("<t:1700000000:R>", NAMES, pings=None, now=NOW + 0.9) == (
        "a few seconds ago")
    assert render.text("<t:1699999880:R>", NAMES, pings=None, now=NOW) == "2 minutes ago"
    assert render.text("<t:1700000000:d>", NAMES, pings=None, now=NOW) == "2023-11-14"


def test_a_modal_shows_its_fields_with_the_keys_fill_accepts():
    form = {"title": "Suggest a Rocky fact", "custom_id": "fact:submit", "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "text", "label": "Your fact",
                                    "style": 2, "min_length": 20, "max_length": 500}]},
        {"type": 1, "components": [{"type": 4, "custom_id": "0123456789abcdef" * 2,
                                    "label": "Source page", "style": 1, "required": False,
                                    "value": "https://"}]},
    ]}
    lines = render.modal(form, NAMES, for_user=ALICE, viewer_id=ALICE, hint="fill it in with")
    assert lines == [
        'Rocky opens a form for you, "Suggest a Rocky fact":',
        "  text: Your fact (paragraph, required, 20 to 500 characters)",
        "  source-page: Source page (short, optional, prefilled 'https://')",
        "  fill it in with: fill text=... source-page=...",
    ]
    fields = comp.modal_fields(form)
    assert fields[1].matches("source-page") and fields[1].matches("Source page")
    assert fields[1].matches("2") and not fields[1].matches("text")
    assert comp.field_problem(fields[0], "too short") == (
        "text needs at least 20 characters (has 9)")
    assert comp.field_problem(fields[0], "") == "text is required"
    assert comp.field_problem(fields[1], "") is None


def test_a_menu_in_a_form_takes_labels_and_sends_option_values():
    form = {"title": "Suggest", "custom_id": "f", "components": [
        {"type": 18, "label": "Film", "component": {
            "type": 3, "custom_id": "film", "min_values": 1, "max_values": 2, "options": [
                {"label": "Rocky", "value": "r1", "default": True},
                {"label": "Creed II", "value": "c2"}]}}]}
    [film] = comp.modal_fields(form)
    assert film.is_menu and film.default == "Rocky"
    assert film.submission("creed ii, Rocky") == ["c2", "r1"]
    assert film.submission("") == []
    with pytest.raises(ValueError, match=r"^film is one of: Rocky, Creed II$"):
        film.submission("Rocky VII")
    assert comp.field_problem(film, []) == "film is required"
    assert comp.field_problem(film, ["r1", "c2", "r1"]) == "film takes 1 to 2 options"
    lines = render.modal(form, NAMES, for_user=ALICE, viewer_id=ALICE, hint="fill it in with")
    assert lines[1] == ("  film: Film (menu of up to 2, comma-separated, required, one of "
                        "Rocky, Creed II, selected 'Rocky')")
