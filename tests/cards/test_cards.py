"""The picture cards: every script a name may come in, missing avatars, extreme figures, the
look (against reference images), the cache, and rendering off the event loop."""

from __future__ import annotations

import asyncio
import io
import time
from dataclasses import replace
from pathlib import Path

import discord
import pytest
from aiohttp import web
from PIL import Image, ImageChops, ImageStat

from bot.ui.cards import AvatarFetcher, CardRenderer, draw_png, text
from bot.ui.cards.member import HEIGHT, WIDTH
from tests.cards.samples import BOARD, CHAMPION, MEMBER, PICTURES, REFERENCES

REFERENCE = Path(__file__).parent / "reference"
# Different FreeType builds antialias glyph edges differently; a layout change moves whole
# glyphs and blocks, far beyond these bounds.
MEAN_TOLERANCE = 1.5  # mean difference per channel, of 255
CHANGED_PIXELS = 0.005  # share of pixels that may differ by more than 64


def picture(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def difference(a: Image.Image, b: Image.Image) -> tuple[float, float]:
    assert a.size == b.size, f"size {a.size} is not {b.size}"
    diff = ImageChops.difference(a, b)
    mean = sum(ImageStat.Stat(diff).mean) / 3
    changed = sum(1 for p in diff.convert("L").point(lambda v: 255 if v > 64 else 0)
                  .get_flattened_data() if p)
    return mean, changed / (a.width * a.height)


def looks_like(png: bytes, reference: Path) -> bool:
    mean, changed = difference(picture(png), Image.open(reference).convert("RGB"))
    return mean <= MEAN_TOLERANCE and changed <= CHANGED_PIXELS


# -- text: never a box --------------------------------------------------------------------------
@pytest.mark.parametrize("name, expected", [
    ("Adrián Pérez-Núñez", "Adrián Pérez-Núñez"),
    ("Аполлон Крид", "Аполлон Крид"),
    ("Ιβάν Ντράγκο", "Ιβάν Ντράγκο"),
    ("山田太郎", "????"),
    ("Mickey 🥊 Goldmill", "Mickey Goldmill"),  # no shipped font has the glove: left out
    ("Paulie 😀", "Paulie 😀"),  # DejaVu Sans has this one: shown
    ("Rocky\u200d\ufe0f  Balboa\n", "Rocky Balboa"),  # joiners, selectors, odd spaces
])
def test_names_keep_what_the_fonts_can_draw(name: str, expected: str) -> None:
    assert text.drawable(name, "bold") == expected


@pytest.mark.parametrize("style", sorted(text.STYLES))
def test_every_character_drawn_is_in_the_font_that_draws_it(style: str) -> None:
    wild = "".join(REFERENCES["leaderboard"].lines[i].name for i in range(10)) + "Ω™€∑🎉👍🏽中文"
    for face, part in text.runs(text.drawable(wild, style), style):
        missing = [c for c in part if not face.has(c)]
        assert not missing, f"{face.file} would draw {missing} as boxes"


def test_a_character_only_the_regular_font_has_falls_back_to_it() -> None:
    # "Fancy font" names use the mathematical sans-serif letters, which only DejaVu Sans has.
    fancy = "𝖱𝗈𝖼𝗄𝗒"
    assert not any(text.BOLD.has(c) for c in fancy)
    assert text.runs(f"A {fancy} B", "bold") == [(text.BOLD, "A "), (text.SANS, fancy),
                                                 (text.BOLD, " B")]


def test_a_long_name_shrinks_then_is_cut_to_fit() -> None:
    short, size = text.fit("Rocky", "bold", 40, 400, 22)
    assert (short, size) == ("Rocky", 40)
    long_name = "Rocky " * 30
    cut, size = text.fit(long_name, "bold", 40, 400, 22)
    assert size == 22 and cut.endswith("…") and text.width(cut, "bold", 22) <= 400


@pytest.mark.parametrize("number, shown", [(0, "0"), (999_999, "999,999"),
                                           (1_234_567, "1.2M"), (987_654_321_000, "988B"),
                                           (10**15, "1,000T")])
def test_figures_are_compact(number: int, shown: str) -> None:
    assert text.compact(number) == shown


def test_initials_use_letters_only() -> None:
    assert text.initials("Paulie 😀 Pennino") == "PP"
    assert text.initials("山田太郎") == "?"
    assert text.initials("🥊") == "?"


# -- the cards ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["R", "Rocky " * 20, "Аполлон Крид", "Ιβάν Ντράγκο",
                                  "山田太郎", "🥊🥊🥊", "Adrián Pérez-Núñez"])
def test_member_card_draws_any_name(name: str) -> None:
    png = draw_png(replace(MEMBER, name=name), {})
    assert picture(png).size == (WIDTH, HEIGHT)


def test_member_card_with_zero_and_with_huge_figures() -> None:
    zero = replace(MEMBER, points=0, season_points=0, season_place=None, accuracy=0.0,
                   answered=0, streak=0, best_streak=0, day_streak=0, favourite_film=None,
                   rank_floor=0, next_rank_at=500)
    huge = replace(MEMBER, points=10**15, season_points=10**15, season_place=10**9,
                   answered=10**12, streak=10**9, best_streak=10**9, day_streak=10**6,
                   next_rank=None, next_rank_at=None)
    for card in (zero, huge):
        assert picture(draw_png(card, PICTURES)).size == (WIDTH, HEIGHT)
    assert zero.progress == 0.0 and huge.progress == 1.0


