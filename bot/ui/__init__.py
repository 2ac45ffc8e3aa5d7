"""Rendering shared by the cogs: embeds, colours, escaping."""
