"""The public pages on both backends: what shows, what never shows, and that it is inert text."""

from __future__ import annotations

import html

from bot.db.repositories import GuildConfigRepository, PreferencesRepository
from tests.web.conftest import CONTENT, Web

XSS = "<img src=x onerror=alert(1)>"


async def publish(web: Web, on: bool = True) -> None:
    await GuildConfigRepository(web.db).update(web.guild_id, web_leaderboard=on)


async def test_the_leaderboard_is_a_plain_404_until_the_admins_publish_it(web: Web) -> None:
    await web.score(web.discord.member("alice"), 150)
    page = await web.page(f"/servers/{web.guild_id}/leaderboard", 404)
    assert "alice" not in page and "Not found" in page
    await web.page("/servers/123456789012345678/leaderboard", 404)  # no such server: the same
    await publish(web)
    page = await web.page(f"/servers/{web.guild_id}/leaderboard")
    assert "alice" in page and "Rocky Fan Club" in page
    await publish(web, False)  # a page already shown may stay cached for two seconds
    await web.page(f"/servers/{web.guild_id}/leaderboard?sort=streak", 404)


async def test_standings_ranks_titles_and_pages(web: Web) -> None:
    await publish(web)
    alice, bob = web.discord.member("alice"), web.discord.member("bob")
    await web.score(alice, 1600, answers=3)
    await web.score(bob, 200, answers=12)
    page = await web.page(f"/servers/{web.guild_id}/leaderboard")
    assert page.index("alice") < page.index("bob")
    assert "Club Fighter" in page  # 1,600 points
    assert "Meat-Locker Rookie" in page  # 200 points
    assert "1,600" in page
    by_accuracy = await web.page(f"/servers/{web.guild_id}/leaderboard?sort=accuracy")
    assert "bob" in by_accuracy and ">alice<" not in by_accuracy  # 3 answers: too few to rank
    week = await web.page(f"/servers/{web.guild_id}/leaderboard?period=week")
    assert "Last 7 days" in week and "alice" in week
    assert "Season 1" in page and 'property="og:title"' in page
    assert "led by alice" in page  # the link preview's description


async def test_members_who_opted_out_or_deleted_their_data_never_appear(web: Web) -> None:
    await publish(web)
    alice, carol = web.discord.member("alice"), web.discord.member("carol")
    await web.score(alice, 100)
    await web.score(carol, 300)
    await PreferencesRepository(web.db).set(carol.user.id, global_leaderboard=False)
    page = await web.page(f"/servers/{web.guild_id}/leaderboard?page=1")
    assert "alice" in page and "carol" not in page and "1 ranked" in page
    await web.page(f"/servers/{web.guild_id}/members/{carol.user.id}", 404)
    card = await web.page(f"/servers/{web.guild_id}/members/{alice.user.id}")
    assert "Meat-Locker Rookie" in card and "Accuracy" in card
    from bot.db.repositories.privacy import PrivacyRepository

    await PrivacyRepository(web.db).delete_member(web.guild_id, alice.user.id)
    page = await web.page(f"/servers/{web.guild_id}/leaderboard?page=2")
    assert "alice" not in page
    await web.page(f"/servers/{web.guild_id}/members/{alice.user.id}", 404)


async def test_a_name_made_of_html_renders_as_text(web: Web) -> None:
    await publish(web)
    bob = web.discord.member("bob")
    await web.score(bob, 100, name=XSS)
    page = await web.page(f"/servers/{web.guild_id}/leaderboard")
    assert XSS not in page and html.escape(XSS) in page
    card = await web.page(f"/servers/{web.guild_id}/members/{bob.user.id}")
    assert XSS not in card and html.escape(XSS) in card


async def test_the_catalogue_filters_searches_and_links_every_source(web: Web) -> None:
    facts = await web.page("/facts?film=Rocky+IV&topic=music")
    expected = [f for f in CONTENT.facts if "Rocky IV" in f.films and "music" in f.topics]
    assert f"{len(expected)} found" in facts
    for fact in expected[:50]:
        assert html.escape(fact.source) in facts
    questions = await web.page("/questions?difficulty=hard&q=drago")
    assert "<details>" in questions and "Show the answer" in questions
    songs = await web.page("/songs?q=gonna+fly")
    assert "Gonna Fly Now" in songs
    quotes = await web.page("/quotes?film=Rocky+IV&q=dies")
    assert "If he dies, he dies." in quotes and "Ivan Drago" in quotes
    everything = await web.page("/facts?page=99")  # past the end: the last page
    assert f"page {-(-len(CONTENT.facts) // 50)} of" in everything
    assert "No fact matches" in await web.page("/facts?q=zzzzzzzz")


async def test_every_page_works_without_javascript_and_sends_security_headers(web: Web) -> None:
    for path in ("/", "/facts", "/questions", "/songs", "/quotes", "/dashboard"):
        response = await web.client.get(path)
        text = await response.text()
        assert response.status == 200, path
        assert "<script" not in text, path
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
    css = await web.client.get("/static/site.css")
    assert css.status == 200 and "@media" in await css.text()


async def test_unknown_addresses_are_a_plain_404_page(web: Web) -> None:
    page = await web.page("/nothing-here", 404)
    assert "There is nothing at this address" in page
    await web.page("/servers/abc/leaderboard", 404)
