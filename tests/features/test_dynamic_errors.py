"""Persistent buttons go through the slash commands' gate, and their errors reach the central
handler (discord.py applies neither to dynamic items)."""

from __future__ import annotations

from types import SimpleNamespace

from bot.core import error_handler
from bot.errors import NotAllowed


class Refusing(error_handler.ReportsErrors):
    async def on_click(self, interaction) -> None:  # type: ignore[no-untyped-def]
        raise NotAllowed("This button belongs to someone else.")


class Working(error_handler.ReportsErrors):
    clicked = False

    async def on_click(self, interaction) -> None:  # type: ignore[no-untyped-def]
        self.clicked = True


def _interaction(admitted: bool) -> SimpleNamespace:
    async def interaction_check(interaction) -> bool:  # type: ignore[no-untyped-def]
        return admitted

    return SimpleNamespace(client=SimpleNamespace(tree=SimpleNamespace(
        interaction_check=interaction_check)))


async def test_an_error_in_on_click_is_reported_for_that_interaction(monkeypatch):
    reported = []

    async def report(interaction, error):  # type: ignore[no-untyped-def]
        reported.append((interaction, error))

    monkeypatch.setattr(error_handler, "report", report)
    interaction = _interaction(admitted=True)
    await Refusing().callback(interaction)  # type: ignore[arg-type]
    [(seen, error)] = reported
    assert seen is interaction and isinstance(error, NotAllowed)
    item = Working()
    await item.callback(interaction)  # type: ignore[arg-type]
    assert item.clicked and len(reported) == 1


async def test_a_click_the_gate_refuses_never_runs(monkeypatch):
    item = Working()
    await item.callback(_interaction(admitted=False))  # type: ignore[arg-type]
    assert not item.clicked
