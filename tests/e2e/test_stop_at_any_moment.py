"""A SIGTERM at any moment of start-up exits 0 with no traceback: whatever writes (on_ready,
on_guild_join, background tasks) finishes or is cancelled before the database closes."""

from __future__ import annotations

import re
import signal
import time

# The start-up lines after which the bot is stopped: the command tree checked (before the
# gateway connects), then the moments while it waits for its servers before "ready".
AFTER_SYNC = re.compile(r"synced \d+ commands|command tree unchanged")
DELAYS_AFTER_SYNC = (0.0, 0.05, 0.15, 0.3, 0.5, 0.8, 1.2)


def _wait_for(bot, pattern: re.Pattern[str], timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pattern.search(bot.new_log()):
            return
        assert bot.proc.poll() is None, f"the bot exited before {pattern.pattern}:\n{bot.new_log()}"
        time.sleep(0.005)
    raise TimeoutError(f"no {pattern.pattern!r} within {timeout}s:\n{bot.new_log()}")


def test_a_stop_between_the_command_sync_and_ready_exits_0_without_a_traceback(make_bot):
    # discord.py waits this long for the servers before "ready": a window to stop in.
    bot = make_bot(ROCKY_TEST_GUILD_READY_TIMEOUT="1.0")
    for delay in DELAYS_AFTER_SYNC:
        bot.launch()
        _wait_for(bot, AFTER_SYNC)
        time.sleep(delay)
        bot.proc.send_signal(signal.SIGTERM)
        code = bot.proc.wait(20)
        log = bot.new_log()
        assert code == 0, f"stopped {delay}s after the sync: exit {code}\n{log}"
        assert "Traceback" not in log and " ERROR " not in log, (
            f"stopped {delay}s after the sync:\n{log}")
        assert "stopped cleanly" in log
    # Nothing was left half-done: the next start reaches "ready" on the same database.
    bot.start()
    assert bot.stop() == 0
