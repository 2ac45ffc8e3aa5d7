"""Persistent buttons (DynamicItem) whose errors reach the central handler.

discord.py only logs an exception raised in a DynamicItem callback, so the member would see
"interaction failed"; this mixin routes it through `report` like commands and views.
"""

from __future__ import annotations

import discord

from bot.core.error_handler import report


class ReportsErrors:
    """Put first in the bases of a DynamicItem and implement `on_click` instead of `callback`."""

    async def on_click(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self.on_click(interaction)
        except Exception as error:
            await report(interaction, error)
