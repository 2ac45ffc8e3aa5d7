"""`python -m benchmarks.run [--quick]`: measure, print a table, write benchmarks/results.json.

Every ratio compares the bot with a baseline measured in the same run on the same machine: a bare
discord.py bot on the same emulator, and raw sqlite3 with the same pragmas.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import database as db_bench
from benchmarks.cards import bench_cards
from benchmarks.interactions import LoadResult, burst, paced
from benchmarks.postgres import bench_postgres
from benchmarks.procs import BotUnderTest
from benchmarks.web import bench_web
from bot.emulator import EmulatorThread
from bot.emulator.demo import build_demo, build_many_guilds
from bot.emulator.server import Emulator

RESULTS = Path(__file__).with_name("results.json")


@dataclass
class Sizes:
    runs: int = 3
    burst_runs: int = 5  # bursts take a second each: more runs, a steadier median
    burst: int = 2000
    paced: tuple[int, ...] = (250, 500, 1000)
    paced_seconds: float = 4.0
    many_guilds: int = 1000
    answers: tuple[int, ...] = (10_000, 100_000, 1_000_000)
    write_count: int = 20_000


QUICK = Sizes(runs=1, burst_runs=3, burst=400, paced=(250, 500, 1000), paced_seconds=1.0,
              many_guilds=200, answers=(10_000, 100_000), write_count=3_000)


@dataclass
class Report:
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)

    def add(self, name: str, value: float | int | None, unit: str = "") -> None:
        text = "n/a" if value is None else (f"{value:,.2f}" if isinstance(value, float)
                                            else f"{value:,}")
        self.rows.append((name, text, unit))
        print(f"  {name:<52} {text:>12} {unit}", flush=True)


def progress(text: str) -> None:
    print(f"== {text}", flush=True)


def median_load(results: list[LoadResult]) -> LoadResult:
    return LoadResult(
        sent=results[0].sent,
        answered=min(r.answered for r in results),
        throughput=statistics.median(r.throughput for r in results),
        p50_ms=statistics.median(r.p50_ms for r in results),
        p99_ms=statistics.median(r.p99_ms for r in results),
    )


class Session:
    """An emulator thread with the demo server, plus a bot process of one kind."""

    def __init__(self, kind: str, workdir: Path, guilds: int = 1,
                 extra_env: dict[str, str] | None = None, clickers: int = 0,
                 bench_channels: int = 0) -> None:
        self.thread = EmulatorThread(lambda: Emulator())
        self.emu = self.thread.start()
        self.world = self.thread.do(lambda: build_demo(self.emu))
        guild = self.world.guild
        self.clickers = self.thread.do(lambda: [
            self.emu.add_member(guild, f"clicker{i}") for i in range(clickers)])
        self.thread.do(lambda: [self.emu.add_channel(guild, f"bench-{i}")
                                for i in range(bench_channels)])
        if guilds > 1:
            self.thread.do(lambda: build_many_guilds(self.emu, guilds - 1))
        self.bot = BotUnderTest(kind, self.emu.api_base, self.emu.gateway_url, workdir,
                                extra_env)
        self.kind = kind

    def start(self) -> float:
        marker = "ready" if self.kind == "bare" else "ready: "
        return self.bot.start(lambda: self.bot.log_path.exists()
                              and marker in self.bot.log_path.read_text(errors="replace"))

    def close(self) -> None:
        self.bot.stop()
        self.thread.stop()


@dataclass
class Prepared:
    """One run's load: `send(i)` makes the i-th interaction; `finish()` runs after the run."""

    send: Callable[[int], Any]
    finish: Callable[[], None] = lambda: None


Prepare = Callable[[int], Prepared]  # run number -> that run's load


