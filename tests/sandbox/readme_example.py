"""The README's sandbox example: a real transcript, regenerated and compared by the tests.

The script is the transcript's own prompt lines (`alice #general> /quote ...`), so editing the
example means editing those lines and running

    .venv/bin/python -m tests.sandbox.readme_example

which replays them against the real bot (fixed seed) and rewrites the block between the
README's `sandbox-example` markers.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
START, END = "<!-- sandbox-example:start -->", "<!-- sandbox-example:end -->"
SEED = 7
PROMPT = re.compile(r"^[\w.-]+ (?:#[\w-]+|DM)> (.*)$")
FENCE = re.compile(r"```text\n(.*?)```", re.S)


def clean_env() -> dict[str, str]:
    """No settings leak in from the caller: the transcript depends on the seed alone."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DISCORD_", "ROCKY_", "DATABASE_", "CONTENT_", "DEV_GUILD",
                                "LOG_LEVEL"))}
    env["PYTHONPATH"] = str(REPO)
    return env


def block(readme: str) -> str:
    start, end = readme.index(START) + len(START), readme.index(END)
    return readme[start:end]


def transcript(readme: str) -> str:
    found = FENCE.search(block(readme))
    assert found, "the README's sandbox example has no ```text block"
    return found[1]


def script_of(text: str) -> str:
    """The lines typed at the prompts, with the example's comments and blank lines."""
    lines = []
    for line in text.splitlines():
        prompt = PROMPT.match(line)
        if prompt:
            lines.append(prompt[1])
        elif line.startswith("#") or not line.strip():
            lines.append(line)
    return "\n".join(lines) + "\n"


def replay(script: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "--env-file", os.devnull, "sandbox", "--seed", str(SEED),
         "--script", "-"],
        input=script, capture_output=True, text=True, env=clean_env(), cwd=REPO,
        timeout=timeout, check=False)


def with_transcript(readme: str, new_transcript: str) -> str:
    old = block(readme)
    found = FENCE.search(old)
    assert found
    updated = old[:found.start(1)] + new_transcript + old[found.end(1):]
    return readme.replace(START + old + END, START + updated + END)


def main() -> int:
    readme = README.read_text(encoding="utf-8")
    done = replay(script_of(transcript(readme)))
    if done.returncode != 0:
        print(done.stdout + done.stderr, file=sys.stderr)
        print("the example script failed; the README was not changed", file=sys.stderr)
        return 1
    README.write_text(with_transcript(readme, done.stdout), encoding="utf-8")
    print(f"rewrote the sandbox example in {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
