"""Start the bot under test or the bare baseline bot as a subprocess against an emulator."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TOKEN = "benchmark-token-0123456789"


class BotUnderTest:
    """`kind` is "rocky" (python -m bot run) or "bare" (benchmarks.bare_bot)."""

    def __init__(self, kind: str, api_base: str, gateway_url: str, workdir: Path,
                 extra_env: dict[str, str] | None = None) -> None:
        self.kind = kind
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.log_path = workdir / f"{kind}.log"
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("DISCORD_", "ROCKY_", "DATABASE_"))}
        self.env.update({
            "DISCORD_TOKEN": TOKEN, "DISCORD_API_BASE": api_base,
            "DISCORD_GATEWAY_URL": gateway_url, "DATABASE_PATH": str(workdir / "rocky.db"),
            "LOG_LEVEL": "INFO", "ROCKY_TEST_GUILD_READY_TIMEOUT": "0.05",
            "ROCKY_TEST_RANDOM_SEED": "1", "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1",
        })
        self.env.update(extra_env or {})
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, ready: "callable[[], bool]", timeout: float = 60.0) -> float:  # noqa: UP037
        """Start and return seconds from process start until `ready()` holds."""
        args = ([sys.executable, "-m", "bot", "--env-file", os.devnull, "run"]
                if self.kind == "rocky" else [sys.executable, "-m", "benchmarks.bare_bot"])
        log = self.log_path.open("ab")
        started = time.monotonic()
        self.proc = subprocess.Popen(args, cwd=self.workdir, env=self.env, stdout=log,
                                     stderr=subprocess.STDOUT)
        log.close()
        while not ready():
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited early:\n{self.log_path.read_text()}")
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"{self.kind} not ready in {timeout}s")
            time.sleep(0.005)
        return time.monotonic() - started

    def peak_rss_mb(self) -> float:
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM")

    def cpu_seconds(self) -> float:
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
