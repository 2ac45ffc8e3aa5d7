"""Discord as an OAuth2 provider (authorization code grant), for a web dashboard's login.

`/oauth2/authorize` approves as an emulated user and redirects back with a code and the state;
`POST /api/v10/oauth2/token` trades the code (or a refresh token) for a Bearer token;
`/users/@me` and `/users/@me/guilds` answer to that token within its scopes. Errors have
Discord's shapes: `{"error", "error_description"}` from the token endpoint, and
`{"message": "401: Unauthorized", "code": 0}` for a bad, expired or under-scoped Bearer token.
"""

from __future__ import annotations

import base64
import html
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlencode

import yarl
from aiohttp import web

from bot.emulator import payloads
from bot.emulator.model import Guild, User

# Discord serves these with and without the API version; a web app may derive any of them.
AUTHORIZE_PATHS = ("/oauth2/authorize", "/api/oauth2/authorize", "/api/v10/oauth2/authorize")
TOKEN_PATHS = ("/api/v10/oauth2/token", "/api/oauth2/token")
REVOKE_PATHS = ("/api/v10/oauth2/token/revoke", "/api/oauth2/token/revoke")
PUBLIC_PATHS = frozenset(AUTHORIZE_PATHS + TOKEN_PATHS + REVOKE_PATHS)  # no bot token needed
OFFERED_SCOPES = frozenset({"identify", "guilds"})  # what a login and server list need
DENIED = "The resource owner or authorization server denied the request"


@dataclass
class OAuth2App:
    """The application's OAuth2 settings as its developer portal holds them; change them on
    `emulator.oauth2.app` at any time. The client id is the application id, as at Discord."""

    client_secret: str = "emulator-client-secret"
    redirect_uris: list[str] = field(default_factory=list)  # exact matches only, as Discord
    approve_as: int | None = None  # a user id: /oauth2/authorize approves as them at once
    code_lifetime: float = 600.0  # seconds a code may wait to be traded
    token_lifetime: float = 604800.0  # an access token's expires_in (Discord: 7 days)


@dataclass
class Grant:
    """What a code, access token or refresh token stands for."""

    user_id: int
    scopes: tuple[str, ...]
    redirect_uri: str
    expires_at: float  # for a refresh token: never checked (Discord's do not expire soon)
    pair: str = ""  # an access token's refresh token and the other way round


class World(Protocol):
    application_id: int
    users: dict[int, User]
    guilds: dict[int, Guild]


