"""The emulator as Discord's OAuth2 provider, driven with aiohttp as a web app's login would:
authorize, trade the code, refresh, read /users/@me and /users/@me/guilds, and Discord's errors."""

from __future__ import annotations

import asyncio
import base64
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import yarl

from bot.emulator import Emulator
from bot.emulator.demo import DemoWorld, build_demo
from bot.emulator.oauth2 import OAuth2App
from bot.emulator.permissions import (
    ALL_PERMISSIONS,
    DEFAULT_EVERYONE,
    MANAGE_GUILD,
    MANAGE_MESSAGES,
)

CALLBACK = "http://127.0.0.1:9/auth/callback"  # never contacted: redirects are not followed
SECRET = "s3cret"
USER_REQUIRED = {"id", "username", "avatar", "discriminator", "public_flags", "flags",
                 "global_name", "mfa_enabled", "locale"}  # UserPIIResponse in Discord's spec
GUILD_REQUIRED = {"id", "name", "icon", "banner", "owner", "permissions", "features"}
UNAUTHORIZED = {"message": "401: Unauthorized", "code": 0}


class WebApp:
    """What a dashboard's login does, over HTTP only."""

    def __init__(self, emu: Emulator, http: aiohttp.ClientSession) -> None:
        self.emu = emu
        self.http = http
        self.root = f"http://127.0.0.1:{emu.port}"

    async def authorize(self, redirect_uri: str = CALLBACK, **query: Any) -> aiohttp.ClientResponse:
        params = {"response_type": "code", "client_id": self.emu.oauth2.client_id,
                  "redirect_uri": redirect_uri, "scope": "identify guilds", "state": "xyz"}
        params.update({k: str(v) for k, v in query.items()})
        path = params.pop("path", "/oauth2/authorize")
        async with self.http.get(f"{self.root}{path}", params=params,
                                 allow_redirects=False) as response:
            await response.read()
            return response

    async def code_for(self, user_id: int, **query: Any) -> str:
        response = await self.authorize(approve_as=user_id, **query)
        assert response.status == 302, await response.text()
        location = yarl.URL(response.headers["Location"])
        assert str(location.with_query(None)) == CALLBACK
        assert location.query["state"] == "xyz"
        return location.query["code"]

    async def token(self, form: dict[str, str], *, basic: tuple[str, str] | None = None,
                    path: str = "/api/v10/oauth2/token") -> tuple[int, dict[str, Any]]:
        headers = {}
        if basic is not None:
            headers["Authorization"] = "Basic " + base64.b64encode(
                f"{basic[0]}:{basic[1]}".encode()).decode()
        async with self.http.post(f"{self.root}{path}", data=form, headers=headers) as response:
            return response.status, await response.json()

    def exchange_form(self, code: str, **overrides: str) -> dict[str, str]:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
                "client_id": self.emu.oauth2.client_id, "client_secret": SECRET}
        form.update(overrides)
        return form

    async def login(self, user_id: int, **query: Any) -> dict[str, Any]:
        status, body = await self.token(self.exchange_form(await self.code_for(user_id, **query)))
        assert status == 200, body
        return body

    async def get(self, path: str, access_token: str, **params: str) -> tuple[int, Any]:
        async with self.http.get(f"{self.emu.api_base}{path}", params=params,
                                 headers={"Authorization": f"Bearer {access_token}"}) as response:
            assert response.content_type == "application/json"
            return response.status, await response.json()


@pytest.fixture()
async def world() -> AsyncIterator[tuple[Emulator, DemoWorld]]:
    emulator = Emulator(token="bot-token", oauth2=OAuth2App(client_secret=SECRET,
                                                             redirect_uris=[CALLBACK]))
    demo = build_demo(emulator)
    other = emulator.add_guild("Other server")
    emulator.add_member(other, "alice")  # alice is in both servers; bob in the demo only
    await emulator.start()
    yield emulator, demo
    await emulator.stop()


@pytest.fixture()
async def web(world) -> AsyncIterator[WebApp]:
    async with aiohttp.ClientSession() as http:
        yield WebApp(world[0], http)


def _id(world, name: str) -> int:
    return world[1].members[name].user.id


