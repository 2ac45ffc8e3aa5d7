"""`rocky-bot`: the command line. Reads the environment (and .env) once, into Settings."""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from dotenv import dotenv_values

from bot import __version__
from bot.settings import Settings, SettingsError, load_settings, log_level_number

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

NO_TOKEN = (
    "DISCORD_TOKEN is not set: put your bot's token in a .env file or the environment "
    "(see the README's \"Configuration\" section)."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rocky-bot",
        description="A self-hosted Discord bot for Rocky fan communities.",
        epilog="With no command, `run` is assumed.",
    )
    parser.add_argument("--version", action="version", version=f"rocky-bot {__version__}")
    parser.add_argument("--env-file", type=Path, default=Path(".env"),
                        help="settings file to read (default: .env in the current folder)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("run", help="connect to Discord and serve (the default)",
                        description="Connect to Discord and serve. Without a token, on a "
                                    "terminal, starts the local sandbox instead.")

    sync = commands.add_parser("sync", help="push the slash-command tree to Discord now",
                               description="Push the command tree now (normally the bot syncs "
                                           "only when the tree changed).")
    sync.add_argument("--guild", type=int, metavar="ID",
                      help="sync to this server only (instant; for development)")

    db = commands.add_parser("db", help="database maintenance",
                             description="Database maintenance.")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("migrate", help="create or upgrade the database, then exit",
                           description="Apply pending migrations to DATABASE_URL's database.")
    backup = db_commands.add_parser(
        "backup", help="copy the SQLite file safely, even while the bot runs",
        description="Copy the SQLite database to PATH with SQLite's online backup "
                    "(on PostgreSQL, use pg_dump).")
    backup.add_argument("path", type=Path, help="where to write the copy (must not exist)")
    db_commands.add_parser(
        "check", help="check the database's integrity and schema version",
        description="Run SQLite's integrity check and compare the schema version with this "
                    "bot's; say what to do if either is wrong. Exit 0 when fine, 1 when not. "
                    "On PostgreSQL, only the schema version (integrity is the server's job).")
    restore = db_commands.add_parser(
        "restore", help="put a backup in place of the SQLite file (bot stopped)",
        description="Verify BACKUP, keep the current file as a safety copy beside it, then "
                    "replace it. Refuses while the bot runs. On PostgreSQL, use pg_restore.")
    restore.add_argument("backup", type=Path, metavar="BACKUP",
                         help="a file written by `rocky-bot db backup`")
    copy = db_commands.add_parser(
        "copy", help="copy everything from one database to another (SQLite <-> PostgreSQL)",
        description="Copy every table from SOURCE_URL into TARGET_URL (each sqlite:///PATH or "
                    "postgresql://...), migrating the target first. The target must be empty "
                    "unless --replace is given. Stop the bot first.")
    copy.add_argument("source", metavar="SOURCE_URL", help="the database to copy from")
    copy.add_argument("target", metavar="TARGET_URL", help="the database to copy into")
    copy.add_argument("--replace", action="store_true",
                      help="empty a target that already holds data, then copy")

    content = commands.add_parser("content", help="check and count the content packs",
                                  description="Check and count the content packs.")
    content_commands = content.add_subparsers(dest="content_command", metavar="ACTION",
                                              required=True)
    content_commands.add_parser("check", help="validate every pack; exit 1 listing problems",
                                description="Validate every pack (and CONTENT_DIR's).")
    stats = content_commands.add_parser("stats", help="count facts, questions, songs, quotes",
                                        description="Count the content.")
    stats.add_argument("--json", action="store_true", help="print one JSON object")

    commands.add_parser("web", help="serve the web pages and the admins' dashboard",
                        description="Serve the public pages and the dashboard on WEB_HOST:"
                                    "WEB_PORT, on the bot's database (see the README's "
                                    "\"Web pages\").")
    commands.add_parser("health", help="exit 0 if the running bot is connected (for Docker)",
                        description="Read the heartbeat the running bot writes; exit 0 when "
                                    "it is connected, 1 otherwise.")
    sandbox = commands.add_parser("sandbox", help="try the bot locally, without Discord",
                                  description="Start a local Discord and the bot against it.")
    sandbox.add_argument("--db", type=Path, help="database file (default: a temporary one)")
    sandbox.add_argument("--script", help="run console commands from FILE (or - for stdin)")
    sandbox.add_argument("--verbose", action="store_true", help="show the bot's logs")
    sandbox.add_argument("--seed", type=int, help="make the bot's random choices repeatable")
    return parser


