"""The public leaderboard page at a million recorded answers, against a bare aiohttp handler that
returns the same bytes from memory, measured in the same run on the same machine.

    .venv/bin/python -m benchmarks.run --only web      (make bench runs it with the rest)

Each server is its own process; the load comes from this one (an aiohttp client). Throughput:
as many requests as CONCURRENCY keep in flight for SECONDS. Latency: requests paced at 100 a
second, p50 and p99. The app is measured twice: as it runs (a page is rendered at most once per
two seconds, so one shared link costs the database little) and with that cache off (every request
reads the database and renders the template).
"""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp

from benchmarks.boards import build

if TYPE_CHECKING:
    from benchmarks.run import Report, Sizes

GUILD = 1  # a server of the generated data: 500 members
CONCURRENCY = 32
PACED_RATE = 100.0  # requests per second
GOAL_RATIO, GOAL_P99_MS = 0.5, 50.0
PATH = f"/servers/{GUILD}/leaderboard"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, *args: str) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.web_server", *args[:2], str(self.port),
             *args[2:]], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().decode()
        if "ready" not in line:
            raise RuntimeError(f"benchmark server did not start: {line}")
        self.url = f"http://127.0.0.1:{self.port}{PATH}"

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


async def throughput(url: str, seconds: float) -> float:
    done = 0
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as http:
        async def worker() -> None:
            nonlocal done
            while time.monotonic() < deadline:
                async with http.get(url) as response:
                    await response.read()
                    assert response.status == 200, response.status
                done += 1
        began = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return done / (time.monotonic() - began)


async def paced(url: str, seconds: float) -> tuple[float, float]:
    latencies: list[float] = []
    async with aiohttp.ClientSession() as http:
        async def one() -> None:
            began = time.perf_counter()
            async with http.get(url) as response:
                await response.read()
                assert response.status == 200
            latencies.append((time.perf_counter() - began) * 1000)
        tasks = []
        start = time.monotonic()
        for n in range(int(seconds * PACED_RATE)):
            await asyncio.sleep(max(0.0, start + n / PACED_RATE - time.monotonic()))
            tasks.append(asyncio.create_task(one()))
        await asyncio.gather(*tasks)
    latencies.sort()
    return statistics.median(latencies), latencies[int(len(latencies) * 0.99) - 1]


def bench_web(report: Report, sizes: Sizes, workdir: Path) -> None:
    from benchmarks.database import _migrate
    from benchmarks.run import progress

    answers = max(sizes.answers)
    seconds = max(2.0, sizes.paced_seconds)
    progress(f"public leaderboard page at {answers:,} answers vs a bare aiohttp handler "
             "(building the data...)")
    path = workdir / "web.db"
    asyncio.run(_migrate(path))
    build(path, answers)
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO guild_settings (guild_id, web_leaderboard) VALUES (?, 1)",
                     (GUILD,))
    servers = {"app": Server("app", str(path)), "uncached": Server("app", str(path),
                                                                   "--no-cache")}
    try:
        async def fetch() -> bytes:
            async with aiohttp.ClientSession() as http, http.get(servers["app"].url) as r:
                assert r.status == 200, await r.text()
                return await r.read()
        body = asyncio.run(fetch())
        (workdir / "page.html").write_bytes(body)
        servers["bare"] = Server("bare", str(workdir / "page.html"))
        names = ("bare", "app", "uncached")
        for name in names:  # warm up: connections, caches, the first render
            asyncio.run(throughput(servers[name].url, 0.5))
        samples: dict[str, list[float]] = {name: [] for name in names}
        for _ in range(max(3, sizes.runs)):  # interleaved, so drift hits all three alike
            for name in names:
                samples[name].append(asyncio.run(throughput(servers[name].url, seconds)))
        rates = {name: statistics.median(values) for name, values in samples.items()}
        tails = {name: asyncio.run(paced(servers[name].url, seconds)) for name in names}
    finally:
        for server in servers.values():
            server.close()
    report.add(f"leaderboard page: {len(body):,} bytes, bare handler", rates["bare"], "req/s")
    report.add("leaderboard page: the app", rates["app"], "req/s")
    report.add("leaderboard page: the app, page cache off", rates["uncached"], "req/s")
    for name in ("app", "uncached"):
        ratio = rates[name] / rates["bare"]
        key = "web_ratio" if name == "app" else "web_ratio_uncached"
        report.results[key] = ratio
        report.add(f"{'app' if name == 'app' else 'app, cache off'} / bare throughput "
                   f"(goal >= {GOAL_RATIO})", ratio)
    for name in ("bare", "app", "uncached"):
        p50, p99 = tails[name]
        report.add(f"{name} at {PACED_RATE:.0f} req/s: p50", p50, "ms")
        report.add(f"{name} at {PACED_RATE:.0f} req/s: p99 (goal <= {GOAL_P99_MS:.0f} ms)",
                   p99, "ms")
        report.results[f"web_p99_ms_{name}"] = p99
