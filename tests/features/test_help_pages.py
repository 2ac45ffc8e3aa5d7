"""Packing /help into pages, and the uptime wording: pure helpers of cogs/help.py."""

from __future__ import annotations

from datetime import timedelta

from cogs.help import CommandHelp, Section, format_duration, pages_of


def _section(name: str, commands: int, width: int = 60) -> Section:
    return Section(name, f"about {name}", tuple(
        CommandHelp(f"/{name.lower()} c{i}", "d" * width, f"/{name.lower()} c{i}", None)
        for i in range(commands)))


def test_small_features_share_a_page_in_order():
    [page] = pages_of([_section("Quotes", 2), _section("Montage", 2)], budget=3800)
    assert page.features == ("Quotes", "Montage")
    assert page.text.index("**Quotes**") < page.text.index("**Montage**")


def test_a_feature_that_fits_on_the_next_page_is_not_split():
    sections = [_section("A", 10), _section("B", 10), _section("C", 10)]
    pages = pages_of(sections, budget=2 * len(pages_of([sections[0]])[0].text))
    assert [p.features for p in pages] == [("A",), ("B",), ("C",)]
    assert "(continued)" not in "".join(p.text for p in pages)


def test_a_feature_bigger_than_a_page_continues_and_every_page_is_in_budget():
    budget = 1000
    pages = pages_of([_section("Small", 1), _section("Config", 30)], budget=budget)
    assert len(pages) > 2
    assert all(len(p.text) <= budget for p in pages)
    # Config does not fit beside Small, so it starts a page, then continues on the next.
    assert pages[0].features == ("Small",)
    assert pages[1].text.startswith("**Config** — about Config")
    assert pages[2].text.startswith("**Config** (continued)")
    text = "\n".join(p.text for p in pages)
    assert all(f"`/config c{i}`" in text for i in range(30))
    assert all("Config" in p.features for p in pages[1:])


def test_no_commands_still_gives_one_page():
    assert [p.text for p in pages_of([])] == ["No commands are loaded."]


def test_uptime_reads_in_the_two_largest_units():
    assert format_duration(timedelta(seconds=42)) == "42 s"
    assert format_duration(timedelta(minutes=5, seconds=59)) == "5 min"
    assert format_duration(timedelta(hours=2, minutes=14, seconds=3)) == "2 h 14 min"
    assert format_duration(timedelta(days=3, hours=4, minutes=59)) == "3 d 4 h"
