"""The web app on the backend under test, against an emulator playing Discord (REST and OAuth2).

`web` is an aiohttp test client on the real application; `login(who)` goes through the whole
OAuth2 flow: the app's /login, the emulator's /oauth2/authorize (approving as that member), and
back to the app's callback with the code and the state.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import aiohttp
import discord as discordpy
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.content import load_content
from bot.db import Database
from bot.db.database import Connection
from bot.db.repositories import GuildRepository, MemberRepository
from bot.db.repositories.leaderboard import Result, add_result, season_of
from bot.emulator.model import Member
from bot.emulator.oauth2 import OAuth2App
from bot.settings import Settings
from bot.web.app import CALLBACK_PATH, RUNNER_OPTIONS, WebContext, create_app
from bot.web.discord_api import BotRest, OAuth2Client
from tests.conftest import Discord
from tests.support.botproc import TEST_TOKEN

BASE_URL = "http://web.test"
SECRET = "test-web-secret-" + "x" * 32
CONTENT = load_content(None)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="module")
def web_discord() -> Iterator[Discord]:
    discord = Discord(oauth2=OAuth2App(redirect_uris=[BASE_URL + CALLBACK_PATH]))
    yield discord
    discord.stop()


@dataclass
class Web:
    client: TestClient
    ctx: WebContext
    discord: Discord
    db: Database

    @property
    def guild_id(self) -> int:
        return self.discord.world.guild.id

    async def login(self, who: str) -> str:
        """Log in as the demo member `who`; returns the Set-Cookie header of the login."""
        member = self.discord.member(who)
        started = await self.client.get("/login", allow_redirects=False)
        assert started.status == 302, await started.text()
        authorize = started.headers["Location"]
        async with aiohttp.ClientSession() as browser, browser.get(
                authorize + f"&approve_as={member.user.id}", allow_redirects=False) as back:
            assert back.status == 302, await back.text()
            callback = back.headers["Location"]
        assert callback.startswith(BASE_URL + CALLBACK_PATH)
        done = await self.client.get(callback.removeprefix(BASE_URL), allow_redirects=False)
        assert done.status == 303, await done.text()
        return done.headers["Set-Cookie"]

    async def page(self, path: str, status: int = 200) -> str:
        response = await self.client.get(path)
        text = await response.text()
        assert response.status == status, text
        return text

    async def csrf(self, path: str) -> str:
        match = CSRF.search(await self.page(path))
        assert match, "no form on " + path
        return match[1]

    async def score(self, member: Member, points: int, *, answers: int = 1,
                    name: str | None = None) -> None:
        """Record `answers` answers worth `points` in all, as the quiz would."""
        await remember(self.db, self.discord, member, name)
        guild_id, now = self.guild_id, datetime.now(UTC)

        async def work(conn: Connection) -> None:
            season = await season_of(conn, guild_id, now)
            for i in range(answers):
                share = points if i == 0 else 0
                await add_result(conn, Result(guild_id, member.user.id, date.today(),
                                              ("Rocky",), share, True), season, answer_streak=i + 1)
        await self.db.write(work)


async def remember(db: Database, discord: Discord, member: Member,
                   name: str | None = None, guild: Any = None) -> None:
    guild = guild or discord.world.guild
    await GuildRepository(db).upsert_present(guild.id, guild.name, datetime.now(UTC))
    await MemberRepository(db).remember(guild.id, member.user.id,
                                        name or member.user.username, datetime.now(UTC))


def web_settings(database: Database, discord: Discord, **overrides: Any) -> Settings:
    values: dict[str, Any] = dict(
        token=TEST_TOKEN, database=database.url, api_base=discord.emu.api_base,
        web_secret=SECRET, client_id=str(discord.emu.application_id),
        client_secret=discord.emu.oauth2.app.client_secret, web_base_url=BASE_URL)
    return Settings(**(values | overrides))


@pytest.fixture()
async def web(database: Database, web_discord: Discord,
              monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Web]:
    monkeypatch.setattr(discordpy.http.Route, "BASE", web_discord.emu.api_base)
    settings = web_settings(database, web_discord)
    assert settings.client_id and settings.client_secret
    oauth = OAuth2Client(settings.api_base, settings.client_id, settings.client_secret,
                         BASE_URL + CALLBACK_PATH)
    bot = BotRest(TEST_TOKEN)
    await bot.start()
    ctx = WebContext(settings, database, CONTENT, BASE_URL, oauth, bot)
    ctx.http = aiohttp.ClientSession()
    await remember(database, web_discord, web_discord.member("admin"))
    server = TestServer(create_app(ctx))
    await server.start_server(**RUNNER_OPTIONS)  # as `rocky-bot web` runs it
    client = TestClient(server)
    await client.start_server()
    try:
        yield Web(client, ctx, web_discord, database)
    finally:
        await client.close()
        await ctx.http.close()
        await bot.close()
