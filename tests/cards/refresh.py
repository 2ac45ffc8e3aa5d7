"""Redraw the reference images of the visual regression check and the README's pictures.

    .venv/bin/python -m tests.cards.refresh

Run it after changing a card on purpose, look at the new images, and commit them.
"""

from __future__ import annotations

from pathlib import Path

from bot.ui.cards import draw_png
from tests.cards.samples import PICTURES, REFERENCES

HERE = Path(__file__).parent
REFERENCE = HERE / "reference"
README_IMAGES = HERE.parents[1] / "docs" / "images"
IN_README = {"member": "member-card.png", "leaderboard": "leaderboard-card.png"}


def main() -> None:
    REFERENCE.mkdir(exist_ok=True)
    README_IMAGES.mkdir(parents=True, exist_ok=True)
    for name, card in REFERENCES.items():
        picture = draw_png(card, PICTURES)
        (REFERENCE / f"{name}.png").write_bytes(picture)
        print(REFERENCE / f"{name}.png")
        if name in IN_README:
            (README_IMAGES / IN_README[name]).write_bytes(picture)
            print(README_IMAGES / IN_README[name])


if __name__ == "__main__":
    main()
