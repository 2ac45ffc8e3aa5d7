"""The layering the project is built on, checked on every file (see README "Development").

- bot/domain: entities and rules only: no discord, no database driver, no web framework;
- all SQL lives in bot/db, and bot/db never imports discord;
- bot/ui and the cogs take their types from the domain: bot/ui imports nothing from bot/db,
  and cogs import only repositories from it;
- production code never imports the emulator or the sandbox (only the command line's
  `sandbox` command starts them).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DRIVERS = ("discord", "aiosqlite", "asyncpg", "sqlite3", "aiohttp")
# The project writes SQL keywords in capitals; sentences for members never shout them.
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM|"
                 r"CREATE\s+(TABLE|INDEX)|PRAGMA\s)", re.DOTALL)
TEST_ONLY = ("bot.emulator", "bot.sandbox")
ENTRY_POINT = REPO / "bot" / "cli.py"  # its `sandbox` command starts the sandbox


def _files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (REPO / folder).rglob("*.py"))


def _imports(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """(module, names) for every import in the file, relative ones resolved."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, tuple(alias.name for alias in node.names)))
    return found


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                                | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


def _rel(path: Path) -> str:
    return str(path.relative_to(REPO))


def test_the_domain_imports_no_discord_database_or_web_library():
    bad = [f"{_rel(p)} imports {module}" for p in _files("bot/domain")
           for module, _ in _imports(p) if any(_under(module, d) for d in DRIVERS)]
    assert not bad, bad


def test_no_sql_outside_bot_db():
    production = [p for p in _files("bot", "cogs") if not _under(
        ".".join(p.relative_to(REPO).with_suffix("").parts), "bot.db")]
    bad = [f"{_rel(p)}:{line}" for p in production for line, text in _strings(p)
           if SQL.search(text)]
    assert not bad, bad


def test_bot_db_never_imports_discord():
    bad = [f"{_rel(p)} imports {module}" for p in _files("bot/db")
           for module, _ in _imports(p) if _under(module, "discord")]
    assert not bad, bad


def test_ui_and_cogs_take_types_from_the_domain_not_from_repositories():
    bad = [f"{_rel(p)} imports {module}" for p in _files("bot/ui")
           for module, _ in _imports(p) if _under(module, "bot.db")]
    bad += [f"{_rel(p)} imports {name} from {module}" for p in _files("cogs")
            for module, names in _imports(p) if _under(module, "bot.db")
            for name in names if not name.endswith("Repository")]
    assert not bad, bad


def test_production_code_never_imports_the_emulator_or_the_sandbox():
    production = [p for p in _files("bot", "cogs") if p != ENTRY_POINT and not any(
        _under(".".join(p.relative_to(REPO).with_suffix("").parts), t) for t in TEST_ONLY)]
    bad = [f"{_rel(p)} imports {module}" for p in production
           for module, _ in _imports(p) if any(_under(module, t) for t in TEST_ONLY)]
    assert not bad, bad


@pytest.mark.parametrize("text, is_sql", [
    ("SELECT a FROM t WHERE b = $1", True), ("INSERT INTO t (a) VALUES ($1)", True),
    ("UPDATE guilds SET left_at = $1", True), ("DELETE FROM members", True),
    ("PRAGMA journal_mode", True), ("Select a film from the list", False),
    ("Pick one, then update the settings", False),
])
def test_the_sql_detector_tells_sql_from_sentences(text, is_sql):
    assert bool(SQL.search(text)) is is_sql
