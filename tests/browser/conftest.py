"""Real-browser tests: Playwright driving the system's Chromium (never `playwright install`)
against `rocky-bot web` and the bot as processes, with the emulator as Discord.

What they need is installed by `make test-browser` (scripts/install-browser-deps.sh). A missing
piece fails the test with a sentence saying how to install it: these tests never skip.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.db import Database, DatabaseUrl
from bot.db.repositories import GuildConfigRepository
from tests.conftest import Discord
from tests.support.botproc import REPO, TEST_TOKEN, BotProcess

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("ROCKY_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(os.environ.get("ROCKY_AXE_JS",
                          REPO / ".cache" / "browser" / "node_modules" / "axe-core" / "axe.min.js"))
SCREENSHOTS = REPO / "docs" / "images"
INSTALL = "run `make test-browser`, which installs it (scripts/install-browser-deps.sh)"
WEB_SECRET = "browser-test-secret-" + "y" * 32


def require_tools() -> None:
    """Fail (never skip) with what is missing and how to get it."""
    problems = []
    if not CHROMIUM.exists():
        problems.append(f"Chromium is not at {CHROMIUM}")
    if not AXE.exists():
        problems.append(f"axe-core is not at {AXE}")
    if shutil.which("node") is None and not AXE.exists():
        problems.append("node/npm are missing")
    try:
        import playwright  # noqa: F401
    except ImportError:
        problems.append("the Python package playwright is not installed")
    if problems:
        pytest.fail(f"The browser tests cannot run: {'; '.join(problems)}. To fix it, {INSTALL}.",
                    pytrace=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class WebProcess:
    """`python -m bot web` on a free port, on the bot's database and the emulator."""

    def __init__(self, discord: Discord, workdir: Path, database: DatabaseUrl) -> None:
        self.discord = discord
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "web.log"
        self.database = database
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 20.0) -> WebProcess:
        emu = self.discord.emu
        callback = self.base_url + "/login/callback"
        self.discord.thread.do(lambda: emu.oauth2.app.redirect_uris.append(callback))
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("DISCORD_", "ROCKY_", "DATABASE_", "WEB_"))}
        env.update({
            "DISCORD_TOKEN": TEST_TOKEN, "DATABASE_URL": f"sqlite:///{self.database.path}",
            "DISCORD_API_BASE": emu.api_base, "WEB_HOST": "127.0.0.1", "WEB_PORT": str(self.port),
            "WEB_BASE_URL": self.base_url, "DISCORD_CLIENT_ID": str(emu.application_id),
            "DISCORD_CLIENT_SECRET": emu.oauth2.app.client_secret, "WEB_SECRET": WEB_SECRET,
            "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "INFO"})
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "bot", "--env-file", os.devnull, "web"],
                                     cwd=self.log_path.parent, env=env, stdout=log,
                                     stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while "web pages ready" not in self.log():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"rocky-bot web did not start:\n{self.log()}")
            time.sleep(0.05)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Site:
    """The emulator, the bot, the web process and a browser, for one test."""

    def __init__(self, discord: Discord, bot: BotProcess, web: WebProcess, browser: Any) -> None:
        self.discord, self.bot, self.web, self.browser = discord, bot, web, browser
        self.guild = discord.world.guild

    def url(self, path: str) -> str:
        return self.web.base_url + path

    async def page(self, *, javascript: bool = True, phone: bool = False) -> Any:
        options: dict[str, Any] = {"java_script_enabled": javascript,
                                   "bypass_csp": True}  # to add axe-core to the page
        if phone:
            options.update(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                           is_mobile=True, has_touch=True)
        else:
            options.update(viewport={"width": 1200, "height": 900})
        context = await self.browser.new_context(**options)
        return await context.new_page()

    async def login(self, page: Any, who: str) -> None:
        """Through the emulator's consent page, as a person would."""
        member = self.discord.member(who)
        await page.goto(self.url("/dashboard"))
        await page.get_by_role("link", name="Log in with Discord").click()
        await page.get_by_role("link", name=f"Authorize as {member.display_name} ").click()
        await page.wait_for_url(self.url("/dashboard"))

    async def database(self) -> Database:
        return await Database.open(self.bot.database_url)

    async def configure(self, **changes: Any) -> None:
        db = await self.database()
        try:
            await GuildConfigRepository(db).update(self.guild.id, **changes)
        finally:
            await db.close()


async def check_accessibility(page: Any) -> None:
    """axe-core on the page as shown: no serious or critical violation."""
    await page.add_script_tag(path=str(AXE))
    result = await page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [f"{v['id']} ({v['impact']}): {v['help']} at "
           f"{[n['target'] for n in v['nodes']][:3]}"
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{page.url}: " + "; ".join(bad)


async def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / name), full_page=False)


@pytest.fixture()
def tools() -> None:
    require_tools()


@pytest.fixture()
async def site(tools: None, fresh_discord: Discord, tmp_path: Path) -> AsyncIterator[Site]:
    from playwright.async_api import async_playwright

    bot = BotProcess(fresh_discord.emu, tmp_path, extra_env={"ROCKY_TEST_TIMER_SCALE": "0.02"})
    web = WebProcess(fresh_discord, tmp_path, bot.database_url)
    await asyncio.to_thread(bot.start)
    try:
        await asyncio.to_thread(web.start)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                       args=["--no-sandbox"])
            try:
                yield Site(fresh_discord, bot, web, browser)
            finally:
                await browser.close()
    finally:
        web.stop()
        bot.kill()


def utc_now() -> datetime:
    return datetime.now(UTC)

