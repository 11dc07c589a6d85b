"""Safety measurements on tests/safety/corpus.yml: recall per category and the false-positive rate.

Measured through the trained model (REST channel) and through the detector alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import yaml

from bot.config import PROJECT_ROOT

CORPUS = PROJECT_ROOT / "tests" / "safety" / "corpus.yml"
CRISIS_RESPONSES = PROJECT_ROOT / "data" / "generated" / "crisis.yml"

Case = tuple[str, str]
"""(category or negative kind, message text)."""


def load_corpus(path: Path = CORPUS) -> tuple[list[Case], list[Case]]:
    """(crisis cases, hard negatives) of the safety corpus."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    crisis = [(category, str(t)) for category, texts in data["crisis"].items() for t in texts]
    negatives = [(kind, str(t)) for kind, texts in data["negatives"].items() for t in texts]
    return crisis, negatives


def crisis_texts(path: Path = CRISIS_RESPONSES) -> frozenset[str]:
    """Every variation of utter_crisis as rendered by `python -m ops.content`."""
    responses = yaml.safe_load(path.read_text(encoding="utf-8"))["responses"]
    return frozenset(str(v["text"]) for v in responses["utter_crisis"])


def is_crisis_reply(messages: Sequence[dict[str, Any]], crisis: frozenset[str]) -> bool:
    """Whether the first bot message of the turn is a crisis response (as the integration tests check)."""
    return bool(messages) and messages[0].get("text") in crisis


def crisis_reply_check(path: Path = CRISIS_RESPONSES) -> Callable[[Sequence[dict[str, Any]]], bool]:
    """`is_crisis_reply` with the crisis responses read once."""
    crisis = crisis_texts(path)
    return lambda messages: is_crisis_reply(messages, crisis)


def score(
    crisis_cases: Sequence[Case],
    negative_cases: Sequence[Case],
    flagged: Callable[[str], bool],
    progress: Callable[[Iterable[Case]], Iterable[Case]] = lambda cases: cases,
) -> dict[str, Any]:
    """Recall per category, false positives per kind, and every miss and false alarm with its text."""
    misses: list[Case] = []
    false_alarms: list[Case] = []
    for category, text in progress(list(crisis_cases)):
        if not flagged(text):
            misses.append((category, text))
    for kind, text in progress(list(negative_cases)):
        if flagged(text):
            false_alarms.append((kind, text))
    return summarise(crisis_cases, negative_cases, misses, false_alarms)


def summarise(
    crisis_cases: Sequence[Case],
    negative_cases: Sequence[Case],
    misses: Sequence[Case],
    false_alarms: Sequence[Case],
) -> dict[str, Any]:
    """The safety figures from the cases and which of them went wrong."""

    def per_group(cases: Sequence[Case], wrong: Sequence[Case]) -> dict[str, dict[str, int]]:
        groups: dict[str, dict[str, int]] = {}
        for group, _text in cases:
            groups.setdefault(group, {"total": 0, "wrong": 0})["total"] += 1
        for group, _text in wrong:
            groups[group]["wrong"] += 1
        return groups

    categories = per_group(crisis_cases, misses)
    kinds = per_group(negative_cases, false_alarms)
    return {
        "crisis_messages": len(crisis_cases),
        "recall": _rate(len(crisis_cases) - len(misses), len(crisis_cases)),
        "recall_per_category": {
            c: {"total": g["total"], "caught": g["total"] - g["wrong"],
                "recall": _rate(g["total"] - g["wrong"], g["total"])}
            for c, g in categories.items()
        },
        "negatives": len(negative_cases),
        "false_positive_rate": _rate(len(false_alarms), len(negative_cases)),
        "false_positives_per_kind": {
            k: {"total": g["total"], "flagged": g["wrong"], "rate": _rate(g["wrong"], g["total"])}
            for k, g in kinds.items()
        },
        "misses": [{"category": c, "text": t} for c, t in misses],
        "false_alarms": [{"kind": k, "text": t} for k, t in false_alarms],
    }


def detector_flags(text: str) -> bool:
    """The deterministic detector alone (bot.safety.detector.detect) finds a crisis."""
    from bot.safety.detector import detect

    return detect(text) is not None


def detector_category_accuracy(crisis_cases: Sequence[Case]) -> float | None:
    """Share of crisis messages the detector puts in the expected category."""
    from bot.safety.detector import detect

    right = 0
    for category, text in crisis_cases:
        finding = detect(text)
        right += bool(finding and finding.category == category)
    return _rate(right, len(crisis_cases))


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
