"""The boxing-poster look every card shares: colours, the frame, round avatars, bars.

The colours are the embeds' (bot/ui/embeds.py), so a card sits well beside the bot's messages.
"""

from __future__ import annotations

import hashlib
import io
from typing import TYPE_CHECKING

import discord

from bot.ui.cards import text
from bot.ui.embeds import CHAMPION_GOLD, PHILLY_BLUE, ROCKY_RED

if TYPE_CHECKING:  # Pillow loads when the first card is drawn, not at start
    from PIL import Image, ImageDraw


def _rgb(colour: discord.Colour) -> tuple[int, int, int]:
    return colour.to_rgb()


RED = _rgb(ROCKY_RED)
GOLD = _rgb(CHAMPION_GOLD)
BLUE = _rgb(PHILLY_BLUE)
INK = (21, 21, 26)  # the poster's black
PANEL = (34, 34, 42)
WHITE = (245, 242, 235)
GREY = (160, 158, 170)
SILVER = (192, 192, 200)
BRONZE = (205, 127, 50)
SUPERSAMPLE = 2  # avatars are cut at twice the size and scaled down: smooth round edges


def canvas(width: int, height: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """A black poster with a red band at the top and a gold rule under it and at the foot."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), INK)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, width, 10), fill=RED)
    pen.rectangle((0, 10, width, 13), fill=GOLD)
    pen.rectangle((0, height - 4, width, height), fill=GOLD)
    return image, pen


def avatar(image: Image.Image, picture: bytes | None, name: str, box: tuple[int, int, int],
           *, ring: tuple[int, int, int] = GOLD, ring_width: int = 4) -> None:
    """A round avatar of diameter `box[2]` at (box[0], box[1]); the member's initials on a
    colour of their own when there is no picture."""
    from PIL import Image, ImageDraw

    x, y, size = box
    big = size * SUPERSAMPLE
    face = _picture(picture, big) or _initials(name, big)
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, big - 1, big - 1), fill=255)
    disc = Image.new("RGB", (big, big))
    disc.paste(face, (0, 0))
    pen = ImageDraw.Draw(image)
    pen.ellipse((x - ring_width, y - ring_width, x + size + ring_width - 1,
                 y + size + ring_width - 1), fill=ring)
    image.paste(disc.resize((size, size), Image.Resampling.LANCZOS), (x, y),
                mask.resize((size, size), Image.Resampling.LANCZOS))


def _picture(picture: bytes | None, size: int) -> Image.Image | None:
    from PIL import Image, ImageOps

    if not picture:
        return None
    try:
        with Image.open(io.BytesIO(picture)) as opened:
            return ImageOps.fit(opened.convert("RGB"), (size, size), Image.Resampling.LANCZOS)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None  # not an image we can read: initials instead


def _initials(name: str, size: int) -> Image.Image:
    from PIL import Image, ImageDraw

    hue = hashlib.sha1(name.encode()).digest()[0]
    background = (RED, BLUE, (90, 60, 130), (40, 110, 80))[hue % 4]
    face = Image.new("RGB", (size, size), background)
    letters = text.initials(name)
    text.draw(ImageDraw.Draw(face), (size / 2, size / 2), letters, style="headline",
              size=int(size * 0.42), fill=WHITE, anchor="mm")
    return face


def bar(pen: ImageDraw.ImageDraw, box: tuple[int, int, int, int], share: float) -> None:
    """A progress bar: `share` (0 to 1) of it gold."""
    x0, y0, x1, y1 = box
    radius = (y1 - y0) // 2
    pen.rounded_rectangle(box, radius=radius, fill=PANEL)
    share = min(max(share, 0.0), 1.0)
    if share > 0:
        end = max(x0 + 2 * radius, int(x0 + (x1 - x0) * share))
        pen.rounded_rectangle((x0, y0, end, y1), radius=radius, fill=GOLD)


def medal(place: int) -> tuple[int, int, int]:
    return {1: GOLD, 2: SILVER, 3: BRONZE}.get(place, PANEL)


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False, compress_level=3)
    return out.getvalue()
