"""Fixtures for the sandbox tests (helpers live in support.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sandbox.terminal import Terminal


@pytest.fixture()
def terminal() -> Iterator[list[Terminal]]:
    """Terminals opened by a test; closed (and their programs killed) afterwards."""
    opened: list[Terminal] = []
    yield opened
    for term in opened:
        term.close()
