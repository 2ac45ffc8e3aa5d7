"""The dashboard on both backends: login, who may do what (asked of Discord each time), every
setting, the review queue with the submitter's DM, CSRF, rate limits and what the log holds."""

from __future__ import annotations

import html
import logging
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.db.repositories import GuildConfigRepository
from bot.db.repositories.facts import FactRepository
from bot.domain.facts import Status
from bot.web.app import LOGIN_ATTEMPTS
from bot.web.session import COOKIE
from tests.web.conftest import SECRET, Web, remember


def settings_form(web: Web, csrf: str, **changes: object) -> dict[str, object]:
    """The settings form as the page sends it unchanged, with `changes` applied."""
    form: dict[str, object] = {
        "csrf": csrf, "daily_time": "09:00", "timezone": "UTC", "quiz_questions": "5",
        "quiz_seconds": "20", "daily_fact_channel_id": "", "daily_quote_channel_id": "",
        "daily_question_channel_id": "", "review_channel_id": "", "daily_ping_role_id": "",
        "moderator_role_id": ""}
    form.update({k: str(v) for k, v in changes.items()})
    return form


def films_form(form: dict[str, object], films: list[str]) -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in form.items()] + [("films", f) for f in films]


ALL_FILMS = ["Rocky", "Rocky II", "Rocky III", "Rocky IV", "Rocky V", "Rocky Balboa", "Creed",
             "Creed II", "Creed III"]


async def test_login_sets_a_signed_httponly_lax_cookie_and_logout_ends_it(web: Web) -> None:
    page = await web.page("/dashboard")
    assert "Log in with Discord" in page
    set_cookie = await web.login("admin")
    assert set_cookie.startswith(COOKIE + "=")
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    assert "Secure" not in set_cookie  # WEB_BASE_URL is http here
    assert SECRET not in set_cookie
    page = await web.page("/dashboard")
    assert "Rocky Fan Club" in page and "settings and review queue" in page
    csrf = await web.csrf("/dashboard")
    response = await web.client.post("/logout", data={"csrf": csrf}, allow_redirects=False)
    assert response.status == 303
    assert "Log in with Discord" in await web.page("/dashboard")


async def test_a_return_from_discord_with_another_state_is_refused(web: Web) -> None:
    await web.client.get("/login", allow_redirects=False)
    page = await web.page("/login/callback?code=whatever&state=forged", 400)
    assert "log in again" in page
    assert "Log in with Discord" in await web.page("/dashboard")  # not logged in


async def test_https_base_url_makes_the_cookie_secure(web: Web) -> None:
    web.ctx.secure_cookies = True  # what WEB_BASE_URL=https://... sets
    response = await web.client.get("/login", allow_redirects=False)
    assert "Secure" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]


async def test_logins_are_rate_limited(web: Web) -> None:
    for _ in range(LOGIN_ATTEMPTS):
        assert (await web.client.get("/login", allow_redirects=False)).status == 302
    page = await web.page("/login", 429)
    assert "wait a minute" in page


async def test_a_member_without_manage_server_sees_no_server_and_is_refused(web: Web) -> None:
    await web.login("alice")
    page = await web.page("/dashboard")
    assert "The bot is in no server you manage" in page
    refused = await web.page(f"/dashboard/servers/{web.guild_id}", 403)
    assert "You can't manage this server" in html.unescape(refused)
    before = await GuildConfigRepository(web.db).get(web.guild_id)
    response = await web.client.post(f"/dashboard/servers/{web.guild_id}/settings",
                                     data=settings_form(web, "anything", daily_time="10:00"))
    assert response.status == 403
    assert await GuildConfigRepository(web.db).get(web.guild_id) == before


