"""Test support: the bot as a real subprocess against the emulator, and test-only cogs."""
