"""The picture cards: render time, the event loop's longest stall while cards render, and
/stats with its card at a steady 50 per second through the emulator."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.interactions import paced
from benchmarks.procs import BotUnderTest
from bot.emulator import EmulatorThread
from bot.emulator.cdn import avatar_png
from bot.emulator.demo import build_demo
from bot.emulator.server import Emulator
from bot.ui.cards import CardRenderer, draw_png
from tests.cards.samples import BOARD, MEMBER

STATS_RATE = 50  # per second
GOAL_P50_MS, GOAL_STALL_MS = 30.0, 10.0
AT_ONCE = 50


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def render_times(count: int) -> tuple[list[float], list[float]]:
    """Milliseconds per member card and per leaderboard card, each with new figures."""
    pictures = {MEMBER.avatar_url: avatar_png("bench", 256)}
    draw_png(MEMBER, pictures)  # fonts loaded once, as in a running bot
    member, board = [], []
    for i in range(count):
        started = time.perf_counter()
        draw_png(replace(MEMBER, points=MEMBER.points + i), pictures)
        member.append((time.perf_counter() - started) * 1000)
    for i in range(max(count // 5, 5)):
        started = time.perf_counter()
        draw_png(replace(BOARD, title=f"Leaderboard {i}"), pictures)
        board.append((time.perf_counter() - started) * 1000)
    return member, board


async def longest_stall(count: int) -> tuple[float, float]:
    """(longest stall of the event loop, seconds for all) while `count` new cards render."""
    renderer = CardRenderer()
    await renderer.png(replace(MEMBER, avatar_url=None, points=-1))  # fonts loaded first
    stalls: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0)
            stalls.append(time.perf_counter() - before)

    tick = asyncio.create_task(ticker())
    started = time.perf_counter()
    await asyncio.gather(*(renderer.png(replace(MEMBER, avatar_url=None, points=i))
                           for i in range(count)))
    elapsed = time.perf_counter() - started
    done.set()
    await tick
    await renderer.close()
    return max(stalls) * 1000, elapsed


def stats_at_pace(workdir: Path, members: int, seconds: float) -> dict[str, float]:
    """Members who answered a daily question each ask /stats once, at STATS_RATE per second:
    every answer is a card drawn for them (no cache hit)."""
    thread = EmulatorThread(lambda: Emulator())
    emu = thread.start()
    world = thread.do(lambda: build_demo(emu))
    fans = thread.do(lambda: [emu.add_member(world.guild, f"fan{i}") for i in range(members)])
    channel = world.guild.channel_named("general")
    bot = BotUnderTest("rocky", emu.api_base, emu.gateway_url, workdir,
                       {"DISCORD_CDN_BASE": emu.cdn.base})
    try:
        bot.start(lambda: bot.log_path.exists() and "ready: " in bot.log_path.read_text())

        async def answer_all() -> None:
            for fan in fans:
                record = await emu.command(fan, "daily", channel=channel)
                question = emu.message(record.original_message_id)
                await emu.click(fan, question, index=1)

        thread.call(answer_all(), timeout=300)
        count = int(STATS_RATE * seconds)
        result = thread.call(paced(
            emu, lambda i: emu.command(fans[i % members], "stats", channel=channel,
                                       wait=False), STATS_RATE, count), timeout=120)
        cards = sum(1 for m in emu.messages.values() if "stats.png" in m.files)
        return {"sent": result.sent, "answered": result.answered, "p50_ms": result.p50_ms,
                "p99_ms": result.p99_ms, "cards": cards, "violations": len(emu.violations)}
    finally:
        bot.stop()
        thread.stop()


def bench_cards(report: Any, sizes: Any, workdir: Path) -> None:
    quick = sizes.runs == 1
    print("== cards: render times, the event loop while 50 render, /stats at 50/s", flush=True)
    member, board = render_times(100 if quick else 300)
    p50, p99 = statistics.median(member), _percentile(member, 0.99)
    met = "met" if p50 <= GOAL_P50_MS else "missed"
    report.add("member card render p50 / p99", p50, f"ms / {p99:.1f} ms (goal p50 <= 30: {met})")
    report.add("leaderboard card render p50", statistics.median(board), "ms")
    stall, elapsed = asyncio.run(longest_stall(AT_ONCE))
    met = "met" if stall <= GOAL_STALL_MS else "missed"
    report.add(f"event loop's longest stall, {AT_ONCE} cards at once", stall,
               f"ms in {elapsed * 1000:.0f} ms (goal <= 10: {met})")
    stats = stats_at_pace(workdir, 100 if quick else 200, 2.0 if quick else 4.0)
    report.add(f"/stats with its card, paced {STATS_RATE}/s: p50 / p99", stats["p50_ms"],
               f"ms / {stats['p99_ms']:.1f} ms")
    report.add("/stats not answered within the deadline", int(stats["sent"] - stats["answered"]),
               f"of {int(stats['sent'])}")
    report.add("/stats: Discord rules broken", int(stats["violations"]))
    report.results["cards"] = {
        "member_render_p50_ms": p50, "member_render_p99_ms": p99,
        "board_render_p50_ms": statistics.median(board),
        "loop_stall_ms_50_at_once": stall, "fifty_cards_ms": elapsed * 1000,
        "stats_paced_50": stats,
    }
