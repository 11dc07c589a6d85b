"""The last line of defence: crisis resources when the assistant itself did not answer.

A conversation handed to staff is paused, so Rasa records messages without replying; a failing Rasa
or action server may also leave a message unanswered. The channel layer then asks `crisis_reply`,
which detects a safety concern and returns the crisis message Rasa would have sent for the finding's
category, detail and language (`bot.safety.resources.crisis_message`, the same function the responses
are rendered from).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.config import environment
from bot.safety.detector import detect
from bot.safety.resources import DEFAULT_LANGUAGE, NO_DETAIL, crisis_message, load_resources

logger = logging.getLogger(__name__)

RESOURCES_PATH = Path(__file__).resolve().parents[2] / "content" / "crisis_resources.yml"


@lru_cache(maxsize=1)
def _resources() -> dict[str, Any]:
    return load_resources(RESOURCES_PATH)


@lru_cache(maxsize=128)
def _message(
    category: str | None, country: str, detail: str = NO_DETAIL, language: str = DEFAULT_LANGUAGE
) -> str:
    return crisis_message(_resources(), country, category, detail, language)


def crisis_reply(text: str | None, country: str | None = None) -> tuple[str, str | None] | None:
    """(crisis message, category) when `text` signals danger, else None.

    Fails safe: if detection itself breaks, the full default crisis message is returned, because
    silence is the worse error for a message nobody else will answer.
    """
    country = country or environment().get("CRISIS_COUNTRY", "").strip() or "US"
    try:
        finding = detect(text or "")
    except Exception:  # any detector failure must fail safe, never silent
        logger.exception("crisis detection failed; sending the default crisis resources")
        return _message(None, country), None
    if finding is None:
        return None
    return _message(finding.category, country, finding.detail, finding.language), finding.category
