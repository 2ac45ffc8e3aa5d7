"""The cluster tests need PostgreSQL (several bot processes share one database): without it they
are not collected, and the session's summary line says the PostgreSQL half was not run."""

from tests.conftest import BACKENDS

collect_ignore = [] if "postgresql" in BACKENDS else ["test_two_processes.py"]
