"""The Emulator's state as its mixins (RestApi, MemberActions) use it.

Declarations only, for the type checker: the Emulator sets every attribute in its __init__ and
defines every method declared here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.emulator.gateway import Gateway
    from bot.emulator.model import Channel, Guild, Member, Message, User
    from bot.emulator.oauth2 import OAuth2Provider
    from bot.emulator.ratelimit import RateLimiter
    from bot.emulator.records import InteractionRecord, RequestRecord


class EmulatorState:
    token: str | None
    response_deadline: float
    bot_user: User
    application_id: int
    owner: User
    users: dict[int, User]
    guilds: dict[int, Guild]
    channels: dict[int, Channel]
    messages: dict[int, Message]
    dm_closed: set[int]
    global_commands: list[dict[str, Any]]
    guild_commands: dict[int, list[dict[str, Any]]]
    command_sync_requests: list[str]
    requests: list[RequestRecord]
    violations: list[str]
    rate_limited: list[str]
    interactions: dict[str, InteractionRecord]
    listeners: list[Callable[[str, Any], None]]
    rate_limiter: RateLimiter
    gateway: Gateway
    oauth2: OAuth2Provider

    if TYPE_CHECKING:

        @property
        def gateway_url(self) -> str: ...

        def _token_ok(self, token: str) -> bool: ...

        def bot_member(self, guild: Guild) -> Member: ...

        async def _notify(self, event: str, subject: Any) -> None: ...

        def _new_message(
            self, channel_id: int, data: dict[str, Any], *, flags: int,
            record: InteractionRecord | None = None,
        ) -> Message: ...

        def _apply_edit(self, message: Message, data: dict[str, Any]) -> None: ...
