"""The router: buttons and forms answered by custom id, through the slash commands' gate and the
central error handler (bot/core/routes.py)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import discord
import pytest

from bot.core import routes
from bot.errors import NotAllowed

BUTTON = discord.InteractionType.component
FORM = discord.InteractionType.modal_submit


class Pages:
    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, str]]] = []

    @routes.route(r"page:(?P<n>\d+)")
    async def turn(self, interaction, match: re.Match[str]) -> None:  # type: ignore[no-untyped-def]
        self.seen.append(("turn", match.groupdict()))

    @routes.route(r"page:(?P<n>\d+)", kind="form")
    async def form(self, interaction, match: re.Match[str]) -> None:  # type: ignore[no-untyped-def]
        self.seen.append(("form", match.groupdict()))

    @routes.route(r"refuse")
    async def refuse(self, interaction, match: re.Match[str]) -> None:  # type: ignore[no-untyped-def]
        raise NotAllowed("This button belongs to someone else.")


def _interaction(kind: discord.InteractionType, custom_id: object, *, admitted: bool = True
                 ) -> SimpleNamespace:
    async def interaction_check(interaction) -> bool:  # type: ignore[no-untyped-def]
        return admitted

    return SimpleNamespace(type=kind, data={"custom_id": custom_id}, client=SimpleNamespace(
        tree=SimpleNamespace(interaction_check=interaction_check)))


@pytest.fixture()
def router_and_cog() -> tuple[routes.Router, Pages]:
    router, cog = routes.Router(), Pages()
    router.add_cog(cog)
    return router, cog


async def test_a_click_reaches_the_route_of_its_kind_with_the_parsed_id(router_and_cog):
    router, cog = router_and_cog
    assert await router.answer(_interaction(BUTTON, "page:7"))  # type: ignore[arg-type]
    assert await router.answer(_interaction(FORM, "page:8"))  # type: ignore[arg-type]
    assert cog.seen == [("turn", {"n": "7"}), ("form", {"n": "8"})]


@pytest.mark.parametrize("custom_id", ["page:", "page:7x", "xpage:7", None, 12])
async def test_ids_that_do_not_fully_match_are_left_alone(router_and_cog, custom_id):
    router, cog = router_and_cog
    assert not await router.answer(_interaction(BUTTON, custom_id))  # type: ignore[arg-type]
    assert cog.seen == []


async def test_a_click_the_gate_refuses_never_runs(router_and_cog):
    router, cog = router_and_cog
    assert await router.answer(_interaction(BUTTON, "page:1", admitted=False))  # type: ignore[arg-type]
    assert cog.seen == []


async def test_an_error_in_a_route_is_reported_for_that_interaction(router_and_cog, monkeypatch):
    router, _ = router_and_cog
    reported = []

    async def report(interaction, error):  # type: ignore[no-untyped-def]
        reported.append((interaction, error))

    monkeypatch.setattr(routes, "report", report)
    interaction = _interaction(BUTTON, "refuse")
    await router.answer(interaction)  # type: ignore[arg-type]
    [(seen, error)] = reported
    assert seen is interaction and isinstance(error, NotAllowed)


async def test_two_cogs_cannot_answer_the_same_ids_and_unloading_takes_routes_away():
    router = routes.Router()
    router.add_cog(Pages())
    with pytest.raises(ValueError, match="already answered by Pages"):
        router.add_cog(type("Copy", (Pages,), {})())
    router.remove_cog(Pages())
    assert router.find(_interaction(BUTTON, "page:1")) is None  # type: ignore[arg-type]


def test_discord_py_neither_keeps_nor_dispatches_a_view_of_routed_buttons():
    view = discord.ui.View(timeout=None)
    view.add_item(routes.RoutedButton(label="Next", custom_id="page:2"))
    assert not view.is_dispatchable()
    assert view.to_components()[0]["components"][0]["custom_id"] == "page:2"
