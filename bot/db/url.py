"""DATABASE_URL: which backend, and where. Parsed once; shown only without its password."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

SQLITE, POSTGRES = "sqlite", "postgresql"
POSTGRES_SCHEMES = ("postgresql", "postgres")
EXAMPLES = "sqlite:///data/rocky.db or postgresql://user:password@host:5432/rocky"


class DatabaseUrlError(ValueError):
    """The URL is not one the bot can use; the message says why (without the password)."""


@dataclass(frozen=True, slots=True)
class DatabaseUrl:
    backend: str  # SQLITE or POSTGRES
    path: Path | None = None  # SQLite's file
    dsn: str = field(default="", repr=False)  # PostgreSQL's full URL, password included
    host: str = ""
    port: int = 5432
    database: str = ""
    user: str = ""

    @classmethod
    def sqlite(cls, path: Path) -> DatabaseUrl:
        return cls(SQLITE, path=path)

    @property
    def is_sqlite(self) -> bool:
        return self.backend == SQLITE

    @property
    def password(self) -> str:
        """The password in the URL ("" if none): for the log filter that hides secrets."""
        return unquote(urlsplit(self.dsn).password or "") if self.dsn else ""

    @property
    def safe(self) -> str:
        """The URL as it may be shown or logged: never the password."""
        if self.path is not None:
            return f"sqlite:///{self.path}"
        user = f"{self.user}@" if self.user else ""
        if self.host.startswith("/"):  # a unix socket's folder
            return f"postgresql://{user}/{self.database}?host={self.host}"
        return f"postgresql://{user}{self.host}:{self.port}/{self.database}"

    def __str__(self) -> str:
        return self.safe


def parse_database_url(text: str) -> DatabaseUrl:
    text = text.strip()
    scheme, _, rest = text.partition("://")
    if scheme == SQLITE:
        # sqlite:///relative/path and sqlite:////absolute/path, as SQLAlchemy spells them.
        if not rest.startswith("/") or rest == "/":
            raise DatabaseUrlError(f"a SQLite URL needs a file path, such as {EXAMPLES}")
        path = Path(unquote(rest[1:])).expanduser()
        if path.is_dir():
            raise DatabaseUrlError(f"{path} is a folder; name a file inside it")
        return DatabaseUrl.sqlite(path)
    if scheme in POSTGRES_SCHEMES:
        return _postgres(urlsplit(text), text)
    raise DatabaseUrlError(f"it must start with sqlite:// or postgresql://, such as {EXAMPLES}")


def _postgres(parts: SplitResult, text: str) -> DatabaseUrl:
    try:
        port = parts.port or 5432
    except ValueError:
        raise DatabaseUrlError("its port is not a number between 1 and 65535") from None
    database = unquote(parts.path.lstrip("/"))
    # A unix socket's folder comes as ?host=/path, with no host before the database name.
    host = parts.hostname or parse_qs(parts.query).get("host", [""])[0]
    if not host:
        raise DatabaseUrlError(f"a PostgreSQL URL needs a host, such as {EXAMPLES}")
    if not database or "/" in database:
        raise DatabaseUrlError(f"a PostgreSQL URL needs a database name, such as {EXAMPLES}")
    return DatabaseUrl(POSTGRES, dsn=text, host=host, port=port, database=database,
                       user=unquote(parts.username or ""))
