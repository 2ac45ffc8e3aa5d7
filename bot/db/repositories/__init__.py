"""Repositories: one per aggregate, each taking the Database and returning the domain's
entities (bot/domain)."""

from bot.db.repositories.app_state import AppStateRepository
from bot.db.repositories.guild_config import GuildConfigRepository
from bot.db.repositories.guilds import GuildRepository
from bot.db.repositories.members import Member, MemberRepository
from bot.db.repositories.preferences import PreferencesRepository

__all__ = [
    "AppStateRepository",
    "GuildConfigRepository",
    "GuildRepository",
    "Member",
    "MemberRepository",
    "PreferencesRepository",
]
