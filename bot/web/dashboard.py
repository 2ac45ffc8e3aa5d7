"""The dashboard: Discord login, the servers a user may manage, their settings, the fact review
queue and the audit log. Every action asks Discord again who the user is on that server."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from aiohttp import web

from bot.core.checks import require_postable, require_real_role
from bot.core.fact_review import decide_submission, publish_decision
from bot.domain.config import ChangedBy, GuildConfig
from bot.domain.facts import Action, Status, validate_reason
from bot.domain.films import FILMS
from bot.domain.schedule import (
    KINDS,
    canonical_timezone,
    format_daily_time,
    parse_daily_time,
    timezone_names,
)
from bot.domain.server_settings import (
    QUIZ_QUESTIONS,
    QUIZ_SECONDS,
    check_films,
    check_quiz_defaults,
)
from bot.errors import UserFacingError
from bot.web.app import CALLBACK_PATH, WebContext, context_of, session_of
from bot.web.discord_api import Access, LoginFailed, ServerView
from bot.web.public import snowflake
from bot.web.session import CSRF_FIELD

log = logging.getLogger(__name__)

POST_NAMES = {"fact": "Daily fact", "quote": "Daily quote", "question": "Daily question"}
NOT_SET_UP = ("The dashboard is not set up on this site: its admin must set DISCORD_TOKEN, "
              "DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET (see the README's \"Web pages\").")
NOT_YOURS = ("You can't manage this server: only members with Manage Server (or, for the review "
             "queue, its moderators) can. Nothing was changed.")


def _ready(ctx: WebContext) -> None:
    if ctx.oauth is None or ctx.bot is None or ctx.http is None:
        raise web.HTTPServiceUnavailable(text=NOT_SET_UP)


def _limit_logins(request: web.Request) -> None:
    if not context_of(request).logins.allow(request.remote or "unknown"):
        raise web.HTTPTooManyRequests()


async def login(request: web.Request) -> web.Response:
    ctx = context_of(request)
    _ready(ctx)
    _limit_logins(request)
    state = secrets.token_urlsafe(24)
    session_of(request)["state"] = state
    assert ctx.oauth is not None
    raise web.HTTPFound(ctx.oauth.authorize_url(state))


async def login_callback(request: web.Request) -> web.Response:
    ctx = context_of(request)
    _ready(ctx)
    _limit_logins(request)
    session = session_of(request)
    expected = session.pop("state")
    sent = request.query.get("state", "")
    if not expected or not secrets.compare_digest(str(expected), sent):
        raise web.HTTPBadRequest(text="This login was not started here, or it expired; "
                                      "log in again from the dashboard.")
    if "error" in request.query:
        raise web.HTTPBadRequest(text="The login was cancelled at Discord; log in again when "
                                      "you are ready.")
    assert ctx.oauth is not None and ctx.http is not None
    try:
        user = await ctx.oauth.user_for_code(ctx.http, request.query.get("code", ""))
    except LoginFailed:
        raise web.HTTPBadRequest(text="Discord did not accept this login; log in again.") \
            from None
    session.log_in(user.id, user.name)
    log.info("user %s logged in to the dashboard", user.id)
    raise web.HTTPSeeOther("/dashboard")


def _check_csrf(request: web.Request, form: Any) -> None:
    if not session_of(request).csrf_matches(form.get(CSRF_FIELD)):
        raise web.HTTPForbidden(text="This form has expired or did not come from this site; "
                                     "reload the page and try again. Nothing was changed.")


async def logout(request: web.Request) -> web.Response:
    form = await request.post()
    _check_csrf(request, form)
    session_of(request).clear()
    raise web.HTTPSeeOther("/")


def _user(request: web.Request) -> tuple[int, str]:
    session = session_of(request)
    if session.user_id is None:
        raise web.HTTPSeeOther("/dashboard")  # the dashboard offers the login
    return session.user_id, str(session.get("name", ""))


async def dashboard(request: web.Request) -> web.Response:
    ctx = context_of(request)
    _ready(ctx)
    session = session_of(request)
    if session.user_id is None:
        return ctx.pages.render(request, "login.html", title="Dashboard · log in",
                                description="Manage the Rocky bot on your servers.")
    assert ctx.bot is not None
    servers = []
    for guild_id, name in await ctx.guilds.present():
        view = await ctx.bot.server(guild_id, session.user_id)
        if view is None:
            continue
        access = view.access(await ctx.guild_config.get(guild_id))
        if access is not Access.NONE:
            servers.append((guild_id, name, access))
    return ctx.pages.render(request, "dashboard.html", title="Dashboard",
                            description="Your servers.", servers=servers, Access=Access)


async def _server_access(request: web.Request, needed: Access
                         ) -> tuple[WebContext, int, ServerView, GuildConfig, Access]:
    """The server in the address, and the user's access to it as Discord says right now."""
    ctx = context_of(request)
    _ready(ctx)
    user_id, _ = _user(request)
    guild_id = snowflake(request, "guild")
    assert ctx.bot is not None
    view = await ctx.bot.server(guild_id, user_id) \
        if await ctx.guilds.name_of(guild_id) is not None else None
    config = await ctx.guild_config.get(guild_id)
    access = view.access(config) if view is not None else Access.NONE
    if view is None or access < needed:
        log.info("user %s refused on server %s (needs %s)", user_id, guild_id, needed.name)
        raise web.HTTPForbidden(text=NOT_YOURS)
    return ctx, guild_id, view, config, access


