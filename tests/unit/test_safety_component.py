"""SafetyDetector NLU component: escalates, vetoes idioms, otherwise leaves the classifier alone."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.rasa


def _message(text: str, ranking: list[tuple[str, float]]) -> Any:
    from rasa.shared.nlu.training_data.message import Message

    intents = [{"name": name, "confidence": conf} for name, conf in ranking]
    return Message(data={"text": text, "intent": dict(intents[0]), "intent_ranking": intents, "entities": []})


def _process(message: Any) -> Any:
    from components.safety_detector import SafetyDetector

    (out,) = SafetyDetector({}, "SafetyDetector").process([message])
    return out


def test_detector_overrides_the_classifier_and_adds_the_category() -> None:
    out = _process(_message("ugh I took too many pills", [("faq", 0.8), ("crisis", 0.1), ("greet", 0.1)]))
    assert out.get("intent") == {"name": "crisis", "confidence": 1.0}
    assert [i["name"] for i in out.get("intent_ranking")] == ["crisis", "faq", "greet"]
    (entity,) = out.get("entities")
    assert entity["entity"] == "crisis_category" and entity["value"] == "overdose"
    assert entity["extractor"] == "SafetyDetector"
    assert "ugh I took too many pills"[entity["start"] : entity["end"]] == "took too many pills"


def test_idiom_demotes_a_crisis_prediction_to_the_next_intent() -> None:
    out = _process(_message("this commute is killing me", [("crisis", 0.5), ("faq", 0.46), ("greet", 0.04)]))
    assert out.get("intent") == {"name": "faq", "confidence": 0.46}
    assert [i["name"] for i in out.get("intent_ranking")] == ["faq", "greet"]
    assert out.get("entities") == []


def test_a_demoted_message_with_a_weak_next_intent_becomes_a_fallback() -> None:
    out = _process(_message("this commute is killing me", [("crisis", 0.7), ("faq", 0.2), ("greet", 0.1)]))
    assert out.get("intent") == {"name": "nlu_fallback", "confidence": 0.45}


def test_an_unsure_classifier_only_crisis_is_not_escalated() -> None:
    out = _process(_message("the kids are a lot today", [("crisis", 0.8), ("share_feelings", 0.2)]))
    assert out.get("intent") == {"name": "nlu_fallback", "confidence": 0.45}


def test_unrecognised_text_keeps_the_classifier_crisis_prediction() -> None:
    out = _process(_message("everything feels heavy and dark", [("crisis", 0.9), ("faq", 0.1)]))
    assert out.get("intent") == {"name": "crisis", "confidence": 0.9}


def test_non_crisis_prediction_is_left_alone() -> None:
    out = _process(_message("how much does it cost", [("faq", 0.9), ("crisis", 0.1)]))
    assert out.get("intent") == {"name": "faq", "confidence": 0.9}
    assert [i["name"] for i in out.get("intent_ranking")] == ["faq", "crisis"]
