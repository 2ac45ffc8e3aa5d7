"""The web application: its context, the middlewares every page goes through, and start-up."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from bot.content.models import ContentLibrary
from bot.db import Database
from bot.db.repositories import GuildConfigRepository, GuildRepository, MemberRepository
from bot.db.repositories.facts import FactRepository
from bot.db.repositories.leaderboard import LeaderboardRepository
from bot.db.repositories.schedule import ScheduleRepository
from bot.errors import UserFacingError
from bot.settings import Settings
from bot.web.discord_api import BotRest, OAuth2Client
from bot.web.pages import Pages
from bot.web.session import COOKIE, LIFETIME, SESSION, Session, SessionCodec

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
CALLBACK_PATH = "/login/callback"
LOGIN_ATTEMPTS = 10  # logins (and returns from Discord) per address...
LOGIN_WINDOW = 60.0  # ...within this many seconds
CONTEXT: web.AppKey[WebContext] = web.AppKey("context")


class RateLimiter:
    """At most `limit` events per key within `window` seconds (a sliding window)."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self.limit, self.window, self._clock = limit, window, clock
        self._events: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, key: str) -> bool:
        now = self._clock()
        events = self._events[key]
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        return True


@dataclass
class WebContext:
    settings: Settings
    db: Database
    content: ContentLibrary
    base_url: str
    oauth: OAuth2Client | None  # None: the dashboard is not set up (public pages still work)
    bot: BotRest | None
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    logins: RateLimiter = field(default_factory=lambda: RateLimiter(LOGIN_ATTEMPTS, LOGIN_WINDOW))
    http: aiohttp.ClientSession | None = None

    def __post_init__(self) -> None:
        assert self.settings.web_secret is not None
        self.codec = SessionCodec(self.settings.web_secret)
        self.secure_cookies = self.base_url.startswith("https://")
        self.pages = Pages(self.base_url)
        self.guild_config = GuildConfigRepository(self.db)
        self.guilds = GuildRepository(self.db)
        self.boards = LeaderboardRepository(self.db, self.clock)
        self.facts = FactRepository(self.db)
        self.members = MemberRepository(self.db)
        self.schedule = ScheduleRepository(self.db)


def context_of(request: web.Request) -> WebContext:
    return request.app[CONTEXT]


def session_of(request: web.Request) -> Session:
    return request[SESSION]


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# What the browser may load and where forms may go: this site only (no inline script at all).
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                "script-src 'self'; frame-ancestors 'none'; form-action 'self'; "
                                "base-uri 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

ERROR_SENTENCES = {
    400: "That request was not understood; go back, reload the page and try again.",
    403: "You are not allowed to do that here; log in as a member who manages this server.",
    404: "There is nothing at this address; check the link, or start again from the home page.",
    405: "That address does not take this kind of request; go back and use the page's buttons.",
    413: "That was more than this site accepts; send less.",
    429: "Too many attempts from your address; wait a minute, then try again.",
}


@web.middleware
async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure is a page with a sentence saying what to do."""
    ctx = context_of(request)
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:  # a redirect: returned, so the session middleware saves the cookie
            return web.Response(status=exc.status, headers=exc.headers)
        sentence = exc.text if exc.text and not exc.text.startswith(str(exc.status)) \
            else ERROR_SENTENCES.get(exc.status, "Something went wrong; go back and try again.")
        return ctx.pages.error(request, exc.status, sentence)
    except UserFacingError as exc:
        return ctx.pages.error(request, 400, exc.message)
    except Exception:
        error_id = secrets.token_hex(4)
        log.exception("web error %s on %s %s", error_id, request.method, request.path)
        return ctx.pages.error(
            request, 500, "Something went wrong on our side; try again in a minute. If it "
                          f"keeps happening, tell the bot's admins the error id {error_id}.")


@web.middleware
async def sessions(request: web.Request, handler: Handler) -> web.StreamResponse:
    ctx = context_of(request)
    session = ctx.codec.load(request.cookies.get(COOKIE))
    request[SESSION] = session
    response = await handler(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if session.changed:
        if session:
            response.set_cookie(COOKIE, ctx.codec.dump(session), max_age=LIFETIME, path="/",
                                httponly=True, samesite="Lax", secure=ctx.secure_cookies)
        else:
            response.del_cookie(COOKIE, path="/")
    if "uid" in session:
        response.headers["Cache-Control"] = "no-store"  # a member's page is theirs alone
    return response


class PathOnlyAccessLogger(AbstractAccessLogger):
    """The access log without query strings: a login's return carries its code and state."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %s %s %.1fms", request.remote, request.method, request.path,
                         response.status, time * 1000)

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)


# How the server runs, in production and under test alike: an access log without query strings.
RUNNER_OPTIONS: dict[str, Any] = {"access_log_class": PathOnlyAccessLogger}


def create_app(ctx: WebContext) -> web.Application:
    from bot.web import dashboard, public

    app = web.Application(middlewares=[sessions, error_pages], client_max_size=64 * 1024)
    app[CONTEXT] = ctx
    public.add_routes(app)
    dashboard.add_routes(app)
    app.router.add_static("/static", STATIC, name="static", append_version=False)
    return app


async def serve(settings: Settings) -> int:
    """`rocky-bot web`: open the database and Discord's REST client, serve until stopped."""
    from bot.runner import StartupError, open_resources, point_discord_at

    point_discord_at(settings)
    try:
        database, content = await open_resources(settings)
    except StartupError:
        raise
    base_url = settings.web_base_url or f"http://{settings.web_host}:{settings.web_port}"
    oauth = None
    if settings.client_id and settings.client_secret:
        oauth = OAuth2Client(settings.api_base, settings.client_id, settings.client_secret,
                             base_url + CALLBACK_PATH)
    bot = BotRest(settings.token) if settings.token else None
    ctx = WebContext(settings, database, content, base_url, oauth, bot)
    if oauth is None or bot is None:
        log.warning("the dashboard is off: it needs DISCORD_TOKEN, DISCORD_CLIENT_ID and "
                    "DISCORD_CLIENT_SECRET (the public pages work without them)")
    runner = web.AppRunner(create_app(ctx), **RUNNER_OPTIONS)
    try:
        if bot is not None:
            await bot.start()
        ctx.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        await runner.setup()
        site = web.TCPSite(runner, settings.web_host, settings.web_port)
        await site.start()
        log.info("web pages ready: listening on %s:%s, public address %s",
                 settings.web_host, settings.web_port, base_url)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        import signal

        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()
        if ctx.http is not None:
            await ctx.http.close()
        if bot is not None:
            await bot.close()
        await database.close()
    return 0