def read_environment(env_file: Path) -> dict[str, str]:
    """The process environment over the .env file: the environment wins."""
    values = {k: v for k, v in dotenv_values(env_file).items() if v is not None} \
        if env_file.is_file() else {}
    return values | dict(os.environ)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(read_environment(args.env_file))
    except SettingsError as exc:
        print(f"rocky-bot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    command = args.command or "run"
    handler = {
        "run": _run, "sync": _sync, "db": _db, "content": _content, "health": _health,
        "sandbox": _sandbox, "web": _web,
    }[command]
    return handler(args, settings)


def _configure_logging(settings: Settings) -> None:
    from bot.logging_setup import configure_logging

    configure_logging(log_level_number(settings),
                      secrets=(settings.token or "", settings.database.password,
                               settings.client_secret or "", settings.web_secret or ""))


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.token is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            print("No DISCORD_TOKEN: starting the local sandbox instead (see README).")
            return _sandbox(args, settings)
        print(f"rocky-bot: {NO_TOKEN}", file=sys.stderr)
        return EXIT_USAGE
    _configure_logging(settings)
    from bot.runner import StartupError, run_bot

    try:
        return asyncio.run(run_bot(settings))
    except StartupError as exc:
        print(f"rocky-bot: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _web(args: argparse.Namespace, settings: Settings) -> int:
    from bot.settings import MAKE_WEB_SECRET

    if settings.web_secret is None:
        print("rocky-bot: WEB_SECRET is not set: the web pages sign their sessions with it; "
              f"make one with {MAKE_WEB_SECRET} and put it in .env.", file=sys.stderr)
        return EXIT_USAGE
    _configure_logging(settings)
    from bot.runner import StartupError
    from bot.web.app import serve

    try:
        return asyncio.run(serve(settings))
    except StartupError as exc:
        print(f"rocky-bot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"rocky-bot: cannot listen on {settings.web_host}:{settings.web_port} ({exc}); "
              "set WEB_PORT to a free port.", file=sys.stderr)
        return EXIT_FAILED


def _sync(args: argparse.Namespace, settings: Settings) -> int:
    if settings.token is None:
        print(f"rocky-bot: {NO_TOKEN}", file=sys.stderr)
        return EXIT_USAGE
    _configure_logging(settings)
    from bot.runner import StartupError, sync_once

    try:
        asyncio.run(sync_once(settings, args.guild or settings.dev_guild_id))
    except StartupError as exc:
        print(f"rocky-bot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print("Commands synced" + (f" to server {args.guild}." if args.guild else "."))
    return EXIT_OK


def _db(args: argparse.Namespace, settings: Settings) -> int:
    from bot.db import DatabaseSetupError, open_database
    from bot.db.backup import backup_database

    if args.db_command == "migrate":
        async def migrate() -> tuple[list[int], int]:
            database = await open_database(settings.database, migrate=False)
            try:
                applied = await database.migrate()
                return applied, await database.schema_version()
            finally:
                await database.close()

        try:
            applied, version = asyncio.run(migrate())
        except DatabaseSetupError as exc:
            print(f"rocky-bot: {exc}", file=sys.stderr)
            return EXIT_USAGE
        done = f"applied {len(applied)} migration(s); " if applied else "already up to date; "
        print(f"{settings.database}: {done}schema version {version}.")
        return EXIT_OK
    if args.db_command in ("check", "restore"):
        return _db_repair(args, settings)
    if args.db_command == "copy":
        from bot.db.copy import copy_command

        return copy_command(args.source, args.target, replace=args.replace)

    path = settings.database_path
    if path is None:
        print("rocky-bot: db backup copies a SQLite file; DATABASE_URL names PostgreSQL, so "
              "use pg_dump instead (for example: pg_dump -Fc -f rocky.dump "
              f"{settings.database}).", file=sys.stderr)
        return EXIT_USAGE

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\rbacking up: {done}/{total} pages", end="", file=sys.stderr, flush=True)

    try:
        target = backup_database(path, args.path, progress)
    except (FileNotFoundError, FileExistsError) as exc:
        print(f"rocky-bot: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except sqlite3.Error as exc:
        args.path.unlink(missing_ok=True)  # a partial copy is no backup
        print(f"rocky-bot: {path} cannot be backed up ({exc}); check it with "
              "`rocky-bot db check`.", file=sys.stderr)
        return EXIT_FAILED
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"Backed up {path} to {target}.")
    return EXIT_OK


def _db_repair(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.heartbeat import heartbeat_is_fresh
    from bot.db.repair import check_database, restore_database

    if args.db_command == "check":
        verdict = check_database(settings.database)
    else:
        heartbeat = settings.heartbeat_path
        running = (f"its heartbeat {heartbeat} is fresh" if heartbeat_is_fresh(heartbeat)
                   else None)
        verdict = restore_database(settings.database, args.backup, bot_running=running)
    out = sys.stdout if verdict.ok else sys.stderr
    for line in verdict.lines:
        print(line if verdict.ok else f"rocky-bot: {line}", file=out)
    return verdict.code


def _content(args: argparse.Namespace, settings: Settings) -> int:
    from bot.content.commands import check_command, stats_command

    if args.content_command == "check":
        return check_command(settings.content_dir, sys.stdout)
    return stats_command(settings.content_dir, args.json, sys.stdout)


def _health(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.heartbeat import check_heartbeat

    healthy, reason = check_heartbeat(settings.heartbeat_path)
    print(("healthy: " if healthy else "unhealthy: ") + reason)
    return EXIT_OK if healthy else EXIT_FAILED


def _sandbox(args: argparse.Namespace, settings: Settings) -> int:
    from bot.sandbox.main import run

    return run(args, settings)


if __name__ == "__main__":
    sys.exit(main())