async def server_page(request: web.Request, errors: list[str] | None = None,
                      status: int = 200) -> web.Response:
    ctx, guild_id, view, config, access = await _server_access(request, Access.MODERATOR)
    assert ctx.bot is not None
    values: dict[str, Any] = {}
    if access is Access.ADMIN:
        values = {
            "channels": await ctx.bot.text_channels(view.guild),
            "roles": sorted((r for r in view.guild.roles if not r.is_default()),
                            key=lambda r: -r.position),
            "states": await ctx.schedule.states(guild_id),
            "audit": await ctx.guild_config.audit_log(guild_id),
            "timezones": timezone_names(),
        }
    pending = await ctx.facts.with_status(guild_id, Status.PENDING)
    return ctx.pages.render(
        request, "server.html", status=status, title=f"{view.guild.name} · dashboard",
        description="Settings and the review queue.", server=view.guild.name,
        guild_id=guild_id, config=config, access=access, Access=Access, pending=pending,
        errors=errors or [], flash=session_of(request).pop("flash"), kinds=KINDS,
        post_names=POST_NAMES, films=FILMS, quiz_questions=QUIZ_QUESTIONS,
        quiz_seconds=QUIZ_SECONDS, **values)


def _id_or_none(form: Any, name: str) -> int | None:
    value = str(form.get(name, "")).strip()
    if not value:
        return None
    if not value.isdigit():
        raise UserFacingError(f"Pick {name.replace('_', ' ')} from the list.")
    return int(value)


async def _changes(ctx: WebContext, view: ServerView, config: GuildConfig, form: Any
                   ) -> tuple[dict[str, Any], frozenset[str] | None, list[str]]:
    """The settings the form changes, checked by the same rules as /config; or the errors."""
    assert ctx.bot is not None
    errors: list[str] = []
    wanted: dict[str, Any] = {}
    channels = {c.id: c for c in await ctx.bot.text_channels(view.guild)}
    roles = {r.id: r for r in view.guild.roles}

    def attempt(check: Any) -> None:
        try:
            check()
        except (ValueError, UserFacingError) as exc:
            errors.append(exc.message if isinstance(exc, UserFacingError) else str(exc))

    def daily_time() -> None:
        wanted["daily_time"] = format_daily_time(parse_daily_time(str(form.get("daily_time"))))

    def timezone() -> None:
        name = canonical_timezone(str(form.get("timezone", "")))
        if name is None:
            raise ValueError("Pick a timezone from the list, such as America/New_York.")
        wanted["timezone"] = name

    def channel(column: str, what: str) -> None:
        channel_id = _id_or_none(form, column)
        if channel_id is not None:
            found = channels.get(channel_id)
            if found is None:
                raise ValueError(f"Pick the {what} channel from the list.")
            if channel_id != getattr(config, column):
                require_postable(found, view.me, shown=f"#{found.name}")
        wanted[column] = channel_id

    def role(column: str, what: str) -> None:
        role_id = _id_or_none(form, column)
        if role_id is not None:
            found = roles.get(role_id)
            if found is None:
                raise ValueError(f"Pick the {what} from the list.")
            require_real_role(found)
        wanted[column] = role_id

    def switch(kind: str) -> None:
        column = f"daily_{kind}_enabled"
        on = form.get(column) == "on"
        if on and not getattr(config, column):
            channel_id = wanted.get(f"daily_{kind}_channel_id")
            if channel_id is None:
                raise ValueError(f"Choose the {POST_NAMES[kind].lower()}'s channel before "
                                 "turning it on.")
            require_postable(channels[channel_id], view.me, shown=f"#{channels[channel_id].name}")
        wanted[column] = on

    def quiz() -> None:
        try:
            questions, seconds = int(form.get("quiz_questions", "")), int(
                form.get("quiz_seconds", ""))
        except ValueError:
            raise ValueError("Quiz defaults must be whole numbers.") from None
        wanted.update(check_quiz_defaults(questions, seconds))

    films: list[frozenset[str]] = []
    attempt(daily_time)
    attempt(timezone)
    for kind in KINDS:
        attempt(lambda kind=kind: channel(f"daily_{kind}_channel_id",
                                          POST_NAMES[kind].lower()))
    for kind in KINDS:
        attempt(lambda kind=kind: switch(kind))
    attempt(lambda: channel("review_channel_id", "review"))
    attempt(lambda: role("daily_ping_role_id", "role to ping"))
    attempt(lambda: role("moderator_role_id", "moderator role"))
    attempt(quiz)
    attempt(lambda: films.append(check_films(form.getall("films", []))))
    wanted["web_leaderboard"] = form.get("web_leaderboard") == "on"
    changes = {k: v for k, v in wanted.items() if getattr(config, k) != v}
    new_films = films[0] if films and films[0] != config.enabled_films else None
    return changes, new_films, errors


