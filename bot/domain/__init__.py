"""Franchise facts the rest of the bot relies on: film names, topics, difficulty levels."""