# -- the happy path ---------------------------------------------------------------------------
async def test_login_as_a_member_gives_a_bearer_token_for_their_user_and_servers(world, web):
    emu, demo = world
    alice = demo.members["alice"].user
    body = await web.login(alice.id)
    assert body["token_type"] == "Bearer" and body["scope"] == "identify guilds"
    assert body["expires_in"] == 604800 and body["access_token"] and body["refresh_token"]

    status, me = await web.get("/users/@me", body["access_token"])
    assert status == 200 and USER_REQUIRED <= set(me)
    assert me["id"] == str(alice.id) and me["username"] == "alice"

    status, guilds = await web.get("/users/@me/guilds", body["access_token"])
    assert status == 200
    assert [int(g["id"]) for g in guilds] == sorted(
        g.id for g in emu.guilds.values() if alice.id in g.members)
    assert {g["name"] for g in guilds} == {"Rocky Fan Club", "Other server"}
    for guild in guilds:
        assert GUILD_REQUIRED <= set(guild)
        assert guild["owner"] is False
        assert guild["permissions"] == str(DEFAULT_EVERYONE)


async def test_permissions_and_owner_say_who_may_manage_a_server(world, web):
    emu = world[0]
    expected = {
        "admin": (False, ALL_PERMISSIONS),  # the Administrator role grants everything
        "mod": (False, DEFAULT_EVERYONE | MANAGE_MESSAGES),
        "bob": (False, DEFAULT_EVERYONE),
    }
    for name, (owner, permissions) in expected.items():
        token = (await web.login(_id(world, name)))["access_token"]
        [guild] = (await web.get("/users/@me/guilds", token))[1]
        assert (guild["owner"], int(guild["permissions"])) == (owner, permissions), name
    assert ALL_PERMISSIONS & MANAGE_GUILD and not DEFAULT_EVERYONE & MANAGE_GUILD
    token = (await web.login(emu.owner.id))["access_token"]
    guilds = (await web.get("/users/@me/guilds", token))[1]
    assert len(guilds) == 2
    assert all(g["owner"] is True and g["permissions"] == str(ALL_PERMISSIONS) for g in guilds)


async def test_client_credentials_may_come_as_http_basic_auth(world, web):
    code = await web.code_for(_id(world, "bob"))
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
    status, body = await web.token(form, basic=(web.emu.oauth2.client_id, SECRET))
    assert status == 200 and body["token_type"] == "Bearer"


async def test_a_setting_chooses_who_approves_without_a_page(world, web):
    web.emu.oauth2.app.approve_as = _id(world, "carol")
    response = await web.authorize()
    assert response.status == 302
    code = yarl.URL(response.headers["Location"]).query["code"]
    body = (await web.token(web.exchange_form(code)))[1]
    assert (await web.get("/users/@me", body["access_token"]))[1]["username"] == "carol"


async def test_the_page_lists_every_member_with_a_link_and_a_cancel(world, web):
    emu, demo = world
    xss = emu.add_member(demo.guild, "<img src=x onerror=alert(1)>")
    response = await web.authorize()
    assert response.status == 200 and response.content_type == "text/html"
    page = await response.text()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    links = re.findall(r'<a href="([^"]+)">Authorize as ([^<]+)</a>', page)
    humans = {u.id for u in emu.users.values() if not u.bot}
    assert {int(yarl.URL(h.replace("&amp;", "&")).query["approve_as"]) for h, _ in links} == humans
    assert xss.user.id in humans and emu.bot_user.id not in humans
    # Following carol's link approves as carol.
    href = next(h for h, label in links if label.startswith("carol "))
    async with web.http.get(web.root + href.replace("&amp;", "&"),
                            allow_redirects=False) as clicked:
        code = yarl.URL(clicked.headers["Location"]).query["code"]
    body = (await web.token(web.exchange_form(code)))[1]
    assert (await web.get("/users/@me", body["access_token"]))[1]["username"] == "carol"
    # Cancel sends the browser back with access_denied and the state.
    cancel = re.search(r'<a href="([^"]+)">Cancel</a>', page)[1].replace("&amp;", "&")
    async with web.http.get(web.root + cancel, allow_redirects=False) as cancelled:
        back = yarl.URL(cancelled.headers["Location"])
    assert back.query["error"] == "access_denied" and back.query["state"] == "xyz"
    assert "code" not in back.query


@pytest.mark.parametrize(("authorize", "token"), [
    ("/oauth2/authorize", "/api/v10/oauth2/token"),
    ("/api/oauth2/authorize", "/api/oauth2/token"),
    ("/api/v10/oauth2/authorize", "/api/v10/oauth2/token"),
])
async def test_the_endpoints_answer_with_and_without_the_api_version(world, web, authorize,
                                                                     token):
    code = await web.code_for(_id(world, "bob"), path=authorize)
    status, body = await web.token(web.exchange_form(code), path=token)
    assert status == 200 and body["token_type"] == "Bearer"


