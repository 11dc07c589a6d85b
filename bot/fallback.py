"""The first stage of the fallback: offer the FAQ topics closest to an unclear message.

Also the one reader of the response selector's output for the `faq` retrieval intent, which Rasa adds to
every parsed message: `ranking` (topics with confidences), which the suggestions use, and `response`
(the chosen topic), whose confidence lets the dialogue policy answer a question the classifier did not
place.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from bot.faq import Button


def faq_selection(parse_data: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The response selector's output for the `faq` retrieval intent of a parsed message ({} if none)."""
    return ((parse_data or {}).get("response_selector") or {}).get("faq") or {}


def faq_confidence(parse_data: Mapping[str, Any] | None) -> float:
    """The response selector's confidence in the FAQ topic it chose (0 when absent or malformed)."""
    try:
        return float((faq_selection(parse_data).get("response") or {}).get("confidence") or 0.0)
    except (TypeError, ValueError):
        return 0.0


MIN_CONFIDENCE = 0.05  # below this a topic is noise, not a guess worth showing
MAX_SUGGESTIONS = 3


def closest_topics(
    ranking: Sequence[Mapping[str, Any]],
    labels: Mapping[str, Button],
    limit: int = MAX_SUGGESTIONS,
    min_confidence: float = MIN_CONFIDENCE,
) -> list[Button]:
    """The best `limit` distinct topics of a response-selector ranking that have a label.

    `ranking` items look like {"intent_response_key": "faq/cost", "confidence": 0.41}.
    """
    suggestions: list[Button] = []
    seen: set[str] = set()
    for item in sorted(ranking, key=lambda entry: -float(entry.get("confidence", 0.0))):
        key = str(item.get("intent_response_key", ""))
        topic = key.split("/", 1)[1] if "/" in key else key
        if float(item.get("confidence", 0.0)) < min_confidence or topic in seen:
            continue
        label = labels.get(topic)
        if label is None:
            continue
        seen.add(topic)
        suggestions.append(label)
        if len(suggestions) == limit:
            break
    return suggestions
