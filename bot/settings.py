"""The bot's configuration: read once, in the entry point, into one typed object.

Nothing else in the project reads the environment. A bad value raises SettingsError with one
sentence naming the setting; the entry point prints it and exits 2.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.db.url import DatabaseUrl, DatabaseUrlError, parse_database_url

DEFAULT_DATABASE_PATH = Path("data") / "rocky.db"
# Beside a SQLite file; with PostgreSQL, in the working folder's data/ (the image's volume).
DEFAULT_HEARTBEAT_PATH = Path("data") / "rocky.heartbeat"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(ValueError):
    """A setting has a value the bot cannot use; the message names it and says what to do."""


@dataclass(frozen=True, slots=True)
class Settings:
    token: str | None = field(default=None, repr=False)  # never shown in logs or reprs
    database: DatabaseUrl = field(default_factory=lambda: DatabaseUrl.sqlite(DEFAULT_DATABASE_PATH))
    log_level: str = "INFO"
    dev_guild_id: int | None = None
    api_base: str | None = None
    cdn_base: str | None = None
    gateway_url: str | None = None
    content_dir: Path | None = None
    # Shards: None runs one unsharded connection (the default); "auto" asks Discord how many.
    shard_count: int | str | None = None
    shard_ids: tuple[int, ...] | None = None  # this process's shards (default: all)
    # Test-only settings: they exist so the suite can control time, chance and extensions.
    timer_scale: float = 1.0
    random_seed: int | None = None
    extra_extensions: tuple[str, ...] = ()
    guild_ready_timeout: float = 2.0
    heartbeat_timeout: float = 60.0
    # The web pages (`rocky-bot web`): where they listen, their public address, the Discord
    # application's OAuth2 client, and the key that signs sessions.
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    web_base_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    web_secret: str | None = field(default=None, repr=False)

    @property
    def database_path(self) -> Path | None:
        """The SQLite file, or None on PostgreSQL."""
        return self.database.path

    @property
    def heartbeat_path(self) -> Path:
        """Beside a SQLite file, else in data/; one per process when processes share shards
        out (each process's health is its own)."""
        path = self.database.path
        base = DEFAULT_HEARTBEAT_PATH if path is None else path.with_name(path.name + ".heartbeat")
        if self.shard_ids is None:
            return base
        first, last = self.shard_ids[0], self.shard_ids[-1]
        return base.with_name(f"{base.stem}-shards-{first}-{last}{base.suffix}")


def load_settings(env: Mapping[str, str]) -> Settings:
    """Build Settings from an environment mapping (os.environ merged with .env by the caller)."""

    def get(name: str) -> str | None:
        value = env.get(name)
        if value is None:
            return None
        value = value.strip()
        return value or None

    token = get("DISCORD_TOKEN")
    if token is not None and (any(ch.isspace() for ch in token) or len(token) < 8):
        raise SettingsError(
            "DISCORD_TOKEN does not look like a bot token: copy it again from the Bot page "
            "of your application in the Discord developer portal."
        )

    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise SettingsError(
            f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)} (got {get('LOG_LEVEL')!r})."
        )

    database = _database(get("DATABASE_URL"), _path(get("DATABASE_PATH"), "DATABASE_PATH"))
    shard_count, shard_ids = _shards(get("SHARD_COUNT"), get("SHARD_IDS"), database)
    return Settings(
        token=token,
        database=database,
        log_level=log_level,
        dev_guild_id=_snowflake(get("DEV_GUILD_ID"), "DEV_GUILD_ID"),
        api_base=_url(get("DISCORD_API_BASE"), "DISCORD_API_BASE", ("http", "https")),
        cdn_base=_url(get("DISCORD_CDN_BASE"), "DISCORD_CDN_BASE", ("http", "https")),
        gateway_url=_url(get("DISCORD_GATEWAY_URL"), "DISCORD_GATEWAY_URL", ("ws", "wss")),
        content_dir=_existing_dir(get("CONTENT_DIR"), "CONTENT_DIR"),
        shard_count=shard_count,
        shard_ids=shard_ids,
        timer_scale=_positive_float(get("ROCKY_TEST_TIMER_SCALE"), "ROCKY_TEST_TIMER_SCALE"),
        random_seed=_int(get("ROCKY_TEST_RANDOM_SEED"), "ROCKY_TEST_RANDOM_SEED"),
        extra_extensions=_extensions(get("ROCKY_TEST_EXTRA_EXTENSIONS")),
        guild_ready_timeout=_positive_float(
            get("ROCKY_TEST_GUILD_READY_TIMEOUT"), "ROCKY_TEST_GUILD_READY_TIMEOUT", default=2.0
        ),
        heartbeat_timeout=_positive_float(
            get("ROCKY_TEST_HEARTBEAT_TIMEOUT"), "ROCKY_TEST_HEARTBEAT_TIMEOUT", default=60.0
        ),
        web_host=get("WEB_HOST") or "127.0.0.1",
        web_port=_port(get("WEB_PORT"), "WEB_PORT", default=8080),
        web_base_url=_url(get("WEB_BASE_URL"), "WEB_BASE_URL", ("http", "https")),
        client_id=_client_id(get("DISCORD_CLIENT_ID")),
        client_secret=get("DISCORD_CLIENT_SECRET"),
        web_secret=_web_secret(get("WEB_SECRET")),
    )