def load_runs(sessions: dict[str, tuple[Session, Prepare]], sizes: Sizes
              ) -> dict[str, dict[str, LoadResult]]:
    """For each scenario, a burst and the paced rates, each the median of several runs.

    The scenarios take turns run by run (a, b, c, a, b, c, ...), so a change in the machine's
    speed during the benchmark (a shared virtual machine drifts) weighs on all of them alike
    instead of on whichever ran last. Each scenario first gets one burst that is not counted:
    it opens the bot's HTTP connections and warms its caches, for the baseline as for the bot.
    Each run is prepared afresh (a quiz click needs an open question nobody answered yet).
    """
    counters = {key: itertools.count() for key in sessions}

    def run(key: str, load: Callable[[Emulator, Any], Any]) -> LoadResult:
        session, prepare = sessions[key]
        prepared = prepare(next(counters[key]))
        # The emulator (standing in for Discord) and the load driver share this process; a
        # collection of its large heap in the middle of a paced run would stall the sender and
        # turn the steady rate into bursts. Discord does not pause for our garbage: collect
        # before the run, and not during it.
        gc.collect()
        gc.freeze()
        gc.disable()
        try:
            result = session.thread.call(load(session.emu, prepared.send), timeout=120)
        finally:
            gc.enable()
        prepared.finish()
        return result

    for key in sessions:
        run(key, lambda emu, send: burst(emu, send, sizes.burst))
    plans: list[tuple[str, int, Callable[[Emulator, Any], Any]]] = [
        ("burst", sizes.burst_runs, lambda emu, send: burst(emu, send, sizes.burst))]
    for rate in sizes.paced:
        count = int(rate * sizes.paced_seconds)
        plans.append((f"paced_{rate}", sizes.runs,
                      lambda emu, send, rate=rate, count=count: paced(emu, send, rate, count)))
    measured: dict[str, dict[str, list[LoadResult]]] = {key: {} for key in sessions}
    for name, runs, load in plans:
        progress(f"interactions: {name}, {runs} run(s) of each scenario, taking turns")
        for _ in range(runs):
            for key in sessions:
                measured[key].setdefault(name, []).append(run(key, load))
    return {key: {name: median_load(results) for name, results in by_name.items()}
            for key, by_name in measured.items()}


def command_load(command: str, options: dict[str, Any], sub: str | None = None) -> Callable:
    """Every interaction is the same command by alice in #general."""

    def prepare_for(session: Session) -> Prepare:
        member = session.world.members["alice"]
        channel = session.world.guild.channel_named("general")

        def prepare(run: int) -> Prepared:
            return Prepared(lambda i: session.emu.command(member, command, options, sub=sub,
                                                          channel=channel, wait=False))
        return prepare
    return prepare_for


def quiz_click_load(session: Session) -> Prepare:
    """Each run: a new one-question game in a channel of its own, then every interaction is a
    different member's first click on an answer button (validated, recorded, acknowledged).
    After the run the game is stopped and its thousands of answers scored before the next
    scenario runs, so that the scoring (not part of a click) does not land in a later run."""
    emu, guild = session.emu, session.world.guild
    admin = session.world.members["admin"]
    clickers = session.clickers

    def prepare(run: int) -> Prepared:
        channel = guild.channel_named(f"bench-{run}")

        def posts() -> list[Any]:  # the game's own messages: the question, then the standings
            return [m for m in emu.channel_messages(channel) if m.interaction_id is None]

        def question() -> Any:
            asked = [m for m in posts() if m.buttons()]
            return asked[0] if asked else None

        async def start() -> Any:
            record = await emu.command(admin, "quiz", {"questions": 1, "seconds": 60},
                                       sub="start", channel=channel)
            assert record.answered, emu.violations
            await emu.wait_for(lambda: question() is not None, timeout=10)
            return question()

        async def stop() -> None:
            record = await emu.command(admin, "quiz", {}, sub="stop", channel=channel)
            assert record.answered, emu.violations
            await emu.wait_for(lambda: len(posts()) >= 2, timeout=60)

        message = session.thread.call(start())
        return Prepared(lambda i: emu.click(clickers[i], message, index=i % 4 + 1, wait=False),
                        finish=lambda: session.thread.call(stop(), timeout=90))
    return prepare


