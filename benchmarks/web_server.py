"""A server process for benchmarks.web: the real web app on a database, or a bare aiohttp handler
returning fixed bytes from memory (the baseline).

    python -m benchmarks.web_server app DB_PATH PORT [--no-cache]
    python -m benchmarks.web_server bare BODY_FILE PORT
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from aiohttp import web


async def serve(app: web.Application, port: int) -> None:
    runner = web.AppRunner(app, access_log=None)  # neither side pays for an access log
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print("ready", flush=True)
    await asyncio.Event().wait()


async def real_app(db_path: Path, port: int, cache: bool) -> None:
    from bot.content import load_content
    from bot.db import Database
    from bot.settings import Settings
    from bot.web import public
    from bot.web.app import WebContext, create_app

    if not cache:
        public.BOARD_CACHE_SECONDS = 0.0
    db = await Database.open(db_path)
    settings = Settings(database=db.url, web_secret="b" * 32)
    ctx = WebContext(settings, db, load_content(None), f"http://127.0.0.1:{port}", None, None)
    await serve(create_app(ctx), port)


async def bare_app(body: bytes, port: int) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="text/html", charset="utf-8")

    app = web.Application()
    app.router.add_get("/{tail:.*}", handler)
    await serve(app, port)


def main() -> None:
    kind, path, port = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    if kind == "bare":
        asyncio.run(bare_app(path.read_bytes(), port))
    else:
        asyncio.run(real_app(path, port, "--no-cache" not in sys.argv))


if __name__ == "__main__":
    main()
