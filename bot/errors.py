"""Errors whose message is safe and useful to show a member, as an ephemeral sentence."""

from __future__ import annotations


class UserFacingError(Exception):
    """Raise with one sentence that says what went wrong and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(UserFacingError):
    """The member gave a value the bot cannot use."""


class NotFound(UserFacingError):
    """The member asked for something that does not exist (here)."""


class NotAllowed(UserFacingError):
    """The member may not do this."""


class Conflict(UserFacingError):
    """Someone else got there first, or the thing is no longer in a state that allows it."""
