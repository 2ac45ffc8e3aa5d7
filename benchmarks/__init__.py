"""Benchmarks: the bot against a bare discord.py bot and raw sqlite3, measured in one run."""
