"""Text on cards: the shipped fonts, a per-character fallback between them, and fitting.

Pillow draws every character with the one font it is given and shows a box for a character that
font lacks (Pillow #4808). So each string is split into runs, each drawn with the first shipped
font that has its characters; a character no shipped font has is dropped when it is decoration
(emoji, joiners, variation selectors) and shown as "?" when it is a letter (CJK, for instance).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Pillow loads when the first card is drawn, not at start
    from PIL import ImageDraw, ImageFont

FONTS = Path(__file__).with_name("fonts")
REPLACEMENT = "?"
ELLIPSIS = "…"


@dataclass(frozen=True)
class Face:
    """One shipped font file and the characters it has."""

    file: str

    @property
    def path(self) -> Path:
        return FONTS / self.file

    def has(self, char: str) -> bool:
        return ord(char) in _codepoints(self.file)

    def at(self, size: int) -> ImageFont.FreeTypeFont:
        return _font(self.file, size)


@cache
def _codepoints(file: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(FONTS / file, lazy=True).getBestCmap())


@lru_cache(maxsize=256)
def _font(file: str, size: int) -> ImageFont.FreeTypeFont:
    # Basic layout: the same pixels wherever the bot runs (raqm is optional in Pillow builds).
    from PIL import ImageFont

    return ImageFont.truetype(str(FONTS / file), size, layout_engine=ImageFont.Layout.BASIC)


SANS = Face("DejaVuSans.ttf")
BOLD = Face("DejaVuSans-Bold.ttf")
CONDENSED = Face("DejaVuSansCondensed-Bold.ttf")

# Each style falls back to the fonts after it; DejaVu Sans has the most characters.
STYLES: dict[str, tuple[Face, ...]] = {
    "regular": (SANS,),
    "bold": (BOLD, SANS),
    "headline": (CONDENSED, BOLD, SANS),
}


def _decoration(char: str) -> bool:
    """Characters that carry no letter: left out when no font has them."""
    category = unicodedata.category(char)
    return category in ("So", "Sk", "Cf", "Mn", "Me", "Cs", "Co", "Cn") or (
        0x1F000 <= ord(char) <= 0x1FAFF)


def drawable(text: str, style: str = "bold") -> str:
    """`text` with only characters the style's fonts can draw, one line, trimmed."""
    faces = STYLES[style]
    out = []
    for char in unicodedata.normalize("NFC", " ".join(text.split())):
        if unicodedata.category(char) == "Cf" or 0xFE00 <= ord(char) <= 0xFE0F:
            continue  # joiners and variation selectors: nothing to draw on a card
        if any(face.has(char) for face in faces):
            out.append(char)
        elif not _decoration(char):
            out.append(REPLACEMENT)
    return " ".join("".join(out).split())


def runs(text: str, style: str) -> list[tuple[Face, str]]:
    """Split drawable text into runs, each with the first font of the style that has it."""
    faces = STYLES[style]
    result: list[tuple[Face, str]] = []
    for char in text:
        face = next((f for f in faces if f.has(char)), faces[-1])
        if result and result[-1][0] == face:
            result[-1] = (face, result[-1][1] + char)
        else:
            result.append((face, char))
    return result


def width(text: str, style: str, size: int) -> float:
    return sum(face.at(size).getlength(part) for face, part in runs(text, style))


def fit(text: str, style: str, size: int, max_width: float, min_size: int) -> tuple[str, int]:
    """The largest size from `size` down to `min_size` at which the text fits `max_width`;
    at `min_size` the text is cut with an ellipsis."""
    text = drawable(text, style)
    for candidate in range(size, min_size - 1, -1):
        if width(text, style, candidate) <= max_width:
            return text, candidate
    while text and width(text + ELLIPSIS, style, min_size) > max_width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS, min_size


def draw(canvas: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, *, style: str,
         size: int, fill: str | tuple[int, ...], anchor: str = "ls") -> float:
    """Draw already-drawable text run by run from `xy` (left, baseline by default; "rs" draws
    it ending at x); returns its width."""
    total = width(text, style, size)
    x, y = xy
    if anchor[0] == "r":
        x -= total
    elif anchor[0] == "m":
        x -= total / 2
    for face, part in runs(text, style):
        font = face.at(size)
        canvas.text((x, y), part, font=font, fill=fill, anchor="l" + anchor[1])
        x += font.getlength(part)
    return total


def compact(number: int) -> str:
    """A figure short enough for a card: 12,345 · 1.2M · 3.4B."""
    if abs(number) < 1_000_000:
        return f"{number:,}"
    for limit, suffix in ((10**12, "T"), (10**9, "B"), (10**6, "M")):
        if abs(number) >= limit:
            value = number / limit
            return f"{value:,.0f}{suffix}" if abs(value) >= 100 else f"{value:.1f}{suffix}"
    return f"{number:,}"  # unreachable, for the type checker


def initials(name: str) -> str:
    """Up to two letters for an avatar that could not be fetched."""
    words = [w for w in drawable(name, "headline").split() if w[0].isalnum()]
    letters = "".join(w[0] for w in words[:2]).upper()
    return letters or REPLACEMENT
