"""The web pages in Chromium: the login through the emulator, a setting the bot obeys at once,
a review decision with its DM, refusals, pages without JavaScript, accessibility, screenshots."""

from __future__ import annotations

import asyncio
import html
from datetime import timedelta

import pytest

from bot.content import load_content
from bot.db.repositories import MemberRepository
from bot.db.repositories.leaderboard import Result, add_result, season_of
from tests.browser.conftest import Site, check_accessibility, screenshot, utc_now
from tests.facts.conftest import label_of, run, submit

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"
PUBLIC_PAGES = ("/", "/facts", "/questions", "/songs", "/quotes")


async def wait_until(check, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_admin_moves_the_daily_post_and_the_bot_posts_at_the_new_time(site: Site) -> None:
    page = await site.page()
    await site.login(page, "admin")
    await page.get_by_role("link", name="Rocky Fan Club").click()
    await check_accessibility(page)
    announcements = site.guild.channel_named("announcements")
    later = (utc_now() + timedelta(hours=6)).strftime("%H:%M")
    await page.get_by_label("Daily quote channel").select_option(label="#announcements")
    await page.get_by_label("Daily quote on").check()
    await page.get_by_label("Time (24-hour").fill(later)
    await page.get_by_role("button", name="Save settings").click()
    await page.get_by_role("status").filter(has_text="Saved").wait_for()
    await asyncio.sleep(3)  # the scheduler looks every 1.2 s here: nothing is due yet
    assert site.discord.emu.channel_messages(announcements) == []
    just_passed = (utc_now() - timedelta(minutes=1)).strftime("%H:%M")
    await page.get_by_label("Time (24-hour").fill(just_passed)
    await page.get_by_role("button", name="Save settings").click()
    await page.get_by_role("status").filter(has_text="Saved 1 change").wait_for()
    await wait_until(lambda: bool(site.discord.emu.channel_messages(announcements)))
    [post] = site.discord.emu.channel_messages(announcements)
    assert post.embeds, post  # the daily quote, sent by the bot without a restart
    assert "daily_time" in await page.locator("#audit ~ div table").inner_text()
    await page.set_viewport_size({"width": 1200, "height": 1400})
    await screenshot(page, "web-dashboard.png")


async def test_a_moderator_approves_and_the_member_gets_the_dm_and_the_fact_is_served(
        site: Site) -> None:
    alice = site.discord.member("alice")
    text = "Rocky's famous steps run up to the Philadelphia Museum of Art, 72 of them."
    label = label_of(submit(site.discord, alice, text, film="Franchise"))
    page = await site.page()
    await site.login(page, "mod")
    await page.get_by_role("link", name="Rocky Fan Club").click()
    assert await page.get_by_role("button", name="Save settings").count() == 0  # queue only
    await page.get_by_role("button", name=f"Approve {label}").click()
    await page.get_by_role("status").filter(has_text=f"Approved {label}.").wait_for()
    await wait_until(lambda: any(f"**{label}**" in m.content
                                 for m in site.discord.emu.dms_to(alice)))
    [dm] = [m for m in site.discord.emu.dms_to(alice) if f"**{label}**" in m.content]
    assert "was approved on **Rocky Fan Club**" in dm.content
    franchise = sum("Franchise" in f.films for f in load_content(None).facts)
    channel = site.guild.channel_named("trivia")
    for _ in range(franchise + 2):  # the no-repeat cycle serves each fact once per round
        record = run(site.discord, site.discord.member("bob"), "random",
                     {"film": "Franchise"}, channel=channel)
        shown = site.discord.emu.message(record.original_message_id)
        if text in shown.text():  # a Components V2 message: the fact is its text
            break
    else:
        raise AssertionError("/fact random never served the approved fact")


async def test_a_member_and_a_forged_request_are_refused(site: Site) -> None:
    page = await site.page()
    await site.login(page, "alice")
    assert "The bot is in no server you manage" in await page.content()
    response = await page.goto(site.url(f"/dashboard/servers/{site.guild.id}"))
    assert response.status == 403
    assert "You can't manage this server" in html.unescape(await page.content())
    await check_accessibility(page)
    admin_page = await site.page()
    await site.login(admin_page, "admin")
    await admin_page.goto(site.url(f"/dashboard/servers/{site.guild.id}"))
    csrf = await admin_page.locator("input[name=csrf]").first.get_attribute("value")
    forged = await admin_page.context.request.post(
        site.url("/dashboard/servers/123456789012345678/settings"),
        form={"csrf": csrf, "daily_time": "01:00"}, max_redirects=0)
    assert forged.status == 403
    no_token = await admin_page.context.request.post(
        site.url(f"/dashboard/servers/{site.guild.id}/settings"),
        form={"csrf": "forged", "daily_time": "01:00"}, max_redirects=0)
    assert no_token.status == 403
    db = await site.database()
    try:
        from bot.db.repositories import GuildConfigRepository

        assert (await GuildConfigRepository(db).get(site.guild.id)).daily_time == "09:00"
    finally:
        await db.close()


async def test_public_pages_without_javascript_accessible_and_on_a_phone(site: Site) -> None:
    page = await site.page(javascript=False)
    for path in PUBLIC_PAGES:
        response = await page.goto(site.url(path))
        assert response.status == 200, path
        assert await page.locator("h1").count() == 1, path
    await page.goto(site.url("/questions?film=Rocky+IV"))
    answer = page.locator("details").first
    assert not await answer.get_attribute("open")
    await answer.locator("summary").click()  # <details> opens without any script
    assert await answer.get_attribute("open") is not None
    checked = await site.page()
    for path in (*PUBLIC_PAGES, "/dashboard", "/nowhere"):
        await checked.goto(site.url(path))
        await check_accessibility(checked)
    phone = await site.page(phone=True)
    await phone.goto(site.url("/quotes?film=Rocky+IV"))
    width = await phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page is wider than the phone"
    await screenshot(phone, "web-quotes-phone.png")


async def test_the_public_leaderboard_shows_scores_and_an_html_name_as_text(site: Site) -> None:
    bob, carol = site.discord.member("bob"), site.discord.member("carol")
    db = await site.database()
    try:
        now = utc_now()
        await MemberRepository(db).remember(site.guild.id, bob.user.id, XSS, now)
        await MemberRepository(db).remember(site.guild.id, carol.user.id, "carol", now)

        async def work(conn):  # type: ignore[no-untyped-def]
            season = await season_of(conn, site.guild.id, now)
            for user, points in ((bob.user.id, 1700), (carol.user.id, 650)):
                await add_result(conn, Result(site.guild.id, user, now.date(), ("Rocky",),
                                              points, True), season, answer_streak=1)
        await db.write(work)
    finally:
        await db.close()
    page = await site.page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    response = await page.goto(site.url(f"/servers/{site.guild.id}/leaderboard"))
    assert response.status == 404  # not published yet
    await site.configure(web_leaderboard=True)
    await page.goto(site.url(f"/servers/{site.guild.id}/leaderboard?period=all"))
    rows = page.locator("table.board tbody tr")
    assert await rows.count() == 2
    assert XSS in await rows.nth(0).inner_text()  # shown as the text it is
    assert await page.locator("table.board img").count() == 0 and dialogs == []
    assert "Club Fighter" in await rows.nth(0).inner_text()
    await check_accessibility(page)
    await screenshot(page, "web-leaderboard.png")
    await rows.nth(1).get_by_role("link").click()
    assert "Sparring Partner" in await page.locator("article").inner_text()
    await check_accessibility(page)
