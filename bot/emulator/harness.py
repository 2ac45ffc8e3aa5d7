"""Run an Emulator on its own event loop in a background thread, driven synchronously.

Tests and the sandbox console are synchronous; the emulator must keep serving the bot while they
wait, so it lives on a loop of its own and `call` hands coroutines to it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from bot.emulator.server import Emulator

T = TypeVar("T")


class EmulatorThread:
    def __init__(self, factory: Callable[[], Emulator] = Emulator) -> None:
        self._factory = factory
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="discord-emulator", daemon=True)
        self.emulator: Emulator

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def start(self, port: int = 0) -> Emulator:
        self._thread.start()

        async def create() -> Emulator:
            emulator = self._factory()
            await emulator.start(port=port)
            return emulator

        self.emulator = self.call(create())
        return self.emulator

    def call(self, coro: Coroutine[Any, Any, T], timeout: float | None = 30.0) -> T:
        """Run a coroutine on the emulator's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def do(self, fn: Callable[[], T]) -> T:
        """Run a plain function on the emulator's loop (model changes must happen there)."""

        async def wrapper() -> T:
            return fn()

        return self.call(wrapper())

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        try:
            self.call(self.emulator.stop(), timeout=10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=10)
            self.loop.close()
