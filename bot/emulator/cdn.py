"""Discord's CDN as the emulator serves it: avatars, generated as PNGs.

discord.py builds asset URLs from the class attribute `discord.Asset.BASE` (like REST's
`Route.BASE`), so the bot's DISCORD_CDN_BASE setting points it here (`Emulator.cdn.base`).
Routes mirror Discord's: /avatars/{user}/{hash}.png for a custom avatar and
/embed/avatars/{index}.png for a default one.
A user whose id is in `missing_avatars` gets 404, to test the cards' initials.
"""

from __future__ import annotations

import hashlib
import io

from aiohttp import web
from PIL import Image, ImageDraw

PALETTE = ((88, 101, 242), (178, 34, 34), (31, 78, 121), (212, 175, 55), (46, 139, 87),
           (120, 81, 169))
SIZES = (16, 32, 64, 128, 256, 512, 1024, 2048, 4096)


def avatar_png(seed: str, size: int = 128) -> bytes:
    """A silhouette on a colour chosen by `seed`: a stand-in for someone's avatar."""
    digest = hashlib.sha256(seed.encode()).digest()
    background = PALETTE[digest[0] % len(PALETTE)]
    image = Image.new("RGB", (size, size), background)
    pen = ImageDraw.Draw(image)
    light = tuple(min(255, c + 90) for c in background)
    pen.ellipse((size * 0.3, size * 0.16, size * 0.7, size * 0.56), fill=light)
    pen.ellipse((size * 0.14, size * 0.6, size * 0.86, size * 1.25), fill=light)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


class Cdn:
    """Its own server on its own port, as Discord's CDN is its own host (no auth, no limits)."""

    def __init__(self) -> None:
        self.missing_avatars: set[int] = set()
        self.served: list[str] = []
        self.base = ""
        self._runner: web.AppRunner | None = None

    async def start(self, host: str) -> None:
        app = web.Application()
        app.router.add_get("/avatars/{user}/{name}", self._avatar)
        app.router.add_get("/embed/avatars/{name}", self._default_avatar)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, 0, reuse_address=True)
        await site.start()
        self.base = f"http://{host}:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _avatar(self, request: web.Request) -> web.Response:
        user = int(request.match_info["user"])
        if user in self.missing_avatars:
            return web.Response(status=404)
        return self._png(request, f"{user}/{request.match_info['name']}")

    async def _default_avatar(self, request: web.Request) -> web.Response:
        return self._png(request, f"default/{request.match_info['name']}")

    def _png(self, request: web.Request, seed: str) -> web.Response:
        name = request.match_info["name"]
        if not name.endswith(".png"):
            return web.Response(status=415)  # the bot asks for PNG only
        size = int(request.query.get("size", "128"))
        if size not in SIZES:
            return web.Response(status=400)
        self.served.append(request.path)
        return web.Response(body=avatar_png(seed.removesuffix(".png"), min(size, 512)),
                            content_type="image/png")
