"""Reliability suite sizes: small under `make test`, full under `make reliability`.

RELIABILITY=full (set by `make reliability`) selects the full counts the issue names.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

FULL = os.environ.get("RELIABILITY") == "full"

settings.register_profile(
    "reliability-small", max_examples=15, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile(
    "reliability-full", max_examples=150, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile("reliability-full" if FULL else "reliability-small")
