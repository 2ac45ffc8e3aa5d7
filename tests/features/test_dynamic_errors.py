"""Errors in persistent buttons reach the central handler (discord.py would only log them)."""

from __future__ import annotations

from bot.errors import NotAllowed
from bot.ui import dynamic


class Refusing(dynamic.ReportsErrors):
    async def on_click(self, interaction) -> None:  # type: ignore[no-untyped-def]
        raise NotAllowed("This button belongs to someone else.")


class Working(dynamic.ReportsErrors):
    clicked = False

    async def on_click(self, interaction) -> None:  # type: ignore[no-untyped-def]
        self.clicked = True


async def test_an_error_in_on_click_is_reported_for_that_interaction(monkeypatch):
    reported = []

    async def report(interaction, error):  # type: ignore[no-untyped-def]
        reported.append((interaction, error))

    monkeypatch.setattr(dynamic, "report", report)
    interaction = object()
    await Refusing().callback(interaction)  # type: ignore[arg-type]
    [(seen, error)] = reported
    assert seen is interaction and isinstance(error, NotAllowed)
    item = Working()
    await item.callback(interaction)  # type: ignore[arg-type]
    assert item.clicked and len(reported) == 1
