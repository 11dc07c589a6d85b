"""The last line of defence: crisis resources when the assistant itself did not answer.

A conversation handed to staff is paused, so Rasa records messages without replying; a failing Rasa
or action server may also leave a message unanswered. The channel layer then asks `crisis_reply`,
which decides as a normal turn does: the rules, the semantic classifier of the loaded model (when this
process has one) and, with `risk_on_record`, the cues that escalate after a disclosed risk
(bot.safety.decision). It returns the crisis message Rasa would have sent for the category, detail and
language (`bot.safety.resources.crisis_message`, the same function the responses are rendered from).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from bot.config import content_path, crisis_country
from bot.safety import resources, semantic
from bot.safety.decision import assess, score_message
from bot.safety.detector import analyse
from bot.safety.resources import DEFAULT_LANGUAGE, NO_DETAIL, crisis_message, load_resources

logger = logging.getLogger(__name__)

RESOURCES_PATH = content_path("crisis_resources.yml")


@lru_cache(maxsize=1)
def _resources() -> dict[str, Any]:
    return load_resources(RESOURCES_PATH)


@lru_cache(maxsize=16)
def helpline_text(key: str) -> str:
    """A sentence that quotes helplines in another reply (content/crisis_resources.yml `helpline_texts`).

    Filled from the file's default country, whose program directory those replies search; read once.
    """
    return resources.helpline_text(_resources(), key)


@lru_cache(maxsize=128)
def _message(
    category: str | None, country: str, detail: str = NO_DETAIL, language: str = DEFAULT_LANGUAGE
) -> str:
    return crisis_message(_resources(), country, category, detail, language)


def crisis_reply(
    text: str | None, country: str | None = None, *, risk_on_record: bool = False
) -> tuple[str, str | None] | None:
    """(crisis message, category) when `text` signals danger, else None.

    Fails safe: if detection itself breaks, the full default crisis message is returned, because
    silence is the worse error for a message nobody else will answer.
    """
    country = country or crisis_country()
    try:
        text = text or ""
        analysis = analyse(text)
        layer = semantic.active()
        scores, sentences = score_message(layer.score_texts, analysis, text) if layer else ([], [])
        thresholds = (layer.threshold, layer.cue_threshold) if layer else ()
        decision = assess(
            analysis, scores, *thresholds, sentence_scores=sentences, risk_on_record=risk_on_record
        )
    except Exception:  # any detector failure must fail safe, never silent
        logger.exception("crisis detection failed; sending the default crisis resources")
        return _message(None, country), None
    if not decision.concern:
        return None
    return _message(decision.category, country, decision.detail, decision.language), decision.category
