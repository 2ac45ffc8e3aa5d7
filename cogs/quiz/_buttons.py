"""The quiz's buttons. Each custom id carries what a click needs, so the buttons work after a
restart; the Quiz cog answers them by route (bot/core/routes.py) and checks every click again on
the server (game state, day, who may turn a page)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import discord

from bot.core.routes import RoutedButton
from bot.ui.quiz import LETTERS

LABEL_LIMIT = 80

# The custom ids the Quiz cog's routes answer.
ANSWER = r"quiz:(?P<game>\d{1,18}):(?P<round>\d{1,2}):(?P<option>[0-3])"
DAILY_OPEN = r"daily:open:(?P<day>\d{8})"
DAILY_OPTION = r"daily:(?P<day>\d{8}):(?P<option>[0-3])"
BOARD_PAGE = (r"quizlb:(?P<user>\d{1,20}):(?P<scope>server|global):(?P<period>week|month|all):"
              r"(?P<sort>points|accuracy|streak):(?P<dir>[pn])(?P<page>\d{1,6})")


def _label(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


def day_code(day: date) -> str:
    return day.strftime("%Y%m%d")


def parse_day(code: str) -> date:
    return date(int(code[:4]), int(code[4:6]), int(code[6:]))


def answer_buttons(game_id: int, round_no: int, options: Sequence[str], *,
                   correct: int | None = None) -> discord.ui.ActionRow:
    """The four answers; once revealed (correct given) they are disabled, the answer green."""
    row: discord.ui.ActionRow = discord.ui.ActionRow()
    for i, text in enumerate(options):
        if correct is None:
            style, disabled = discord.ButtonStyle.primary, False
        else:
            disabled = True
            style = discord.ButtonStyle.success if i == correct else discord.ButtonStyle.secondary
        row.add_item(RoutedButton(label=_label(text), emoji=LETTERS[i], style=style,
                                  disabled=disabled, custom_id=f"quiz:{game_id}:{round_no}:{i}"))
    return row


def daily_options_view(day: date, options: Sequence[str]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for i, text in enumerate(options):
        view.add_item(RoutedButton(label=_label(text), emoji=LETTERS[i],
                                   style=discord.ButtonStyle.primary,
                                   custom_id=f"daily:{day_code(day)}:{i}"))
    return view


def daily_post_view(day: date) -> discord.ui.View:
    """"Answer" on a daily post: opens the day's question privately."""
    view = discord.ui.View(timeout=None)
    view.add_item(RoutedButton(label="Answer", emoji="🏃", style=discord.ButtonStyle.primary,
                               custom_id=f"daily:open:{day_code(day)}"))
    return view


def board_buttons(owner_id: int, scope: str, period: str, sort: str, page: int,
                  pages: int) -> discord.ui.ActionRow:
    """Previous / next page of a leaderboard. The member who asked turns the message; anyone
    else gets a private copy of that page to browse."""
    row: discord.ui.ActionRow = discord.ui.ActionRow()
    for direction, label, emoji, target, disabled in (
            ("p", "Previous", "◀️", max(page - 1, 1), page <= 1),
            ("n", "Next", "▶️", min(page + 1, pages), page >= pages)):
        row.add_item(RoutedButton(
            label=label, emoji=emoji, style=discord.ButtonStyle.secondary, disabled=disabled,
            custom_id=f"quizlb:{owner_id}:{scope}:{period}:{sort}:{direction}{target}"))
    return row
