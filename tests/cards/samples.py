"""The cards the visual regression check, the README images and the benchmark draw."""

from __future__ import annotations

from bot.emulator.cdn import avatar_png
from bot.ui.cards import BoardCard, BoardLine, ChampionCard, MemberCard

AVATAR = "https://cdn.example/avatars/1/rocky.png"  # a key only: pictures are passed in
PICTURES = {AVATAR: avatar_png("rocky", 256)}

MEMBER = MemberCard(
    name="Adrian Pennino-Balboa", avatar_url=AVATAR, rank_title="Contender",
    rank_line="the name on the poster next to the champ's", points=4_321, season=3,
    season_points=1_234, season_place=2, accuracy=0.8734, answered=214, streak=5, best_streak=12,
    day_streak=7, favourite_film="Rocky IV", next_rank="Italian Stallion", rank_floor=3_500,
    next_rank_at=7_500)

# One of each: accents, Cyrillic, Greek, CJK (replaced), emoji (kept where the font has it).
NAMES = ("Rocky Balboa", "Аполлон Крид", "Ιβάν Ντράγκο", "山田太郎", "Mickey 🥊 Goldmill",
         "Paulie 😀 Pennino", "Adrián Pérez-Núñez", "Clubber Lang", "Tommy \"The Machine\" Gunn",
         "Adonis Creed")

BOARD = BoardCard("Leaderboard", "Rocky Fan Club, season 3 · this season · by points", tuple(
    BoardLine(i + 1, name, AVATAR if i % 3 == 0 else None, 10_000 - i * 937,
              0.9 - i * 0.05, 200 - i * 10, 20 - i) for i, name in enumerate(NAMES)))

CHAMPION = ChampionCard("Apollo Creed", AVATAR, "Rocky Fan Club", 3, 15_234, 420, 512)

REFERENCES = {"member": MEMBER, "leaderboard": BOARD, "champion": CHAMPION}
