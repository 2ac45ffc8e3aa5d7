"""The one error the console shows as a sentence (and counts as a failure in scripts)."""


class SandboxError(Exception):
    """A console command that cannot be carried out; the message says what to do instead."""
