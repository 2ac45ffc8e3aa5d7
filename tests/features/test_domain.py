"""Pure rules: browsing the catalogue, playlist pages, and the /motivate windows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.content import load_content
from bot.domain.montage import Start, index_of, page_bounds, page_count, start_for, step
from bot.domain.motivation import MotivationLimiter, Wait

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class S:
    id: str
    films: tuple[str, ...]
    montage: bool


SONGS = (S("a", ("Rocky",), False), S("b", ("Rocky",), True), S("c", ("Rocky V",), False),
         S("d", ("Creed",), True), S("e", ("Creed",), True))


def test_a_film_opens_at_its_first_montage_song():
    assert start_for(SONGS, "Rocky") == Start(1, True)
    assert start_for(SONGS, "Creed") == Start(3, True)


def test_a_film_without_a_montage_song_opens_at_its_first_song_and_says_so():
    assert start_for(SONGS, "Rocky V") == Start(2, False)


def test_no_film_opens_at_the_start_and_an_unknown_or_empty_film_finds_nothing():
    assert start_for(SONGS, None) == Start(0, True)
    assert start_for(SONGS, "Creed III") is None
    assert start_for((), None) is None


def test_steps_stop_at_both_ends_without_wrapping():
    assert step(0, "next", 5) == 1 and step(4, "prev", 5) == 3
    assert step(0, "prev", 5) is None and step(4, "next", 5) is None
    assert index_of(SONGS, "d") == 3 and index_of(SONGS, "zzz") is None


def test_pages_cover_every_song_once_in_order():
    for total in (0, 1, 8, 9, 21):
        pages = page_count(total, 8)
        covered = [i for p in range(pages) for i in page_bounds(p, total, 8)]
        assert covered == list(range(total))
        assert pages == max(1, (total + 7) // 8)


def test_the_bundled_catalogue_opens_rocky_iv_at_its_montage():
    songs = load_content().songs_in_film_order()
    start = start_for(songs, "Rocky IV")
    assert songs[start.index].montage and "Rocky IV" in songs[start.index].films
    assert not any("Rocky IV" in s.films for s in songs[: start.index] if s.montage)


def test_a_sender_waits_between_motivations():
    limiter = MotivationLimiter(timedelta(seconds=60), timedelta(minutes=10))
    assert limiter.try_send(1, 10, 20, T0) is None
    assert limiter.try_send(1, 10, 21, T0 + timedelta(seconds=59)) == Wait(
        "sender", timedelta(seconds=1))
    assert limiter.try_send(1, 10, 21, T0 + timedelta(seconds=60)) is None


def test_a_target_is_motivated_at_most_once_per_window_whoever_sends():
    limiter = MotivationLimiter(timedelta(seconds=60), timedelta(minutes=10))
    assert limiter.try_send(1, 10, 20, T0) is None
    for sender, minutes in ((11, 1), (12, 5), (13, 9)):
        wait = limiter.try_send(1, sender, 20, T0 + timedelta(minutes=minutes))
        assert wait == Wait("target", timedelta(minutes=10 - minutes))
    assert limiter.try_send(1, 14, 20, T0 + timedelta(minutes=10)) is None


def test_a_refused_motivation_records_nothing():
    limiter = MotivationLimiter(timedelta(seconds=60), timedelta(minutes=10))
    limiter.try_send(1, 10, 20, T0)
    assert limiter.try_send(1, 11, 20, T0 + timedelta(seconds=5)) is not None
    # Sender 11 was refused, so sender 11 is free to motivate someone else at once.
    assert limiter.try_send(1, 11, 21, T0 + timedelta(seconds=6)) is None


def test_windows_are_per_server():
    limiter = MotivationLimiter(timedelta(seconds=60), timedelta(minutes=10))
    assert limiter.try_send(1, 10, 20, T0) is None
    assert limiter.try_send(2, 10, 20, T0) is None
