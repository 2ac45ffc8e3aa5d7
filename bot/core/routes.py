"""Buttons and forms answered by custom id, straight from the interaction.

Every button and form the bot sends carries its state in its custom id, so it still works after
a restart. A cog method marked `@route(template)` answers the custom ids that match the template;
the bot finds it with one regex match, applies the slash commands' gate (shutdown, the member
remembered) and hands its errors to the central handler.

Why not discord.py's DynamicItem: before each click reaches its callback it rebuilds the whole
view of the message (every button, and a View whose id comes from os.urandom), and it applies
neither the command tree's check nor its error handler. For the quiz's answer buttons, pressed by
a whole server within seconds, that was about a third of the bot's work per click (issue 9).
Forms come this way too because discord.py keeps a sent modal only in memory, by custom id: a
form a member spent minutes on must still be accepted after a restart.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import discord

from bot.core.error_handler import report

Handler = Callable[[discord.Interaction, re.Match[str]], Awaitable[None]]
F = TypeVar("F", bound=Callable[..., Awaitable[None]])

KINDS = {"button": discord.InteractionType.component,
         "form": discord.InteractionType.modal_submit}
_MARK = "__rocky_route__"


def route(template: str, *, kind: Literal["button", "form"] = "button") -> Callable[[F], F]:
    """Mark `async def handler(self, interaction, match)` on a cog as the answer to every
    button (or form) whose custom id fully matches `template`."""
    pattern = re.compile(template)

    def mark(handler: F) -> F:
        setattr(handler, _MARK, (KINDS[kind], pattern))
        return handler
    return mark


class RoutedButton(discord.ui.Button):
    """A button answered by a route. discord.py neither keeps its view nor dispatches it: only
    the route does, once."""

    def is_dispatchable(self) -> bool:
        return False


def clicked_button(interaction: discord.Interaction) -> discord.Button | None:
    """The clicked button as the message shows it (its label, for instance)."""
    custom_id = interaction.data.get("custom_id") if interaction.data else None
    message = interaction.message
    pending = list(message.components) if message is not None else []
    while pending:  # rows, and in Components V2 containers and sections around them
        item = pending.pop()
        if isinstance(item, discord.Button) and item.custom_id == custom_id:
            return item
        pending += getattr(item, "children", ())
        pending += [accessory] if (accessory := getattr(item, "accessory", None)) else []
    return None


@dataclass(frozen=True)
class Route:
    kind: discord.InteractionType
    pattern: re.Pattern[str]
    handler: Handler
    owner: str  # the cog's name, to take its routes away when it is unloaded


class Router:
    """The routes of every loaded cog."""

    def __init__(self) -> None:
        self._routes: list[Route] = []

    def add_cog(self, cog: Any) -> None:
        owner = type(cog).__name__
        for name in dir(type(cog)):
            mark = getattr(getattr(type(cog), name), _MARK, None)
            if mark is None:
                continue
            kind, pattern = mark
            clash = next((r for r in self._routes
                          if r.kind is kind and r.pattern.pattern == pattern.pattern), None)
            if clash is not None:
                raise ValueError(f"{owner}.{name}: {pattern.pattern!r} is already answered by "
                                 f"{clash.owner}")
            self._routes.append(Route(kind, pattern, getattr(cog, name), owner))

    def remove_cog(self, cog: Any) -> None:
        owner = type(cog).__name__
        self._routes = [r for r in self._routes if r.owner != owner]

    def find(self, interaction: discord.Interaction) -> tuple[Handler, re.Match[str]] | None:
        custom_id = interaction.data.get("custom_id") if interaction.data else None
        if not isinstance(custom_id, str):
            return None
        for candidate in self._routes:
            if candidate.kind is interaction.type:
                match = candidate.pattern.fullmatch(custom_id)
                if match is not None:
                    return candidate.handler, match
        return None

    async def answer(self, interaction: discord.Interaction) -> bool:
        """Run the route for this interaction, if one matches; False when none does."""
        found = self.find(interaction)
        if found is None:
            return False
        handler, match = found
        try:
            # discord.py types interaction.client as the base Client, which has no command tree.
            if await interaction.client.tree.interaction_check(interaction):  # type: ignore[attr-defined]
                await handler(interaction, match)
        except Exception as error:
            await report(interaction, error)
        return True
