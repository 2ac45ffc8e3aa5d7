"""Repositories: one per aggregate, each taking the Database and returning dataclasses."""

from bot.db.repositories.app_state import AppStateRepository
from bot.db.repositories.guilds import Guild, GuildRepository
from bot.db.repositories.members import Member, MemberRepository

__all__ = [
    "AppStateRepository",
    "Guild",
    "GuildRepository",
    "Member",
    "MemberRepository",
]