async def test_admin_changes_settings_with_the_rules_of_config_and_an_audit_entry(
        web: Web) -> None:
    await web.login("admin")
    path = f"/dashboard/servers/{web.guild_id}"
    csrf = await web.csrf(path)
    trivia = web.discord.world.guild.channel_named("trivia")
    fans = web.discord.world.moderator_role
    form = settings_form(web, csrf, daily_time="7:05", timezone="europe/rome",
                         daily_fact_channel_id=trivia.id, daily_fact_enabled="on",
                         quiz_questions=12, daily_ping_role_id=fans.id, web_leaderboard="on")
    response = await web.client.post(f"{path}/settings", data=films_form(form, ALL_FILMS[:3]))
    page = await response.text()
    assert response.status == 200 and "Saved" in page, page
    config = await GuildConfigRepository(web.db).get(web.guild_id)
    assert (config.daily_time, config.timezone, config.daily_fact_channel_id) == (
        "07:05", "Europe/Rome", trivia.id)
    assert config.daily_fact_enabled and config.web_leaderboard and config.quiz_questions == 12
    assert config.enabled_films == frozenset(ALL_FILMS[:3])
    audit = await GuildConfigRepository(web.db).audit_log(web.guild_id)
    changed = {entry.setting: (entry.old_value, entry.new_value, entry.user_name, entry.via)
               for entry in audit}
    assert changed["daily_time"] == ("09:00", "07:05", "admin", "web")
    assert changed["enabled_films"][1] == "Rocky, Rocky II, Rocky III"
    assert "07:05" in page and "Audit log" in page  # the table shows it


@pytest.mark.parametrize(("field", "value", "sentence"), [
    ("daily_time", "25:00", "is not a time of day"),
    ("timezone", "Mars/Olympus", "Pick a timezone from the list"),
    ("quiz_seconds", "5", "`seconds` must be from 10 to 60"),
    ("daily_quote_enabled", "on", "Choose the daily quote's channel before turning it on"),
    ("review_channel_id", "123", "Pick the review channel from the list"),
])
async def test_an_invalid_value_is_explained_and_nothing_is_saved(
        web: Web, field: str, value: str, sentence: str) -> None:
    await web.login("admin")
    path = f"/dashboard/servers/{web.guild_id}"
    before = await GuildConfigRepository(web.db).get(web.guild_id)
    form = settings_form(web, await web.csrf(path), quiz_questions=9, **{field: value})
    response = await web.client.post(f"{path}/settings", data=films_form(form, ALL_FILMS))
    page = await response.text()
    assert response.status == 400 and sentence in html.unescape(page)
    assert "Nothing was saved" in page
    assert await GuildConfigRepository(web.db).get(web.guild_id) == before


async def test_no_films_is_refused(web: Web) -> None:
    await web.login("admin")
    path = f"/dashboard/servers/{web.guild_id}"
    form = settings_form(web, await web.csrf(path))
    response = await web.client.post(f"{path}/settings", data=films_form(form, []))
    assert response.status == 400 and "Keep at least one film on" in await response.text()


async def test_a_form_without_the_csrf_token_changes_nothing(web: Web) -> None:
    await web.login("admin")
    path = f"/dashboard/servers/{web.guild_id}"
    before = await GuildConfigRepository(web.db).get(web.guild_id)
    response = await web.client.post(f"{path}/settings", data=films_form(
        settings_form(web, "forged", daily_time="11:11"), ALL_FILMS))
    assert response.status == 403 and "did not come from this site" in await response.text()
    assert await GuildConfigRepository(web.db).get(web.guild_id) == before


async def test_a_forged_server_id_is_refused(web: Web) -> None:
    await web.login("admin")
    csrf = await web.csrf(f"/dashboard/servers/{web.guild_id}")
    other = web.discord.thread.do(lambda: web.discord.emu.add_guild("Elsewhere", channels=["x"]))
    await web.client.get("/")  # (the bot knows this server too, but admin is not in it)
    from bot.db.repositories import GuildRepository

    await GuildRepository(web.db).upsert_present(other.id, other.name, datetime.now(UTC))
    response = await web.client.post(f"/dashboard/servers/{other.id}/settings",
                                     data=films_form(settings_form(web, csrf), ALL_FILMS))
    assert response.status == 403
    assert await GuildConfigRepository(web.db).audit_log(other.id) == []