def test_a_missing_avatar_shows_initials_not_a_blank() -> None:
    without = picture(draw_png(MEMBER, {}))
    disc = without.crop((60, 70, 200, 210))
    colours = disc.getcolors(maxcolors=4096) or []
    assert len(colours) > 2, "the avatar disc is one flat colour: no initials drawn"
    with_picture = picture(draw_png(MEMBER, PICTURES)).crop((60, 70, 200, 210))
    assert difference(disc, with_picture)[0] > 10


def test_unreadable_avatar_bytes_fall_back_to_initials() -> None:
    broken = {MEMBER.avatar_url: b"not a png"}
    assert draw_png(MEMBER, broken) == draw_png(MEMBER, {})


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_cards_look_like_their_reference(name: str) -> None:
    """Visual regression; `python -m tests.cards.refresh` redraws the references."""
    png = draw_png(REFERENCES[name], PICTURES)
    assert looks_like(png, REFERENCE / f"{name}.png"), \
        f"{name} card differs from tests/cards/reference/{name}.png"


def test_the_regression_check_sees_a_changed_figure() -> None:
    changed = draw_png(replace(MEMBER, points=9_999, streak=77), PICTURES)
    assert not looks_like(changed, REFERENCE / "member.png")
    moved = draw_png(replace(BOARD, lines=BOARD.lines[1:]), PICTURES)
    assert picture(moved).size != Image.open(REFERENCE / "leaderboard.png").size
    champion = draw_png(replace(CHAMPION, name="Clubber Lang"), PICTURES)
    assert not looks_like(champion, REFERENCE / "champion.png")


# -- fetching avatars and rendering -------------------------------------------------------------
@pytest.fixture()
async def cdn(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A CDN on loopback: /ok.png answers, /slow.png never does in time, /gone.png is 404."""
    hits: list[str] = []

    async def serve(request: web.Request) -> web.StreamResponse:
        hits.append(request.path)
        if request.path == "/slow.png":
            await asyncio.sleep(5)
        if request.path == "/gone.png":
            return web.Response(status=404)
        return web.Response(body=PICTURES[MEMBER.avatar_url], content_type="image/png")

    app = web.Application()
    app.router.add_get("/{name}", serve)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
    monkeypatch.setattr(discord.Asset, "BASE", base)
    yield base, hits
    await runner.cleanup()


async def test_avatars_are_fetched_once_and_slow_ones_give_up(cdn) -> None:  # type: ignore[no-untyped-def]
    base, hits = cdn
    fetcher = AvatarFetcher(timeout=0.3)
    try:
        first, second = await asyncio.gather(fetcher.get(f"{base}/ok.png"),
                                             fetcher.get(f"{base}/ok.png"))
        assert first == second == PICTURES[MEMBER.avatar_url]
        assert await fetcher.get(f"{base}/ok.png") == first
        assert hits.count("/ok.png") == 1
        started = time.monotonic()
        assert await fetcher.get(f"{base}/slow.png") is None
        assert time.monotonic() - started < 1.0
        assert await fetcher.get(f"{base}/gone.png") is None
        assert await fetcher.get(f"{base}/gone.png") is None  # remembered: not asked again
        assert hits.count("/gone.png") == 1
        assert await fetcher.get("http://elsewhere.invalid/avatars/1/x.png") is None
    finally:
        await fetcher.close()


async def test_a_card_is_cached_until_its_figures_change(cdn, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    base, _ = cdn
    drawn: list[object] = []
    real = draw_png

    def counting(card, pictures):  # type: ignore[no-untyped-def]
        drawn.append(card)
        return real(card, pictures)

    monkeypatch.setattr("bot.ui.cards.draw_png", counting)
    renderer = CardRenderer()
    card = replace(MEMBER, avatar_url=f"{base}/ok.png")
    try:
        first = await renderer.png(card)
        assert await renderer.png(replace(card)) is first
        assert len(drawn) == 1
        await renderer.png(replace(card, points=card.points + 10))
        await renderer.png(replace(card, avatar_url=f"{base}/other.png"))
        assert len(drawn) == 3
        # Initials stand in for a failed avatar: that card is drawn again next time.
        missing = replace(card, avatar_url=f"{base}/gone.png")
        await renderer.png(missing)
        await renderer.png(missing)
        assert len(drawn) == 5
    finally:
        await renderer.close()


async def test_rendering_does_not_block_the_event_loop() -> None:
    renderer = CardRenderer()
    cards = [replace(MEMBER, avatar_url=None, points=i) for i in range(20)]
    longest = 0.0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal longest
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            longest = max(longest, time.perf_counter() - before - 0.001)

    tick = asyncio.create_task(ticker())
    try:
        started = time.perf_counter()
        await asyncio.gather(*(renderer.png(c) for c in cards))
        elapsed = time.perf_counter() - started
    finally:
        stop.set()
        await tick
        await renderer.close()
    # Drawn in the loop, 20 cards would stall it for the whole batch at once.
    assert longest < elapsed / 2, f"a stall of {longest * 1000:.0f} ms in {elapsed * 1000:.0f}"
