"""A local Discord for tests and the sandbox: REST and gateway v10 on 127.0.0.1 only.

The production bot never imports this package; tests, the sandbox and benchmarks do.
"""

from bot.emulator.harness import EmulatorThread
from bot.emulator.model import Channel, Guild, Member, Message, Role, User
from bot.emulator.records import InteractionRecord
from bot.emulator.server import Emulator

__all__ = [
    "Channel",
    "Emulator",
    "EmulatorThread",
    "Guild",
    "InteractionRecord",
    "Member",
    "Message",
    "Role",
    "User",
]
