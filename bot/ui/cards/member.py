"""The member card /stats shows: 934x282, the size of the common rank cards."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.domain.leaderboard import MemberStats
from bot.domain.ranks import rank_for
from bot.ui.cards import poster, text

if TYPE_CHECKING:  # Pillow loads when the first card is drawn, not at start
    from PIL import Image

WIDTH, HEIGHT = 934, 282
LEFT = 300  # where the text column starts, right of the avatar
RIGHT = WIDTH - 32


@dataclass(frozen=True, slots=True)
class MemberCard:
    """Everything the card shows; also its cache key (a new figure is a new card)."""

    name: str
    avatar_url: str | None
    rank_title: str
    rank_line: str
    points: int
    season: int
    season_points: int
    season_place: int | None
    accuracy: float
    answered: int
    streak: int
    best_streak: int
    day_streak: int
    favourite_film: str | None
    next_rank: str | None
    rank_floor: int  # points where the current rank starts
    next_rank_at: int | None

    @classmethod
    def of(cls, stats: MemberStats, today: date, avatar_url: str | None) -> MemberCard:
        standing = rank_for(stats.points)
        return cls(
            name=stats.display_name, avatar_url=avatar_url, rank_title=standing.rank.title,
            rank_line=standing.rank.why, points=stats.points, season=stats.season,
            season_points=stats.season_points, season_place=stats.season_place,
            accuracy=stats.accuracy, answered=stats.answered, streak=stats.streak,
            best_streak=stats.best_streak, day_streak=stats.day_streak.live(today),
            favourite_film=stats.favourite_film,
            next_rank=standing.next_rank.title if standing.next_rank else None,
            rank_floor=standing.rank.min_points,
            next_rank_at=standing.next_rank.min_points if standing.next_rank else None)

    @property
    def file_name(self) -> str:
        return "stats.png"

    def avatar_urls(self) -> tuple[str, ...]:
        return (self.avatar_url,) if self.avatar_url else ()

    @property
    def progress(self) -> float:
        if self.next_rank_at is None:
            return 1.0
        return (self.points - self.rank_floor) / (self.next_rank_at - self.rank_floor)

    def draw(self, pictures: Mapping[str, bytes | None]) -> Image.Image:
        image, pen = poster.canvas(WIDTH, HEIGHT)
        # The fighter's corner: a red panel with the avatar in a gold ring.
        pen.rectangle((0, 14, LEFT - 40, HEIGHT - 5), fill=poster.RED)
        poster.avatar(image, pictures.get(self.avatar_url or ""), self.name, (40, 51, 180))

        place = f"SEASON {self.season}" + (f" · #{self.season_place}"
                                           if self.season_place else "")
        place_width = text.draw(pen, (RIGHT, 58), place, style="headline", size=22,
                                fill=poster.GOLD, anchor="rs")
        name, size = text.fit(self.name, "bold", 40, RIGHT - LEFT - place_width - 24, 22)
        text.draw(pen, (LEFT, 62), name, style="bold", size=size, fill=poster.WHITE)

        text.draw(pen, (LEFT, 100), self.rank_title.upper(), style="headline", size=26,
                  fill=poster.GOLD)
        line, size = text.fit(self.rank_line, "regular", 16, RIGHT - LEFT, 12)
        text.draw(pen, (LEFT, 124), line, style="regular", size=size, fill=poster.GREY)

        columns = (
            ("POINTS", text.compact(self.points)),
            ("ACCURACY", f"{self.accuracy:.0%}"),
            ("STREAK", f"{text.compact(self.streak)} · best {text.compact(self.best_streak)}"),
            ("ROADWORK", f"{text.compact(self.day_streak)} days"),
        )
        step = (RIGHT - LEFT) / len(columns)
        for i, (label, value) in enumerate(columns):
            x = LEFT + i * step
            text.draw(pen, (x, 158), label, style="headline", size=14, fill=poster.GREY)
            value, size = text.fit(value, "bold", 26, step - 12, 14)
            text.draw(pen, (x, 188), value, style="bold", size=size, fill=poster.WHITE)

        film = self.favourite_film or "not yet"
        width = text.draw(pen, (LEFT, 222), "FAVOURITE FILM", style="headline", size=14,
                          fill=poster.GREY)
        text.draw(pen, (LEFT + width + 10, 222), film, style="bold", size=15, fill=poster.WHITE)
        if self.next_rank is not None and self.next_rank_at is not None:
            goal = (f"{text.compact(self.next_rank_at - self.points)} points to "
                    f"{self.next_rank}")
        else:
            goal = "Top of the ladder"
        goal, size = text.fit(goal, "bold", 15, (RIGHT - LEFT) / 2, 11)
        text.draw(pen, (RIGHT, 222), goal, style="bold", size=size, fill=poster.GOLD,
                  anchor="rs")
        poster.bar(pen, (LEFT, 236, RIGHT, 254), self.progress)
        return image
