"""The bot's core: the Bot subclass, its command tree, error handling and start-up."""
