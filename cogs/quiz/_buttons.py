"""Buttons that survive a restart: each custom id carries what a click needs, and every click is
checked again on the server (game state, day, who may turn a page)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

import discord

from bot.core.error_handler import ReportsErrors
from bot.errors import Conflict
from bot.ui.quiz import LETTERS

COG_NAME = "Quiz"
LABEL_LIMIT = 80


def _label(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


def _day_code(day: date) -> str:
    return day.strftime("%Y%m%d")


def _parse_day(code: str) -> date:
    return date(int(code[:4]), int(code[4:6]), int(code[6:]))


def _quiz(interaction: discord.Interaction) -> Any:
    """The quiz cog that handles a click (the gate and error handling come from ReportsErrors)."""
    cog = interaction.client.get_cog(COG_NAME)  # type: ignore[attr-defined]
    if cog is None:
        raise Conflict("The quiz is restarting; try again in a moment.")
    return cog


class AnswerButton(ReportsErrors, discord.ui.DynamicItem[discord.ui.Button],
                   template=r"quiz:(?P<game>\d{1,18}):(?P<round>\d{1,2}):(?P<option>[0-3])"):
    def __init__(self, game_id: int, round_no: int, option: int, *, label: str = "?",
                 style: discord.ButtonStyle = discord.ButtonStyle.primary,
                 disabled: bool = False) -> None:
        super().__init__(discord.ui.Button(
            label=_label(label), emoji=LETTERS[option], style=style, disabled=disabled,
            custom_id=f"quiz:{game_id}:{round_no}:{option}"))
        self.game_id, self.round_no, self.option = game_id, round_no, option

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item,
                             match: re.Match[str]) -> AnswerButton:
        label = getattr(item, "label", None) or "?"
        return cls(int(match["game"]), int(match["round"]), int(match["option"]), label=label)

    async def on_click(self, interaction: discord.Interaction) -> None:
        await _quiz(interaction).on_answer(
            interaction, self.game_id, self.round_no, self.option, self.item.label or "?")


def answer_view(game_id: int, round_no: int, options: Sequence[str], *,
                correct: int | None = None) -> discord.ui.View:
    """The four answers; once revealed (correct given) they are disabled, the answer green."""
    view = discord.ui.View(timeout=None)
    for i, text in enumerate(options):
        if correct is None:
            style, disabled = discord.ButtonStyle.primary, False
        else:
            disabled = True
            style = discord.ButtonStyle.success if i == correct else discord.ButtonStyle.secondary
        view.add_item(AnswerButton(game_id, round_no, i, label=text, style=style,
                                   disabled=disabled))
    return view


class DailyOpenButton(ReportsErrors, discord.ui.DynamicItem[discord.ui.Button],
                      template=r"daily:open:(?P<day>\d{8})"):
    """"Answer" on a daily post: opens the day's question privately."""

    def __init__(self, day: date) -> None:
        super().__init__(discord.ui.Button(label="Answer", emoji="🏃",
                                           style=discord.ButtonStyle.primary,
                                           custom_id=f"daily:open:{_day_code(day)}"))
        self.day = day

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item,
                             match: re.Match[str]) -> DailyOpenButton:
        return cls(_parse_day(match["day"]))

    async def on_click(self, interaction: discord.Interaction) -> None:
        await _quiz(interaction).daily.open_from_post(interaction, self.day)


class DailyOptionButton(ReportsErrors, discord.ui.DynamicItem[discord.ui.Button],
                        template=r"daily:(?P<day>\d{8}):(?P<option>[0-3])"):
    def __init__(self, day: date, option: int, *, label: str = "?") -> None:
        super().__init__(discord.ui.Button(
            label=_label(label), emoji=LETTERS[option], style=discord.ButtonStyle.primary,
            custom_id=f"daily:{_day_code(day)}:{option}"))
        self.day, self.option = day, option

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item,
                             match: re.Match[str]) -> DailyOptionButton:
        return cls(_parse_day(match["day"]), int(match["option"]))

    async def on_click(self, interaction: discord.Interaction) -> None:
        await _quiz(interaction).daily.on_answer(
            interaction, self.day, self.option)


def daily_options_view(day: date, options: Sequence[str]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for i, text in enumerate(options):
        view.add_item(DailyOptionButton(day, i, label=text))
    return view


def daily_post_view(day: date) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(DailyOpenButton(day))
    return view


class BoardPageButton(ReportsErrors, discord.ui.DynamicItem[discord.ui.Button],
                      template=r"quizlb:(?P<user>\d{1,20}):(?P<scope>server|global):"
                               r"(?P<period>week|month|all):(?P<sort>points|accuracy|streak):"
                               r"(?P<dir>[pn])(?P<page>\d{1,6})"):
    """Previous / next page of a leaderboard. The member who asked turns the message; anyone
    else gets a private copy of that page to browse."""

    def __init__(self, owner_id: int, scope: str, period: str, sort: str, direction: str,
                 page: int, *, disabled: bool = False) -> None:
        label, emoji = ("Previous", "◀️") if direction == "p" else ("Next", "▶️")
        super().__init__(discord.ui.Button(
            label=label, emoji=emoji, style=discord.ButtonStyle.secondary, disabled=disabled,
            custom_id=f"quizlb:{owner_id}:{scope}:{period}:{sort}:{direction}{page}"))
        self.owner_id, self.scope, self.period, self.sort = owner_id, scope, period, sort
        self.page = page

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item,
                             match: re.Match[str]) -> BoardPageButton:
        return cls(int(match["user"]), match["scope"], match["period"], match["sort"],
                   match["dir"], int(match["page"]))

    async def on_click(self, interaction: discord.Interaction) -> None:
        await _quiz(interaction).on_board_page(
            interaction, self.owner_id, self.scope, self.period, self.sort, self.page)


def board_view(owner_id: int, scope: str, period: str, sort: str, page: int,
               pages: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(BoardPageButton(owner_id, scope, period, sort, "p", max(page - 1, 1),
                                  disabled=page <= 1))
    view.add_item(BoardPageButton(owner_id, scope, period, sort, "n", min(page + 1, pages),
                                  disabled=page >= pages))
    return view


DYNAMIC_ITEMS = (AnswerButton, DailyOpenButton, DailyOptionButton, BoardPageButton)
