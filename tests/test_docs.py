"""The README and .env.example document every setting the code reads."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SETTINGS_SOURCE = (REPO / "bot" / "settings.py").read_text()
NAMES = sorted(set(re.findall(r'get\("([A-Z_]+)"\)', SETTINGS_SOURCE)))


def test_settings_are_found():
    assert "DISCORD_TOKEN" in NAMES and len(NAMES) >= 10


def test_every_setting_is_in_the_readme_table_and_env_example():
    readme = (REPO / "README.md").read_text()
    example = (REPO / ".env.example").read_text()
    for name in NAMES:
        assert f"| `{name}` |" in readme, f"{name} missing from README's Configuration table"
        assert re.search(rf"^#? ?{name}=", example, re.M), f"{name} missing from .env.example"


def test_test_only_settings_are_marked_as_such():
    readme = (REPO / "README.md").read_text()
    for name in NAMES:
        if name.startswith("ROCKY_TEST_"):
            row = next(line for line in readme.splitlines() if line.startswith(f"| `{name}` |"))
            assert "tests only" in row


def test_quick_start_shows_the_two_commands():
    readme = (REPO / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
