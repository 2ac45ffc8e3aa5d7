"""Sync the command tree only when it changed: Discord limits command creates per day."""

from __future__ import annotations

import hashlib
import json
import logging

import discord
from discord import app_commands

from bot.db.repositories import AppStateRepository

log = logging.getLogger(__name__)


def tree_payload(tree: app_commands.CommandTree, guild: discord.abc.Snowflake | None) -> list:
    commands = tree.get_commands(guild=guild)
    return sorted((c.to_dict(tree) for c in commands), key=lambda c: (c.get("type", 1), c["name"]))


def tree_hash(tree: app_commands.CommandTree, guild: discord.abc.Snowflake | None) -> str:
    text = json.dumps(tree_payload(tree, guild), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def scope_key(guild_id: int | None) -> str:
    return "command_tree_hash:" + ("global" if guild_id is None else f"guild:{guild_id}")


async def sync_if_changed(
    tree: app_commands.CommandTree, state: AppStateRepository, guild_id: int | None,
    *, force: bool = False,
) -> bool:
    """Push the tree when its hash differs from the last synced one (or when forced)."""
    guild = discord.Object(guild_id) if guild_id is not None else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    digest = tree_hash(tree, guild)
    key = scope_key(guild_id)
    if not force and await state.get(key) == digest:
        log.info("command tree unchanged; no sync needed")
        return False
    synced = await tree.sync(guild=guild)
    await state.set(key, digest)
    log.info("synced %d commands %s", len(synced),
             "globally" if guild is None else f"to server {guild_id}")
    return True
