"""The leaderboard card /leaderboard shows: one page of the board (ten rows), with avatars."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.domain.leaderboard import BoardPage
from bot.ui.cards import poster, text

if TYPE_CHECKING:  # Pillow loads when the first card is drawn, not at start
    from PIL import Image

WIDTH = 934
HEADER = 96
ROW = 58
FOOTER = 20
AVATAR = 44


@dataclass(frozen=True, slots=True)
class BoardLine:
    position: int
    name: str
    avatar_url: str | None
    points: int
    accuracy: float
    answered: int
    best_streak: int


@dataclass(frozen=True, slots=True)
class BoardCard:
    title: str
    subtitle: str
    lines: tuple[BoardLine, ...]

    @classmethod
    def of(cls, board: BoardPage, title: str, subtitle: str,
           avatar_of: Callable[[int], str | None]) -> BoardCard:
        return cls(title, subtitle, tuple(
            BoardLine(row.position, row.display_name, avatar_of(row.user_id), row.points,
                      row.accuracy, row.answered, row.best_streak) for row in board.rows))

    @property
    def file_name(self) -> str:
        return "leaderboard.png"

    def avatar_urls(self) -> tuple[str, ...]:
        return tuple(line.avatar_url for line in self.lines if line.avatar_url)

    def draw(self, pictures: Mapping[str, bytes | None]) -> Image.Image:
        height = HEADER + ROW * max(len(self.lines), 1) + FOOTER
        image, pen = poster.canvas(WIDTH, height)
        title, size = text.fit(self.title.upper(), "headline", 40, WIDTH - 64, 24)
        text.draw(pen, (32, 58), title, style="headline", size=size, fill=poster.GOLD)
        subtitle, size = text.fit(self.subtitle, "regular", 16, WIDTH - 64, 12)
        text.draw(pen, (32, 82), subtitle, style="regular", size=size, fill=poster.GREY)
        if not self.lines:
            text.draw(pen, (32, HEADER + 36), "Nobody on this board yet.", style="bold",
                      size=20, fill=poster.WHITE)
        for i, line in enumerate(self.lines):
            top = HEADER + i * ROW
            if i % 2 == 0:
                pen.rectangle((16, top, WIDTH - 16, top + ROW - 4), fill=poster.PANEL)
            middle = top + (ROW - 4) // 2
            badge = poster.medal(line.position)
            pen.ellipse((28, middle - 18, 64, middle + 18), fill=badge)
            ink = poster.INK if line.position <= 3 else poster.WHITE
            number, size = text.fit(str(line.position), "headline", 20, 32, 10)
            text.draw(pen, (46, middle), number, style="headline", size=size, fill=ink,
                      anchor="mm")
            poster.avatar(image, pictures.get(line.avatar_url or ""), line.name,
                          (84, middle - AVATAR // 2, AVATAR), ring=badge, ring_width=2)
            figures = (f"{line.accuracy:.0%} of {text.compact(line.answered)} · "
                       f"best streak {text.compact(line.best_streak)}")
            figures_width = text.draw(pen, (WIDTH - 36, middle + 7), figures, style="regular",
                                      size=15, fill=poster.GREY, anchor="rs")
            points = f"{text.compact(line.points)} pts"
            points_width = text.draw(pen, (WIDTH - 56 - figures_width, middle + 8), points,
                                     style="headline", size=24, fill=poster.GOLD, anchor="rs")
            room = WIDTH - 56 - figures_width - points_width - 24 - 144
            name, size = text.fit(line.name, "bold", 22, room, 12)
            text.draw(pen, (144, middle + 8), name, style="bold", size=size, fill=poster.WHITE)
        return image
