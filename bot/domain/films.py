"""The nine films, the content topics and the quiz difficulties. Pure data, no I/O."""

FILMS: tuple[str, ...] = (
    "Rocky",
    "Rocky II",
    "Rocky III",
    "Rocky IV",
    "Rocky V",
    "Rocky Balboa",
    "Creed",
    "Creed II",
    "Creed III",
)

# Tag for items about the series as a whole rather than one film.
FRANCHISE = "Franchise"
FILM_TAGS: tuple[str, ...] = (*FILMS, FRANCHISE)

TOPICS: tuple[str, ...] = (
    "production",
    "cast",
    "characters",
    "fights",
    "music",
    "locations",
    "box office",
    "awards",
    "behind the scenes",
)

DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard")


def film_order(name: str) -> int:
    """Position of a film tag in release order; Franchise sorts after the nine films."""
    try:
        return FILM_TAGS.index(name)
    except ValueError:
        raise ValueError(f"unknown film {name!r}") from None
