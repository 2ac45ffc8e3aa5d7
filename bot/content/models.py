"""Immutable content items and the library that serves them."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import quote, quote_plus

from bot.domain.films import film_order

# What a quote does for the one who reads it; a quote has one or more.
MOTIVATIONAL = "motivational"
MOODS: tuple[str, ...] = (MOTIVATIONAL, "funny", "menacing", "tender", "iconic")


@dataclass(frozen=True, slots=True)
class Fact:
    id: str
    films: tuple[str, ...]
    topics: tuple[str, ...]
    source: str
    text: str


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    films: tuple[str, ...]
    topics: tuple[str, ...]
    source: str
    prompt: str
    options: tuple[str, ...]
    answer: str
    difficulty: str
    kind: str
    explanation: str

    @property
    def answer_index(self) -> int:
        return self.options.index(self.answer)


@dataclass(frozen=True, slots=True)
class Song:
    id: str
    films: tuple[str, ...]
    topics: tuple[str, ...]
    source: str
    title: str
    performer: str
    writers: tuple[str, ...]
    scene: str
    year: int
    montage: bool
    chart_peak: str | None = None
    official_url: str | None = None

    @property
    def search_terms(self) -> str:
        return f"{self.title} {self.performer}"

    # Search links rather than stored video links, so they never rot.
    @property
    def youtube_url(self) -> str:
        return "https://www.youtube.com/results?search_query=" + quote_plus(self.search_terms)

    @property
    def spotify_url(self) -> str:
        return "https://open.spotify.com/search/" + quote(self.search_terms, safe="")


@dataclass(frozen=True, slots=True)
class Quote:
    id: str
    films: tuple[str, ...]
    topics: tuple[str, ...]
    source: str
    text: str
    character: str
    moods: tuple[str, ...]
    scene: str | None = None

    @property
    def film(self) -> str:
        return self.films[0]

    @property
    def motivational(self) -> bool:
        return MOTIVATIONAL in self.moods


Item = Fact | Question | Song | Quote


def _index(items: Iterable[Item]) -> Mapping[str, Item]:
    return MappingProxyType({item.id: item for item in items})


@dataclass(frozen=True, slots=True)
class ContentLibrary:
    facts: tuple[Fact, ...] = ()
    questions: tuple[Question, ...] = ()
    songs: tuple[Song, ...] = ()
    quotes: tuple[Quote, ...] = ()
    facts_by_id: Mapping[str, Fact] = field(init=False, repr=False, compare=False)
    questions_by_id: Mapping[str, Question] = field(init=False, repr=False, compare=False)
    songs_by_id: Mapping[str, Song] = field(init=False, repr=False, compare=False)
    quotes_by_id: Mapping[str, Quote] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen, so the lookup tables are set once through object.__setattr__.
        object.__setattr__(self, "facts_by_id", _index(self.facts))
        object.__setattr__(self, "questions_by_id", _index(self.questions))
        object.__setattr__(self, "songs_by_id", _index(self.songs))
        object.__setattr__(self, "quotes_by_id", _index(self.quotes))

    def facts_for(
        self, films: Iterable[str] | None = None, topic: str | None = None
    ) -> tuple[Fact, ...]:
        """Facts tagged with any of `films` (None: any film) and with `topic` (None: any)."""
        wanted = None if films is None else frozenset(films)
        return tuple(
            fact
            for fact in self.facts
            if (wanted is None or wanted.intersection(fact.films))
            and (topic is None or topic in fact.topics)
        )

    def questions_for(
        self, films: Iterable[str] | None = None, difficulty: str | None = None
    ) -> tuple[Question, ...]:
        wanted = None if films is None else frozenset(films)
        return tuple(
            question
            for question in self.questions
            if (wanted is None or wanted.intersection(question.films))
            and (difficulty is None or question.difficulty == difficulty)
        )

    def quotes_for(
        self,
        film: str | Iterable[str] | None = None,
        character: str | None = None,
        mood: str | None = None,
        *,
        exclude: Collection[str] = (),
    ) -> list[Quote]:
        """Quotes from `film` (one title, or any of several) said by `character`, with `mood`.

        None means any. The character match ignores case. Ids in `exclude` are left out, so a
        caller that remembers what a channel has already seen draws only fresh lines; when
        that leaves nothing, the caller decides whether to start the cycle again.
        """
        films = None if film is None else frozenset([film] if isinstance(film, str) else film)
        wanted = character.casefold().strip() if character is not None else None
        return [
            quote
            for quote in self.quotes
            if (films is None or quote.film in films)
            and (wanted is None or quote.character.casefold() == wanted)
            and (mood is None or mood in quote.moods)
            and quote.id not in exclude
        ]

    def songs_in_film_order(self) -> tuple[Song, ...]:
        """Songs by their earliest film, then year; ties keep pack order (sort is stable)."""
        return tuple(
            sorted(self.songs, key=lambda song: (min(map(film_order, song.films)), song.year))
        )

    def characters(self) -> tuple[str, ...]:
        return tuple(sorted({q.character for q in self.quotes}, key=lambda c: (c.casefold(), c)))
