"""The season champion card: the winner of a finished season, as a fight poster.

Posted at each season's end (/config leaderboard-reset), when the title belt moves to the
champion (cogs/config.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.ui.cards import poster, text

if TYPE_CHECKING:  # Pillow loads when the first card is drawn, not at start
    from PIL import Image

WIDTH, HEIGHT = 934, 360


@dataclass(frozen=True, slots=True)
class ChampionCard:
    name: str
    avatar_url: str | None
    server: str
    season: int
    points: int
    correct: int
    answered: int

    @property
    def file_name(self) -> str:
        return "champion.png"

    def avatar_urls(self) -> tuple[str, ...]:
        return (self.avatar_url,) if self.avatar_url else ()

    def draw(self, pictures: Mapping[str, bytes | None]) -> Image.Image:
        image, pen = poster.canvas(WIDTH, HEIGHT)
        pen.rectangle((0, 14, 300, HEIGHT - 5), fill=poster.RED)
        poster.avatar(image, pictures.get(self.avatar_url or ""), self.name, (50, 70, 200),
                      ring_width=6)
        left, right = 340, WIDTH - 36
        text.draw(pen, (left, 70), f"SEASON {self.season} CHAMPION", style="headline",
                  size=44, fill=poster.GOLD)
        server, size = text.fit(f"of {self.server}", "regular", 20, right - left, 12)
        text.draw(pen, (left, 102), server, style="regular", size=size, fill=poster.GREY)
        name, size = text.fit(self.name, "bold", 54, right - left, 24)
        text.draw(pen, (left, 180), name, style="bold", size=size, fill=poster.WHITE)
        pen.rectangle((left, 200, right, 203), fill=poster.GOLD)
        figures = (("POINTS", text.compact(self.points)),
                   ("RIGHT ANSWERS", f"{text.compact(self.correct)} of "
                                     f"{text.compact(self.answered)}"))
        step = (right - left) / len(figures)
        for i, (label, value) in enumerate(figures):
            x = left + i * step
            text.draw(pen, (x, 240), label, style="headline", size=16, fill=poster.GREY)
            value, size = text.fit(value, "bold", 34, step - 16, 16)
            text.draw(pen, (x, 282), value, style="bold", size=size, fill=poster.WHITE)
        text.draw(pen, (left, 330), "THE BELT, WON THE HARD WAY", style="headline", size=16,
                  fill=poster.GOLD)
        return image
