"""Screening answers shared by the engine, message, store, CLI and console tests."""

from __future__ import annotations

from typing import Any

from bot.screening.engine import NO_CONCERNS


def calm_answers(**changes: Any) -> dict[str, Any]:
    """Every screening field answered by someone doing fine (the engine's NO_CONCERNS), with `changes`."""
    return {**NO_CONCERNS, **changes}