# -- authorize refusals -----------------------------------------------------------------------
async def test_an_unregistered_redirect_uri_is_refused_without_redirecting(world, web):
    response = await web.authorize("http://evil.example/steal", approve_as=_id(world, "bob"))
    assert response.status == 400 and "Location" not in response.headers
    assert "Invalid OAuth2 redirect_uri" in await response.text()
    near_miss = await web.authorize(CALLBACK + "/", approve_as=_id(world, "bob"))
    assert near_miss.status == 400 and "Location" not in near_miss.headers


async def test_an_unknown_client_id_is_refused(world, web):
    response = await web.authorize(client_id="123", approve_as=_id(world, "bob"))
    assert response.status == 400 and "Location" not in response.headers


@pytest.mark.parametrize(("query", "error"), [
    ({"scope": "identify bot"}, "invalid_scope"),
    ({"scope": ""}, "invalid_scope"),
    ({"response_type": "token"}, "unsupported_response_type"),
])
async def test_a_bad_request_goes_back_to_the_app_with_an_error(world, web, query, error):
    response = await web.authorize(approve_as=_id(world, "bob"), **query)
    assert response.status == 302
    back = yarl.URL(response.headers["Location"])
    assert back.query["error"] == error and back.query["state"] == "xyz"
    assert "code" not in back.query


async def test_approving_as_an_unknown_user_or_the_bot_is_refused(world, web):
    for who in (123456, web.emu.bot_user.id, "someone"):
        response = await web.authorize(approve_as=who)
        assert response.status == 400 and "Location" not in response.headers


# -- token refusals ---------------------------------------------------------------------------
async def test_a_code_is_single_use(world, web):
    code = await web.code_for(_id(world, "bob"))
    assert (await web.token(web.exchange_form(code)))[0] == 200
    assert await web.token(web.exchange_form(code)) == (
        400, {"error": "invalid_grant", "error_description": 'Invalid "code" in request.'})


async def test_an_unknown_code_is_an_invalid_grant(world, web):
    assert await web.token(web.exchange_form("made-up")) == (
        400, {"error": "invalid_grant", "error_description": 'Invalid "code" in request.'})


async def test_a_code_expires(world, web):
    web.emu.oauth2.app.code_lifetime = 0.1  # Discord's 10 minutes, shortened
    fresh = await web.code_for(_id(world, "bob"))
    stale = await web.code_for(_id(world, "bob"))
    assert (await web.token(web.exchange_form(fresh)))[0] == 200
    await asyncio.sleep(0.2)
    assert await web.token(web.exchange_form(stale)) == (
        400, {"error": "invalid_grant", "error_description": 'Invalid "code" in request.'})


async def test_the_redirect_uri_must_match_the_authorize_request(world, web):
    second = "http://127.0.0.1:9/other/callback"
    web.emu.oauth2.app.redirect_uris.append(second)
    code = await web.code_for(_id(world, "bob"))
    assert await web.token(web.exchange_form(code, redirect_uri=second)) == (
        400, {"error": "invalid_grant",
              "error_description": 'Invalid "redirect_uri" in request.'})


@pytest.mark.parametrize("credentials", [
    {"client_secret": "wrong"}, {"client_id": "1234"}, {"client_secret": ""}])
async def test_wrong_client_credentials_are_an_invalid_client(world, web, credentials):
    code = await web.code_for(_id(world, "bob"))
    assert await web.token(web.exchange_form(code, **credentials)) == (
        401, {"error": "invalid_client"})
    status, _ = await web.token(web.exchange_form(code, client_id="", client_secret=""),
                                basic=(web.emu.oauth2.client_id, "wrong"))
    assert status == 401


async def test_only_form_bodies_and_known_grant_types_are_accepted(world, web):
    code = await web.code_for(_id(world, "bob"))
    async with web.http.post(f"{web.emu.api_base}/oauth2/token",
                             json=web.exchange_form(code)) as response:
        assert response.status == 400
        assert (await response.json())["error"] == "unsupported_grant_type"
    status, body = await web.token(web.exchange_form(code, grant_type="password"))
    assert (status, body["error"]) == (400, "unsupported_grant_type")


# -- refresh, revoke and Bearer refusals ------------------------------------------------------
async def test_a_refresh_token_gives_a_new_pair_and_retires_the_old_one(world, web):
    first = await web.login(_id(world, "bob"))
    form = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"],
            "client_id": web.emu.oauth2.client_id, "client_secret": SECRET}
    status, second = await web.token(form)
    assert status == 200 and second["scope"] == "identify guilds"
    assert second["access_token"] != first["access_token"]
    assert (await web.get("/users/@me", second["access_token"]))[1]["username"] == "bob"
    assert await web.get("/users/@me", first["access_token"]) == (401, UNAUTHORIZED)
    assert await web.token(form) == (
        400, {"error": "invalid_grant", "error_description": 'Invalid "refresh_token" in request.'})


