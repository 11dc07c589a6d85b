"""The Rasa component adds normalized preference entities and replaces overlapping DIET ones."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.rasa


def test_component_adds_entities_and_replaces_overlaps() -> None:
    from rasa.shared.nlu.training_data.message import Message

    from components.preference_extractor import PreferenceExtractor

    text = "evening groups near 10001, I have blue cross"
    diet = {
        "entity": "insurance",
        "start": 36,
        "end": 46,
        "value": "blue cross",
        "extractor": "DIETClassifier",
    }
    other = {"entity": "crisis_category", "start": 0, "end": 7, "value": "x", "extractor": "DIETClassifier"}
    message = Message(data={"text": text, "entities": [diet, other]})
    (out,) = PreferenceExtractor().process([message])
    entities = {
        (e["entity"], e["value"], text[e["start"] : e["end"]], e["extractor"]) for e in out.get("entities")
    }
    assert entities == {
        ("crisis_category", "x", "evening", "DIETClassifier"),
        ("schedule_slot", "evening", "evening", "PreferenceExtractor"),
        ("zip_code", "10001", "10001", "PreferenceExtractor"),
        ("insurance", "bcbs", "blue cross", "PreferenceExtractor"),
    }


def test_component_leaves_messages_without_preferences_alone() -> None:
    from rasa.shared.nlu.training_data.message import Message

    from components.preference_extractor import PreferenceExtractor

    message = Message(data={"text": "hello there"})
    (out,) = PreferenceExtractor().process([message])
    assert out.get("entities") is None
