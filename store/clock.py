"""One source of timestamps, so tests can freeze time and exports stay reproducible."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> str:
    """The current UTC time as ISO 8601 with milliseconds, e.g. ``2026-11-21T15:44:20.123Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