async def test_a_bad_bearer_token_is_401_unauthorized(world, web):
    assert await web.get("/users/@me", "not-a-token") == (401, UNAUTHORIZED)
    assert await web.get("/users/@me/guilds", "not-a-token") == (401, UNAUTHORIZED)


async def test_an_access_token_expires(world, web):
    web.emu.oauth2.app.token_lifetime = 0.1
    token = (await web.login(_id(world, "bob")))["access_token"]
    assert (await web.get("/users/@me", token))[0] == 200
    await asyncio.sleep(0.2)
    assert await web.get("/users/@me", token) == (401, UNAUTHORIZED)


async def test_a_token_reads_only_within_its_scopes(world, web):
    identify_only = (await web.login(_id(world, "bob"), scope="identify"))["access_token"]
    assert (await web.get("/users/@me", identify_only))[0] == 200
    assert await web.get("/users/@me/guilds", identify_only) == (401, UNAUTHORIZED)
    guilds_only = (await web.login(_id(world, "bob"), scope="guilds"))["access_token"]
    assert (await web.get("/users/@me/guilds", guilds_only))[0] == 200
    assert await web.get("/users/@me", guilds_only) == (401, UNAUTHORIZED)


async def test_a_bearer_token_opens_no_bot_route(world, web):
    demo = world[1]
    token = (await web.login(_id(world, "admin")))["access_token"]
    channel = demo.guild.channel_named("general")
    assert await web.get(f"/channels/{channel.id}", token) == (401, UNAUTHORIZED)
    assert await web.get("/oauth2/applications/@me", token) == (401, UNAUTHORIZED)


async def test_revoking_a_token_logs_out(world, web):
    body = await web.login(_id(world, "bob"))
    status, _ = await web.token({"token": body["access_token"]},
                                basic=(web.emu.oauth2.client_id, SECRET),
                                path="/api/v10/oauth2/token/revoke")
    assert status == 200
    assert await web.get("/users/@me", body["access_token"]) == (401, UNAUTHORIZED)
    refresh = {"grant_type": "refresh_token", "refresh_token": body["refresh_token"],
               "client_id": web.emu.oauth2.client_id, "client_secret": SECRET}
    assert (await web.token(refresh))[0] == 400


async def test_current_authorization_shows_scopes_and_user(world, web):
    body = await web.login(_id(world, "bob"))
    status, info = await web.get("/oauth2/@me", body["access_token"])
    assert status == 200 and info["scopes"] == ["identify", "guilds"]
    assert info["user"]["username"] == "bob"
    assert info["application"]["id"] == web.emu.oauth2.client_id


# -- the server list --------------------------------------------------------------------------
async def test_the_server_list_pages_and_counts(world, web):
    emu, _ = world
    token = (await web.login(emu.owner.id))["access_token"]
    extra = [emu.add_guild(f"Extra {n}") for n in range(3)]
    ids = sorted(g.id for g in emu.guilds.values())
    assert len(ids) == 5 and extra
    page = (await web.get("/users/@me/guilds", token, limit="2"))[1]
    assert [int(g["id"]) for g in page] == ids[:2]
    page = (await web.get("/users/@me/guilds", token, limit="2", after=str(ids[1])))[1]
    assert [int(g["id"]) for g in page] == ids[2:4]
    page = (await web.get("/users/@me/guilds", token, limit="2", before=str(ids[4])))[1]
    assert [int(g["id"]) for g in page] == ids[2:4]
    [counted] = (await web.get("/users/@me/guilds", token, limit="1", with_counts="true"))[1]
    assert counted["approximate_member_count"] == len(emu.guilds[ids[0]].members)
    assert "approximate_member_count" not in page[0]
    assert (await web.get("/users/@me/guilds", token, limit="201"))[0] == 400


async def test_with_the_bot_token_the_server_list_is_the_bots(world, web):
    emu, _ = world
    async with web.http.get(f"{emu.api_base}/users/@me/guilds",
                            headers={"Authorization": "Bot bot-token"}) as response:
        guilds = await response.json()
    assert {int(g["id"]) for g in guilds} == set(emu.guilds)
    async with web.http.get(f"{emu.api_base}/users/@me",
                            headers={"Authorization": "Bot bot-token"}) as response:
        assert (await response.json())["id"] == str(emu.bot_user.id)
