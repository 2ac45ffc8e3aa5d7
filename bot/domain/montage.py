"""Browsing the song catalogue in film order: where a film starts, next and previous, pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

PLAYLIST_PAGE_SIZE = 8


class CatalogueSong(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def films(self) -> tuple[str, ...]: ...
    @property
    def montage(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Start:
    """Where `/montage show` opens, and whether that film has a training-montage song at all."""

    index: int
    film_has_montage: bool


def start_for(songs: Sequence[CatalogueSong], film: str | None) -> Start | None:
    """The film's first montage song (its first song if none is a montage); None: no song."""
    if film is None:
        return Start(0, True) if songs else None
    of_film = [i for i, song in enumerate(songs) if film in song.films]
    if not of_film:
        return None
    montage = [i for i in of_film if songs[i].montage]
    return Start(montage[0], True) if montage else Start(of_film[0], False)


def index_of(songs: Sequence[CatalogueSong], song_id: str) -> int | None:
    return next((i for i, song in enumerate(songs) if song.id == song_id), None)


def step(index: int, direction: str, total: int) -> int | None:
    """The neighbour in `direction` ("prev" or "next"); None past either end (no wrapping)."""
    target = index + (1 if direction == "next" else -1)
    return target if 0 <= target < total else None


def page_count(total: int, size: int = PLAYLIST_PAGE_SIZE) -> int:
    return max(1, -(-total // size))


def page_bounds(page: int, total: int, size: int = PLAYLIST_PAGE_SIZE) -> range:
    """Indexes of the songs on `page` (from 0)."""
    return range(page * size, min(total, (page + 1) * size))
