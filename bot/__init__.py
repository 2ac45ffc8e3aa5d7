"""Rocky fan bot: a self-hosted Discord bot for Rocky fan communities."""

__version__ = "0.1.0"
