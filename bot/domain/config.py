"""A server's configuration and a member's privacy choices, with their defaults."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.films import FILMS


@dataclass(frozen=True, slots=True)
class GuildConfig:
    guild_id: int
    timezone: str = "UTC"
    moderator_role_id: int | None = None
    review_channel_id: int | None = None
    daily_time: str = "09:00"
    daily_fact_channel_id: int | None = None
    daily_quote_channel_id: int | None = None
    daily_question_channel_id: int | None = None
    daily_fact_enabled: bool = False
    daily_quote_enabled: bool = False
    daily_question_enabled: bool = False
    daily_ping_role_id: int | None = None
    quiz_questions: int = 5
    quiz_seconds: int = 20
    belt_role_id: int | None = None  # the title belt: moves to each season's champion
    web_leaderboard: bool = False  # the public page /servers/<id>/leaderboard
    enabled_films: frozenset[str] = frozenset(FILMS)


@dataclass(frozen=True, slots=True)
class UserPreferences:
    user_id: int
    global_leaderboard: bool = True
    motivate: bool = True


@dataclass(frozen=True, slots=True)
class ChangedBy:
    """Who made a change, for the audit log: a member, from the dashboard or from Discord."""

    user_id: int
    user_name: str
    via: str  # "web" or "discord"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    guild_id: int
    user_id: int
    user_name: str
    setting: str
    old_value: str | None
    new_value: str | None
    changed_at: str
    via: str
