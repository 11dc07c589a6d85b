"""Capped exponential backoff, shared by the events consumer's reconnections and the broker's resends."""

from __future__ import annotations


def backoff_delay(attempt: int, base: float = 0.5, cap: float = 30.0) -> float:
    """Seconds to wait before attempt `attempt` (0-based): base, 2 x base, 4 x base, ... up to `cap`."""
    return float(min(cap, base * (2 ** min(attempt, 16))))
