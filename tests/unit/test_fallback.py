"""The first fallback stage picks the closest labelled topics, best first, without repeats."""

from __future__ import annotations

from bot.fallback import closest_topics, faq_confidence, faq_selection
from bot.faq import Button as Suggestion

LABELS = {
    "cost": Suggestion("Cost", "How much does IOP cost?"),
    "insurance": Suggestion("Insurance", "Does insurance cover IOP?"),
    "schedule": Suggestion("Schedule", "How many hours a week is IOP?"),
    "duration": Suggestion("Duration", "How long does IOP last?"),
}


def ranking(*pairs: tuple[str, float]) -> list[dict[str, object]]:
    return [{"intent_response_key": f"faq/{topic}", "confidence": c} for topic, c in pairs]


def test_best_three_in_confidence_order() -> None:
    got = closest_topics(
        ranking(("schedule", 0.1), ("cost", 0.5), ("duration", 0.08), ("insurance", 0.3)), LABELS
    )
    assert [s.title for s in got] == ["Cost", "Insurance", "Schedule"]


def test_noise_below_the_threshold_is_not_offered() -> None:
    assert closest_topics(ranking(("cost", 0.04), ("insurance", 0.01)), LABELS) == []


def test_topics_without_a_label_are_skipped() -> None:
    got = closest_topics(ranking(("unknown", 0.9), ("cost", 0.2)), LABELS)
    assert got == [LABELS["cost"]]


def test_limit_and_duplicates() -> None:
    got = closest_topics(ranking(("cost", 0.5), ("cost", 0.4), ("insurance", 0.3)), LABELS, limit=1)
    assert got == [LABELS["cost"]]


def test_the_selectors_confidence_in_a_parsed_message() -> None:
    chosen = {"response": {"intent_response_key": "faq/cost", "confidence": 0.93}, "ranking": []}
    assert faq_confidence({"response_selector": {"faq": chosen}}) == 0.93
    assert faq_selection({"response_selector": {"faq": chosen}}) == chosen
    assert faq_confidence({"response_selector": {"faq": {"response": {"confidence": "high"}}}}) == 0.0
    assert faq_confidence({"response_selector": None}) == 0.0
    assert faq_confidence(None) == 0.0
    assert faq_selection({}) == {}
