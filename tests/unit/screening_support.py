"""Screening answers shared by the engine, message, store, CLI and console tests."""

from __future__ import annotations

from typing import Any

from bot.screening.engine import NO_CONCERNS


def calm_answers(**changes: Any) -> dict[str, Any]:
    """Every screening field answered by someone doing fine (the engine's NO_CONCERNS), with `changes`."""
    return {**NO_CONCERNS, **changes}


CHAT_CALM: dict[str, Any] = {
    "functioning": "none",
    "current_care": "none",
    "wish_dead": False,
    "suicidal_thoughts": False,
    "suicide_behavior": "never",
    "harm_to_others": False,
    "substance_use": "none",
    "medically_unstable": False,
    "safe_home": True,
    "can_attend": "in_person",
    "group_ok": "yes",
}
"""What a person doing fine answers in the chat, in the chat's order: the follow-ups and the withdrawal
question are skipped, so they are absent (not the engine's defaults)."""