async def submit_fact(web: Web, who: str, text: str, guild: Any = None) -> int:
    member = web.discord.member(who)
    await remember(web.db, web.discord, member, guild=guild)
    submission = await FactRepository(web.db).submit(
        (guild or web.discord.world.guild).id, member.user.id, text, "Rocky", None,
        datetime.now(UTC))
    return submission.id


async def test_a_moderator_sees_only_the_queue_and_approval_sends_the_same_dm(web: Web) -> None:
    submission_id = await submit_fact(web, "carol", "Stallone wrote the first script in days.")
    carol = web.discord.member("carol")
    before = len(web.discord.emu.dms_to(carol))  # (the emulator serves both backends' runs)
    await web.login("mod")
    path = f"/dashboard/servers/{web.guild_id}"
    page = await web.page(path)
    assert "Facts waiting for review" in page and "Save settings" not in page
    assert "Audit log" not in page
    response = await web.client.post(f"{path}/settings", data=films_form(
        settings_form(web, await web.csrf(path)), ALL_FILMS))
    assert response.status == 403  # settings are for admins
    response = await web.client.post(f"{path}/review/{submission_id}",
                                     data={"csrf": await web.csrf(path), "action": "approve"})
    page = await response.text()
    assert f"Approved s{submission_id}." in page and "No facts are waiting" in page
    decided = await FactRepository(web.db).get(web.guild_id, submission_id)
    assert decided is not None and decided.status is Status.APPROVED
    dms = web.discord.emu.dms_to(carol)[before:]
    assert len(dms) == 1 and f"**s{submission_id}**" in dms[0].content
    assert "was approved on **Rocky Fan Club**" in dms[0].content


async def test_reject_with_a_reason_and_forged_or_decided_ids_change_nothing(web: Web) -> None:
    first = await submit_fact(web, "bob", "Rocky was filmed in twenty eight days flat.")
    bob = web.discord.member("bob")
    before = len(web.discord.emu.dms_to(bob))
    await web.login("admin")
    path = f"/dashboard/servers/{web.guild_id}"
    csrf = await web.csrf(path)
    response = await web.client.post(f"{path}/review/{first}", data={
        "csrf": csrf, "action": "reject", "reason": "Needs a <b>source</b>"})
    assert f"Rejected s{first}." in await response.text()
    [dm] = web.discord.emu.dms_to(bob)[before:]
    assert "not accepted" in dm.content and "Needs a <b>source</b>" in dm.content
    again = await web.client.post(f"{path}/review/{first}",
                                  data={"csrf": csrf, "action": "approve"})
    assert again.status == 400 and "already rejected" in await again.text()
    other = web.discord.thread.do(lambda: web.discord.emu.add_guild("Other", channels=["y"]))
    from bot.db.repositories import GuildRepository

    await GuildRepository(web.db).upsert_present(other.id, other.name, datetime.now(UTC))
    foreign = await submit_fact(web, "admin", "A fact waiting on another server entirely.",
                                guild=other)
    forged = await web.client.post(f"{path}/review/{foreign}",
                                   data={"csrf": csrf, "action": "approve"})
    assert forged.status == 400 and "nothing was changed" in await forged.text()
    still = await FactRepository(web.db).get(other.id, foreign)
    assert still is not None and still.status is Status.PENDING


async def test_the_log_holds_no_code_state_cookie_or_secret(
        web: Web, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await web.login("admin")
    await web.page(f"/dashboard/servers/{web.guild_id}")
    cookie = web.client.session.cookie_jar.filter_cookies(web.client.make_url("/"))[COOKIE]
    text = caplog.text
    assert "logged in" in text
    for secret in (SECRET, cookie.value, web.discord.emu.oauth2.app.client_secret,
                   "code=", "state="):
        assert secret not in text
