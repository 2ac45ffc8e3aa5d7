"""Drive interactions through the emulator and measure throughput and latency."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.emulator.records import InteractionRecord
from bot.emulator.server import Emulator

Send = Callable[[int], Awaitable[InteractionRecord]]  # i -> the i-th interaction, not awaited


@dataclass(frozen=True)
class LoadResult:
    sent: int
    answered: int
    throughput: float  # answered per second, first send to last answer
    p50_ms: float
    p99_ms: float


async def _finish(emu: Emulator, records: list[InteractionRecord], started: float,
                  timeout: float) -> LoadResult:
    # Past Discord's deadline an interaction can no longer be answered: wait no longer than that.
    last_sent = max((r.created_at for r in records), default=started)
    deadline = min(time.monotonic() + timeout, last_sent + emu.response_deadline + 1.0)
    for record in records:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            await asyncio.wait_for(record.responded.wait(), remaining)
        except TimeoutError:
            break
    answered = [r for r in records if r.responded_after is not None]
    if not answered:
        return LoadResult(len(records), 0, 0.0, float("nan"), float("nan"))
    last = max(r.created_at + r.responded_after for r in answered)  # type: ignore[operator]
    latencies = sorted(r.responded_after * 1000 for r in answered)  # type: ignore[operator]
    return LoadResult(
        sent=len(records), answered=len(answered),
        throughput=len(answered) / max(last - started, 1e-9),
        p50_ms=statistics.median(latencies),
        p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    )


async def burst(emu: Emulator, send: Send, count: int, timeout: float = 60.0) -> LoadResult:
    """Send `count` interactions as fast as the driver can, then wait for every answer."""
    started = time.monotonic()
    records = [await send(i) for i in range(count)]
    return await _finish(emu, records, started, timeout)


async def paced(emu: Emulator, send: Send, rate: float, count: int,
                timeout: float = 60.0) -> LoadResult:
    """Send `count` interactions at `rate` per second (open loop), then wait for the answers."""
    started = time.monotonic()
    records = []
    for i in range(count):
        due = started + i / rate
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        records.append(await send(i))
    return await _finish(emu, records, started, timeout)
