"""Jinja2 templates: autoescaped everywhere, so a name like <img src=x onerror=...> is text."""

from __future__ import annotations

from typing import Any

import jinja2
from aiohttp import web

from bot import __version__
from bot.web.session import SESSION


class Pages:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("bot.web", "templates"),
            autoescape=True,  # every template, whatever its name
            undefined=jinja2.StrictUndefined,  # a misspelt variable fails loudly in tests
            trim_blocks=True, lstrip_blocks=True, enable_async=False,
        )
        self.env.globals.update(version=__version__, base_url=base_url)

    def render(self, request: web.Request, template: str, status: int = 200,
               **values: Any) -> web.Response:
        session = request.get(SESSION)
        values.setdefault("user_name", session.get("name") if session else None)
        values.setdefault("path", request.path)
        values.setdefault("url", self.base_url + str(request.rel_url))
        if session is not None and "uid" in session:
            values.setdefault("csrf", session.csrf_token())
        else:
            values.setdefault("csrf", None)
        text = self.env.get_template(template).render(**values)
        return web.Response(body=text.encode(), status=status,
                            content_type="text/html", charset="utf-8")

    def error(self, request: web.Request, status: int, sentence: str) -> web.Response:
        titles = {400: "That did not work", 403: "Not allowed", 404: "Not found",
                  429: "Slow down", 500: "Something went wrong"}
        return self.render(request, "error.html", status=status,
                           title=titles.get(status, "That did not work"), sentence=sentence,
                           description=sentence)
