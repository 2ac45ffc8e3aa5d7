"""Signed cookie sessions, and the CSRF token every form carries.

The cookie holds a small JSON object signed with HMAC-SHA256 under WEB_SECRET: the browser can
read it but not change it. It never holds a Discord token (the login needs none after it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

from aiohttp import web

COOKIE = "rocky_session"
LIFETIME = 7 * 24 * 3600  # seconds a login lasts
CSRF_FIELD = "csrf"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Session(dict[str, Any]):
    """The session's values; `changed` says whether the cookie must be written again."""

    def __init__(self, values: dict[str, Any] | None = None) -> None:
        super().__init__(values or {})
        self.changed = False

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self.changed = True

    def pop(self, key: str, default: Any = None) -> Any:
        if key in self:
            self.changed = True
        return super().pop(key, default)

    def clear(self) -> None:
        super().clear()
        self.changed = True

    @property
    def user_id(self) -> int | None:
        value = self.get("uid")
        return int(value) if value is not None else None

    def csrf_token(self) -> str:
        """The token forms carry (made on first use, kept for the session)."""
        if "csrf" not in self:
            self["csrf"] = secrets.token_urlsafe(24)
        return str(self["csrf"])

    def csrf_matches(self, sent: str | None) -> bool:
        expected = self.get("csrf")
        return bool(expected and sent) and hmac.compare_digest(str(expected), str(sent))

    def log_in(self, user_id: int, name: str) -> None:
        """A new session for this user: nothing from before the login survives (fixation)."""
        self.clear()
        self["uid"] = str(user_id)
        self["name"] = name
        self.csrf_token()


SESSION = web.RequestKey("session", Session)


class SessionCodec:
    def __init__(self, secret: str, clock: Any = time.time) -> None:
        self._key = hashlib.sha256(b"rocky-web-session\0" + secret.encode()).digest()
        self._clock = clock

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())

    def dump(self, session: Session) -> str:
        payload = dict(session) | {"exp": int(self._clock()) + LIFETIME}
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        return f"{body}.{self._sign(body)}"

    def load(self, cookie: str | None) -> Session:
        """The session the cookie holds; an empty one if it is missing, forged or expired."""
        if not cookie or "." not in cookie:
            return Session()
        body, signature = cookie.rsplit(".", 1)
        if not hmac.compare_digest(signature, self._sign(body)):
            return Session()
        try:
            values = json.loads(_unb64(body))
        except ValueError:
            return Session()
        if not isinstance(values, dict) or values.pop("exp", 0) < self._clock():
            return Session()
        return Session(values)
