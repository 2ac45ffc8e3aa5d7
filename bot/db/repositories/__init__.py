"""Repositories: one per aggregate, each taking the Database and returning dataclasses."""

from bot.db.repositories.app_state import AppStateRepository
from bot.db.repositories.guild_config import GuildConfig, GuildConfigRepository
from bot.db.repositories.guilds import GuildRepository
from bot.db.repositories.members import Member, MemberRepository
from bot.db.repositories.preferences import PreferencesRepository, UserPreferences

__all__ = [
    "AppStateRepository",
    "GuildConfig",
    "GuildConfigRepository",
    "GuildRepository",
    "Member",
    "MemberRepository",
    "PreferencesRepository",
    "UserPreferences",
]