class OAuth2Provider:
    def __init__(self, world: World, app: OAuth2App, base_url: Callable[[], str],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.world = world
        self.app = app
        self._base_url = base_url
        self._clock = clock
        self.codes: dict[str, Grant] = {}
        self.access_tokens: dict[str, Grant] = {}
        self.refresh_tokens: dict[str, Grant] = {}

    @property
    def client_id(self) -> str:
        return str(self.world.application_id)

    def authorize_url(self, redirect_uri: str, *, scope: str = "identify guilds",
                      state: str | None = None, approve_as: User | None = None) -> str:
        """The address a web app sends the browser to, as a test would build it."""
        query = {"response_type": "code", "client_id": self.client_id,
                 "redirect_uri": redirect_uri, "scope": scope}
        if state is not None:
            query["state"] = state
        if approve_as is not None:
            query["approve_as"] = str(approve_as.id)
        return f"{self._base_url()}{AUTHORIZE_PATHS[0]}?{urlencode(query)}"

    def add_routes(self, app: web.Application) -> None:
        for path in AUTHORIZE_PATHS:
            app.router.add_get(path, self.authorize)
        for path in TOKEN_PATHS:
            app.router.add_post(path, self.token)
        for path in REVOKE_PATHS:
            app.router.add_post(path, self.revoke)
        app.router.add_get("/api/v10/oauth2/@me", self.authorization_info, name="oauth2_me")

    # -- the browser's side: /oauth2/authorize -----------------------------------------------
    async def authorize(self, request: web.Request) -> web.Response:
        query = request.query
        if query.get("client_id") != self.client_id:
            return _page(400, "Unknown Application", "client_id is not this application's id.")
        redirect_uri = query.get("redirect_uri", "")
        if redirect_uri not in self.app.redirect_uris:
            # Never redirect to an address the developer did not register.
            return _page(400, "Invalid OAuth2 redirect_uri",
                         f"{redirect_uri!r} is not a registered redirect URI.")
        state = query.get("state")
        if query.get("response_type") != "code":
            return _redirect_error(redirect_uri, state, "unsupported_response_type",
                                   "The emulator offers the authorization code grant only")
        scopes = tuple(dict.fromkeys(query.get("scope", "").split()))
        unknown = [s for s in scopes if s not in OFFERED_SCOPES]
        if not scopes or unknown:
            return _redirect_error(redirect_uri, state, "invalid_scope",
                                   f"Invalid scope: {' '.join(unknown) or '(none)'}")
        if query.get("deny"):
            return _redirect_error(redirect_uri, state, "access_denied", DENIED)
        chosen = query.get("approve_as") or (
            str(self.app.approve_as) if self.app.approve_as is not None else None)
        if chosen is None:
            return self._consent_page(request, scopes)
        user = self.world.users.get(int(chosen)) if chosen.isdigit() else None
        if user is None or user.bot:
            return _page(400, "Unknown user", f"No emulated member has the id {chosen!r}.")
        code = secrets.token_urlsafe(22)
        self.codes[code] = Grant(user.id, scopes, redirect_uri,
                                 self._clock() + self.app.code_lifetime)
        params = {"code": code} | ({"state": state} if state is not None else {})
        return _redirect(redirect_uri, params)

    def _consent_page(self, request: web.Request, scopes: tuple[str, ...]) -> web.Response:
        """One link per emulated member (to log in as them) and one to cancel."""
        people = sorted((u for u in self.world.users.values() if not u.bot),
                        key=lambda u: u.username)
        links = "\n".join(
            f'<li><a href="{html.escape(str(request.rel_url.update_query(approve_as=u.id)))}">'
            f"Authorize as {html.escape(u.display_name)} ({html.escape(u.username)}, {u.id})"
            "</a></li>"
            for u in people)
        cancel = html.escape(str(request.rel_url.update_query(deny=1)))
        body = (f"<p>The application {html.escape(self.client_id)} asks for: "
                f"{html.escape(', '.join(scopes))}.</p>\n<ul>\n{links}\n</ul>\n"
                f'<p><a href="{cancel}">Cancel</a></p>')
        return _page(200, "Authorize access to your account", body, escaped=True)

    # -- the web app's side: /oauth2/token ---------------------------------------------------
    async def token(self, request: web.Request) -> web.Response:
        form = await request.post()  # only form bodies: Discord ignores a JSON body here
        grant_type = form.get("grant_type")
        if grant_type not in ("authorization_code", "refresh_token"):
            return _oauth_error(400, "unsupported_grant_type", "Unsupported grant type")
        client_id, client_secret = _client_credentials(request, form)
        if client_id != self.client_id or client_secret != self.app.client_secret:
            return _oauth_error(401, "invalid_client", None)
        if grant_type == "authorization_code":
            grant = self.codes.pop(str(form.get("code", "")), None)  # single use, even if wrong
            if grant is None or self._clock() > grant.expires_at:
                return _oauth_error(400, "invalid_grant", 'Invalid "code" in request.')
            if form.get("redirect_uri") != grant.redirect_uri:
                return _oauth_error(400, "invalid_grant", 'Invalid "redirect_uri" in request.')
        else:
            grant = self.refresh_tokens.pop(str(form.get("refresh_token", "")), None)
            if grant is None:
                return _oauth_error(400, "invalid_grant", 'Invalid "refresh_token" in request.')
            self.access_tokens.pop(grant.pair, None)  # the old pair is replaced
        return _json(self._issue(grant))

    def _issue(self, grant: Grant) -> dict[str, Any]:
        access, refresh = secrets.token_urlsafe(22), secrets.token_urlsafe(22)
        expires_at = self._clock() + self.app.token_lifetime
        self.access_tokens[access] = Grant(grant.user_id, grant.scopes, grant.redirect_uri,
                                           expires_at, pair=refresh)
        self.refresh_tokens[refresh] = Grant(grant.user_id, grant.scopes, grant.redirect_uri,
                                             expires_at, pair=access)
        return {"access_token": access, "token_type": "Bearer",
                "expires_in": int(self.app.token_lifetime), "refresh_token": refresh,
                "scope": " ".join(grant.scopes)}

    async def revoke(self, request: web.Request) -> web.Response:
        """Log out: revoking either token of a pair revokes both."""
        form = await request.post()
        client_id, client_secret = _client_credentials(request, form)
        if client_id != self.client_id or client_secret != self.app.client_secret:
            return _oauth_error(401, "invalid_client", None)
        token = str(form.get("token", ""))
        for own, other in ((self.access_tokens, self.refresh_tokens),
                           (self.refresh_tokens, self.access_tokens)):
            grant = own.pop(token, None)
            if grant is not None:
                other.pop(grant.pair, None)
        return _json({})

    # -- Bearer-token routes -----------------------------------------------------------------
    def bearer(self, request: web.Request, scope: str | None) -> Grant | None:
        """The live grant behind `Authorization: Bearer ...`, if it holds `scope`."""
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        grant = self.access_tokens.get(header.removeprefix("Bearer ").strip())
        if grant is None or self._clock() > grant.expires_at:
            return None
        return grant if scope is None or scope in grant.scopes else None

    def me(self, grant: Grant) -> dict[str, Any]:
        user = self.world.users[grant.user_id]
        return payloads.user(user) | {"flags": 0, "mfa_enabled": False, "locale": "en-US",
                                      "premium_type": 0, "banner": None, "accent_color": None}

    def guilds_of(self, user_id: int, query: Any) -> list[dict[str, Any]] | str:
        """`/users/@me/guilds` for `user_id`: sorted by id, `before`/`after`/`limit` pages,
        counts with `with_counts=true`. A string is a problem with the query."""
        try:
            limit = int(query.get("limit", 200))
            after, before = int(query.get("after", 0)), int(query.get("before", 0))
        except ValueError:
            return "limit, before and after must be integers"
        if not 1 <= limit <= 200:
            return "limit must be between 1 and 200"
        with_counts = query.get("with_counts", "false").lower() == "true"
        guilds = sorted((g for g in self.world.guilds.values() if user_id in g.members),
                        key=lambda g: g.id)
        guilds = [g for g in guilds if g.id > after and (not before or g.id < before)]
        if before and not after:
            guilds = guilds[-limit:]  # the page just before `before`
        return [payloads.user_guild(g, g.members[user_id], with_counts=with_counts)
                for g in guilds[:limit]]

    async def authorization_info(self, request: web.Request) -> web.Response:
        """`GET /oauth2/@me`: what the token allows and until when (any scope)."""
        grant = self.bearer(request, None)
        if grant is None:
            return unauthorized()
        expires = datetime.now(UTC) + timedelta(seconds=grant.expires_at - self._clock())
        info: dict[str, Any] = {
            "application": {"id": self.client_id, "name": "emulated application",
                            "icon": None, "description": "", "bot_public": True,
                            "bot_require_code_grant": False, "verify_key": "0" * 64},
            "scopes": list(grant.scopes), "expires": expires.isoformat()}
        if "identify" in grant.scopes:
            info["user"] = payloads.user(self.world.users[grant.user_id])
        return _json(info)


def unauthorized() -> web.Response:
    return _json({"message": "401: Unauthorized", "code": 0}, status=401)


def _client_credentials(request: web.Request, form: Any) -> tuple[str | None, str | None]:
    """HTTP basic auth if present, else client_id and client_secret in the form."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return None, None
        return user, password
    return form.get("client_id"), form.get("client_secret")


def _json(data: Any, *, status: int = 200) -> web.Response:
    # Exactly application/json, as the rest of the emulator (see rest._json).
    return web.Response(body=json.dumps(data).encode(), status=status,
                        content_type="application/json")


def _oauth_error(status: int, error: str, description: str | None) -> web.Response:
    body = {"error": error} | ({"error_description": description} if description else {})
    return _json(body, status=status)


def _redirect(uri: str, params: dict[str, str]) -> web.Response:
    return web.Response(status=302, headers={
        "Location": str(yarl.URL(uri).update_query(params))})


def _redirect_error(uri: str, state: str | None, error: str, description: str) -> web.Response:
    params = {"error": error, "error_description": description}
    return _redirect(uri, params | ({"state": state} if state is not None else {}))


def _page(status: int, title: str, body: str, *, escaped: bool = False) -> web.Response:
    text = body if escaped else f"<p>{html.escape(body)}</p>"
    return web.Response(
        status=status, content_type="text/html",
        text=(f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
              f"<title>{html.escape(title)}</title></head>\n<body><h1>{html.escape(title)}</h1>"
              f"\n{text}\n</body></html>\n"))
