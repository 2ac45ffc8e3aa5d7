"""What the emulator records: requests, interactions, and the errors it raises."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

JSON_BODY = web.RequestKey("json_body", object)
RESPONSE_DEADLINE = 3.0  # Discord's rule: the first response within 3 seconds
TOKEN_LIFETIME = 15 * 60

# Interaction types and callback types, as Discord numbers them.
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9


class EmulatorError(Exception):
    """A test or sandbox asked the emulator for something Discord would not allow."""


@dataclass
class RequestRecord:
    method: str
    path: str
    route: str
    body: Any
    status: int
    at: float


@dataclass
class InteractionRecord:
    """One interaction a member made, and everything the bot answered to it."""

    id: int
    token: str
    kind: int
    guild_id: int | None
    channel_id: int
    user_id: int
    data: dict[str, Any]
    created_at: float
    message_id: int | None = None  # the message a component lives on
    response_type: int | None = None
    responded_after: float | None = None
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None
    rejected: list[str] = field(default_factory=list)  # answers Discord refused (late, twice...)
    deliveries: list[float] = field(default_factory=list)  # when it reached a live socket
    delivered_on_shards: list[int | None] = field(default_factory=list)  # None: unsharded
    payload: dict[str, Any] = field(default_factory=dict, repr=False)  # as dispatched
    responded: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def answered(self) -> bool:
        return self.response_type is not None