async def save_settings(request: web.Request) -> web.Response:
    form = await request.post()
    _check_csrf(request, form)
    ctx, guild_id, view, config, _ = await _server_access(request, Access.ADMIN)
    changes, films, errors = await _changes(ctx, view, config, form)
    if errors:
        return await server_page(request, errors, status=400)
    user_id, name = _user(request)
    by = ChangedBy(user_id, name, "web")
    if changes:
        await ctx.guild_config.update(guild_id, changed_by=by, **changes)
    if films is not None:
        await ctx.guild_config.set_enabled_films(guild_id, films, changed_by=by)
    for kind in KINDS:  # as /config does: a changed post forgets why the bot switched it off
        if {f"daily_{kind}_channel_id", f"daily_{kind}_enabled"} & set(changes):
            await ctx.schedule.clear_disabled(guild_id, kind)
    count = len(changes) + (films is not None)
    log.info("user %s changed %d setting(s) of server %s", user_id, count, guild_id)
    session_of(request)["flash"] = (f"Saved {count} change(s); the bot uses them from now on."
                                    if count else "Nothing to save: no setting was changed.")
    raise web.HTTPSeeOther(f"/dashboard/servers/{guild_id}")


async def review(request: web.Request) -> web.Response:
    form = await request.post()
    _check_csrf(request, form)
    ctx, guild_id, view, _, _ = await _server_access(request, Access.MODERATOR)
    submission_id = snowflake(request, "submission")
    action = {"approve": Action.APPROVE, "reject": Action.REJECT}.get(str(form.get("action")))
    if action is None:
        raise web.HTTPBadRequest(text="Choose Approve or Reject; nothing was changed.")
    reason = validate_reason(str(form.get("reason", ""))) if action is Action.REJECT else None
    user_id, _ = _user(request)
    assert view.member is not None
    # As the bot does before any command: the member is known, so the decision can name them.
    await ctx.members.remember(guild_id, user_id, view.member.display_name, ctx.clock())
    decided = await decide_submission(ctx.facts, guild_id, submission_id, action, user_id,
                                      ctx.clock(), reason)
    assert ctx.bot is not None
    told = await publish_decision(ctx.bot.client, decided, view.guild.name)
    done = f"{'Approved' if action is Action.APPROVE else 'Rejected'} {decided.label}."
    session_of(request)["flash"] = done if told else (
        f"{done} The member could not be sent a direct message (their DMs are closed); "
        "the decision stands.")
    raise web.HTTPSeeOther(f"/dashboard/servers/{guild_id}#review")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/login", login, name="login")
    app.router.add_get(CALLBACK_PATH, login_callback, name="login_callback")
    app.router.add_post("/logout", logout, name="logout")
    app.router.add_get("/dashboard", dashboard, name="dashboard")
    app.router.add_get("/dashboard/servers/{guild}", server_page, name="server")
    app.router.add_post("/dashboard/servers/{guild}/settings", save_settings, name="settings")
    app.router.add_post("/dashboard/servers/{guild}/review/{submission}", review,
                        name="review")