MIN_WEB_SECRET = 32
MAKE_WEB_SECRET = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'


def log_level_number(settings: Settings) -> int:
    return logging.getLevelNamesMapping()[settings.log_level]


def _path(value: str | None, name: str) -> Path | None:
    if value is None:
        return None
    path = Path(value).expanduser()
    if path.exists() and path.is_dir():
        raise SettingsError(f"{name} must be a file path, but {value!r} is a folder.")
    return path


def _database(url: str | None, path: Path | None) -> DatabaseUrl:
    """DATABASE_URL, or DATABASE_PATH as a shorthand for sqlite:///PATH (the default
    data/rocky.db when neither is set)."""
    if url is None:
        return DatabaseUrl.sqlite(path or DEFAULT_DATABASE_PATH)
    try:
        database = parse_database_url(url)
    except DatabaseUrlError as exc:
        raise SettingsError(f"DATABASE_URL is not usable: {exc}.") from None
    if path is not None and database.path != path:
        raise SettingsError(
            "DATABASE_URL and DATABASE_PATH name different databases; keep only DATABASE_URL "
            "(DATABASE_PATH is a shorthand for sqlite:///PATH).")
    return database


MAX_SHARDS = 1024


def _shards(count: str | None, ids: str | None, database: DatabaseUrl
            ) -> tuple[int | str | None, tuple[int, ...] | None]:
    """SHARD_COUNT (a number or "auto") and SHARD_IDS ("0-3" or "4,5,6,7"; default: all)."""
    if count is None:
        if ids is not None:
            raise SettingsError("SHARD_IDS needs SHARD_COUNT: set how many shards there are in "
                                "all (for example SHARD_COUNT=8).")
        return None, None
    if count.lower() == "auto":
        if ids is not None:
            raise SettingsError("SHARD_IDS needs a number in SHARD_COUNT, not auto: every "
                                "process must agree on how many shards there are.")
        return "auto", None
    if not count.isdigit() or not 1 <= int(count) <= MAX_SHARDS:
        raise SettingsError(f"SHARD_COUNT must be auto or a whole number from 1 to {MAX_SHARDS} "
                            f"(got {count!r}).")
    total = int(count)
    chosen = tuple(range(total)) if ids is None else _shard_ids(ids, total)
    if len(chosen) < total and database.is_sqlite:
        raise SettingsError(
            f"SHARD_IDS gives this process {len(chosen)} of {total} shards, but DATABASE_URL is "
            "a SQLite file, which serves one bot process: to run shards in several processes, "
            "use PostgreSQL (README: SQLite or PostgreSQL).")
    return total, chosen


def _shard_ids(text: str, total: int) -> tuple[int, ...]:
    chosen: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        first, dash, last = part.partition("-")
        if not first.isdigit() or (dash and not last.isdigit()):
            raise SettingsError(f"SHARD_IDS must be a range or a list such as 0-3 or 4,5,6,7 "
                                f"(got {text!r}).")
        numbers = range(int(first), int(last) + 1) if dash else [int(first)]
        if not numbers or max(numbers) >= total:
            raise SettingsError(f"SHARD_IDS {text!r} names shards outside 0-{total - 1} "
                                f"(SHARD_COUNT is {total}).")
        chosen.update(numbers)
    return tuple(sorted(chosen))


def _existing_dir(value: str | None, name: str) -> Path | None:
    if value is None:
        return None
    path = Path(value).expanduser()
    if not path.is_dir():
        raise SettingsError(f"{name} must be an existing folder (got {value!r}).")
    return path


def _snowflake(value: str | None, name: str) -> int | None:
    if value is None:
        return None
    if not value.isdigit() or not 15 <= len(value) <= 20:
        raise SettingsError(
            f"{name} must be a server ID, 15 to 20 digits (got {value!r}); in Discord, enable "
            "Developer Mode and use Copy Server ID."
        )
    return int(value)


def _url(value: str | None, name: str, schemes: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.hostname:
        example = "http://127.0.0.1:8080/api/v10" if "http" in schemes else (
            "ws://127.0.0.1:8080/gateway"
        )
        raise SettingsError(
            f"{name} must be a {' or '.join(schemes)} URL such as {example} (got {value!r})."
        )
    return value.rstrip("/")


def _port(value: str | None, name: str, default: int) -> int:
    if value is None:
        return default
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise SettingsError(f"{name} must be a port number from 1 to 65535 (got {value!r}).")
    return int(value)


def _client_id(value: str | None) -> str | None:
    if value is not None and not value.isdigit():
        raise SettingsError(
            "DISCORD_CLIENT_ID must be your application's id, all digits: copy it from the "
            "OAuth2 page of your application in the Discord developer portal.")
    return value


def _web_secret(value: str | None) -> str | None:
    if value is not None and len(value) < MIN_WEB_SECRET:
        raise SettingsError(
            f"WEB_SECRET must be at least {MIN_WEB_SECRET} characters; make one with: "
            f"{MAKE_WEB_SECRET}")
    return value


def _positive_float(value: str | None, name: str, default: float = 1.0) -> float:
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not number > 0:
        raise SettingsError(f"{name} must be a positive number (got {value!r}).")
    return number


def _int(value: str | None, name: str) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number (got {value!r}).") from None


def _extensions(value: str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())
