"""The rank ladder: Rocky-themed titles by the points a member scored on a server. Pure data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rank:
    title: str
    min_points: int
    why: str


# From the meat locker to the museum steps; each rung roughly doubles the one before.
LADDER: tuple[Rank, ...] = (
    Rank("Meat-Locker Rookie", 0, "punching sides of beef at Paulie's work"),
    Rank("Sparring Partner", 500, "taking shots at Mighty Mick's Gym"),
    Rank("Club Fighter", 1_500, "a Friday night card at the Cambria"),
    Rank("Contender", 3_500, "the name on the poster next to the champ's"),
    Rank("Italian Stallion", 7_500, "the nickname that got Rocky the title shot"),
    Rank("Heavyweight Champion", 15_000, "the belt, won the hard way"),
    Rank("Eye of the Tiger", 30_000, "the hunger that survives the belt"),
    Rank("Legend of the Art Museum Steps", 60_000, "a statue at the top of the 72 steps"),
)


@dataclass(frozen=True, slots=True)
class Standing:
    rank: Rank
    next_rank: Rank | None

    def points_to_next(self, points: int) -> int | None:
        return None if self.next_rank is None else max(self.next_rank.min_points - points, 0)


def rank_for(points: int) -> Standing:
    index = 0
    for i, rung in enumerate(LADDER):
        if points >= rung.min_points:
            index = i
    following = LADDER[index + 1] if index + 1 < len(LADDER) else None
    return Standing(LADDER[index], following)