def bench_interactions(report: Report, sizes: Sizes, workdir: Path, *,
                       rocky_env: dict[str, str] | None = None, prefix: str = "",
                       fact: bool = True) -> None:
    """The bare bot (a) against the quiz click (b) and /fact random (c). `rocky_env` runs the
    bot with other settings (PostgreSQL: DATABASE_URL), its results named with `prefix`."""
    scenarios: list[tuple[str, str, Callable[[Session], Prepare]]] = [
        ("a: bare /echo", "bare", command_load("echo", {"text": "hi"})),
        ("b: quiz answer click", "rocky", quiz_click_load),
        ("c: /fact random", "rocky", command_load("fact", {}, sub="random")),
    ][:3 if fact else 2]
    most = max([sizes.burst] + [int(r * sizes.paced_seconds) for r in sizes.paced])
    runs = 1 + sizes.burst_runs + sizes.runs * len(sizes.paced)  # the warm-up burst too
    progress(f"interactions: bursts of {sizes.burst} (median of {sizes.burst_runs}), paced "
             f"{'/'.join(map(str, sizes.paced))} per s for {sizes.paced_seconds:g} s (median of "
             f"{sizes.runs}); one bot process per scenario")
    sessions: dict[str, tuple[Session, Prepare]] = {}
    violations: dict[str, int] = {}
    try:
        for label, kind, prepare_for in scenarios:
            clicks = label.startswith("b")
            session = Session(kind, workdir / f"{prefix}load-{label[0]}",
                              clickers=most if clicks else 0, bench_channels=runs if clicks else 0,
                              extra_env=rocky_env if kind == "rocky" else None)
            sessions[label[0]] = (session, prepare_for(session))
            session.start()
        loads = load_runs(sessions, sizes)
        violations = {key: len(session.emu.violations) for key, (session, _) in sessions.items()}
    finally:
        for session, _ in sessions.values():
            session.close()
    shown = f"{prefix}" if prefix else ""
    for label, _, _ in scenarios:
        for name, result in loads[label[0]].items():
            report.add(f"{shown}{label}: {name} throughput", result.throughput, "/s")
            report.add(f"{shown}{label}: {name} p50 / p99", result.p50_ms,
                       f"ms / {result.p99_ms:.1f} ms")
            # Past Discord's 3-second deadline an interaction fails for the member: count them.
            report.add(f"{shown}{label}: {name} not answered in time",
                       result.sent - result.answered, f"of {result.sent}")
            report.results[f"{prefix}unanswered_{label[0]}_{name}"] = (
                result.sent - result.answered)
        report.add(f"{shown}{label}: Discord rules broken", violations[label[0]])
    base = loads["a"]
    for key, name in (("b", "interaction"), ("c", "fact"))[:len(scenarios) - 1]:
        throughput = loads[key]["burst"].throughput / base["burst"].throughput
        p99 = loads[key]["paced_500"].p99_ms / base["paced_500"].p99_ms
        report.results[f"{prefix}{name}_throughput_ratio"] = throughput
        report.results[f"{prefix}{name}_p99_ratio_500"] = p99
        report.add(f"{shown}{key}/a burst throughput ratio", throughput)
        report.add(f"{shown}{key}/a p99 ratio at 500/s", p99)


def bench_startup_and_memory(report: Report, sizes: Sizes, workdir: Path) -> None:
    for guilds in (1, sizes.many_guilds):
        rss: dict[str, float] = {}
        for kind in ("bare", "rocky"):
            progress(f"start-up and memory: {kind} bot, {guilds} server(s)")
            session = Session(kind, workdir / f"start-{kind}-{guilds}", guilds=guilds)
            try:
                ready = session.start()
                time.sleep(0.5)  # idle a moment so the resident set settles
                rss[kind] = session.bot.peak_rss_mb()
                if kind == "rocky":
                    report.add(f"start to ready, {guilds} server(s)", ready, "s")
                    report.results[f"startup_ready_s_{guilds}"] = ready
                    if guilds == 1:
                        report.results["startup_ready_s"] = ready
                        session.bot.stop()
                        before = len(session.emu.command_sync_requests)
                        session.start()
                        syncs = len(session.emu.command_sync_requests) - before
                        report.results["sync_requests_unchanged_restart"] = syncs
                        report.add("sync requests on a restart, tree unchanged", syncs)
            finally:
                session.close()
        ratio = rss["rocky"] / rss["bare"]
        report.add(f"peak RSS, {guilds} server(s): rocky / bare", rss["rocky"],
                   f"MB / {rss['bare']:.1f} MB = {ratio:.2f}x")
        key = "rss_ratio_idle" if guilds == 1 else "rss_ratio_1000_guilds"
        report.results[key] = ratio


SECTIONS: dict[str, Callable[[Report, Sizes, Path], None]] = {
    "interactions": bench_interactions,
    "database": db_bench.bench_database,
    "startup": bench_startup_and_memory,
    "cards": bench_cards,
    "postgres": bench_postgres,
    "web": bench_web,
}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one run each")
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append")
    args = parser.parse_args()
    sizes = QUICK if args.quick else Sizes()
    report = Report()
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rocky-bench-") as tmp:
        for name in args.only or list(SECTIONS):
            (Path(tmp) / name).mkdir()
            SECTIONS[name](report, sizes, Path(tmp) / name)
    report.results["machine"] = {
        "python": platform.python_version(), "platform": platform.platform(),
        "cpus": _cpu_count(), "quick": args.quick, "seconds": round(time.monotonic() - began, 1),
        "sizes": asdict(sizes),
    }
    RESULTS.write_text(json.dumps(report.results, indent=2, sort_keys=True) + "\n")
    print(f"\nwrote {RESULTS} in {time.monotonic() - began:.0f}s")
    return 0


def _cpu_count() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    sys.exit(main())
