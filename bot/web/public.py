"""The public pages: a server's leaderboard and member cards (when its admins publish them),
and the content catalogue. Server-rendered, no JavaScript, no cookies needed."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from aiohttp import web

from bot.db.repositories.leaderboard import MIN_ANSWERS_FOR_ACCURACY, SORTS
from bot.domain.daily import PERIODS, local_day, period_start
from bot.domain.films import DIFFICULTIES, FILM_TAGS, TOPICS
from bot.domain.ranks import LADDER, rank_for
from bot.ui.quiz import board_heading, stats_figures
from bot.web.app import context_of

ITEMS_PER_PAGE = 50
# A shared leaderboard link can draw many views at once: each page is rendered at most once per
# this many seconds, so a busy link costs the database nothing extra. Scores show this late.
BOARD_CACHE_SECONDS = 2.0
BOARD_CACHE_SIZE = 1024
PERIOD_NAMES = {"week": "Last 7 days", "month": "Last 30 days", "all": "This season"}
T = TypeVar("T")


def choice(request: web.Request, name: str, allowed: Sequence[str], default: str) -> str:
    """A query value from a fixed list; anything else is the default (links stay forgiving)."""
    value = request.query.get(name, default)
    return value if value in allowed else default


def whole(request: web.Request, name: str, default: int | None) -> int | None:
    value = request.query.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else default


def snowflake(request: web.Request, name: str) -> int:
    value = request.match_info[name]
    if not value.isdigit() or len(value) > 20:
        raise web.HTTPNotFound()
    return int(value)


class PageCache:
    def __init__(self, seconds: float, size: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds, self.size, self._clock = seconds, size, clock
        self._pages: dict[tuple[Any, ...], tuple[float, web.Response]] = {}

    def get(self, key: tuple[Any, ...]) -> web.Response | None:
        found = self._pages.get(key)
        if found is None or found[0] < self._clock():
            return None
        cached = found[1]
        return web.Response(body=cached.body, status=cached.status,
                            content_type=cached.content_type, charset=cached.charset)

    def put(self, key: tuple[Any, ...], response: web.Response) -> None:
        if len(self._pages) >= self.size:
            self._pages.clear()  # crude, and enough: entries live two seconds
        self._pages[key] = (self._clock() + self.seconds, response)


BOARD_CACHE = web.AppKey("board_cache", PageCache)


async def leaderboard(request: web.Request) -> web.Response:
    ctx = context_of(request)
    guild_id = snowflake(request, "guild")
    period = choice(request, "period", PERIODS, "all")
    sort = choice(request, "sort", SORTS, "points")
    page = whole(request, "page", 1) or 1
    season = whole(request, "season", None)
    key = (guild_id, period, sort, page, season)
    cache = request.app[BOARD_CACHE]
    cached = cache.get(key)
    if cached is not None:
        return cached
    name = await ctx.guilds.name_of(guild_id)
    config = await ctx.guild_config.get(guild_id) if name is not None else None
    if config is None or not config.web_leaderboard:
        raise web.HTTPNotFound()  # off, or no such server: the same plain 404
    current = await ctx.boards.current_season(guild_id)
    if season is None or season > current or season < 1:
        season = current
    if season != current:
        period = "all"  # a finished season is shown whole
    today = local_day(ctx.clock(), config.timezone)
    board = await ctx.boards.board(scope="server", guild_id=guild_id,
                                   since=period_start(today, period), sort=sort, page=page,
                                   season=season, public=True)
    lifetime = await ctx.boards.lifetime_points(guild_id, [row.user_id for row in board.rows])
    rows = [(row, rank_for(lifetime.get(row.user_id, 0)).rank.title) for row in board.rows]
    seasons = await ctx.boards.seasons(guild_id)
    heading = board_heading("server", period, sort, season)
    response = ctx.pages.render(
        request, "leaderboard.html", user_name=None, csrf=None,
        title=f"{name} · Rocky quiz leaderboard",
        description=(f"Season {season} standings of {name}: {board.total} ranked"
                     + (f", led by {board.rows[0].display_name}" if board.rows else "") + "."),
        server=name, guild_id=guild_id, board=board, rows=rows, heading=heading, period=period,
        sort=sort, season=season, current_season=current, seasons=seasons,
        periods=PERIODS, period_names=PERIOD_NAMES, sorts=SORTS,
        min_answers=MIN_ANSWERS_FOR_ACCURACY, ladder=LADDER)
    cache.put(key, response)
    return response


async def member_card(request: web.Request) -> web.Response:
    ctx = context_of(request)
    guild_id, user_id = snowflake(request, "guild"), snowflake(request, "user")
    name = await ctx.guilds.name_of(guild_id)
    config = await ctx.guild_config.get(guild_id) if name is not None else None
    if config is None or not config.web_leaderboard or not await ctx.boards.shown_publicly(
            user_id):
        raise web.HTTPNotFound()
    stats = await ctx.boards.member_stats(guild_id, user_id)
    if stats is None:
        raise web.HTTPNotFound()
    today = local_day(ctx.clock(), config.timezone)
    standing = rank_for(stats.points)
    return ctx.pages.render(
        request, "member.html", user_name=None, csrf=None,
        title=f"{stats.display_name} · {standing.rank.title} · {name}",
        description=f"{stats.display_name} on {name}: {stats.points} points, "
                    f"{standing.rank.title}.",
        server=name, guild_id=guild_id, stats=stats, figures=stats_figures(stats, today),
        standing=standing, to_next=standing.points_to_next(stats.points))


def _filtered(items: Sequence[T], request: web.Request, text: Callable[[T], str],
              *, moods: bool = False) -> tuple[list[T], dict[str, str]]:
    film = choice(request, "film", FILM_TAGS, "")
    topic = choice(request, "topic", TOPICS, "")
    query = request.query.get("q", "").strip()[:100]
    chosen = {"film": film, "topic": topic, "q": query}
    wanted = query.casefold()
    found = [item for item in items
             if (not film or film in item.films)  # type: ignore[attr-defined]
             and (not topic or topic in item.topics)  # type: ignore[attr-defined]
             and (not wanted or wanted in text(item).casefold())]
    return found, chosen


def _catalogue(kind: str, title: str, items_of: Callable[[Any], Sequence[Any]],
               text: Callable[[Any], str], description: str,
               extra: Callable[[web.Request, list[Any]], tuple[list[Any], dict[str, str]]]
               | None = None) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        ctx = context_of(request)
        found, chosen = _filtered(items_of(ctx.content), request, text)
        if extra is not None:
            found, more = extra(request, found)
            chosen |= more
        pages = max(1, -(-len(found) // ITEMS_PER_PAGE))
        page = min(whole(request, "page", 1) or 1, pages)
        shown = found[(page - 1) * ITEMS_PER_PAGE: page * ITEMS_PER_PAGE]
        return ctx.pages.render(
            request, f"{kind}.html", user_name=None, csrf=None, title=title,
            description=description, items=shown, total=len(found), page=page, pages=pages,
            chosen=chosen, query=urlencode({k: v for k, v in chosen.items() if v}),
            films=FILM_TAGS, topics=TOPICS, difficulties=DIFFICULTIES,
            kind=kind)
    return handler


def _difficulty(request: web.Request, found: list[Any]) -> tuple[list[Any], dict[str, str]]:
    difficulty = choice(request, "difficulty", DIFFICULTIES, "")
    return ([q for q in found if not difficulty or q.difficulty == difficulty],
            {"difficulty": difficulty})


async def home(request: web.Request) -> web.Response:
    ctx = context_of(request)
    content = ctx.content
    return ctx.pages.render(
        request, "home.html", user_name=None, csrf=None, title="Rocky fan bot",
        description="Sourced Rocky and Creed trivia: facts, quiz questions, montage songs and "
                    "quotes, and the quiz standings of the servers that publish them.",
        counts={"facts": len(content.facts), "questions": len(content.questions),
                "songs": len(content.songs), "quotes": len(content.quotes)})


def add_routes(app: web.Application) -> None:
    app[BOARD_CACHE] = PageCache(BOARD_CACHE_SECONDS, BOARD_CACHE_SIZE)
    app.router.add_get("/", home, name="home")
    app.router.add_get("/servers/{guild}/leaderboard", leaderboard, name="leaderboard")
    app.router.add_get("/servers/{guild}/members/{user}", member_card, name="member")
    app.router.add_get("/facts", _catalogue(
        "facts", "Rocky facts", lambda c: c.facts, lambda f: f.text,
        "Trivia facts about the nine Rocky and Creed films, each with its source."), name="facts")
    app.router.add_get("/questions", _catalogue(
        "questions", "Rocky quiz questions", lambda c: c.questions,
        lambda q: " ".join((q.prompt, *q.options)),
        "The quiz questions, answers hidden until you reveal them, each with its source.",
        extra=_difficulty), name="questions")
    app.router.add_get("/songs", _catalogue(
        "songs", "Rocky montage songs", lambda c: c.songs,
        lambda s: " ".join((s.title, s.performer, s.scene)),
        "The training-montage and signature songs of the films, with the scenes."),
        name="songs")
    app.router.add_get("/quotes", _catalogue(
        "quotes", "Rocky quotes", lambda c: c.quotes, lambda q: f"{q.text} {q.character}",
        "Lines from the films with who says them, each with its source."), name="quotes")
